package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** The bench's options; the bench itself is a command, not a timed test. */
class BenchCommandTest {

    @Test
    void anUnknownBrokerPlacementIsAUsageErrorBeforeAnythingStarts() {
        CommandLine cl = VisionStreamsCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int rc = cl.execute("bench", "detection", "--broker", "remote");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("--broker 'remote'"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }

    @Test
    void theBrokerStaysInProcessUnlessAskedAndTheChildGetsItsOwnHeap() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("detection");
        assertEquals("in-process", bench.broker);
        assertFalse(bench.childBroker());
        new CommandLine(bench).parseArgs("detection", "--broker", "child", "--broker-java-opts", "-Xmx512m -XX:+UseSerialGC");
        assertTrue(bench.childBroker());
        assertEquals("-Xmx512m -XX:+UseSerialGC", bench.brokerJavaOpts);
    }
}
