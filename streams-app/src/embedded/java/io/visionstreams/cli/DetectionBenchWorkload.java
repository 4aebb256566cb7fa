package io.visionstreams.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.ModelCards;
import io.visionstreams.models.OnnxCompute;
import io.visionstreams.models.detection.ClassActivationMaps;
import io.visionstreams.models.detection.DetectionTranslator;
import io.visionstreams.models.detection.DetectorSpec;
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.schema.ClassExplanation;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.DetectionTopology;

/**
 * {@code bench detection}: the detector's topology versus the same work on one thread without Kafka.
 * With {@code --explain}, the same again with CAM explanations (bare: CAMs fetched and post-processed;
 * end to end: the same service, records carrying the {@code explain=true} header), so "off costs
 * nothing" and what "on" costs are measured in one run.
 */
final class DetectionBenchWorkload implements BenchWorkload {

    private static final int DECODE_POST = 0;
    private static final int INFER_ONLY = 1;
    private static final int INFER_ONLY_CAMS = 2;
    private static final int DECODE_POST_EXPLAIN = 3;

    private final BenchCommand b;
    private final boolean explain;
    private final DetectorDeployment bare;
    private final DetectionTranslator tr;
    private final DetectorSpec spec;
    private final long flops;
    private final String flopsSource;
    private final String title;
    private final DetectionTopology.Topics topics = DetectionTopology.Topics.defaults();
    private final java.util.concurrent.atomic.AtomicLong explainedRecords = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong explainedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong v1Bytes = new java.util.concurrent.atomic.AtomicLong();
    /** One batch of prepared input tensors for the inference-only variants. */
    private final float[] prepared;

    DetectionBenchWorkload(BenchCommand b) throws Exception {
        this.b = b;
        this.explain = b.serving.explain;
        // the deployment default stays off: explanations are asked for per record, as a client would
        this.bare = DetectorDeployment.open(settings(b.serving.intraOpThreads));
        this.tr = bare.detector().translator();
        this.spec = tr.spec();
        // counted from the graph at the model's input size; the card (trainer-written, zoo models only) is a cross-check
        OnnxCompute.Result compute = OnnxCompute.macsPerImage(bare.model().onnx(), spec.inputHeight(), spec.inputWidth());
        java.util.OptionalLong card = ModelCards.flopsPerImage(bare.model());
        this.flops = compute.complete() ? compute.flops() : card.orElse(0);
        this.flopsSource = compute.complete()
                ? String.format(Locale.ROOT, "ONNX graph, %d Conv/Gemm/MatMul nodes at %dx%d%s", compute.computeNodes(),
                        spec.inputWidth(), spec.inputHeight(), card.isPresent()
                                ? String.format(Locale.ROOT, "; model card %.4f", card.getAsLong() / 1e9) : "")
                : "model card; the graph has nodes whose shapes could not be inferred: " + compute.unresolved();
        this.title = String.format(Locale.ROOT, "detection %dx%d, %s:%s on %s, max batch %d, %d stream threads, "
                        + "intra-op threads bare %s / end to end %s", b.width, b.height, bare.model().descriptor().name(),
                bare.model().descriptor().version(), bare.session().runtimeName(), b.serving.maxBatch, b.streamThreads,
                threads(b.serving.intraOpThreads), threads(e2eThreads()));
        int per = 3 * spec.inputWidth() * spec.inputHeight();
        this.prepared = new float[b.serving.maxBatch * per];
        for (int k = 0; k < b.serving.maxBatch; k++) {
            Image img = decode(k);
            System.arraycopy(tr.preprocess(img, tr.geometry(img)).get(spec.inputName()).floats(), 0, prepared, k * per, per);
        }
        System.out.printf(Locale.ROOT, "%s: %s per frame (%s)%n", title,
                flops > 0 ? String.format(Locale.ROOT, "%.4f GFLOP", flops / 1e9) : "FLOPs unknown", flopsSource);
    }

    private static String threads(int n) {
        return n <= 0 ? "one per core" : Integer.toString(n);
    }

    private int e2eThreads() {
        return b.e2eIntraOpThreads >= 0 ? b.e2eIntraOpThreads : b.serving.intraOpThreads;
    }

    private DetectorDeployment.Settings settings(int intraOp) {
        DetectorDeployment.Settings s = b.serving.settings().withIntraOpThreads(intraOp);
        return s.withDetection(s.detection().withExplain(false));
    }

