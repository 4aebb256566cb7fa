package io.visionstreams.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.imaging.Image;
import io.visionstreams.models.stereo.DisparityPng;
import io.visionstreams.ops.TopicAdmin.TopicSpec;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.Calibration;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.StereoHalves.Side;

/**
 * Stereo pairs → dense disparity. Two ways in, one way out:
 * <pre>
 *   [stereo-pairs] StereoPair ──────────────────────────────────────────────┐
 *   [stereo-left]  Frame ─ half intake ─┐                                     ├─ decode both, checks ─ estimator ─▶ [disparity] DisparityMap
 *   [stereo-right] Frame ─ half intake ─┴─ repartition by rig ─ pairing ─────┘
 *   every rejection, unpaired/duplicate/late half ─────────────────────────────────────────────────▶ [dead-letter]
 * </pre>
 * Dense stereo needs rectified input: a pair without calibration or with {@code rectified=false} is
 * refused ({@code UNRECTIFIED_PAIR}) unless the deployment states the producers rectify
 * ({@link Options#assumeRectified()}).
 */
public final class StereoTopology {

    public static final String APPLICATION = "stereo";
    /** Name of the repartition step; Kafka Streams creates {@code <application.id>-stereo-halves-repartition}. */
    public static final String HALVES_REPARTITION = "stereo-halves";

    private StereoTopology() {
    }

    /** Topic names of this topology. */
    public record Topics(String pairs, String left, String right, String disparity, String deadLetter) {
        public static Topics defaults() {
            return new Topics(io.visionstreams.ops.Topics.STEREO_PAIRS, io.visionstreams.ops.Topics.STEREO_LEFT,
                    io.visionstreams.ops.Topics.STEREO_RIGHT, io.visionstreams.ops.Topics.DISPARITY,
                    io.visionstreams.ops.Topics.DEAD_LETTER);
        }

        /** Topics to create; pair records and dead letters (which may hold a pair) are sized for two frames. */
        public List<TopicSpec> specs(int partitions) {
            return List.of(new TopicSpec(pairs, partitions, false, 2),
                    new TopicSpec(left, partitions, false, 1),
                    new TopicSpec(right, partitions, false, 1),
                    new TopicSpec(disparity, partitions, false, 1),
                    new TopicSpec(deadLetter, 1, false, 2));
        }
    }

    /**
     * @param maxDisparity      disparities 0..maxDisparity-1 are searched
     * @param pairWindow        how far apart (record timestamps) two halves may be and still pair
     * @param outcomeRetention  how long (event time) a paired or expired key is remembered to report duplicates and late halves
     * @param assumeRectified   the producers guarantee rectified pairs: do not refuse pairs without calibration
     * @param pairHalves        also read {@code left}/{@code right} Frame topics and pair them (else only {@code pairs})
     */
    public record Options(int maxDisparity, Duration pairWindow, Duration outcomeRetention, boolean assumeRectified,
                          boolean pairHalves) {
        public Options {
            if (maxDisparity < 1 || maxDisparity > 256) {
                throw new IllegalArgumentException("max disparity must be 1..256, got " + maxDisparity);
            }
            if (pairWindow.isNegative() || pairWindow.isZero()) {
                throw new IllegalArgumentException("pair window must be positive, got " + pairWindow);
            }
        }

        /** 64 disparities, 2 s window, outcomes kept 10 min, rectification required, halves paired. */
        public static Options defaults() {
            return new Options(64, Duration.ofSeconds(2), Duration.ofMinutes(10), false, true);
        }

        public Options withMaxDisparity(int d) {
            return new Options(d, pairWindow, outcomeRetention, assumeRectified, pairHalves);
        }

        public Options withPairWindow(Duration w) {
            return new Options(maxDisparity, w, outcomeRetention, assumeRectified, pairHalves);
        }

        public Options withOutcomeRetention(Duration r) {
            return new Options(maxDisparity, pairWindow, r, assumeRectified, pairHalves);
        }

        public Options withAssumeRectified(boolean a) {
            return new Options(maxDisparity, pairWindow, outcomeRetention, a, pairHalves);
        }

        public Options withPairHalves(boolean p) {
            return new Options(maxDisparity, pairWindow, outcomeRetention, assumeRectified, p);
        }
    }

