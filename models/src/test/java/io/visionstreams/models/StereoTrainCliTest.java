package io.visionstreams.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code train stereo --stop-after} writes a checkpoint and no zoo entry; a corrupt checkpoint, one of another net
 * and one of other options are each refused with one {@code error:} line (tiny pairs, a few steps).
 */
class StereoTrainCliTest {

    /** Exit code and what the command printed as its error. */
    private record Run(int exit, String err) {
    }

    private static Run run(List<String> args) {
        StringWriter err = new StringWriter();
        CommandLine cl = TrainerCli.commandLine().setExecutionExceptionHandler(TrainerCli::plainError);
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, err.toString());
    }

    /** The tiny run's options, with {@code changes} (option, value, ...) replacing or adding to them. */
    private static List<String> tinyRun(Path images, Path out, String... changes) {
        java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
        String[] base = {"--images", images.toString(), "--out", out.toString(), "--width", "64", "--height", "40",
                "--max-disparity", "8", "--layers", "2", "--channels", "4", "--features", "4", "--val-pairs", "1",
                "--steps", "4", "--eval-every", "2", "--samples", "16", "--neg-offset", "4", "--pool", "2",
                "--threads", "1"};
        for (int i = 0; i < base.length; i += 2) {
            o.put(base[i], base[i + 1]);
        }
        for (int i = 0; i < changes.length; i += 2) {
            o.put(changes[i], changes[i + 1]);
        }
        List<String> a = new ArrayList<>(List.of("train", "stereo"));
        o.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        return a;
    }

    private static void assertOneErrorLine(Run r, String mentions) {
        System.out.print(r.err());
        assertEquals(2, r.exit(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains(mentions), r.err());
    }

    @Test
    void stopAfterThenRefusesCheckpointsItCannotResume(@TempDir Path dir) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("mvnw"))) {
            root = root.getParent();
        }
        assumeTrue(root != null);
        Path shared = root.resolve("../shared/data/images").normalize();
        assumeTrue(Files.isDirectory(shared), "shared images absent");
        // a few photos: the split keeps both sides non-empty, and the generator loads quickly
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String f : List.of("baboon.jpg", "building.jpg", "fruits.jpg", "home.jpg", "butterfly.jpg", "messi5.jpg",
                "apple.jpg", "orange.jpg", "board.jpg", "stuff.jpg")) {
            if (Files.exists(shared.resolve(f))) {
                Files.copy(shared.resolve(f), images.resolve(f));
            }
        }
        Path out = dir.resolve("out");
        Run stopped = run(tinyRun(images, out, "--stop-after", "2"));
        assertEquals(0, stopped.exit(), stopped.err());
        Path ckpt = out.resolve("checkpoints/last.ckpt");
        assertTrue(Files.isRegularFile(ckpt));
        assertFalse(Files.exists(out.resolve("model.onnx")), "no zoo entry after --stop-after");

        Path corrupt = dir.resolve("corrupt.ckpt");
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertOneErrorLine(run(tinyRun(images, dir.resolve("a"), "--resume", corrupt.toString())), "corrupt");
        assertOneErrorLine(run(tinyRun(images, dir.resolve("b"), "--resume", ckpt.toString(), "--layers", "3")),
                "not of 'stereo:L3C4F4'");
        assertOneErrorLine(run(tinyRun(images, dir.resolve("c"), "--resume", ckpt.toString(), "--margin", "0.3")),
                "margin=0.3");
        assertOneErrorLine(run(tinyRun(images, dir.resolve("d"), "--resume", ckpt.resolveSibling("best.pt").toString())),
                "weights only");
    }
}
