package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.schema.FrameEncoding;
import picocli.CommandLine;

/** {@code stylize}: one file in, one stylised file of the same size out; bad style requests are usage errors. */
class StylizeCommandTest {

    @TempDir
    Path tmp;

    private String[] run(String... args) {
        CommandLine cl = VisionStreamsCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int rc = cl.execute(args);
        return new String[] {String.valueOf(rc), err.toString()};
    }

    @Test
    void writesAStylisedImageOfTheSameSizeInTheFormatOfItsExtension() throws Exception {
        Path in = tmp.resolve("in.jpg");
        Files.write(in, new SyntheticCamera(75, 66, 4L).frame(0).data());
        Path out = tmp.resolve("sub/out.png");
        String[] r = run("stylize", "--runtime", "cpu", "--image", in.toString(), "--weights", "starry_night=1,fruits=1",
                "--out", out.toString());
        assertEquals("0", r[0], r[1]);
        byte[] png = Files.readAllBytes(out);
        assertEquals(FrameEncoding.PNG, ImageCodec.sniff(png));
        Image img = ImageCodec.read(out);
        assertEquals(75, img.width());
        assertEquals(66, img.height());
    }

    @Test
    void unknownStyleAndStyleWithWeightsAreUsageErrors() throws Exception {
        Path in = tmp.resolve("in.jpg");
        Files.write(in, new SyntheticCamera(64, 64, 4L).frame(0).data());
        String[] r = run("stylize", "--runtime", "cpu", "--image", in.toString(), "--style", "picasso",
                "--out", tmp.resolve("o.jpg").toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("picasso") && r[1].contains("starry_night"), r[1]);
        assertFalse(r[1].contains("\tat "), r[1]);
        String[] both = run("stylize", "--image", in.toString(), "--style", "fruits", "--weights", "fruits=1",
                "--out", tmp.resolve("o.jpg").toString());
        assertEquals("2", both[0]);
        assertFalse(Files.exists(tmp.resolve("o.jpg")));
    }
}
