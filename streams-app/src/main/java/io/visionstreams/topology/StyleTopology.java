package io.visionstreams.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
import io.visionstreams.inference.InferenceException;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.models.stylization.StyleSelectionException;
import io.visionstreams.models.stylization.StylizationOptions;
import io.visionstreams.models.stylization.StylizationResult;
import io.visionstreams.models.stylization.Stylizer;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;

/**
 * frames → decode → style selection → batch (equal sizes only) → stylizer → {@code StylizedFrame}.
 *
 * <p>The style of each frame, first match wins:
 * <ol>
 *   <li>{@code Frame.metadata["style"]}: a style name, or {@code Frame.metadata["style.weights"]}: a blend
 *       {@code name=w,...} (or one weight per style, in the model's order);</li>
 *   <li>the Kafka record headers {@code style} / {@code style.weights} (UTF-8), same forms;</li>
 *   <li>the deployment's default style.</li>
 * </ol>
 * Giving both a name and weights in one place is ambiguous and rejected. An unknown style goes to the
 * dead-letter topic as {@code UNKNOWN_STYLE}; weights that are malformed, negative, all zero or of the
 * wrong count as {@code BAD_STYLE_WEIGHTS}. Every input record produces exactly one output record.
 */
public final class StyleTopology {

    public static final String APPLICATION = "stylize";
    public static final String SOURCE = "frames-source";
    public static final String PROCESSOR = "stylize";
    public static final String SINK = "stylized-sink";
    public static final String DEAD_LETTER_SINK = OneStageTopology.DEAD_LETTER_SINK;
    /** Metadata key / header carrying a style name. */
    public static final String STYLE_KEY = "style";
    /** Metadata key / header carrying a weights vector. */
    public static final String WEIGHTS_KEY = "style.weights";
    /** Metadata key / header carrying this frame's downscale factor for the network, 0 &lt; s ≤ 1. */
    public static final String SCALE_KEY = "style.scale";

    private StyleTopology() {
    }

    /** Topic names of this topology. */
    public record Topics(String frames, String stylized, String deadLetter) {
        public static Topics defaults() {
            return new Topics(io.visionstreams.ops.Topics.FRAMES, io.visionstreams.ops.Topics.STYLIZED_FRAMES,
                    io.visionstreams.ops.Topics.DEAD_LETTER);
        }

        /**
         * The topics to create: frames and stylised frames with {@code partitions} (a stylised PNG can be
         * larger than the JPEG it came from, so its records get room for two frames), one dead-letter
         * partition sized for two frames like every topology's.
         */
        public List<TopicAdmin.TopicSpec> specs(int partitions) {
            return List.of(new TopicAdmin.TopicSpec(frames, partitions, false),
                    new TopicAdmin.TopicSpec(stylized, partitions, false, 2),
                    new TopicAdmin.TopicSpec(deadLetter, 1, false, 2));
        }
    }

    /**
     * The topology over the stylizer in {@code slot}; each record holds a lease on one version from style
     * parsing to the forwarded result. A version swapped in later must have the same styles (the release
     * installer checks it), so the default style stays valid.
     */
    public static Topology build(Topics topics, FrameIntake intake, ModelSlot<StylizerDeployment> slot,
                                 StyleSelection defaultStyle) {
        List<String> served = slot.peek().stylizer().translator().spec().styles();
        if (!defaultStyle.styles().equals(served)) {
            throw new IllegalArgumentException("default style " + defaultStyle + " is over " + defaultStyle.styles()
                    + ", the model has " + served);
        }
        return OneStageTopology.build(new OneStageTopology.Nodes(SOURCE, PROCESSOR, SINK), topics.frames(),
                () -> new StyleProcessor(intake, slot, defaultStyle), topics.stylized(), new StringSerializer(),
                VisionSerdes.stylizedFrame().serializer(), topics.deadLetter());
    }

