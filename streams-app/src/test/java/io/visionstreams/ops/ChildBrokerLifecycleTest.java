package io.visionstreams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ChildBrokerLifecycleTest {

    private static final List<String> SMALL_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

    @Test
    void servesARoundTripFromAnotherJvmAndEndsOnClose() throws Exception {
        ProcessHandle child;
        try (ChildKafkaBroker broker = ChildKafkaBroker.start(1 << 20, SMALL_JVM, Duration.ofSeconds(90))) {
            child = broker.process();
            assertNotEquals(ProcessHandle.current().pid(), child.pid());
            assertEquals(Optional.of(ProcessHandle.current().pid()), child.parent().map(ProcessHandle::pid));
            Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic("round-trip", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("round-trip", "k", "hello from the parent")).get(30, TimeUnit.SECONDS);
            }
            Properties c = new Properties();
            c.putAll(client);
            c.put("group.id", "round-trip-test");
            c.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("round-trip"));
                String got = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (got == null && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> rs = consumer.poll(Duration.ofMillis(200));
                    if (!rs.isEmpty()) {
                        got = rs.iterator().next().value();
                    }
                }
                assertEquals("hello from the parent", got);
            }
            assertTrue(broker.cpuNanos() > 0, "the child's CPU time is readable");
        }
        assertFalse(child.isAlive(), "close() waits until the child has ended");
    }

    /** A parent killed with SIGKILL runs no shutdown hook; the closed stdin pipe must still end the child. */
    @Test
    void endsWhenItsParentIsKilled() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), ParentThatHangs.class.getName());
        Process parent = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line;
            long childPid = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("child=")) {
                    childPid = Long.parseLong(line.substring(6).trim());
                    break;
                }
            }
            assertTrue(childPid > 0, "the parent reported its child broker");
            ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
            assertTrue(child.isAlive());
            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            child.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(child.isAlive());
        } finally {
            parent.destroyForcibly();
        }
    }

    /** Starts a child broker, says its pid, and waits to be killed. */
    public static final class ParentThatHangs {
        public static void main(String[] args) throws Exception {
            ChildKafkaBroker broker = ChildKafkaBroker.start(1 << 20, SMALL_JVM, Duration.ofSeconds(90));
            System.out.println("child=" + broker.process().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
