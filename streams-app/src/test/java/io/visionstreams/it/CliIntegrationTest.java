package io.visionstreams.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.cli.VisionStreamsCli;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;

/** The CLI's Kafka commands against a real broker, as a user runs them. */
class CliIntegrationTest {

    static EmbeddedKafkaCluster kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES), true);
        Properties client = PipelineHarness.client(kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, List.of(new TopicAdmin.TopicSpec("cli-frames", 2, false),
                    new TopicAdmin.TopicSpec("cli-files", 1, false)), (short) 1, KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES);
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Runs the CLI in-process, capturing stdout. */
    static Run cli(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            code = VisionStreamsCli.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        return new Run(code, buf.toString(StandardCharsets.UTF_8));
    }

    record Run(int exitCode, String out) {
    }

    @Test
    void produceSyntheticFramesThenConsumeThemBack() throws Exception {
        Run p = cli("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "cli-frames", "--synthetic",
                "--limit", "6", "--width", "160", "--height", "120", "--no-progress");
        assertEquals(0, p.exitCode());
        Run c = cli("consume", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "cli-frames", "--from-beginning",
                "--max", "6", "--timeout", "20");
        assertEquals(0, c.exitCode(), c.out());
        List<String> lines = c.out().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(6, lines.size(), c.out());
        assertTrue(lines.get(0).contains("Frame"), lines.get(0));
        Run j = cli("consume", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "cli-frames", "--from-beginning",
                "--max", "2", "--timeout", "20", "--json");
        assertTrue(j.out().lines().allMatch(l -> l.isBlank() || l.startsWith("{")), j.out());
    }

    @Test
    void produceAFolderOfImages() throws Exception {
        SyntheticCamera cam = new SyntheticCamera(160, 120, 7);
        for (int i = 0; i < 3; i++) {
            Files.write(tmp.resolve("img-" + i + ".jpg"), cam.frame(i).data());
        }
        Run p = cli("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "cli-files", "--no-progress",
                tmp.toString());
        assertEquals(0, p.exitCode());
        Run c = cli("consume", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "cli-files", "--from-beginning",
                "--max", "3", "--timeout", "20");
        assertEquals(3, c.out().lines().filter(l -> l.contains("JPEG")).count(), c.out());
    }

    @Test
    void demoRunsEndToEndAndAccountsForEveryFrame() throws Exception {
        Run d = cli("demo", "--duration", "4", "--fps", "8", "--width", "320", "--height", "240", "--bad-every", "10");
        assertEquals(0, d.exitCode(), d.out());
        assertTrue(d.out().contains("every frame accounted for"), d.out());
        assertTrue(d.out().contains("dead letters by reason: {"), d.out());
        assertTrue(d.out().lines().anyMatch(l -> l.startsWith("topic dead-letter")), d.out());
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String cmd : List.of("demo", "run", "produce", "consume", "detect", "bench", "keygen", "publish")) {
            Run r = cli(cmd, "--help");
            assertEquals(0, r.exitCode(), cmd);
            assertTrue(r.out().contains("Usage:"), cmd + ": " + r.out());
        }
    }

}
