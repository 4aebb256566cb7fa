package io.visionstreams.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.schema.Calibration;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;
import picocli.CommandLine;

class StereoPairProducerTest {

    @Test
    void foldersAreZippedInFileNameOrderWithTheGivenCalibration(@TempDir Path dir) throws Exception {
        SyntheticStereoRig rig = new SyntheticStereoRig(64, 32, 4, 1L);
        Path l = Files.createDirectories(dir.resolve("left"));
        Path r = Files.createDirectories(dir.resolve("right"));
        for (int i = 0; i < 3; i++) {
            Image[] lr = rig.images(i);
            Files.write(l.resolve("00" + i + ".png"), ImageCodec.encodePng(lr[0]));
            Files.write(r.resolve("00" + i + ".png"), ImageCodec.encodePng(lr[1]));
        }
        MockProducer<String, StereoPair> mock = new MockProducer<>(true, null, new StringSerializer(),
                VisionSerdes.stereoPair().serializer());
        Calibration c = Calibration.newBuilder().setFocalLengthPx(700).setBaselineM(0.5).setRectified(true).build();
        try (StereoPairProducer p = new StereoPairProducer(mock, "stereo-pairs", "rig-9", 0);
             ImageFileSource left = new ImageFileSource(List.of(l), false, false);
             ImageFileSource right = new ImageFileSource(List.of(r), false, false)) {
            StereoPairProducer.Result res = p.sendAll(left, right, c, 0);
            assertEquals(3, res.sent());
            assertEquals(0, res.failed());
        }
        List<ProducerRecord<String, StereoPair>> sent = mock.history();
        assertEquals(3, sent.size());
        for (int i = 0; i < 3; i++) {
            StereoPair p = sent.get(i).value();
            assertEquals("rig-9", sent.get(i).key());
            assertEquals(i, p.getSequence());
            assertEquals(FrameEncoding.PNG, p.getLeft().getEncoding());
            assertEquals(64, p.getLeft().getWidth());
            assertEquals("00" + i + ".png", p.getRight().getMetadata().get("file"));
            assertEquals(c, p.getCalibration());
        }
    }

    @Test
    void stereoWithoutInputsIsAUsageError() {
        CommandLine cl = new CommandLine(new io.visionstreams.cli.VisionStreamsCli());
        assertEquals(2, cl.execute("produce", "--bootstrap-servers", "localhost:1", "--stereo"));
        assertEquals(2, cl.execute("produce", "--bootstrap-servers", "localhost:1", "--stereo", "--left", "a"));
    }

    @Test
    void syntheticRigMatchesItsOwnGroundTruth() {
        SyntheticStereoRig rig = new SyntheticStereoRig(64, 32, 4, 2L);
        Image[] lr = rig.images(0);
        // every left pixel equals the right pixel d to its left, where that pixel is visible
        int w = 64;
        int agree = 0;
        int total = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 8; x < w; x++) {
                int d = rig.trueDisparity(x, y);
                total++;
                if (lr[0].pixels()[y * w + x] == lr[1].pixels()[y * w + x - d]) {
                    agree++;
                }
            }
        }
        assertTrue(agree > 0.95 * total, agree + " of " + total);
    }
}
