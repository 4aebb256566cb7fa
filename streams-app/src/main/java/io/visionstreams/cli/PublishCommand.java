package io.visionstreams.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.OnnxRuntimeBackend;
import io.visionstreams.lifecycle.ReleasePublisher;
import io.visionstreams.ops.Topics;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.ArtifactStore;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.schema.ModelRelease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Publishes a signed model release: artifacts to the store, the record to the compacted releases topic. */
// no mixinStandardHelpOptions: its -V/--version would clash with the release --version
@Command(name = "publish",
        description = {"Publish a model version as a signed release: upload the ONNX, model.json, MODEL_CARD.md, optional "
                + "FP16 ONNX and TensorRT plans, and a golden input/output pair (computed here on ONNX Runtime CPU) to the "
                + "artifact store, sign the release record with the Ed25519 key, and write it to the compacted releases "
                + "topic keyed by model name.",
            "Example: publish --model-dir models/zoo/detector-student/1 --store file:/srv/releases --key keys/release-signing.key "
                + "--bootstrap-servers broker:9092"})
public final class PublishCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Directory with model.json, its ONNX and MODEL_CARD.md.")
    Path modelDir;

    @Option(names = "--name", description = "Publish under this model name instead of model.json's (the uploaded model.json says so too).")
    String name;

    @Option(names = "--version", description = "Publish as this version instead of model.json's (the uploaded model.json says so too).")
    String version;

    @Option(names = "--store", required = true, paramLabel = "URI",
            description = "Artifact store: file:/path (or a plain directory) or s3://bucket/prefix.")
    String store;

    @Option(names = "--store-option", paramLabel = "KEY=VALUE",
            description = "Store option, repeatable (S3: region, endpoint, access-key, secret-key, session-token).")
    Map<String, String> storeOptions = new LinkedHashMap<>();

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private signing key (PEM, from keygen).")
    Path key;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "Its public key (default: the --key file with .pub instead of .key).")
    Path publicKey;

    @Option(names = "--pin", description = "Pin: instances serve exactly this version, even if it is older (rollback).")
    boolean pin;

    @Option(names = "--fp16", paramLabel = "FILE", description = "FP16 variant of the ONNX (kind onnx-fp16).")
    Path fp16;

    @Option(names = "--plan", paramLabel = "FILE", description = "Prebuilt TensorRT plan, repeatable; each needs a --plan-tags.")
    List<Path> plans = new ArrayList<>();

    @Option(names = "--plan-tags", paramLabel = "gpu=..,cc=..,trt=..",
            description = "Tags of the --plan at the same position: gpu (GPU name as nvidia-smi prints it), cc (compute "
                    + "capability, e.g. 9.0), trt (TensorRT version, e.g. 11.2); optional onnx (SHA-256 of the ONNX it "
                    + "was built from), profile (min/opt/max batch), precision (fp32|fp16).")
    List<String> planTags = new ArrayList<>();

    @Option(names = "--topic", defaultValue = "model-releases", description = "Releases topic (default: ${DEFAULT-VALUE}).")
    String topic = Topics.MODEL_RELEASES;

    @Option(names = "--replication-factor", defaultValue = "-1",
            description = "Replication of the releases topic if it has to be created (default: the broker's default).")
    short replicationFactor;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the golden input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    KafkaConnectionOptions kafka;

    @Override
    public Integer call() throws Exception {
        var client = kafka.load(); // fail on a missing bootstrap before doing any work
        if (plans.size() != planTags.size()) {
            throw new IllegalArgumentException("give one --plan-tags per --plan (" + plans.size() + " plans, "
                    + planTags.size() + " tag lists)");
        }
        List<ReleasePublisher.PlanFile> planFiles = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            planFiles.add(new ReleasePublisher.PlanFile(plans.get(i), parsePlanTags(planTags.get(i))));
        }
        PrivateKey priv = ReleaseKeys.readPrivate(key);
        Path pubFile = publicKey != null ? publicKey : defaultPublicKey(key);
        PublicKey pub = ReleaseKeys.readPublic(pubFile);
        ModelRelease unsigned;
        try (ArtifactStore s = ArtifactStore.forUri(storeUri(store), storeOptions);
             InferenceRuntime cpu = new OnnxRuntimeBackend(0, 1)) {
            unsigned = ReleasePublisher.prepare(new ReleasePublisher.Request(modelDir, name, version, pin, fp16, planFiles, seed),
                    s, cpu, Instant.now());
        }
        ModelRelease signed = ReleaseSigning.sign(unsigned, priv, pub);
        ReleasePublisher.Published p = ReleasePublisher.send(signed, client, topic, replicationFactor);
        p.notes().forEach(System.err::println);
        System.out.println(p.summary());
        return 0;
    }

    static Path defaultPublicKey(Path privateKey) {
        String n = privateKey.getFileName().toString();
        String pubName = n.endsWith(".key") ? n.substring(0, n.length() - 4) + ".pub" : n + ".pub";
        Path p = privateKey.resolveSibling(pubName);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no public key " + p + " beside " + privateKey + "; give --public-key");
        }
        return p;
    }

    /** A store URI; a plain path means a directory store. */
    static URI storeUri(String s) {
        if (s.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") && !s.matches("[A-Za-z]:\\\\.*")) {
            return URI.create(s);
        }
        return Path.of(s).toAbsolutePath().toUri();
    }

    /**
     * {@code gpu=NVIDIA H100 80GB HBM3,cc=9.0,trt=11.2[,onnx=SHA256][,profile=1/8/32][,precision=fp16]} → plan
     * tags (full tag names such as computeCapability are accepted too; see {@link ArtifactKinds#PLAN_TAG_ALIASES}).
     */
    static Map<String, String> parsePlanTags(String spec) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--plan-tags '" + spec + "': expected key=value pairs separated by commas");
            }
            String given = part.substring(0, eq).trim();
            String v = part.substring(eq + 1).trim();
            String k = ArtifactKinds.planTag(given);
            if (k == null) { // a misspelt tag would be published, and the plan then never chosen
                throw new IllegalArgumentException("--plan-tags '" + spec + "': unknown tag '" + given + "' (use "
                        + new java.util.TreeMap<>(ArtifactKinds.PLAN_TAG_ALIASES) + ", short or full names)");
            }
            tags.put(k, v);
        }
        return tags;
    }
}