    /**
     * The style a frame asks for (see the class comment), parsed against the model's styles.
     *
     * @throws RecordRejectedException UNKNOWN_STYLE or BAD_STYLE_WEIGHTS
     */
    public static StyleSelection styleOf(Map<String, String> metadata, Headers headers, List<String> styles,
                                         StyleSelection defaultStyle) throws RecordRejectedException {
        String name = metadata == null ? null : metadata.get(STYLE_KEY);
        String weights = metadata == null ? null : metadata.get(WEIGHTS_KEY);
        String where = "metadata";
        if (name == null && weights == null && headers != null) {
            name = header(headers, STYLE_KEY);
            weights = header(headers, WEIGHTS_KEY);
            where = "headers";
        }
        if (name == null && weights == null) {
            return defaultStyle;
        }
        if (name != null && weights != null) {
            throw new RecordRejectedException(RejectReasons.BAD_STYLE_WEIGHTS, "frame " + where + " give both '"
                    + STYLE_KEY + "' and '" + WEIGHTS_KEY + "'; give one");
        }
        try {
            return name != null ? StyleSelection.single(styles, name) : StyleSelection.weights(styles, weights);
        } catch (StyleSelectionException e) {
            String reason = e.kind() == StyleSelectionException.Kind.UNKNOWN_STYLE ? RejectReasons.UNKNOWN_STYLE
                    : RejectReasons.BAD_STYLE_WEIGHTS;
            throw new RecordRejectedException(reason, "style from frame " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The downscale factor a frame asks for: {@code Frame.metadata["style.scale"]}, else the header of that
     * name, else the deployment's.
     *
     * @throws RecordRejectedException BAD_STYLE_SCALE for a value that is not a number in (0, 1]
     */
    public static double scaleOf(Map<String, String> metadata, Headers headers, double deploymentScale)
            throws RecordRejectedException {
        String v = metadata == null ? null : metadata.get(SCALE_KEY);
        String where = "metadata";
        if (v == null && headers != null) {
            v = header(headers, SCALE_KEY);
            where = "header";
        }
        if (v == null) {
            return deploymentScale;
        }
        try {
            return StylizationOptions.checkScale(Double.parseDouble(v.trim()));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new RecordRejectedException(RejectReasons.BAD_STYLE_SCALE, "frame " + where + " '" + SCALE_KEY + "' = '"
                    + v + "': need a number in (0, 1], 1 = full size", e);
        }
    }

    private static String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Turns one stylisation result into the output record. */
    public static StylizedFrame toRecord(Frame frame, StylizationResult r, long decodeMicros, RecordMetadata meta) {
        return StylizedFrame.newBuilder()
                .setSource(ResultProvenance.source(frame, meta))
                .setModel(ResultProvenance.model(r.modelName(), r.modelVersion(), r.runtimeName()))
                .setLatency(ResultProvenance.latency(decodeMicros, r.preMicros(), r.queueMicros(), r.inferMicros(),
                        r.postMicros(), r.batchSize()))
                .setStyleWeights(Map.copyOf(r.style().asMap()))
                .setEncoding(r.format() == StylizationOptions.OutputFormat.PNG ? FrameEncoding.PNG : FrameEncoding.JPEG)
                .setWidth(r.image().width())
                .setHeight(r.image().height())
                .setData(ByteBuffer.wrap(r.encoded()))
                .build();
    }

    static final class StyleProcessor implements Processor<byte[], byte[], Object, Object> {
        private static final Logger LOG = LoggerFactory.getLogger(StyleProcessor.class);
        private final FrameIntake intake;
        private final ModelSlot<StylizerDeployment> slot;
        private final StyleSelection defaultStyle;
        private ProcessorContext<Object, Object> context;
        private DeadLetterForwarder deadLetters;

        StyleProcessor(FrameIntake intake, ModelSlot<StylizerDeployment> slot, StyleSelection defaultStyle) {
            this.intake = intake;
            this.slot = slot;
            this.defaultStyle = defaultStyle;
        }

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.deadLetters = new DeadLetterForwarder(context, APPLICATION, LOG);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Optional<RecordMetadata> meta = context.recordMetadata();
            try (ModelSlot.Lease<StylizerDeployment> lease = slot.acquire()) {
                Stylizer stylizer = lease.get().stylizer();
                long t0 = System.nanoTime();
                Frame frame = intake.decodeRecord(record.value());
                // the style is checked before the image is decoded: a bad request costs no decoding
                StyleSelection style = styleOf(frame.getMetadata(), record.headers(),
                        stylizer.translator().spec().styles(), defaultStyle);
                double scale = scaleOf(frame.getMetadata(), record.headers(), stylizer.translator().options().scale());
                Image image = intake.decodeImage(frame);
                long decodeMicros = (System.nanoTime() - t0) / 1000;
                // blocks until this record's batch ran, so the result is forwarded before the offset can commit
                StylizationResult r = stylizer.stylize(image, style, scale);
                StylizedFrame out = toRecord(frame, r, decodeMicros, meta.orElse(null));
                context.forward(new Record<Object, Object>(frame.getSourceId(), out, record.timestamp(), record.headers()),
                        SINK);
            } catch (RecordRejectedException | InferenceException | RuntimeException e) {
                deadLetters.failed(record, meta, e);
            }
        }
    }
}
