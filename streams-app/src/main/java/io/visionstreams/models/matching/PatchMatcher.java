package io.visionstreams.models.matching;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.opencv.opencv_core.Mat;

import io.visionstreams.imaging.Image;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;

/**
 * Keypoint matching with the patch networks, free of Kafka types: keypoints (FAST/ORB/MSER) →
 * oriented, scale-normalised patches → siamese -l2 descriptors → mutual nearest neighbours with a
 * ratio test → optional 2-channel re-scoring → optional RANSAC geometry. The {@code match} command and
 * the patch-matching topology both call {@link #match}.
 *
 * <p>Thread-safe: {@link #match} keeps its state on the stack and the sessions may be shared.
 */
public final class PatchMatcher implements AutoCloseable {

    public static final String DEFAULT_DESCRIPTOR_MODEL = "patch-siam-l2/1";
    public static final String DEFAULT_PAIR_MODEL = "patch-2ch-avg/1";

    /** Patches per inference call: the descriptor net runs about 1k patches/s on 2 cores, so 64 keeps calls short. */
    private static final int BATCH = 64;

    private final PatchModels.Descriptors descriptors;
    private final PatchModels.PairScores pairScores;
    private final String method;
    private final String modelName;
    private final String modelVersion;
    private final String runtimeName;
    private final List<AutoCloseable> owned;

    /**
     * Over sessions the caller owns (they are not closed here).
     *
     * @param pairModel the 2-channel model and its session for re-scoring, or nulls without re-scoring
     */
    public PatchMatcher(LoadedModel descriptorModel, InferenceSession descriptorSession, LoadedModel pairModel,
                        InferenceSession pairSession) throws InferenceException {
        this(descriptorModel, descriptorSession, pairModel, pairSession, List.of());
    }

    private PatchMatcher(LoadedModel descriptorModel, InferenceSession descriptorSession, LoadedModel pairModel,
                         InferenceSession pairSession, List<AutoCloseable> owned) throws InferenceException {
        this.descriptors = new PatchModels.Descriptors(descriptorModel.descriptor(), descriptorSession, BATCH);
        this.pairScores = pairModel == null ? null : new PatchModels.PairScores(pairModel.descriptor(), pairSession, BATCH);
        this.modelName = descriptorModel.descriptor().name();
        this.modelVersion = descriptorModel.descriptor().version();
        this.method = modelName + ":" + modelVersion;
        this.runtimeName = descriptorSession.runtimeName();
        this.owned = owned;
    }

