package io.visionstreams.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleNetCost;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.models.stylization.StyleSpec;
import io.visionstreams.models.stylization.StylizationTranslator;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.StyleTopology;

/**
 * {@code bench stylize}: the stylisation topology versus the same work on one thread without Kafka, at
 * the deployment's size ({@code --style-scale}, {@code --max-side}). When that downscales, a bare run at
 * full size is measured too, so the speed-up of downscaling is a same-run ratio as well.
 */
final class StyleBenchWorkload implements BenchWorkload {

    private static final int DECODE_ENCODE = 0;
    private static final int INFER_ONLY = 1;
    private static final int FULL_SIZE = 2;

    private final BenchCommand b;
    private final StylizerDeployment bare;
    private final StylizationTranslator tr;
    /** The same model's pre/post at full size (scale 1, no max side). */
    private final StylizationTranslator fullTr;
    private final StylizationTranslator.Geometry g;
    private final StylizationTranslator.Geometry fullG;
    private final StyleSelection style;
    private final long flops;
    private final long fullFlops;
    private final String title;
    private final StyleTopology.Topics topics;
    private final float[] prepared;
    /** Extra scales (--scales): their translators' geometries and FLOPs, in order. */
    private final List<StylizationTranslator.Geometry> scaleGeos = new ArrayList<>();
    private final List<Long> scaleFlops = new ArrayList<>();

    StyleBenchWorkload(BenchCommand b) throws Exception {
        this.b = b;
        StylizerDeployment.Settings settings = b.styleTask.settings(b.serving);
        this.bare = StylizerDeployment.open(settings);
        this.tr = bare.stylizer().translator();
        var o = tr.options();
        this.fullTr = new StylizationTranslator(tr.spec(), new io.visionstreams.models.stylization.StylizationOptions(0,
                o.format(), o.quality(), 1.0));
        this.g = tr.geometry(b.width, b.height);
        this.fullG = fullTr.geometry(b.width, b.height);
        this.style = b.styleTask.defaultStyle(bare.stylizer());
        int widthFactor = bare.model().descriptor().stylization().width();
        this.flops = StyleNetCost.convFlops(g.netWidth(), g.netHeight(), widthFactor);
        this.fullFlops = StyleNetCost.convFlops(fullG.netWidth(), fullG.netHeight(), widthFactor);
        this.topics = b.styleTask.topics(io.visionstreams.ops.Topics.FRAMES, io.visionstreams.ops.Topics.DEAD_LETTER);
        this.title = String.format(Locale.ROOT, "stylize %dx%d (network %dx%d), %s:%s on %s, style %s, max batch %d, "
                        + "%d stream threads", b.width, b.height, g.netWidth(), g.netHeight(), bare.model().descriptor().name(),
                bare.model().descriptor().version(), bare.session().runtimeName(), style, b.serving.maxBatch, b.streamThreads);
        for (double sc : b.scales) {
            StylizationTranslator.Geometry sg = tr.geometry(b.width, b.height, sc);
            scaleGeos.add(sg);
            scaleFlops.add(StyleNetCost.convFlops(sg.netWidth(), sg.netHeight(), widthFactor));
        }
        int per = 3 * g.netWidth() * g.netHeight();
        this.prepared = new float[b.serving.maxBatch * per];
        for (int k = 0; k < b.serving.maxBatch; k++) {
            System.arraycopy(tr.preprocess(decode(k), g, style).get(tr.spec().inputName()).floats(), 0, prepared, k * per, per);
        }
        System.out.printf(Locale.ROOT, "%s: %.2f GFLOP per frame (convolutions; %.2f at full size)%n", title, flops / 1e9,
                fullFlops / 1e9);
    }

    private Image decode(long index) throws Exception {
        return ImageCodec.decodeRgb(FrameEncoding.JPEG, b.jpeg(index), 0, 0, ImageLimits.defaults());
    }

    private boolean downscaled() {
        return g.downscaled();
    }

    @Override
    public String title() {
        return title;
    }

    /** Index of the first --scales variant among the bare variants. */
    private int firstScaleVariant() {
        return downscaled() ? 3 : 2;
    }

    @Override
    public long bareFlops(int v) {
        if (v >= firstScaleVariant()) {
            return scaleFlops.get(v - firstScaleVariant());
        }
        return v == FULL_SIZE ? fullFlops : flops;
    }

    @Override
    public long endToEndFlops(int v) {
        return v == 0 ? flops : scaleFlops.get(v - 1);
    }

    @Override
    public List<int[]> comparablePairs() {
        List<int[]> l = new ArrayList<>();
        l.add(new int[] {0, 0});
        for (int i = 0; i < scaleGeos.size(); i++) {
            l.add(new int[] {i + 1, firstScaleVariant() + i});
        }
        return l;
    }

