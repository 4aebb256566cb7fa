package io.visionstreams.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same single-node KRaft broker as {@link EmbeddedKafkaCluster}, in a child JVM (same java, same class path),
 * so that a process measuring itself ({@code bench --broker child}) holds only the service and its clients, as a
 * deployment with a real broker would. The child never outlives this process: it stops when its stdin closes
 * ({@link #close()}, or this process dying by any means), and a shutdown hook destroys it on a normal exit.
 */
public final class ChildKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildKafkaBroker.class);

    private final Process process;
    private final String bootstrapServers;
    private final Thread shutdownHook;

    private ChildKafkaBroker(Process process, String bootstrapServers, Thread shutdownHook) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.shutdownHook = shutdownHook;
    }

    /**
     * Starts the child and waits until its broker is ready.
     *
     * @param maxRecordBytes largest record the broker accepts (message.max.bytes)
     * @param jvmOptions     options of the child JVM, e.g. {@code -Xmx512m}
     * @param timeout        how long the child may take to announce its broker
     */
    public static ChildKafkaBroker start(int maxRecordBytes, List<String> jvmOptions, Duration timeout)
            throws IOException, InterruptedException {
        List<String> cmd = command(maxRecordBytes, jvmOptions);
        // stderr is inherited: the broker logs only warnings and errors (logback.xml), and those belong in the output
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread hook = new Thread(() -> stop(p, Duration.ofSeconds(5)), "child-broker-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String bootstrap = awaitReady(p, timeout);
            LOG.info("child-JVM Kafka (pid {}) at {}", p.pid(), bootstrap);
            return new ChildKafkaBroker(p, bootstrap, hook);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            stop(p, Duration.ofSeconds(5));
            removeHook(hook);
            throw e;
        }
    }

    /** The child's command line: this JVM's java and class path, {@link ChildBrokerMain} and its argument. */
    static List<String> command(int maxRecordBytes, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        // the kit writes its log directories under the temp dir; keep them where this process keeps its own
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildBrokerMain.class.getName());
        cmd.add(String.valueOf(maxRecordBytes));
        return cmd;
    }

    /** Reads the child's stdout until the ready line, then keeps draining it so the child never blocks on a full pipe. */
    private static String awaitReady(Process p, Duration timeout) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith(ChildBrokerMain.READY)) {
                        ready.complete(line.substring(ChildBrokerMain.READY.length()).trim());
                    }
                }
            } catch (IOException e) {
                // the child ended; the ready future below reports it if it had not announced itself
            }
            ready.completeExceptionally(new IOException("child broker (pid " + p.pid() + ") closed its output"
                    + exitNote(p) + " before announcing its bootstrap servers"));
        }, "child-broker-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("child broker (pid " + p.pid() + ") did not announce its bootstrap servers within "
                    + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private static String exitNote(Process p) {
        try {
            return p.waitFor(2, TimeUnit.SECONDS) ? " and exited with status " + p.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The child process (its pid and CPU time, for the bench). */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** CPU time the child has used so far (user and system), or -1 where the OS does not say. */
    public long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** Closes the child's stdin (it shuts its broker down cleanly), then destroys it if it takes too long. */
    @Override
    public void close() {
        stop(process, Duration.ofSeconds(30));
        removeHook(shutdownHook);
    }

    private static void stop(Process p, Duration grace) {
        try {
            p.getOutputStream().close();
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("child broker (pid {}) still running {} s after its stdin closed; destroying it", p.pid(),
                        grace.toSeconds());
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or has run
        }
    }
}
