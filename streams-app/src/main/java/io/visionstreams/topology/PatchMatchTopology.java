package io.visionstreams.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.imaging.Image;
import io.visionstreams.ops.TopicAdmin.TopicSpec;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.Geometry;
import io.visionstreams.schema.PatchMatches;
import io.visionstreams.schema.PointMatch;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;

/**
 * Image pairs → keypoint matches: {@code [image-pairs]} → decode both images → {@link PairMatcher} →
 * {@code [patch-matches]} {@code PatchMatches}, bad input to {@code [dead-letter]}.
 *
 * <p>The input record is a {@code StereoPair} reused as a generic image pair (rigId = pair id,
 * left = image a, right = image b, calibration ignored): it already has the right shape, every
 * reader knows it, and a stereo-pairs topic can be matched as it is; a separate ImagePair schema
 * would add a type without adding information.
 */
public final class PatchMatchTopology {

    public static final String APPLICATION = "match";
    public static final String SOURCE = "image-pairs-source";
    public static final String PROCESSOR = "match";
    public static final String SINK = "patch-matches-sink";
    public static final String DEAD_LETTER_SINK = OneStageTopology.DEAD_LETTER_SINK;

    private PatchMatchTopology() {
    }

    public record Topics(String pairs, String matches, String deadLetter) {
        public static Topics defaults() {
            return new Topics(io.visionstreams.ops.Topics.IMAGE_PAIRS, io.visionstreams.ops.Topics.PATCH_MATCHES,
                    io.visionstreams.ops.Topics.DEAD_LETTER);
        }

        public List<TopicSpec> specs(int partitions) {
            return List.of(new TopicSpec(pairs, partitions, false, 2), new TopicSpec(matches, partitions, false, 1),
                    new TopicSpec(deadLetter, 1, false, 2));
        }
    }

    public static Topology build(Topics topics, FrameIntake intake, PairMatcher matcher) {
        return OneStageTopology.build(new OneStageTopology.Nodes(SOURCE, PROCESSOR, SINK), topics.pairs(),
                () -> new MatchProcessor(intake, matcher), topics.matches(), new ByteArraySerializer(),
                VisionSerdes.patchMatches().serializer(), topics.deadLetter());
    }

    public static PatchMatches toRecord(StereoPair pair, PairMatcher.Result r, DisparityEstimator.Identity id,
                                        long decodeMicros, RecordMetadata meta) {
        List<PointMatch> list = new ArrayList<>(r.matches().size());
        for (PairMatcher.Match m : r.matches()) {
            list.add(PointMatch.newBuilder().setAx(m.ax()).setAy(m.ay()).setBx(m.bx()).setBy(m.by())
                    .setScore(m.score()).setInlier(m.inlier()).build());
        }
        List<Double> matrix = null;
        if (r.geometry() != null) {
            matrix = new ArrayList<>(9);
            for (double v : r.geometry()) {
                matrix.add(v);
            }
        }
        return PatchMatches.newBuilder()
                .setSource(ResultProvenance.source(pair, meta))
                .setModel(ResultProvenance.model(id.name(), id.version(), id.runtime()))
                .setLatency(ResultProvenance.latency(decodeMicros, r.preMicros(), 0, r.computeMicros(), r.postMicros(), 1))
                .setMatches(list)
                .setGeometry(matrix == null ? null
                        : Geometry.newBuilder().setKind(r.geometryKind()).setMatrix(matrix).build())
                .build();
    }

    static final class MatchProcessor implements Processor<byte[], byte[], Object, Object> {
        private static final Logger LOG = LoggerFactory.getLogger(MatchProcessor.class);
        private final FrameIntake intake;
        private final PairMatcher matcher;
        private final AvroSerde<StereoPair> serde = VisionSerdes.stereoPair();
        private ProcessorContext<Object, Object> context;
        private DeadLetterForwarder deadLetters;

        MatchProcessor(FrameIntake intake, PairMatcher matcher) {
            this.intake = intake;
            this.matcher = matcher;
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
                StereoPair pair = RawValues.decode(serde, record.value(), "an image pair (StereoPair)",
                        "an image pair topic");
                long t0 = System.nanoTime();
                Image a = image(pair, true);
                Image b = image(pair, false);
                long decodeMicros = (System.nanoTime() - t0) / 1000;
                PairMatcher.Result r;
                try {
                    r = matcher.match(a, b);
                } catch (RuntimeException e) {
                    LOG.warn("matching failed for {} #{}: {}", pair.getRigId(), pair.getSequence(), e.toString());
                    throw new RecordRejectedException(RejectReasons.INFERENCE_FAILED, "matching failed for "
                            + pair.getRigId() + " #" + pair.getSequence() + ": " + e.getMessage(), e);
                }
                PatchMatches out = toRecord(pair, r, matcher.identity(), decodeMicros, meta.orElse(null));
                context.forward(new Record<Object, Object>(pair.getRigId().getBytes(StandardCharsets.UTF_8), out,
                        record.timestamp(), record.headers()), SINK);
            } catch (RecordRejectedException e) {
                deadLetters.failed(record, meta, e);
            } catch (RuntimeException e) {
                LOG.error("unexpected failure processing an image pair", e);
                deadLetters.forward(record, meta, RejectReasons.PROCESSING_FAILED, String.valueOf(e), e);
            }
        }

        private Image image(StereoPair pair, boolean a) throws RecordRejectedException {
            try {
                return intake.decodeImage(a ? pair.getLeft() : pair.getRight());
            } catch (RecordRejectedException e) {
                throw new RecordRejectedException(e.reason(), "image " + (a ? "a (left)" : "b (right)") + " of pair "
                        + pair.getRigId() + " #" + pair.getSequence() + ": " + e.getMessage(), e.getCause());
            }
        }
    }
}
