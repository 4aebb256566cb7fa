package io.visionstreams.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.Topics;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.Frame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code consume}: print the records of any of our topics, one line each. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print records of any Vision Streams topic (type recognised from the schema fingerprint).")
public final class ConsumeCommand implements Callable<Integer> {

    @Mixin
    KafkaConnectionOptions kafka;

    @Option(names = "--topic", defaultValue = Topics.DETECTIONS, description = "Topic to read (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset instead of the end.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", defaultValue = "0", description = "Stop after N records (0 = no limit).")
    long max;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this many seconds without a record (0 = wait forever).")
    double timeoutSeconds;

    @Option(names = "--group", description = "Consumer group; by default none, and all partitions are assigned.")
    String group;

    @Option(names = "--json", description = "Print JSON lines instead of text.")
    boolean json;

    @Option(names = "--save-annotated", paramLabel = "DIR", description = "Write frames with their detections drawn into DIR.")
    Path annotatedDir;

    @Option(names = "--save-disparity", paramLabel = "DIR",
            description = "Write each DisparityMap's 16-bit disparity PNG (KITTI: value = disparity x 256, 0 = invalid) into DIR as RIG-SEQ.png.")
    Path disparityDir;

    @Option(names = "--save-stylized", paramLabel = "DIR",
            description = "Write each StylizedFrame's image as it is on the wire (JPEG or PNG) into DIR as SOURCE-SEQ.jpg/.png.")
    Path stylizedDir;

    @Option(names = "--frames-topic", defaultValue = Topics.FRAMES, description = "Frames topic joined for --save-annotated.")
    String framesTopic;

    @Option(names = "--join-buffer", defaultValue = "256", description = "Unmatched records kept per side for --save-annotated.")
    int joinBuffer;

    @Option(names = "--max-frame-bytes", defaultValue = "" + KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES,
            description = "Largest frame expected (sizes the fetches).")
    int maxFrameBytes;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Properties props;
        try {
            props = KafkaClientConfig.consumer(kafka.load(), maxFrameBytes);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group != null ? "true" : "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        List<String> topics = new ArrayList<>(List.of(topic));
        AnnotatedFrameWriter annotator = null;
        if (annotatedDir != null && !framesTopic.equals(topic)) {
            topics.add(framesTopic);
        }
        if (annotatedDir != null) {
            annotator = new AnnotatedFrameWriter(annotatedDir, joinBuffer);
        }
        RecordFormatter fmt = new RecordFormatter();
        long printed = 0;
        long savedDisparity = 0;
        long savedStylized = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (group != null) {
                consumer.subscribe(topics);
            } else {
                List<TopicPartition> parts = new ArrayList<>();
                for (String t : topics) {
                    List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
                    if (infos == null || infos.isEmpty()) {
                        err.println("error: topic " + t + " does not exist");
                        return 2;
                    }
                    infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                }
                consumer.assign(parts);
                if (fromBeginning) {
                    consumer.seekToBeginning(parts);
                } else {
                    consumer.seekToEnd(parts);
                }
            }
            long idleSince = System.nanoTime();
            while (max <= 0 || printed < max) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (timeoutSeconds > 0 && System.nanoTime() - idleSince > timeoutSeconds * 1e9) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    boolean main = r.topic().equals(topic);
                    if (annotator != null) {
                        RecordFormatter.Decoded d = fmt.decode(r.value());
                        if (d.record() instanceof Frame f) {
                            annotator.onFrame(f);
                        } else if (d.record() instanceof Detections det) {
                            annotator.onDetections(det);
                        }
                    }
                    if (!main || (max > 0 && printed >= max)) {
                        continue;
                    }
                    if (disparityDir != null) {
                        savedDisparity += saveDisparity(fmt.decode(r.value()), err);
                    }
                    if (stylizedDir != null) {
                        savedStylized += saveStylized(fmt.decode(r.value()), err);
                    }
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    out.println(json ? fmt.formatJson(r.topic(), r.partition(), r.offset(), key, r.value())
                            : fmt.formatLine(r.topic(), r.partition(), r.offset(), key, r.value()));
                    printed++;
                }
            }
        }
        if (annotator != null) {
            err.println("wrote " + annotator.written() + " annotated frame(s) to " + annotatedDir);
        }
        if (disparityDir != null) {
            err.println("wrote " + savedDisparity + " disparity PNG(s) to " + disparityDir);
        }
        if (stylizedDir != null) {
            err.println("wrote " + savedStylized + " stylized image(s) to " + stylizedDir);
        }
        err.println(printed + " record(s)");
        return 0;
    }

    /** Writes the image of a StylizedFrame as it is on the wire; 1 if written. */
    private int saveStylized(RecordFormatter.Decoded d, PrintStream err) {
        if (!(d.record() instanceof io.visionstreams.schema.StylizedFrame f)) {
            return 0;
        }
        String ext = f.getEncoding() == io.visionstreams.schema.FrameEncoding.PNG ? ".png" : ".jpg";
        String name = f.getSource().getSourceId().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + f.getSource().getSequence() + ext;
        byte[] data = new byte[f.getData().remaining()];
        f.getData().duplicate().get(data);
        try {
            java.nio.file.Files.createDirectories(stylizedDir);
            java.nio.file.Files.write(stylizedDir.resolve(name), data);
            return 1;
        } catch (java.io.IOException e) {
            err.println("cannot write " + stylizedDir.resolve(name) + ": " + e.getMessage());
            return 0;
        }
    }

    /** Writes the disparity PNG of a DisparityMap as it is on the wire; 1 if written. */
    private int saveDisparity(RecordFormatter.Decoded d, PrintStream err) {
        if (!(d.record() instanceof DisparityMap m)) {
            return 0;
        }
        String name = m.getSource().getSourceId().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + m.getSource().getSequence() + ".png";
        byte[] png = new byte[m.getDisparityPng().remaining()];
        m.getDisparityPng().duplicate().get(png);
        try {
            java.nio.file.Files.createDirectories(disparityDir);
            java.nio.file.Files.write(disparityDir.resolve(name), png);
            return 1;
        } catch (java.io.IOException e) {
            err.println("cannot write " + disparityDir.resolve(name) + ": " + e.getMessage());
            return 0;
        }
    }
}
