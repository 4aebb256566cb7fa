package io.visionstreams.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every thread of this process as Linux counts it ({@code /proc/self/task/<tid>/stat}), with the
 * thread's name. Unlike ThreadMXBean this covers threads that are not Java threads (garbage collector
 * workers, JIT compilers, ONNX Runtime's pool, OpenCV's), so the bench can say where the "native" share of
 * process CPU goes. Empty where /proc is not there.
 */
final class TaskCpu {

    /** One thread: its name as the kernel has it (15 characters at most) and user+system clock ticks. */
    record Task(String name, long ticks) {
    }

    private TaskCpu() {
    }

    /** Thread id → name and ticks, now. */
    static Map<Long, Task> snapshot() {
        Map<Long, Task> out = new HashMap<>();
        Path dir = Path.of("/proc/self/task");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                try {
                    Task t = parseStat(Files.readString(p.resolve("stat")));
                    if (t != null) {
                        out.put(Long.parseLong(p.getFileName().toString()), t);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is lost either way
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Parses one {@code stat} line: {@code pid (comm) state ppid ...}, utime and stime being fields 14 and 15.
     * The name may itself contain spaces and parentheses, so it is everything between the first '(' and the
     * last ')'.
     */
    static Task parseStat(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String name = line.substring(open + 1, close);
        String[] rest = line.substring(close + 2).trim().split(" +");
        // rest[0] is field 3 (state), so field k is rest[k - 3]
        return new Task(name, Long.parseLong(rest[11]) + Long.parseLong(rest[12]));
    }

    /**
     * A thread's group: its name without a trailing instance number ("GC Thread#3" → "GC Thread", "G1 Conc#0" →
     * "G1 Conc", "StreamThread-12" → "StreamThread"), so C1 and C2 compiler threads stay apart.
     */
    static String group(String name) {
        String g = name.replaceAll("[#\\-_ ]*[0-9]+$", "").trim();
        return g.isEmpty() ? "(unnamed)" : g;
    }

    /** Milliseconds per frame by group between two snapshots; threads started in between count from zero. */
    static Map<String, Double> msPerFrameByGroup(Map<Long, Task> before, Map<Long, Task> after, int frames,
                                                  long ticksPerSecond) {
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<Long, Task> e : after.entrySet()) {
            Task b = before.get(e.getKey());
            long d = e.getValue().ticks() - (b == null ? 0 : b.ticks());
            if (d > 0) {
                out.merge(group(e.getValue().name()), d * 1000.0 / ticksPerSecond / frames, Double::sum);
            }
        }
        return out;
    }
}