    @Override
    public List<String> bareVariants() {
        String batch = ", batch " + b.serving.maxBatch;
        List<String> l = new ArrayList<>(List.of("bare ORT: decode+pre+infer+post+encode" + batch,
                "bare ORT: inference only" + batch));
        if (downscaled()) {
            l.add(String.format(Locale.ROOT, "bare ORT: decode..encode at full size (network %dx%d)%s", fullG.netWidth(),
                    fullG.netHeight(), batch));
        }
        for (int i = 0; i < scaleGeos.size(); i++) {
            l.add(String.format(Locale.ROOT, "bare ORT: decode..encode at scale %s (network %dx%d)%s", b.scales.get(i),
                    scaleGeos.get(i).netWidth(), scaleGeos.get(i).netHeight(), batch));
        }
        return l;
    }

    @Override
    public void runBare(int v, int first, int count, List<Double> latencies) throws Exception {
        int batch = b.serving.maxBatch;
        boolean extra = v >= firstScaleVariant();
        StylizationTranslator t = v == FULL_SIZE && !extra ? fullTr : tr;
        StylizationTranslator.Geometry geo = extra ? scaleGeos.get(v - firstScaleVariant()) : v == FULL_SIZE ? fullG : g;
        StyleSpec spec = t.spec();
        InferenceSession session = bare.session();
        int per = 3 * geo.netWidth() * geo.netHeight();
        int s = spec.styles().size();
        for (int i = 0; i < count; i += batch) {
            long t0 = System.nanoTime();
            int n = Math.min(batch, count - i);
            float[] images;
            if (v == INFER_ONLY) {
                images = n == batch ? prepared : Arrays.copyOf(prepared, n * per);
            } else {
                images = new float[n * per];
                for (int k = 0; k < n; k++) {
                    float[] x = t.preprocess(decode(first + i + k), geo, style).get(spec.inputName()).floats();
                    System.arraycopy(x, 0, images, k * per, per);
                }
            }
            float[] weights = new float[n * s];
            for (int k = 0; k < n; k++) {
                System.arraycopy(style.weights(), 0, weights, k * s, s);
            }
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put(spec.inputName(), Tensor.ofFloats(new long[] {n, 3, geo.netHeight(), geo.netWidth()}, images));
            in.put(spec.weightsInput(), Tensor.ofFloats(new long[] {n, s}, weights));
            Map<String, Tensor> out = session.run(in, java.util.Set.of(spec.outputName()));
            if (v != INFER_ONLY) {
                float[] y = out.get(spec.outputName()).floats();
                for (int k = 0; k < n; k++) {
                    Tensor one = Tensor.ofFloats(new long[] {3, geo.netHeight(), geo.netWidth()},
                            Arrays.copyOfRange(y, k * per, (k + 1) * per));
                    t.encode(t.postprocess(one, geo));
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            for (int k = 0; k < n; k++) {
                latencies.add(ms);
            }
        }
    }

    @Override
    public List<String> endToEndVariants() {
        List<String> l = new ArrayList<>(List.of("end to end via Kafka (EOS v2)"));
        for (double sc : b.scales) {
            l.add("end to end, header " + StyleTopology.SCALE_KEY + "=" + sc);
        }
        return l;
    }

    @Override
    public Headers headers(int v) {
        RecordHeaders h = new RecordHeaders();
        if (v > 0) {
            h.add(StyleTopology.SCALE_KEY, Double.toString(b.scales.get(v - 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return h;
    }

    @Override
    public String framesTopic() {
        return topics.frames();
    }

    @Override
    public String outputTopic() {
        return topics.stylized();
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
        return KafkaClientConfig.maxRecordBytes(2 * maxFrameBytes);
    }

    @Override
    public Service start(Properties streamsClient, Path stateDir, int maxFrameBytes) throws Exception {
        TopologyService.Settings s = new TopologyService.Settings("vision-streams-bench-stylize", b.streamThreads, stateDir,
                1, maxFrameBytes);
        int threads = b.e2eIntraOpThreads >= 0 ? b.e2eIntraOpThreads : b.serving.intraOpThreads;
        StylizerDeployment d = StylizerDeployment.open(b.styleTask.settings(b.serving).withRuntime(b.serving.runtime, threads));
        TopologyService service = TopologyService.stylize(streamsClient, s, topics, d, style);
        return new Service(service.runner(), service);
    }

    @Override
    public Output decode(byte[] value) {
        StylizedFrame f = VisionSerdes.stylizedFrame().decode(value);
        var l = f.getLatency();
        return new Output(f.getSource().getSequence(), l.getBatchSize(), new long[] {l.getDecodeMicros(), l.getPreMicros(),
                l.getQueueMicros(), l.getInferMicros(), l.getPostMicros()}, value.length);
    }

    @Override
    public List<String> stageNames() {
        return List.of("decode", "pre", "queue", "infer (whole batch)", "post+encode");
    }

    @Override
    public void close() {
        bare.close();
    }
}
