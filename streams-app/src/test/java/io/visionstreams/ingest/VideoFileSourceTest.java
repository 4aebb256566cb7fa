package io.visionstreams.ingest;

import io.visionstreams.imaging.ImageCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.visionstreams.schema.FrameEncoding;

class VideoFileSourceTest {

    @Test
    void firstFramesOfVtestAreJpegs768x576() throws Exception {
        Path video = TestData.sharedFile("video/vtest.avi");
        try (VideoFileSource src = new VideoFileSource(video, 80, 2, false)) {
            for (int i = 0; i < 5; i++) {
                assertTrue(src.hasNext());
                EncodedFrame f = src.next();
                assertEquals(FrameEncoding.JPEG, f.encoding());
                assertEquals(768, f.width());
                assertEquals(576, f.height());
                // what the producer sends must agree with what the bytes say
                ImageCodec.HeaderInfo info = ImageCodec.header(f.data());
                assertEquals(FrameEncoding.JPEG, info.encoding());
                assertEquals(768, info.width());
                assertEquals(576, info.height());
                assertEquals(Long.toString(2L * i), f.metadata().get("frameIndex"));
            }
        }
    }

    @Test
    void missingFileIsRejected() {
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> new VideoFileSource(Path.of("does-not-exist.avi"), 90));
    }

    @Test
    void lowerQualityGivesSmallerFrames() {
        Path video = TestData.sharedFile("video/vtest.avi");
        int hi;
        int lo;
        try (VideoFileSource a = new VideoFileSource(video, 95)) {
            hi = a.next().data().length;
        }
        try (VideoFileSource b = new VideoFileSource(video, 20)) {
            lo = b.next().data().length;
        }
        assertFalse(lo >= hi, "quality 20 (" + lo + " B) should be smaller than quality 95 (" + hi + " B)");
    }
}
