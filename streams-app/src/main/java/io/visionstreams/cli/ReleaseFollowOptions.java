package io.visionstreams.cli;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.visionstreams.inference.TensorRtBackend;
import io.visionstreams.inference.tensorrt.PublishedPlans;
import io.visionstreams.lifecycle.ModelDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.ReleaseInstaller;
import io.visionstreams.ops.ReleaseFollowing;
import io.visionstreams.ops.Topics;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.ArtifactStore;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.ModelArtifact;
import picocli.CommandLine.Option;

/** {@code run --follow-releases}: hot-swap the served model to signed releases from the releases topic. */
public final class ReleaseFollowOptions {

    @Option(names = "--follow-releases",
            description = "Follow the releases topic and hot-swap the served model (detection, stylize) to each newer "
                    + "trusted release that passes its checks; a pinned release is served whatever its version. "
                    + "Needs --trusted-keys and --release-store.")
    boolean follow;

    @Option(names = "--trusted-keys", paramLabel = "FILE|DIR", split = ",",
            description = "Ed25519 public keys (PEM) whose releases this instance accepts: files, or directories of "
                    + "*.pub/*.pem. Nothing is trusted without them.")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = "--release-store", paramLabel = "URI",
            description = "Artifact store the releases name their files in, as given to publish --store: file:/dir "
                    + "(or a path) or s3://bucket/prefix.")
    String releaseStore;

    @Option(names = "--release-store-option", paramLabel = "KEY=VALUE",
            description = "Option of an s3:// store (region, endpoint, ...); repeatable.")
    Map<String, String> storeOptions = new LinkedHashMap<>();

    @Option(names = "--release-cache", paramLabel = "DIR",
            description = "Where fetched and verified artifacts are kept (default: STATE_DIR/release-cache).")
    Path releaseCache;

    @Option(names = "--releases-topic", defaultValue = Topics.MODEL_RELEASES,
            description = "Compacted topic of ModelRelease records (default: ${DEFAULT-VALUE}).")
    String releasesTopic;

    @Option(names = "--status-topic", defaultValue = Topics.MODEL_STATUS,
            description = "Compacted topic this instance reports what it serves to (default: ${DEFAULT-VALUE}).")
    String statusTopic;

    @Option(names = "--instance-id",
            description = "This instance's name on the status topic (default: the host name).")
    String instanceId;

    @Option(names = "--golden-tolerance", defaultValue = "0.01",
            description = "Allowed golden-output difference as a fraction of each output's value range (default: ${DEFAULT-VALUE}).")
    double goldenTolerance;

    /** The configuration problems of following, or nothing when following is off. */
    void validate() {
        if (!follow) {
            if (!trustedKeys.isEmpty() || releaseStore != null) {
                throw new IllegalArgumentException("--trusted-keys and --release-store only apply with --follow-releases");
            }
            return;
        }
        if (trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("--follow-releases needs --trusted-keys FILE|DIR: an instance never "
                    + "installs releases without knowing whose signatures to trust");
        }
        if (releaseStore == null) {
            throw new IllegalArgumentException("--follow-releases needs --release-store URI (the --store releases were "
                    + "published to)");
        }
    }

    /** Starts following for the model in {@code slot}; returns once the releases published so far were read. */
    <T extends ModelDeployment> ReleaseFollowing start(Properties client, Path stateDir, String runtime,
                                                       ModelSlot<T> slot, ReleaseInstaller.Opener<T> opener)
            throws Exception {
        TrustedKeys trusted = TrustedKeys.load(trustedKeys);
        URI store = releaseStore.contains(":") ? URI.create(releaseStore) : Path.of(releaseStore).toAbsolutePath().toUri();
        Path cache = Files.createDirectories(releaseCache != null ? releaseCache : stateDir.resolve("release-cache"));
        ReleaseFollowing.Settings s = new ReleaseFollowing.Settings(instanceId(), releasesTopic, statusTopic, cache,
                new ReleaseInstaller.Checks(goldenTolerance, 3), Duration.ofMinutes(5), preparation(runtime));
        System.err.println("following " + releasesTopic + " as " + s.instanceId() + ", trusting keys " + trusted.keyIds()
                + ", artifacts from " + store);
        return ReleaseFollowing.start(client, s, slot, opener, trusted, ArtifactStore.forUri(store, storeOptions));
    }

    /**
     * On a runtime that may be TensorRT, a release's published plan built for this GPU goes into the plan cache
     * before the release is opened (else the runtime builds from the ONNX); on the CPU runtime plans are ignored.
     */
    static ReleaseInstaller.Preparation preparation(String runtime) {
        String r = runtime == null ? "auto" : runtime.trim().toLowerCase(java.util.Locale.ROOT);
        if (!r.equals("tensorrt") && !r.equals("auto")) {
            return ReleaseInstaller.Preparation.NONE;
        }
        return (fetched, onnx) -> {
            List<PublishedPlans.Candidate> plans = new ArrayList<>();
            for (Map.Entry<ModelArtifact, Path> e : fetched.all(ArtifactKinds.TENSORRT_PLAN)) {
                plans.add(new PublishedPlans.Candidate(e.getKey().getUri(), e.getKey().getTags(), e.getValue()));
            }
            return TensorRtBackend.adoptPublishedPlan(fetched.modelName() + "/" + fetched.version(), plans, onnx);
        };
    }

    private String instanceId() {
        if (instanceId != null) {
            return instanceId;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "instance-" + ProcessHandle.current().pid();
        }
    }
}
