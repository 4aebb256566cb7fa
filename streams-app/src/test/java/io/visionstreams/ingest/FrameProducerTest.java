package io.visionstreams.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;

class FrameProducerTest {

    private static MockProducer<String, Frame> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), VisionSerdes.frame().serializer());
    }

    private static EncodedFrame frame(int bytes) {
        return new EncodedFrame("f", FrameEncoding.JPEG, 4, 3, new byte[bytes]);
    }

    @Test
    void rateControlHoldsTheTargetRate() {
        MockProducer<String, Frame> mock = mock(true);
        FrameProducer.Result r;
        long t0 = System.nanoTime();
        try (FrameProducer p = new FrameProducer(mock, new FrameProducer.Options("frames", "cam", 50, 1 << 20))) {
            try (SyntheticCamera cam = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(64, 64).withFrames(20))) {
                r = p.sendAll(cam, 0, null);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // 20 frames at 50/s: the last is due 19/50 = 0.38 s after the first
        assertTrue(seconds >= 0.35, "20 frames at 50 fps took only " + seconds + " s");
        assertEquals(20, r.sent());
        assertEquals(20, r.acknowledged());
        assertEquals(20, mock.history().size());
    }

    @Test
    void recordsCarrySourceKeySequenceTimestampAndMetadata() {
        MockProducer<String, Frame> mock = mock(true);
        Instant t = Instant.parse("2024-05-01T10:00:00.123Z");
        try (FrameProducer p = new FrameProducer(mock, new FrameProducer.Options("frames-x", "cam-7", 0, 1000, 100),
                Clock.fixed(t, ZoneOffset.UTC))) {
            p.send(new EncodedFrame("a.jpg", FrameEncoding.PNG, 30, 20, new byte[] {1, 2, 3}, java.util.Map.of("k", "v")));
            p.send(frame(5));
        }
        List<ProducerRecord<String, Frame>> h = mock.history();
        assertEquals(2, h.size());
        ProducerRecord<String, Frame> first = h.get(0);
        assertEquals("frames-x", first.topic());
        assertEquals("cam-7", first.key());
        assertEquals("cam-7", first.value().getSourceId());
        assertEquals(100, first.value().getSequence());
        assertEquals(101, h.get(1).value().getSequence());
        assertEquals(t, first.value().getCaptureTimestamp());
        assertEquals(FrameEncoding.PNG, first.value().getEncoding());
        assertEquals(30, first.value().getWidth());
        assertEquals(3, first.value().getData().remaining());
        assertEquals("v", first.value().getMetadata().get("k"));
        assertEquals("a.jpg", first.value().getMetadata().get("name"));
        assertTrue(mock.closed());
    }

    @Test
    void oversizeFramesAreCountedNotSentAndDoNotConsumeSequenceNumbers() {
        MockProducer<String, Frame> mock = mock(true);
        FrameProducer.Result r;
        try (FrameProducer p = new FrameProducer(mock, new FrameProducer.Options("frames", "cam", 0, 100))) {
            assertTrue(p.send(frame(100)));
            assertFalse(p.send(frame(101)));
            assertTrue(p.send(frame(10)));
            p.flush();
            r = p.result();
        }
        assertEquals(2, r.sent());
        assertEquals(2, r.acknowledged());
        assertEquals(1, r.failed());
        assertEquals(1, r.rejectedOversize());
        assertEquals(1L, r.failureReasons().get(FrameProducer.OVERSIZE));
        assertEquals(110, r.bytesSent());
        assertEquals(List.of(0L, 1L), mock.history().stream().map(x -> x.value().getSequence()).toList());
    }

    @Test
    void brokerErrorsAreCountedWithReason() {
        MockProducer<String, Frame> mock = mock(false);
        try (FrameProducer p = new FrameProducer(mock, new FrameProducer.Options("frames", "cam", 0, 1000))) {
            for (int i = 0; i < 3; i++) {
                p.send(frame(10));
            }
            assertEquals(3, p.result().pending());
            assertTrue(mock.completeNext());
            assertTrue(mock.errorNext(new RecordTooLargeException("too big")));
            assertTrue(mock.completeNext());
            FrameProducer.Result r = p.result();
            assertEquals(3, r.sent());
            assertEquals(2, r.acknowledged());
            assertEquals(1, r.failed());
            assertEquals(0, r.rejectedOversize());
            assertEquals(0, r.pending());
            assertEquals(1L, r.failureReasons().get("RecordTooLargeException: too big"));
        }
    }

    @Test
    void sendAllHonoursLimitAndReportsProgress() {
        MockProducer<String, Frame> mock = mock(true);
        List<FrameProducer.Progress> progress = new ArrayList<>();
        try (FrameProducer p = new FrameProducer(mock, new FrameProducer.Options("frames", "cam", 0, 1 << 20));
             SyntheticCamera cam = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(64, 64))) {
            FrameProducer.Result r = p.sendAll(cam, 3, progress::add);
            assertEquals(3, r.sent());
            assertEquals(3, r.acknowledged());
            assertTrue(cam.hasNext(), "an endless source is left open for the caller");
        }
        assertEquals(4, progress.size()); // one per frame, one after the flush
        assertEquals(3L, progress.get(0).expectedFrames().getAsLong());
        assertEquals(2, progress.get(1).offered());
        assertEquals(3, progress.get(3).counts().acknowledged());
    }
}
