package io.visionstreams.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.models.detection.CamExplanation;
import io.visionstreams.models.detection.DetectionResult;
import io.visionstreams.models.detection.Detector;
import io.visionstreams.schema.ClassExplanation;
import io.visionstreams.schema.Detection;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.VisionSerdes;

/**
 * frames → decode → batch → detector → output decoding → class-wise NMS → {@code Detections}.
 *
 * <p>Values are consumed as raw bytes and decoded inside the processor, so that a record that is not
 * valid Avro reaches the dead-letter topic with its original bytes and the reason, instead of
 * stopping the application or being skipped by a deserialisation handler.
 */
public final class DetectionTopology {

    public static final String APPLICATION = "detection";
    public static final String SOURCE = "frames-source";
    public static final String PROCESSOR = "detect";
    public static final String SINK = "detections-sink";
    public static final String DEAD_LETTER_SINK = OneStageTopology.DEAD_LETTER_SINK;
    /**
     * Per-record explanation switch: a Kafka header or a {@code Frame.metadata} key with value true/false
     * (also 1/0, yes/no). The header wins over the metadata key; either wins over the deployment default
     * ({@code --explain}). Other values are ignored.
     */
    public static final String EXPLAIN_KEY = "explain";

    private DetectionTopology() {
    }

    /** Topic names of this topology. */
    public record Topics(String frames, String detections, String deadLetter) {
        public static Topics defaults() {
            return new Topics(io.visionstreams.ops.Topics.FRAMES, io.visionstreams.ops.Topics.DETECTIONS,
                    io.visionstreams.ops.Topics.DEAD_LETTER);
        }

        /**
         * The topics to create: frames and results with {@code partitions}, one dead-letter partition
         * (sized for two frames: the topic is shared with the stereo topology, whose dead letters can hold a pair).
         */
        public List<io.visionstreams.ops.TopicAdmin.TopicSpec> specs(int partitions) {
            return List.of(new io.visionstreams.ops.TopicAdmin.TopicSpec(frames, partitions, false),
                    new io.visionstreams.ops.TopicAdmin.TopicSpec(detections, partitions, false),
                    new io.visionstreams.ops.TopicAdmin.TopicSpec(deadLetter, 1, false, 2));
        }
    }

    /**
     * The topology over the detector in {@code slot}: each record takes a lease on the version current when
     * its inference starts and keeps it until the result is forwarded, so a hot swap never fails a record
     * and the result's {@code ModelRef} names the version that produced it.
     */
    public static Topology build(Topics topics, FrameIntake intake, ModelSlot<DetectorDeployment> slot) {
        return OneStageTopology.build(new OneStageTopology.Nodes(SOURCE, PROCESSOR, SINK), topics.frames(),
                () -> new DetectProcessor(intake, slot), topics.detections(), new StringSerializer(),
                VisionSerdes.detections().serializer(), topics.deadLetter());
    }

    /**
     * Turns one detection result into the output record. Explanations go once per detected class, in class id
     * order; a detection finds its class's map by {@code classId} (several detections of one class share it).
     */
    public static Detections toRecord(Frame frame, DetectionResult r, long decodeMicros, RecordMetadata meta,
                                      Detector detector) {
        List<Detection> list = new ArrayList<>(r.boxes().size());
        for (ScoredBox b : r.boxes()) {
            list.add(Detection.newBuilder()
                    .setLabel(detector.translator().spec().label(b.classId()))
                    .setClassId(b.classId())
                    .setScore(b.score())
                    .setX1(b.x1()).setY1(b.y1()).setX2(b.x2()).setY2(b.y2())
                    .build());
        }
        List<ClassExplanation> explanations = new ArrayList<>(r.explanations().size());
        r.explanations().values().stream().sorted(java.util.Comparator.comparingInt(CamExplanation::classId))
                .forEach(cam -> explanations.add(ClassExplanation.newBuilder()
                        .setClassId(cam.classId())
                        .setLabel(detector.translator().spec().label(cam.classId()))
                        .setHeatmapPng(ByteBuffer.wrap(cam.png()))
                        .setWeakBox(cam.box() == null ? null : floatList(cam.box()))
                        .build()));
        return Detections.newBuilder()
                .setSource(ResultProvenance.source(frame, meta))
                .setModel(ResultProvenance.model(r.modelName(), r.modelVersion(), r.runtimeName()))
                .setLatency(ResultProvenance.latency(decodeMicros, r.preMicros(), r.queueMicros(), r.inferMicros(),
                        r.postMicros(), r.batchSize()))
                .setImageWidth(r.imageWidth())
                .setImageHeight(r.imageHeight())
                .setDetections(list)
                .setExplanations(explanations)
                .build();
    }

    private static List<Float> floatList(float[] v) {
        List<Float> l = new ArrayList<>(v.length);
        for (float f : v) {
            l.add(f);
        }
        return l;
    }

    /** Whether this record asks for explanations: header, then metadata key, then the deployment default. */
    public static boolean wantsExplanation(Headers headers, Frame frame, boolean deploymentDefault) {
        if (headers != null) {
            Header h = headers.lastHeader(EXPLAIN_KEY);
            Boolean v = h == null || h.value() == null ? null : parseSwitch(new String(h.value(), StandardCharsets.UTF_8));
            if (v != null) {
                return v;
            }
        }
        if (frame.getMetadata() != null) {
            Object m = frame.getMetadata().get(EXPLAIN_KEY);
            Boolean v = m == null ? null : parseSwitch(m.toString());
            if (v != null) {
                return v;
            }
        }
        return deploymentDefault;
    }

    static Boolean parseSwitch(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    static final class DetectProcessor implements Processor<byte[], byte[], Object, Object> {
        private static final Logger LOG = LoggerFactory.getLogger(DetectProcessor.class);
        private final FrameIntake intake;
        private final ModelSlot<DetectorDeployment> slot;
        private ProcessorContext<Object, Object> context;
        private DeadLetterForwarder deadLetters;

        DetectProcessor(FrameIntake intake, ModelSlot<DetectorDeployment> slot) {
            this.intake = intake;
            this.slot = slot;
        }

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.deadLetters = new DeadLetterForwarder(context, APPLICATION, LOG);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Optional<RecordMetadata> meta = context.recordMetadata();
            try {
                long t0 = System.nanoTime();
                Frame frame = intake.decodeRecord(record.value());
                Image image = intake.decodeImage(frame);
                long decodeMicros = (System.nanoTime() - t0) / 1000;
                // the lease pins one model version for pre-processing, the batch and post-processing alike
                try (ModelSlot.Lease<DetectorDeployment> lease = slot.acquire()) {
                    Detector detector = lease.get().detector();
                    // blocks until this record's batch ran: the result is forwarded before process()
                    // returns, so the offset is never committed ahead of the result (exactly-once)
                    boolean explain = wantsExplanation(record.headers(), frame, detector.translator().options().explain());
                    DetectionResult r = detector.detect(image, explain);
                    Detections out = toRecord(frame, r, decodeMicros, meta.orElse(null), detector);
                    context.forward(new Record<Object, Object>(frame.getSourceId(), out, record.timestamp(),
                            record.headers()), SINK);
                }
            } catch (RecordRejectedException | InferenceException | RuntimeException e) {
                deadLetters.failed(record, meta, e);
            }
        }
    }
}
