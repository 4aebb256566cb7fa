package io.visionstreams.it;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.ingest.EncodedFrame;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.lifecycle.ReleasePublisher;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.detection.DetectionTranslator;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.GoldenTensors;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.VisionSerdes;

/**
 * Builds releases of the served detector the way the trainer publishes them (artifacts in a directory
 * store, golden tensors from ONNX Runtime, Ed25519 signature) and writes them to the releases topic,
 * with hooks to break each one in a specific way.
 */
final class ReleaseFixtures implements AutoCloseable {

    /** What a release is made of before it is stored and signed; tests alter it to make bad releases. */
    static final class Draft {
        String name;
        String version;
        boolean pinned;
        ModelDescriptor descriptor;
        byte[] onnx;
        Map<String, float[]> goldenIn;
        Map<String, long[]> goldenInShapes;
        Map<String, float[]> goldenOut;
        Map<String, long[]> goldenOutShapes;
    }

    final Path storeDir;
    final DirectoryArtifactStore store;
    private final Path work;
    private final KafkaProducer<String, byte[]> producer;
    private final LoadedModel served;
    private final Map<String, float[]> goldenIn = new LinkedHashMap<>();
    private final Map<String, long[]> goldenInShapes = new LinkedHashMap<>();
    private final Map<String, float[]> goldenOut = new LinkedHashMap<>();
    private final Map<String, long[]> goldenOutShapes = new LinkedHashMap<>();

    /** Computes the golden tensors once, with the served model on ONNX Runtime. */
    ReleaseFixtures(Properties client, Path dir, DetectorDeployment reference) throws Exception {
        this.storeDir = dir.resolve("store");
        this.work = Files.createDirectories(dir.resolve("work"));
        this.store = new DirectoryArtifactStore(Files.createDirectories(storeDir));
        this.producer = new KafkaProducer<>(KafkaClientConfig.producer(client, 1 << 20), new StringSerializer(),
                new ByteArraySerializer());
        this.served = reference.model();
        EncodedFrame f = new SyntheticCamera(320, 240, 5L).frame(3);
        Image img = ImageCodec.decodeRgb(f.encoding(), f.data(), f.width(), f.height(), ImageLimits.defaults());
        DetectionTranslator tr = reference.detector().translator();
        Map<String, Tensor> in = tr.preprocess(img, tr.geometry(img));
        InferenceSession session = reference.session();
        Map<String, Tensor> batched = new LinkedHashMap<>();
        in.forEach((k, t) -> {
            long[] s = new long[t.rank() + 1];
            s[0] = 1;
            System.arraycopy(t.shape(), 0, s, 1, t.rank());
            batched.put(k, Tensor.ofFloats(s, t.floats()));
            goldenIn.put(k, t.floats());
            goldenInShapes.put(k, s);
        });
        session.run(batched).forEach((k, t) -> {
            goldenOut.put(k, t.floats().clone());
            goldenOutShapes.put(k, t.shape());
        });
    }

    /** The served model re-described as {@code version}, with correct golden tensors. */
    Draft draft(String version) {
        Draft d = new Draft();
        ModelDescriptor m = served.descriptor();
        d.name = m.name();
        d.version = version;
        d.descriptor = new ModelDescriptor(m.name(), version, m.task(), m.onnx(), m.sha256(), m.input(), m.outputs(),
                m.decoder(), m.camStride(), m.classes(), m.stylization(), m.trained());
        d.onnx = served.onnx();
        d.goldenIn = copy(goldenIn);
        d.goldenInShapes = goldenInShapes;
        d.goldenOut = copy(goldenOut);
        d.goldenOutShapes = goldenOutShapes;
        return d;
    }

    /**
     * The served model released as {@code version} by the trainer's own publisher (its golden input and
     * ONNX Runtime output, its artifact layout), signed: what {@code publish --version} would write.
     */
    ModelRelease published(String version, KeyPair key) throws Exception {
        Path dir = Files.createDirectories(work.resolve("publisher-" + version));
        Files.write(dir.resolve(served.descriptor().onnx()), served.onnx());
        served.descriptor().write(dir.resolve(ModelDescriptor.FILE_NAME));
        try (InferenceRuntime cpu = InferenceRuntimes.select("cpu", 1)) {
            ModelRelease unsigned = ReleasePublisher.prepare(new ReleasePublisher.Request(dir, null, version, false, null,
                    List.of(), 7L), store, cpu, Instant.now());
            return ReleaseSigning.sign(unsigned, key.getPrivate(), key.getPublic());
        }
    }

    /** Stores the draft's artifacts and returns the signed release record (not yet published). */
    ModelRelease sign(Draft d, KeyPair key) throws Exception {
        Path dir = Files.createDirectories(work.resolve(d.name + "-" + d.version));
        Path onnx = Files.write(dir.resolve("model.onnx"), d.onnx);
        Path json = dir.resolve("model.json");
        d.descriptor.write(json);
        Path gi = dir.resolve("golden-input.bin");
        GoldenTensors.write(gi, d.goldenIn, d.goldenInShapes);
        Path go = dir.resolve("golden-output.bin");
        GoldenTensors.write(go, d.goldenOut, d.goldenOutShapes);
        List<ModelArtifact> artifacts = new ArrayList<>();
        artifacts.add(artifact("onnx", d, onnx));
        artifacts.add(artifact("descriptor", d, json));
        artifacts.add(artifact("golden-input", d, gi));
        artifacts.add(artifact("golden-output", d, go));
        ModelRelease unsigned = ModelRelease.newBuilder().setModelName(d.name).setVersion(d.version)
                .setPublishedAt(Instant.now()).setArtifacts(artifacts).setPinned(d.pinned).setKeyId("")
                .setSignature(ByteBuffer.allocate(0)).build();
        return ReleaseSigning.sign(unsigned, key.getPrivate(), key.getPublic());
    }

    private ModelArtifact artifact(String kind, Draft d, Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        return ModelArtifact.newBuilder().setKind(kind)
                .setUri(store.put(d.name, d.version, file.getFileName().toString(), file).toString())
                .setSha256(ModelZoo.sha256(bytes)).setSizeBytes(bytes.length).build();
    }

    /** Writes a release record to the releases topic (key = model name) and waits for the ack. */
    void publish(String topic, ModelRelease r) throws Exception {
        producer.send(new ProducerRecord<>(topic, r.getModelName(), VisionSerdes.modelRelease().encode(r))).get();
    }

    ModelRelease signAndPublish(String topic, Draft d, KeyPair key) throws Exception {
        ModelRelease r = sign(d, key);
        publish(topic, r);
        return r;
    }

    /** Where the store keeps an artifact of a release (layout base/model/version/fileName). */
    Path storedFile(String model, String version, String fileName) {
        return storeDir.resolve(model).resolve(version).resolve(fileName);
    }

    static ModelRelease altered(ModelRelease r, UnaryOperator<ModelRelease.Builder> change) {
        return change.apply(ModelRelease.newBuilder(r)).build();
    }

    private static Map<String, float[]> copy(Map<String, float[]> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    @Override
    public void close() {
        producer.close();
        store.close();
    }
}
