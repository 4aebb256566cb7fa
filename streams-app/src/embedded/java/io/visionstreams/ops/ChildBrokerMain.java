package io.visionstreams.ops;

import java.io.InputStream;

/**
 * Entry point of the child JVM that {@link ChildKafkaBroker} starts: an {@link EmbeddedKafkaCluster} of one node,
 * its bootstrap servers announced on stdout, stopped when stdin closes. The parent holds the other end of stdin,
 * so the pipe closes when the parent closes it or dies by any means, {@code kill -9} included: the broker cannot
 * outlive the process it serves.
 *
 * <p>Arguments: the largest record the broker accepts (bytes).
 */
public final class ChildBrokerMain {

    /** The line prefix the parent waits for; the test kit's formatter writes its own lines to stdout too. */
    static final String READY = "vision-streams-child-broker bootstrap=";

    private ChildBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        int maxRecordBytes = Integer.parseInt(args[0]);
        int status = 0;
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, maxRecordBytes, false)) {
            System.out.println(READY + kafka.bootstrapServers());
            System.out.flush();
            awaitEndOfInput(System.in);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // broker threads are not daemons and the kit may leave some behind: end the JVM explicitly
        System.exit(status);
    }

    /** Blocks until the stream ends (the parent closed it or died) or fails. */
    static void awaitEndOfInput(InputStream in) {
        byte[] sink = new byte[256];
        try {
            while (in.read(sink) >= 0) {
                // whatever the parent writes is ignored; only the end of the stream means something
            }
        } catch (java.io.IOException e) {
            // a broken pipe is an end of input too
        }
    }
}
