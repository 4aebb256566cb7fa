package io.visionstreams.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.ModelSource;
import io.visionstreams.inference.Tensor;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.ArtifactStore;
import io.visionstreams.release.GoldenTensors;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.VisionSerdes;

/**
 * Publishes a model version: checks the model directory, computes the golden input and output on ONNX
 * Runtime, uploads every artifact to the store, and (after the caller signed the record) writes it to the
 * compacted releases topic keyed by model name.
 *
 * <p>Everything that can fail locally (descriptor, checksum, the model loading and running, plan tags) is
 * checked before the first byte is uploaded, and the record is produced only after every upload succeeded,
 * so an instance never sees a release whose artifacts are not all in the store.
 */
public final class ReleasePublisher {

    public static final String GOLDEN_INPUT_FILE = "golden-input.vsgt";
    public static final String GOLDEN_OUTPUT_FILE = "golden-output.vsgt";
    static final String MODEL_CARD_FILE = "MODEL_CARD.md";
    /** Tags every TensorRT plan must carry: an instance picks the plan built for its GPU and TensorRT. */
    public static final List<String> PLAN_TAGS = List.of(ArtifactKinds.TAG_GPU, ArtifactKinds.TAG_COMPUTE_CAPABILITY,
            ArtifactKinds.TAG_TENSORRT_VERSION);

    /** A prebuilt TensorRT plan and what it was built for. */
    public record PlanFile(Path file, Map<String, String> tags) {
        public PlanFile {
            tags = Map.copyOf(tags);
        }
    }

    /**
     * What to publish. {@code name}/{@code version} null: model.json's; given: the release (and the model.json
     * it carries) use them instead, e.g. to publish the same network as a new version.
     */
    public record Request(Path modelDir, String name, String version, boolean pinned, Path fp16Onnx, List<PlanFile> plans,
                          long goldenSeed) {
        public Request {
            plans = plans == null ? List.of() : List.copyOf(plans);
        }
    }

    /** Where the record landed. */
    public record Published(ModelRelease release, String topic, int partition, long offset, List<String> notes) {
        public String summary() {
            List<String> kinds = release.getArtifacts().stream().map(ModelArtifact::getKind).toList();
            return String.format("published %s/%s%s signed by key %s: %d artifacts %s -> %s partition %d offset %d",
                    release.getModelName(), release.getVersion(), release.getPinned() ? " (pinned)" : "", release.getKeyId(),
                    kinds.size(), kinds, topic, partition, offset);
        }
    }

    private ReleasePublisher() {
    }

    /**
     * Checks the model, computes the golden tensors with {@code runtime} and uploads every artifact.
     *
     * @return the unsigned release (keyId empty, signature empty)
     */
    public static ModelRelease prepare(Request req, ArtifactStore store, InferenceRuntime runtime, Instant publishedAt)
            throws IOException, InferenceException {
        LoadedModel model = ModelZoo.loadDirectory(req.modelDir()); // model.json valid and its sha256 matches the ONNX
        ModelDescriptor d = renamed(model.descriptor(), req.name(), req.version());
        ArtifactStore.checkSegment("model name", d.name());
        ArtifactStore.checkSegment("version", d.version());
        checkExtras(req, d);
        Path work = Files.createTempDirectory("publish-");
        try {
            Path descriptor = req.modelDir().resolve(ModelDescriptor.FILE_NAME);
            if (d != model.descriptor()) {
                descriptor = work.resolve(ModelDescriptor.FILE_NAME);
                d.write(descriptor);
            }
            writeGolden(d, model.onnx(), runtime, req.goldenSeed(), work);

            Map<Path, String> uploads = new LinkedHashMap<>(); // file -> kind, in release order
            uploads.put(req.modelDir().resolve(d.onnx()), ArtifactKinds.ONNX);
            uploads.put(descriptor, ArtifactKinds.DESCRIPTOR);
            Path card = req.modelDir().resolve(MODEL_CARD_FILE);
            if (Files.isRegularFile(card)) {
                uploads.put(card, ArtifactKinds.MODEL_CARD);
            }
            if (req.fp16Onnx() != null) {
                uploads.put(req.fp16Onnx(), ArtifactKinds.ONNX_FP16);
            }
            Map<Path, Map<String, String>> tags = new LinkedHashMap<>();
            for (PlanFile p : req.plans()) {
                uploads.put(p.file(), ArtifactKinds.TENSORRT_PLAN);
                tags.put(p.file(), p.tags());
            }
            uploads.put(work.resolve(GOLDEN_INPUT_FILE), ArtifactKinds.GOLDEN_INPUT);
            uploads.put(work.resolve(GOLDEN_OUTPUT_FILE), ArtifactKinds.GOLDEN_OUTPUT);

            Set<String> names = new HashSet<>();
            for (Path f : uploads.keySet()) {
                if (!names.add(f.getFileName().toString())) {
                    throw new IllegalArgumentException("two artifacts are both named " + f.getFileName()
                            + "; every file of a release needs its own name");
                }
            }
            List<ModelArtifact> artifacts = new ArrayList<>();
            for (Map.Entry<Path, String> u : uploads.entrySet()) {
                Path f = u.getKey();
                URI uri = store.put(d.name(), d.version(), f.getFileName().toString(), f);
                artifacts.add(ModelArtifact.newBuilder().setKind(u.getValue()).setUri(uri.toString())
                        .setSha256(ReleaseFetcher.sha256Hex(f)).setSizeBytes(Files.size(f))
                        .setTags(new LinkedHashMap<>(tags.getOrDefault(f, Map.of()))).build());
            }
            return ModelRelease.newBuilder().setModelName(d.name()).setVersion(d.version()).setPublishedAt(publishedAt)
                    .setArtifacts(artifacts).setPinned(req.pinned()).setKeyId("").setSignature(ByteBuffer.allocate(0)).build();
        } finally {
            deleteTree(work);
        }
    }

