package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.ingest.FrameProducer;
import picocli.CommandLine;

class ProduceConsumeCommandTest {

    @Test
    void subcommandsAreRegisteredAndHelpWorks() {
        for (String sub : new String[] {"produce", "consume"}) {
            StringWriter sw = new StringWriter();
            CommandLine cl = new CommandLine(new VisionStreamsCli());
            cl.setOut(new PrintWriter(sw));
            assertEquals(0, cl.execute(sub, "--help"));
            assertTrue(sw.toString().contains("--bootstrap-servers"), sw.toString());
        }
    }

    @Test
    void produceWithoutInputIsAUsageError() {
        assertEquals(2, new CommandLine(new VisionStreamsCli()).execute("produce", "--bootstrap-servers", "localhost:1"));
    }

    @Test
    void progressLineShowsBarAndEtaWhenTotalKnown() {
        FrameProducer.Result r = new FrameProducer.Result(50, 50, 0, 0, 5_000_000, Map.of(), 2_000_000_000L);
        String line = ProduceCommand.ProgressLine.render(new FrameProducer.Progress(50, r, OptionalLong.of(100)));
        assertTrue(line.startsWith("[############............] 50/100"), line);
        assertTrue(line.contains("25.0 fps") && line.contains("2.50 MB/s") && line.contains("ETA 0:02"), line);
        String open = ProduceCommand.ProgressLine.render(new FrameProducer.Progress(50, r, OptionalLong.empty()));
        assertTrue(open.startsWith("50 frames"), open);
    }

    @Test
    void annotatorJoinsFramesAndDetectionsInEitherOrder(@TempDir Path dir) throws Exception {
        AnnotatedFrameWriter w = new AnnotatedFrameWriter(dir, 4);
        byte[] png = new io.visionstreams.ingest.SyntheticCamera(io.visionstreams.ingest.SyntheticCamera.Options.defaults()
                .withSize(64, 64).withEncoding(io.visionstreams.schema.FrameEncoding.PNG)).frame(0).data();
        var frame = RecordFormatterTest.frame();
        frame.setData(java.nio.ByteBuffer.wrap(png));
        w.onDetections(RecordFormatterTest.detections()); // detections first: buffered
        assertEquals(0, w.written());
        w.onFrame(frame);
        assertEquals(1, w.written());
        assertTrue(Files.size(dir.resolve("cam-1-42.jpg")) > 0);
    }
}
