package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TaskCpuTest {

    @Test
    void parsesNameAndUserPlusSystemTicksEvenWithSpacesAndParenthesesInTheName() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String line = "4242 (C2 CompilerThre) S 1 1 1 0 -1 4194368 10 0 0 0 1234 56 0 0 20 0 40 0 100";
        assertEquals(new TaskCpu.Task("C2 CompilerThre", 1290), TaskCpu.parseStat(line));
        String odd = "7 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 3 4 0 0";
        assertEquals(new TaskCpu.Task("a) b (c)", 7), TaskCpu.parseStat(odd));
    }

    @Test
    void groupsDropOnlyTheTrailingInstanceNumber() {
        assertEquals("GC Thread", TaskCpu.group("GC Thread#3"));
        assertEquals("G1 Conc", TaskCpu.group("G1 Conc#0"));
        assertEquals("C2 CompilerThre", TaskCpu.group("C2 CompilerThre"));
        assertEquals("C1 CompilerThre", TaskCpu.group("C1 CompilerThre"));
        assertEquals("batcher-detecto", TaskCpu.group("batcher-detecto"));
        assertEquals("StreamThread", TaskCpu.group("StreamThread-12"));
    }

    @Test
    void perFrameMillisecondsFromTickDifferencesWithNewThreadsFromZero() {
        Map<Long, TaskCpu.Task> before = Map.of(1L, new TaskCpu.Task("GC Thread#0", 100), 2L, new TaskCpu.Task("GC Thread#1", 50));
        Map<Long, TaskCpu.Task> after = Map.of(1L, new TaskCpu.Task("GC Thread#0", 110), 2L, new TaskCpu.Task("GC Thread#1", 60),
                3L, new TaskCpu.Task("java", 5));
        Map<String, Double> ms = TaskCpu.msPerFrameByGroup(before, after, 10, 100);
        assertEquals(20.0, ms.get("GC Thread"), 1e-9); // 20 ticks = 200 ms over 10 frames
        assertEquals(5.0, ms.get("java"), 1e-9);
        assertEquals(2, ms.size());
    }

    @Test
    void thisProcessHasThreadsWhereProcExists() {
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
            assertEquals(true, TaskCpu.snapshot().size() > 1);
        }
    }
}