    /** The descriptor under another name/version, or the same instance when nothing changes. */
    static ModelDescriptor renamed(ModelDescriptor d, String name, String version) {
        String n = name == null ? d.name() : name;
        String v = version == null ? d.version() : version;
        if (n.equals(d.name()) && v.equals(d.version())) {
            return d;
        }
        return new ModelDescriptor(n, v, d.task(), d.onnx(), d.sha256(), d.input(), d.outputs(), d.decoder(), d.camStride(),
                d.classes(), d.stylization(), d.trained());
    }

    private static void checkExtras(Request req, ModelDescriptor d) {
        if (req.fp16Onnx() != null && !Files.isRegularFile(req.fp16Onnx())) {
            throw new IllegalArgumentException("--fp16 " + req.fp16Onnx() + " is not a file");
        }
        for (PlanFile p : req.plans()) {
            if (!Files.isRegularFile(p.file())) {
                throw new IllegalArgumentException("--plan " + p.file() + " is not a file");
            }
            List<String> missing = PLAN_TAGS.stream().filter(t -> p.tags().getOrDefault(t, "").isBlank()).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("plan " + p.file() + " lacks tags " + missing
                        + " (give --plan-tags gpu=...,cc=...,trt=...): instances pick plans by them");
            }
            for (Map.Entry<String, String> t : p.tags().entrySet()) {
                String problem = ArtifactKinds.planTagProblem(t.getKey(), t.getValue());
                if (problem != null) {
                    throw new IllegalArgumentException("plan " + p.file() + ": " + problem);
                }
            }
        }
    }

    /** Golden input (seeded) and the output ONNX Runtime computes for it, as the two golden files in {@code dir}. */
    static void writeGolden(ModelDescriptor d, byte[] onnx, InferenceRuntime runtime, long seed, Path dir)
            throws InferenceException {
        try (InferenceSession session = runtime.open(new ModelSource(d.name(), d.version(), onnx))) {
            Map<String, Tensor> in = GoldenInputs.of(d, session.inputs(), seed);
            Map<String, float[]> inData = new LinkedHashMap<>();
            Map<String, long[]> inShapes = new LinkedHashMap<>();
            in.forEach((k, t) -> {
                inData.put(k, t.floats());
                inShapes.put(k, t.shape());
            });
            Map<String, long[]> outShapes = new LinkedHashMap<>();
            Map<String, float[]> out = GoldenInputs.outputs(session, in, outShapes);
            GoldenTensors.write(dir.resolve(GOLDEN_INPUT_FILE), inData, inShapes);
            GoldenTensors.write(dir.resolve(GOLDEN_OUTPUT_FILE), out, outShapes);
        }
    }

    /**
     * Creates the compacted releases topic if missing and writes the signed release keyed by model name, with
     * acks=all and idempotence whatever the client config says.
     */
    public static Published send(ModelRelease signed, Properties client, String topic, short replicationFactor)
            throws InterruptedException, ExecutionException {
        List<String> notes = new ArrayList<>();
        try (Admin admin = Admin.create(client)) {
            List<String> created = TopicAdmin.ensureTopics(admin, List.of(new TopicAdmin.TopicSpec(topic, 1, true)),
                    replicationFactor, RELEASE_RECORD_BYTES);
            if (!created.isEmpty()) {
                notes.add("created compacted topic " + topic);
            } else {
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config cfg = admin.describeConfigs(List.of(res)).all().get().get(res);
                String policy = cfg == null || cfg.get(TopicConfig.CLEANUP_POLICY_CONFIG) == null ? "?"
                        : cfg.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    notes.add("warning: topic " + topic + " has cleanup.policy=" + policy
                            + ", not compact: retention will delete releases and restarted instances will not find them");
                }
            }
        }
        Properties p = KafkaClientConfig.producer(client, RELEASE_RECORD_BYTES);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(p, new StringSerializer(),
                VisionSerdes.modelRelease())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, signed.getModelName(), signed)).get();
            return new Published(signed, topic, md.partition(), md.offset(), notes);
        }
    }

    /** A release record is a few hundred bytes per artifact; 1 MiB leaves room for many plans. */
    static final int RELEASE_RECORD_BYTES = 1 << 20;

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