    /**
     * Loads the models (bundled name/version or directory) on a runtime of its own.
     *
     * @param pairModel 2-channel model for re-scoring, or null when re-scoring is never wanted
     * @param runtime   auto, cpu or tensorrt
     */
    public static PatchMatcher open(String descriptorModel, String pairModel, String runtime, int intraOpThreads)
            throws IOException, InferenceException {
        LoadedModel dm = ModelZoo.resolve(descriptorModel);
        LoadedModel pm = pairModel == null ? null : ModelZoo.resolve(pairModel);
        InferenceRuntime rt = InferenceRuntimes.select(runtime, intraOpThreads);
        List<AutoCloseable> owned = new ArrayList<>();
        owned.add(rt);
        try {
            InferenceSession ds = rt.open(dm.source());
            owned.add(0, ds);
            InferenceSession ps = null;
            if (pm != null) {
                ps = rt.open(pm.source());
                owned.add(0, ps);
            }
            return new PatchMatcher(dm, ds, pm, ps, owned);
        } catch (InferenceException | RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    public String modelName() {
        return modelName;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public String runtimeName() {
        return runtimeName;
    }

    /** {@code name:version} of the descriptor model. */
    public String method() {
        return method;
    }

    public MatchResult match(Image a, Image b, MatchOptions opt) throws InferenceException {
        if (opt.rescore() && pairScores == null) {
            throw new IllegalStateException("re-scoring asked for, but this matcher was opened without a pair model");
        }
        long t0 = System.nanoTime();
        List<Keypoint> ka, kb;
        try (Mat ga = GrayMats.of(a); Mat gb = GrayMats.of(b)) {
            ka = KeypointDetector.detect(ga, opt.detector(), opt.maxKeypoints());
            kb = KeypointDetector.detect(gb, opt.detector(), opt.maxKeypoints());
            long t1 = System.nanoTime();
            PatchModels.PatchInput in = descriptors.input();
            float[] pa = patches(ga, ka, in, opt.supportMultiple());
            float[] pb = patches(gb, kb, in, opt.supportMultiple());
            long t2 = System.nanoTime();
            return describeAndMatch(ka, kb, pa, pb, opt, t0, t1, t2);
        }
    }

    private MatchResult describeAndMatch(List<Keypoint> ka, List<Keypoint> kb, float[] pa, float[] pb, MatchOptions opt,
                                         long t0, long t1, long t2) throws InferenceException {
        int[] dim = new int[1];
        float[] da = descriptors.describe(pa, ka.size(), dim);
        float[] db = descriptors.describe(pb, kb.size(), dim);
        long t3 = System.nanoTime();
        List<MutualMatcher.Candidate> cands = ka.isEmpty() || kb.isEmpty() ? List.of()
                : MutualMatcher.match(MutualMatcher.l2Distances(da, ka.size(), db, kb.size(), dim[0]), ka.size(),
                        kb.size(), opt.ratio());
        long t4 = System.nanoTime();
        float[] scores = new float[cands.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = -cands.get(i).distance();
        }
        if (opt.rescore() && !cands.isEmpty()) {
            // 2-channel scoring needs both patches in one input, so it runs on the candidates only
            int[] ia = cands.stream().mapToInt(MutualMatcher.Candidate::a).toArray();
            int[] ib = cands.stream().mapToInt(MutualMatcher.Candidate::b).toArray();
            float[] s = pairScores.score(pa, pb, ia, ib);
            List<MutualMatcher.Candidate> kept = new ArrayList<>();
            List<Float> keptScores = new ArrayList<>();
            for (int i = 0; i < s.length; i++) {
                if (s[i] >= opt.rescoreThreshold()) {
                    kept.add(cands.get(i));
                    keptScores.add(s[i]);
                }
            }
            cands = kept;
            scores = new float[kept.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = keptScores.get(i);
            }
        }
        long t5 = System.nanoTime();
        MatchResult r = assemble(method, ka, kb, cands, scores, opt, t0, t1, t2, t3, t4, t5);
        return r;
    }

    /** Candidates → point matches with RANSAC flags; shared with the classical baselines. */
    static MatchResult assemble(String method, List<Keypoint> ka, List<Keypoint> kb, List<MutualMatcher.Candidate> cands,
                                float[] scores, MatchOptions opt, long t0, long t1, long t2, long t3, long t4, long t5) {
        int n = cands.size();
        float[] ax = new float[n], ay = new float[n], bx = new float[n], by = new float[n];
        for (int i = 0; i < n; i++) {
            Keypoint p = ka.get(cands.get(i).a()), q = kb.get(cands.get(i).b());
            ax[i] = p.x();
            ay[i] = p.y();
            bx[i] = q.x();
            by[i] = q.y();
        }
        GeometryEstimator.Estimate est = GeometryEstimator.estimate(opt.geometry(), ax, ay, bx, by, opt.ransacThreshold());
        long t6 = System.nanoTime();
        List<MatchResult.PointMatch> matches = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            matches.add(new MatchResult.PointMatch(ax[i], ay[i], bx[i], by[i], scores[i], est.inliers()[i]));
        }
        MatchResult.Timings t = new MatchResult.Timings(ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5),
                ms(t5, t6));
        return new MatchResult(method, matches, est.geometry(), ka.size(), kb.size(), t);
    }

    /** Normalised patches of all keypoints, oriented by the detector's angle or, lacking one, the intensity centroid. */
    static float[] patches(Mat gray, List<Keypoint> kps, PatchModels.PatchInput in, double supportMultiple) {
        int area = in.size() * in.size();
        float[] out = new float[kps.size() * area];
        float[] scratch = new float[area];
        try (PatchExtractor ex = new PatchExtractor(gray, in.size(), supportMultiple, in.scale(), in.mean(), in.std())) {
            for (int i = 0; i < kps.size(); i++) {
                Keypoint k = kps.get(i);
                float angle = k.hasAngle() ? k.angle() : ex.centroidAngle(k, scratch);
                ex.extract(k, angle, out, i * area);
            }
        }
        return out;
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> items) {
        for (AutoCloseable c : items) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing native sessions: nothing useful to do with a second failure
            }
        }
    }
}
