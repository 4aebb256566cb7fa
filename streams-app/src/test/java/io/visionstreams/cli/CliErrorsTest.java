package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** Failures the user can act on read as one line, without a Java stack trace. */
class CliErrorsTest {

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
    void missingInputFileIsOneClearLine() {
        String missing = tmp.resolve("nope.png").toString();
        String[] r = run("stereo", "--left", missing, "--right", missing, "--max-disparity", "16",
                "--out", tmp.resolve("d.png").toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("error:"), r[1]);
        assertTrue(r[1].contains("nope.png"), r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace expected:\n" + r[1]);
    }

    @Test
    void unknownRuntimeIsOneClearLine() {
        String[] r = run("detect", "--image", tmp.resolve("x.jpg").toString(), "--runtime", "quantum");
        assertEquals("1", r[0]);
        assertFalse(r[1].contains("\tat "), "no stack trace expected:\n" + r[1]);
        assertTrue(r[1].startsWith("error:") || r[1].contains("\nerror:") || r[1].contains("error:"), r[1]);
    }

    @Test
    void followingReleasesWithoutTrustedKeysIsRefused() throws Exception {
        Path config = java.nio.file.Files.writeString(tmp.resolve("client.properties"), "bootstrap.servers=localhost:1\n");
        String[] r = run("run", "--config", config.toString(), "--follow-releases", "--release-store", tmp.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("--trusted-keys"), r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace expected:\n" + r[1]);
    }

    @Test
    void followingReleasesWithoutAStoreIsRefused() throws Exception {
        Path config = java.nio.file.Files.writeString(tmp.resolve("client.properties"), "bootstrap.servers=localhost:1\n");
        String[] r = run("run", "--config", config.toString(), "--follow-releases", "--trusted-keys", tmp.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("--release-store"), r[1]);
    }
}