    private Image decode(long index) throws Exception {
        return ImageCodec.decodeRgb(FrameEncoding.JPEG, b.jpeg(index), 0, 0, ImageLimits.defaults());
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public long bareFlops(int v) {
        return flops;
    }

    @Override
    public long endToEndFlops(int v) {
        return flops;
    }

    @Override
    public List<String> bareVariants() {
        String batch = ", batch " + b.serving.maxBatch;
        List<String> l = new ArrayList<>(List.of("bare ORT: decode+pre+infer+post" + batch, "bare ORT: inference only" + batch));
        if (explain) {
            l.add("bare ORT: inference only, CAMs fetched too" + batch);
            l.add("bare ORT: decode+pre+infer+post + explanations" + batch);
        }
        return l;
    }

    @Override
    public void runBare(int v, int first, int count, List<Double> latencies) throws Exception {
        int batch = b.serving.maxBatch;
        int per = 3 * spec.inputWidth() * spec.inputHeight();
        InferenceSession session = bare.session();
        boolean cams = v == INFER_ONLY_CAMS || v == DECODE_POST_EXPLAIN;
        Set<String> fetch = tr.outputsToFetch(cams);
        for (int i = 0; i < count; i += batch) {
            long t0 = System.nanoTime();
            int n = Math.min(batch, count - i);
            float[] input;
            LetterboxGeometry[] geo = new LetterboxGeometry[n];
            if (v == INFER_ONLY || v == INFER_ONLY_CAMS) {
                input = n == batch ? prepared : Arrays.copyOf(prepared, n * per);
            } else {
                input = new float[n * per];
                for (int k = 0; k < n; k++) {
                    Image img = decode(first + i + k);
                    geo[k] = tr.geometry(img);
                    System.arraycopy(tr.preprocess(img, geo[k]).get(spec.inputName()).floats(), 0, input, k * per, per);
                }
            }
            Map<String, Tensor> out = session.run(Map.of(spec.inputName(),
                    Tensor.ofFloats(new long[] {n, 3, spec.inputHeight(), spec.inputWidth()}, input)), fetch);
            if (v == DECODE_POST || v == DECODE_POST_EXPLAIN) {
                for (int k = 0; k < n; k++) {
                    Map<String, Tensor> mine = new java.util.LinkedHashMap<>();
                    for (Map.Entry<String, Tensor> e : out.entrySet()) {
                        mine.put(e.getKey(), slice(e.getValue(), k, n));
                    }
                    List<ScoredBox> boxes = tr.postprocess(mine, geo[k]);
                    if (v == DECODE_POST_EXPLAIN) {
                        tr.explain(mine.get(spec.camsOutput()), boxes, geo[k]);
                    }
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            for (int k = 0; k < n; k++) {
                latencies.add(ms);
            }
        }
    }

    /** Sample k of n of a batched output, as the batcher hands it to a stream thread. */
    static Tensor slice(Tensor t, int k, int n) {
        long[] one = Arrays.copyOfRange(t.shape(), 1, t.shape().length);
        int per = (int) Tensor.elementCount(one);
        return Tensor.ofFloats(one, Arrays.copyOfRange(t.floats(), k * per, (k + 1) * per));
    }

    @Override
    public List<String> endToEndVariants() {
        return explain ? List.of("end to end via Kafka (EOS v2)", "end to end via Kafka, header explain=true")
                : List.of("end to end via Kafka (EOS v2)");
    }

    @Override
    public Headers headers(int v) {
        RecordHeaders h = new RecordHeaders();
        if (v == 1) {
            h.add(DetectionTopology.EXPLAIN_KEY, "true".getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    @Override
    public String framesTopic() {
        return topics.frames();
    }

    @Override
    public String outputTopic() {
        return topics.detections();
    }

    @Override
    public String deadLetterTopic() {
        return topics.deadLetter();
    }

    @Override
    public List<TopicAdmin.TopicSpec> topicSpecs(int partitions) {
        return topics.specs(partitions);
    }

    @Override
    public int maxRecordBytes(int maxFrameBytes) {
        return KafkaClientConfig.maxRecordBytes(2 * maxFrameBytes); // dead letters are sized for two frames
    }

    @Override
    public Service start(Properties streamsClient, Path stateDir, int maxFrameBytes) throws Exception {
        DetectionService.Settings s = new DetectionService.Settings("vision-streams-bench", b.streamThreads, stateDir, 1,
                maxFrameBytes, topics);
        DetectionService service = DetectionService.start(streamsClient, s, DetectorDeployment.open(settings(e2eThreads())));
        return new Service(service.runner(), service);
    }

    @Override
    public Output decode(byte[] value) {
        Detections d = VisionSerdes.detections().decode(value);
        if (!d.getExplanations().isEmpty()) {
            explainedRecords.incrementAndGet();
            explainedBytes.addAndGet(value.length);
            v1Bytes.addAndGet(v1RecordBytes(d, value.length));
        }
        var l = d.getLatency();
        return new Output(d.getSource().getSequence(), l.getBatchSize(), new long[] {l.getDecodeMicros(), l.getPreMicros(),
                l.getQueueMicros(), l.getInferMicros(), l.getPostMicros()}, value.length);
    }

    /**
     * The size the same record had in the v1 layout (history/Detections-v1.avsc), where each detection carried its
     * class's PNG and weak box: v2 size less the explanations array, plus per detection the optional PNG and box.
     */
    static long v1RecordBytes(Detections d, int v2Bytes) {
        Map<Integer, ClassExplanation> byClass = new java.util.HashMap<>();
        long explanations = 0;
        for (ClassExplanation e : d.getExplanations()) {
            byClass.put(e.getClassId(), e);
            explanations += varintBytes(e.getClassId()) + stringBytes(e.getLabel()) + bytesField(e.getHeatmapPng().remaining())
                    + box(e.getWeakBox());
        }
        explanations += varintBytes(d.getExplanations().size()) + 1; // block count and the closing 0
        long perDetection = 0;
        for (var det : d.getDetections()) {
            ClassExplanation e = byClass.get(det.getClassId());
            // v1: camPng and camBox unions, index 0 (null) or 1 plus the value
            perDetection += e == null ? 2 : 1 + bytesField(e.getHeatmapPng().remaining()) + box(e.getWeakBox());
        }
        return v2Bytes - explanations + perDetection;
    }

    private static long box(List<Float> b) {
        return b == null ? 1 : 1 + 1 + 4L * b.size() + 1;
    }

    private static long bytesField(int n) {
        return varintBytes(n) + n;
    }

    private static long stringBytes(String s) {
        return bytesField(s.getBytes(StandardCharsets.UTF_8).length);
    }

    /** Length of Avro's zig-zag varint of {@code v}. */
    static int varintBytes(long v) {
        long z = (v << 1) ^ (v >> 63);
        int n = 1;
        while ((z >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    @Override
    public List<String> stageNames() {
        return List.of("decode", "pre", "queue", "infer (whole batch)", "post");
    }

    /** With --explain: where the explanation post-processing of a frame goes, stage by stage. */
    @Override
    public void report() throws Exception {
        if (!explain) {
            return;
        }
        int n = Math.min(b.jpegs.size(), 40);
        double toFrame = 0, png = 0, box = 0, classes = 0, pngBytes = 0;
        for (int i = 0; i < n; i++) {
            Image img = decode(i);
            LetterboxGeometry g = tr.geometry(img);
            Map<String, Tensor> out = bare.session().run(Map.of(spec.inputName(), batchOfOne(tr.preprocess(img, g))),
                    tr.outputsToFetch(true));
            Map<String, Tensor> mine = new java.util.LinkedHashMap<>();
            out.forEach((k, t) -> mine.put(k, slice(t, 0, 1)));
            List<ScoredBox> boxes = tr.postprocess(mine, g);
            Tensor cams = mine.get(spec.camsOutput());
            int camH = (int) cams.dim(1);
            int camW = (int) cams.dim(2);
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (ScoredBox sb : boxes) {
                if (!seen.add(sb.classId())) {
                    continue;
                }
                long t0 = System.nanoTime();
                float[] map = ClassActivationMaps.toFrame(cams.floats(), sb.classId(), camH, camW, spec.camStride(), g);
                long t1 = System.nanoTime();
                byte[] p = ClassActivationMaps.heatmapPng(map, g.srcWidth(), g.srcHeight());
                long t2 = System.nanoTime();
                ClassActivationMaps.weakBox(map, g.srcWidth(), g.srcHeight(), ClassActivationMaps.BOX_THRESHOLD_FRACTION);
                long t3 = System.nanoTime();
                toFrame += (t1 - t0) / 1e6;
                png += (t2 - t1) / 1e6;
                box += (t3 - t2) / 1e6;
                pngBytes += p.length;
                classes++;
            }
        }
        long records = explainedRecords.get();
        if (records > 0) {
            System.out.printf(Locale.ROOT, "explained result records end to end: %d, mean %.1f KB; the same records in the v1 "
                            + "layout (the class's PNG in every detection): %.1f KB (%.1fx)%n", records,
                    explainedBytes.get() / 1024.0 / records, v1Bytes.get() / 1024.0 / records,
                    (double) v1Bytes.get() / explainedBytes.get());
        }
        System.out.printf(Locale.ROOT, "explanations over %d frames: %.2f explained classes per frame; per class: "
                        + "map to frame %.2f ms, PNG %.2f ms (%.1f KB), weak box %.2f ms; per frame %.2f ms%n", n,
                classes / n, toFrame / classes, png / classes, pngBytes / classes / 1024, box / classes,
                (toFrame + png + box) / n);
    }

    private static Tensor batchOfOne(Map<String, Tensor> sample) {
        Tensor t = sample.values().iterator().next();
        long[] shape = new long[t.shape().length + 1];
        shape[0] = 1;
        System.arraycopy(t.shape(), 0, shape, 1, t.shape().length);
        return Tensor.ofFloats(shape, t.floats());
    }

    @Override
    public void close() {
        bare.close();
    }
}