    public static Topology build(Topics topics, Options options, FrameIntake intake, DisparityEstimator estimator) {
        StreamsBuilder sb = new StreamsBuilder();
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
        Produced<byte[], Object> routed = Produced.with(Serdes.ByteArray(), RecordRouting.serde());
        KStream<byte[], byte[]> pairs = sb.stream(topics.pairs(), raw.withName("stereo-pairs-source"));
        if (options.pairHalves()) {
            StereoPairing.stores().forEach(sb::addStateStore);
            KStream<byte[], Object> halves = sb.stream(topics.left(), raw.withName("stereo-left-source"))
                    .process(() -> new StereoPairing.HalfIntake(Side.LEFT, intake), Named.as("left-half-intake"))
                    .merge(sb.stream(topics.right(), raw.withName("stereo-right-source"))
                            .process(() -> new StereoPairing.HalfIntake(Side.RIGHT, intake), Named.as("right-half-intake")));
            halves.filter((k, v) -> v instanceof DeadLetter).to(topics.deadLetter(), routed);
            KStream<byte[], Object> paired = halves.filter((k, v) -> v instanceof byte[]).mapValues(v -> (byte[]) v)
                    // both halves of a rig must meet in one task: partition by rig id
                    .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(HALVES_REPARTITION))
                    .process(() -> new StereoPairing.Pairer(options.pairWindow(), options.outcomeRetention()),
                            Named.as("pair-halves"), StereoPairing.PENDING_STORE, StereoPairing.OUTCOME_STORE);
            paired.filter((k, v) -> v instanceof DeadLetter).to(topics.deadLetter(), routed);
            pairs = pairs.merge(paired.filter((k, v) -> v instanceof byte[]).mapValues(v -> (byte[]) v));
        }
        pairs.process(() -> new StereoProcessor(intake, estimator, options), Named.as("stereo-match"))
                .to(RecordRouting.byType(Map.of(DisparityMap.class, topics.disparity(), DeadLetter.class, topics.deadLetter())),
                        routed);
        return sb.build();
    }

    /** The refusal rule for dense stereo: calibration must say rectified, unless the deployment guarantees it. */
    static void requireRectified(StereoPair pair, boolean assumeRectified) throws RecordRejectedException {
        if (assumeRectified) {
            return;
        }
        Calibration c = pair.getCalibration();
        if (c == null) {
            throw new RecordRejectedException(RejectReasons.UNRECTIFIED_PAIR, "stereo pair " + pair.getRigId() + " #"
                    + pair.getSequence() + " has no calibration, so it is not known to be rectified; dense stereo needs "
                    + "rectified pairs (rectify in the producer and set calibration.rectified=true, or run with "
                    + "--assume-rectified if every producer guarantees it)");
        }
        if (!c.getRectified()) {
            throw new RecordRejectedException(RejectReasons.UNRECTIFIED_PAIR, "stereo pair " + pair.getRigId() + " #"
                    + pair.getSequence() + " is marked rectified=false; dense stereo searches along image rows and "
                    + "needs rectified pairs (rectify in the producer)");
        }
    }

    /** The output record of one estimate. */
    public static DisparityMap toRecord(StereoPair pair, DisparityEstimator.Estimate e, DisparityEstimator.Identity id,
                                        int maxDisparity, long decodeMicros, RecordMetadata source) {
        long t0 = System.nanoTime();
        byte[] disparityPng = DisparityPng.encode(e.disparity(), e.width(), e.height(), DisparityPng.KITTI_SCALE);
        byte[] confidencePng = e.confidence() == null ? null
                : DisparityPng.encodeConfidence(e.confidence(), e.disparity(), e.width(), e.height());
        Calibration c = pair.getCalibration();
        byte[] depthPng = c != null && DisparityPng.canComputeDepth(c.getFocalLengthPx(), c.getBaselineM())
                ? DisparityPng.encodeDepth(e.disparity(), e.width(), e.height(), c.getFocalLengthPx(), c.getBaselineM())
                : null;
        long encodeMicros = (System.nanoTime() - t0) / 1000;
        return DisparityMap.newBuilder()
                .setSource(ResultProvenance.source(pair, source))
                .setModel(ResultProvenance.model(id.name(), id.version(), id.runtime()))
                .setLatency(ResultProvenance.latency(decodeMicros, e.preMicros(), 0, e.computeMicros(),
                        e.postMicros() + encodeMicros, 1))
                .setWidth(e.width())
                .setHeight(e.height())
                .setMaxDisparity(maxDisparity)
                .setDisparityPng(java.nio.ByteBuffer.wrap(disparityPng))
                .setConfidencePng(confidencePng == null ? null : java.nio.ByteBuffer.wrap(confidencePng))
                .setDepthPng(depthPng == null ? null : java.nio.ByteBuffer.wrap(depthPng))
                .setDensity(DisparityPng.density(e.disparity()))
                .build();
    }

    /** Decode, check, estimate, encode; forwards a DisparityMap or a DeadLetter for every input. */
    static final class StereoProcessor implements Processor<byte[], byte[], byte[], Object> {
        private static final Logger LOG = LoggerFactory.getLogger(StereoProcessor.class);
        private final FrameIntake intake;
        private final DisparityEstimator estimator;
        private final Options options;
        private final AvroSerde<StereoPair> serde = VisionSerdes.stereoPair();
        private ProcessorContext<byte[], Object> context;

        StereoProcessor(FrameIntake intake, DisparityEstimator estimator, Options options) {
            this.intake = intake;
            this.estimator = estimator;
            this.options = options;
        }

        @Override
        public void init(ProcessorContext<byte[], Object> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            // a pair assembled from halves carries its left half's topic/partition/offset in headers
            RecordMetadata source = StereoHalves.position(record.headers());
            if (source == null) {
                source = context.recordMetadata().orElse(null);
            }
            try {
                StereoPair pair = decodePair(record.value());
                requireRectified(pair, options.assumeRectified());
                long t0 = System.nanoTime();
                Image left = sideImage(pair, Side.LEFT);
                Image right = sideImage(pair, Side.RIGHT);
                long decodeMicros = (System.nanoTime() - t0) / 1000;
                if (left.width() != right.width() || left.height() != right.height()) {
                    throw new RecordRejectedException(RejectReasons.PAIR_SIZE_MISMATCH, "stereo pair " + pair.getRigId()
                            + " #" + pair.getSequence() + ": left is " + left.width() + "x" + left.height() + ", right is "
                            + right.width() + "x" + right.height() + "; a rectified pair has equal sizes");
                }
                DisparityEstimator.Estimate e;
                try {
                    e = estimator.estimate(left, right, options.maxDisparity());
                } catch (RuntimeException ex) {
                    LOG.warn("stereo estimation failed for {} #{}: {}", pair.getRigId(), pair.getSequence(), ex.toString());
                    throw new RecordRejectedException(RejectReasons.INFERENCE_FAILED, "disparity estimation failed for "
                            + pair.getRigId() + " #" + pair.getSequence() + ": " + ex.getMessage(), ex);
                }
                DisparityMap out = toRecord(pair, e, estimator.identity(), options.maxDisparity(), decodeMicros, source);
                context.forward(new Record<byte[], Object>(pair.getRigId().getBytes(StandardCharsets.UTF_8), out,
                        record.timestamp(), record.headers()));
            } catch (RecordRejectedException e) {
                deadLetter(record, source, e.reason(), e.getMessage(), e);
            } catch (RuntimeException e) {
                LOG.error("unexpected failure processing a stereo pair", e);
                deadLetter(record, source, RejectReasons.PROCESSING_FAILED, String.valueOf(e), e);
            }
        }

        private StereoPair decodePair(byte[] value) throws RecordRejectedException {
            return RawValues.decode(serde, value, "a StereoPair", "a stereo pair topic");
        }

        private Image sideImage(StereoPair pair, Side side) throws RecordRejectedException {
            try {
                return intake.decodeImage(side == Side.LEFT ? pair.getLeft() : pair.getRight());
            } catch (RecordRejectedException e) {
                throw new RecordRejectedException(e.reason(), side.lower() + " image of stereo pair " + pair.getRigId()
                        + " #" + pair.getSequence() + ": " + e.getMessage(), e.getCause());
            }
        }

        private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason, String message,
                                Throwable error) {
            Headers h = record.headers();
            byte[] key = StereoHalves.originalKey(h, record.key());
            DeadLetter dl = DeadLetters.of(APPLICATION, reason, message, error, source, record.timestamp(), key,
                    record.value(), h);
            context.forward(new Record<byte[], Object>(key, dl, record.timestamp()));
        }
    }
}
