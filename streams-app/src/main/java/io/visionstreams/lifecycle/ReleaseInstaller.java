package io.visionstreams.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Precision;
import io.visionstreams.inference.Tensor;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.FetchedRelease;
import io.visionstreams.release.GoldenTensors;
import io.visionstreams.release.RejectReason;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseRejectedException;
import io.visionstreams.release.SignedRelease;
import io.visionstreams.schema.FollowingState;
import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.ModelStatus;
import io.visionstreams.schema.ServingState;

/**
 * Turns one release into the served version of one model, or refuses it: fetch and verify (signature
 * first, then every artifact's SHA-256 and size), open it beside the serving version (the descriptor's
 * contract against the graph and the topology), run the golden input and compare with the golden output,
 * warm up at the serving batch size, then {@link ModelSlot#swap} it in. Runs on the release follower's
 * thread, never on a stream thread, so records keep flowing on the old version the whole time.
 *
 * <p>Any failure closes what was opened, keeps the old version serving, logs one line, reports a
 * REJECTED status and counts the reason.
 */
public final class ReleaseInstaller<T extends ModelDeployment> {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseInstaller.class);

    /** Opens a fetched model as this topology's deployment (runtime, batching and contract of the instance). */
    @FunctionalInterface
    public interface Opener<T> {
        T open(LoadedModel model) throws InferenceException;
    }

    /**
     * Runtime-specific preparation of a fetched, verified release before it is opened, e.g. adopting the
     * published TensorRT plan built for this GPU into the plan cache. Returns a line to log, or null. A failure
     * must not reject the release: the runtime then does what it does without the artifact.
     */
    @FunctionalInterface
    public interface Preparation {
        String prepare(FetchedRelease fetched, byte[] onnx);

        Preparation NONE = (f, o) -> null;
    }

    /**
     * Validation settings: golden tolerance (fraction of each output's range), warm-up runs, and the precision the
     * instance serves at. At FP16 a release must carry {@code onnx-fp16} (else it is rejected as MISSING_ARTIFACT),
     * and its golden output, which is always the FP32 graph's on ONNX Runtime, is compared with at least
     * {@link GoldenCheck#FP16_TOLERANCE}.
     */
    public record Checks(double goldenTolerance, int warmupRuns, Precision precision) {
        public Checks {
            precision = precision == null ? Precision.FP32 : precision;
        }

        public Checks(double goldenTolerance, int warmupRuns) {
            this(goldenTolerance, warmupRuns, Precision.FP32);
        }

        public static Checks defaults() {
            return new Checks(GoldenCheck.DEFAULT_TOLERANCE, 3);
        }

        /** The golden tolerance for what this instance runs: FP16 rounding needs more room than FP32. */
        public double effectiveGoldenTolerance() {
            return precision == Precision.FP16 ? Math.max(goldenTolerance, GoldenCheck.FP16_TOLERANCE) : goldenTolerance;
        }
    }

    private final String instanceId;
    private final String modelName;
    private final ModelSlot<T> slot;
    private final Opener<T> opener;
    private final ReleaseFetcher fetcher;
    private final StatusReporter status;
    private final ServingMetrics metrics;
    private final Checks checks;
    private volatile String servingVersion;
    private volatile String servingKeyId;
    private volatile Preparation preparation = Preparation.NONE;

    public ReleaseInstaller(String instanceId, ModelSlot<T> slot, Opener<T> opener, ReleaseFetcher fetcher,
                            StatusReporter status, ServingMetrics metrics, Checks checks) {
        this.instanceId = instanceId;
        this.slot = slot;
        this.opener = opener;
        this.fetcher = fetcher;
        this.status = status;
        this.metrics = metrics;
        this.checks = checks;
        ModelDescriptor d = slot.peek().model().descriptor();
        this.modelName = d.name();
        this.servingVersion = d.version();
    }

    /** Sets what runs between fetching a release and opening it (e.g. plan adoption); returns this. */
    public ReleaseInstaller<T> preparingWith(Preparation p) {
        this.preparation = p == null ? Preparation.NONE : p;
        return this;
    }

    /** The model name releases must carry to be installed here. */
    public String modelName() {
        return modelName;
    }

    /** The version serving now (the configured model until a release is installed). */
    public String servingVersion() {
        return servingVersion;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /**
     * Installs {@code release} if it passes every check.
     *
     * @return true when it serves now; false when it was rejected (the old version still serves)
     */
    public boolean install(SignedRelease release) {
        return install(release, false);
    }

    /**
     * Installs a release whose record came from the local cache ({@link #cachedReleases}) and may no longer
     * be on the topic: the same checks, but its artifacts are verified in the cache, not fetched again.
     */
    public boolean installCached(SignedRelease release) {
        return install(release, true);
    }

    /** The release records the cache kept for this model (unverified; see {@link ReleaseFetcher#cached}). */
    public java.util.List<SignedRelease> cachedReleases() {
        return fetcher.cached(modelName);
    }

    private boolean install(SignedRelease signed, boolean fromCache) {
        long t0 = System.nanoTime();
        ModelRelease release = signed.release();
        String version = release.getVersion();
        metrics.installing();
        report(ServingState.INSTALLING, release, null, null);
        T candidate = null;
        try {
            FetchedRelease fetched = fromCache ? fetcher.fetchCached(signed) : fetcher.fetch(signed);
            LoadedModel model = load(fetched);
            prepare(fetched, checks.precision() == Precision.FP16 ? model.onnxFp16() : model.onnx());
            try {
                candidate = opener.open(model);
            } catch (IncompatibleModelException e) {
                throw new ReleaseRejectedException(RejectReason.INCOMPATIBLE_SIGNATURE, e.getMessage(), e);
            } catch (InferenceException | RuntimeException e) {
                throw new ReleaseRejectedException(RejectReason.LOAD_FAILED, String.valueOf(e.getMessage()), e);
            }
            Map<String, Tensor> goldenInput = checkGolden(fetched, candidate.session());
            warmUp(candidate, goldenInput);
            slot.swap(candidate);
            candidate = null; // the slot owns it now
            long millis = (System.nanoTime() - t0) / 1_000_000;
            servingVersion = version;
            servingKeyId = release.getKeyId();
            metrics.swapped(version, millis);
            LOG.info("model {}: now serving release {} (key {}), installed in {} ms", modelName, version,
                    release.getKeyId(), millis);
            report(ServingState.SERVING, release, null, null);
            return true;
        } catch (ReleaseRejectedException e) {
            reject(release, e.reason(), e.getMessage());
            return false;
        } catch (RuntimeException e) { // a bug must not take the follower down: reject and keep serving
            reject(release, RejectReason.LOAD_FAILED, "unexpected: " + e);
            LOG.debug("unexpected failure installing {}:{}", modelName, version, e);
            return false;
        } finally {
            if (candidate != null) {
                candidate.close();
            }
        }
    }

    /** Records a release that is not installed (a failed check, or not newer than what serves). */
    public void reject(ModelRelease release, RejectReason reason, String message) {
        LOG.warn("model {}: release {} rejected ({}): {}; still serving {}", modelName, release.getVersion(), reason,
                message, servingVersion);
        if (reason == RejectReason.NOT_NEWER) {
            metrics.skipped(reason.name());
        } else {
            metrics.rejected(reason.name());
        }
        report(reason == RejectReason.NOT_NEWER ? ServingState.SERVING : ServingState.REJECTED, release, reason,
                message);
    }

    /**
     * Records a release record that could not even be read, e.g. UNKNOWN_SCHEMA (published in a ModelRelease
     * schema newer than this build): no version or key to name, the reason and message say what happened.
     */
    public void rejectUnreadable(RejectReason reason, String message) {
        LOG.warn("model {}: a release record was rejected ({}): {}; still serving {}", modelName, reason, message,
                servingVersion);
        metrics.rejected(reason.name());
        try {
            status.report(ModelStatus.newBuilder().setInstanceId(instanceId).setModelName(modelName)
                    .setServingVersion(servingVersion).setState(ServingState.REJECTED).setLastRelease(null)
                    .setReason(reason.name()).setMessage(message).setKeyId(null).setSince(Instant.now())
                    .setFollowing(following()).build());
        } catch (RuntimeException e) {
            LOG.warn("model {}: cannot report status {}: {}", modelName, ServingState.REJECTED, e.toString());
        }
    }

    /**
     * The releases consumer failed (first failure of a streak): counted, reported as SERVING the current version
     * with {@code following} RETRYING and the error, so an operator sees that releases are not followed.
     */
    public void followingFailed(String error, Duration retryIn) {
        metrics.followingFailed(error);
        reportFollowing("release follower failed (" + error + "); retrying in " + retryIn.toMillis()
                + " ms while " + servingVersion + " keeps serving");
    }

    /** A later failure of the same streak: counted, not reported again. */
    public void followingFailedAgain(String error) {
        metrics.followingFailed(error);
    }

    /** The releases consumer works again after {@code failures} failed attempts. */
    public void followingRecovered(int failures) {
        metrics.followingRecovered();
        reportFollowing("release follower recovered after " + failures + " failed attempt(s)");
    }

    /** The follower stopped (shutdown). */
    public void followingStopped() {
        metrics.followingStopped();
    }

    /**
     * A change of the follower's state, reported in {@code following} (not in {@code reason}, which says only why
     * a release was not installed): the serving version and state are unchanged.
     */
    private void reportFollowing(String message) {
        try {
            status.report(ModelStatus.newBuilder().setInstanceId(instanceId).setModelName(modelName)
                    .setServingVersion(servingVersion).setState(ServingState.SERVING).setLastRelease(null)
                    .setReason(null).setMessage(message).setKeyId(servingKeyId).setSince(Instant.now())
                    .setFollowing(following()).build());
        } catch (RuntimeException e) {
            LOG.warn("model {}: cannot report the follower's state: {}", modelName, e.toString());
        }
    }

    /** Reports what serves now, e.g. after start-up when no release was installed. */
    public void reportServing() {
        status.report(ModelStatus.newBuilder().setInstanceId(instanceId).setModelName(modelName)
                .setServingVersion(servingVersion).setState(ServingState.SERVING).setLastRelease(null)
                .setKeyId(servingKeyId).setSince(Instant.now()).setFollowing(following()).build());
    }

    private void report(ServingState state, ModelRelease release, RejectReason reason, String message) {
        try {
            status.report(ModelStatus.newBuilder().setInstanceId(instanceId).setModelName(modelName)
                    .setServingVersion(servingVersion).setState(state).setLastRelease(release.getVersion())
                    .setReason(reason == null ? null : reason.name()).setMessage(message)
                    .setKeyId(release.getKeyId()).setSince(Instant.now()).setFollowing(following()).build());
        } catch (RuntimeException e) {
            LOG.warn("model {}: cannot report status {}: {}", modelName, state, e.toString());
        }
    }

    /** The follower's state as the metrics have it (set before each report that changes it). */
    private FollowingState following() {
        try {
            return FollowingState.valueOf(metrics.getFollowingState());
        } catch (IllegalArgumentException e) {
            return FollowingState.UNKNOWN;
        }
    }

    /**
     * The fetched descriptor and ONNX as a model to open. The signed release is the authority on name and
     * version (results carry them); the descriptor contributes the contract and must match the ONNX bytes.
     */
    private LoadedModel load(FetchedRelease fetched) throws ReleaseRejectedException {
        Path json = fetched.require("descriptor");
        Path onnxFile = fetched.require("onnx");
        String what = modelName + ":" + fetched.release().getVersion();
        Path fp16File = null;
        if (checks.precision() == Precision.FP16) {
            // checked before anything is opened: an FP16 instance never silently serves the FP32 graph
            fp16File = fetched.artifacts().get(ArtifactKinds.ONNX_FP16);
            if (fp16File == null) {
                throw new ReleaseRejectedException(RejectReason.MISSING_ARTIFACT, what + ": this instance serves "
                        + "--precision fp16 on TensorRT and the release has no onnx-fp16 artifact (publish it with "
                        + "--fp16 FILE, or run this instance with --precision fp32)");
            }
        }
        try {
            ModelDescriptor d = ModelDescriptor.parse(Files.readString(json));
            byte[] onnx = Files.readAllBytes(onnxFile);
            if (!ModelZoo.sha256(onnx).equals(d.sha256())) {
                throw new ReleaseRejectedException(RejectReason.LOAD_FAILED, what + ": the descriptor's sha256 "
                        + d.sha256() + " is not the ONNX artifact's");
            }
            ModelDescriptor asReleased = new ModelDescriptor(fetched.release().getModelName(),
                    fetched.release().getVersion(), d.task(), d.onnx(), d.sha256(), d.input(), d.outputs(), d.decoder(),
                    d.camStride(), d.classes(), d.stylization(), d.trained());
            byte[] fp16 = checks.precision() == Precision.FP16 ? Files.readAllBytes(fp16File) : null;
            return new LoadedModel(asReleased, onnx, "release:" + what, fp16);
        } catch (IOException | RuntimeException e) {
            throw new ReleaseRejectedException(RejectReason.LOAD_FAILED, what + ": cannot read the descriptor or ONNX: "
                    + e.getMessage(), e);
        }
    }

    private void prepare(FetchedRelease fetched, byte[] servedOnnx) {
        try {
            String said = preparation.prepare(fetched, servedOnnx);
            if (said != null) {
                LOG.info("model {}: release {}: {}", modelName, fetched.version(), said);
            }
        } catch (RuntimeException e) {
            LOG.warn("model {}: release {}: preparing runtime artifacts failed ({}); opening it without them", modelName,
                    fetched.version(), e.toString());
        }
    }

    private Map<String, Tensor> checkGolden(FetchedRelease fetched, InferenceSession session)
            throws ReleaseRejectedException {
        String what = modelName + ":" + fetched.release().getVersion();
        GoldenTensors.Golden in;
        GoldenTensors.Golden out;
        try {
            in = GoldenTensors.read(fetched.require("golden-input"));
            out = GoldenTensors.read(fetched.require("golden-output"));
        } catch (RuntimeException e) {
            throw new ReleaseRejectedException(RejectReason.GOLDEN_MISMATCH, what + ": unreadable golden tensors: "
                    + e.getMessage(), e);
        }
        Map<String, Tensor> inputs;
        Map<String, Tensor> actual;
        try {
            inputs = GoldenCheck.inputs(in.shapes(), in.data(), session.inputs());
            actual = session.run(inputs, out.data().keySet().stream()
                    .filter(session.outputs()::containsKey).collect(java.util.stream.Collectors.toSet()));
        } catch (InferenceException | RuntimeException e) {
            throw new ReleaseRejectedException(RejectReason.GOLDEN_MISMATCH, what + ": the golden input does not run: "
                    + e.getMessage(), e);
        }
        String mismatch = GoldenCheck.mismatch(actual, out.shapes(), out.data(), checks.effectiveGoldenTolerance());
        if (mismatch != null) {
            throw new ReleaseRejectedException(RejectReason.GOLDEN_MISMATCH, what + ": " + mismatch);
        }
        return inputs;
    }

    private void warmUp(T candidate, Map<String, Tensor> goldenInput) throws ReleaseRejectedException {
        int batch = candidate.batcher().maxBatchSize();
        try {
            Map<String, Tensor> batched = goldenInput.values().iterator().next().dim(0) == 1
                    ? GoldenCheck.tile(goldenInput, batch) : goldenInput;
            for (int i = 0; i < checks.warmupRuns(); i++) {
                candidate.session().run(batched);
            }
        } catch (InferenceException | RuntimeException e) {
            throw new ReleaseRejectedException(RejectReason.WARMUP_FAILED, modelName + ":" + candidate.model()
                    .descriptor().version() + ": warm-up at batch " + batch + " failed: " + e.getMessage(), e);
        }
    }
}
