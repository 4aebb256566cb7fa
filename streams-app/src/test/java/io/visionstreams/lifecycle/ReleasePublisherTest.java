package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.ModelSource;
import io.visionstreams.inference.OnnxRuntimeBackend;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.FetchedRelease;
import io.visionstreams.release.GoldenTensors;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.release.SignedRelease;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.schema.ModelRelease;

/** Preparing a release without Kafka: checks, golden tensors on ONNX Runtime CPU, uploads. */
class ReleasePublisherTest {

    static OnnxRuntimeBackend cpu;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        cpu = new OnnxRuntimeBackend(1, 1);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    static Path zooDir(String nameVersion) throws Exception {
        return Path.of(ReleasePublisherTest.class.getResource("/io/visionstreams/zoo/" + nameVersion + "/model.json").toURI()).getParent();
    }

    private static ReleasePublisher.Request request(Path dir, String version) {
        return new ReleasePublisher.Request(dir, null, version, false, null, List.of(), 1);
    }

    @Test
    void detectorReleaseCarriesEveryArtifactAndAGoldenPairThatReproduces() throws Exception {
        Path dir = zooDir("detector-student/1");
        DirectoryArtifactStore store = new DirectoryArtifactStore(tmp.resolve("store"));
        ModelRelease r = ReleasePublisher.prepare(request(dir, null), store, cpu, Instant.now());
        assertEquals("detector-student", r.getModelName());
        assertEquals("1", r.getVersion());
        assertEquals(List.of(ArtifactKinds.ONNX, ArtifactKinds.DESCRIPTOR, ArtifactKinds.MODEL_CARD, ArtifactKinds.GOLDEN_INPUT,
                ArtifactKinds.GOLDEN_OUTPUT), r.getArtifacts().stream().map(a -> a.getKind()).toList());

        KeyPair kp = ReleaseKeys.generate();
        FetchedRelease f = new ReleaseFetcher(store, TrustedKeys.of(kp.getPublic()), tmp.resolve("cache"))
                .fetch(SignedRelease.of(ReleaseSigning.sign(r, kp.getPrivate(), kp.getPublic())));
        assertArrayEquals(Files.readAllBytes(dir.resolve("model.onnx")), Files.readAllBytes(f.require(ArtifactKinds.ONNX)));
        assertArrayEquals(Files.readAllBytes(dir.resolve("model.json")), Files.readAllBytes(f.require(ArtifactKinds.DESCRIPTOR)),
                "model.json travels byte for byte when name and version are unchanged");

        GoldenTensors.Golden in = GoldenTensors.read(f.require(ArtifactKinds.GOLDEN_INPUT));
        assertArrayEquals(new long[] {1, 3, 320, 320}, in.shapes().get("images"));
        GoldenTensors.Golden out = GoldenTensors.read(f.require(ArtifactKinds.GOLDEN_OUTPUT));
        assertTrue(out.data().keySet().containsAll(List.of("boxes", "scores")), out.data().keySet().toString());
        // what an instance will do: run the fetched model on the golden input and compare
        LoadedModel m = ModelZoo.loadDirectory(f.dir());
        try (InferenceSession s = cpu.open(m.source())) {
            Map<String, Tensor> feed = Map.of("images", Tensor.ofFloats(in.shapes().get("images"), in.data().get("images")));
            Map<String, float[]> again = GoldenInputs.outputs(s, feed, new HashMap<>());
            assertNull(GoldenTensors.mismatch(out.data(), again, 1e-5, 1e-4));
        }
    }

    @Test
    void goldenInputIsDeterministicPerSeed() throws Exception {
        ModelDescriptor d = ModelZoo.loadDirectory(zooDir("detector-student/1")).descriptor();
        Map<String, TensorSpec> specs = Map.of("images", new TensorSpec("images", Tensor.Type.FLOAT32, new long[] {-1, 3, -1, -1}));
        float[] a = GoldenInputs.of(d, specs, 7).get("images").floats();
        assertArrayEquals(a, GoldenInputs.of(d, specs, 7).get("images").floats());
        assertFalse(java.util.Arrays.equals(a, GoldenInputs.of(d, specs, 8).get("images").floats()));
        // preprocessed like a frame: (pixel/255 - mean)/std stays within the normalised pixel range
        for (float v : a) {
            assertTrue(v >= (0 - 0.485) / 0.225 - 1e-3 && v <= (1 - 0.406) / 0.225 + 1e-3, "value " + v);
        }
        Map<String, TensorSpec> unknown = Map.of("images", specs.get("images"),
                "extra", new TensorSpec("extra", Tensor.Type.FLOAT32, new long[] {-1, 4}));
        assertThrows(io.visionstreams.inference.InferenceException.class, () -> GoldenInputs.of(d, unknown, 1));
    }

    @Test
    void stylizerGetsASmallImageAndAOneHotStyle() throws Exception {
        LoadedModel m = ModelZoo.loadDirectory(zooDir("style-cin/2"));
        try (InferenceSession s = cpu.open(m.source())) {
            Map<String, Tensor> in = GoldenInputs.of(m.descriptor(), s.inputs(), 1);
            assertArrayEquals(new long[] {1, 3, 64, 64}, in.get("images").shape());
            assertArrayEquals(new long[] {1, 4}, in.get("style_weights").shape());
            assertArrayEquals(new float[] {1, 0, 0, 0}, in.get("style_weights").floats());
            Map<String, long[]> shapes = new HashMap<>();
            GoldenInputs.outputs(s, in, shapes);
            assertArrayEquals(new long[] {1, 3, 64, 64}, shapes.get("stylized"));
        }
    }

    @Test
    void newVersionRewritesModelJsonAndPlansNeedTags() throws Exception {
        Path dir = zooDir("detector-student/1");
        DirectoryArtifactStore store = new DirectoryArtifactStore(tmp.resolve("store"));
        ModelRelease r = ReleasePublisher.prepare(request(dir, "7"), store, cpu, Instant.now());
        assertEquals("7", r.getVersion());
        ModelDescriptor uploaded = ModelDescriptor.read(tmp.resolve("store/detector-student/7/model.json"));
        assertEquals("7", uploaded.version());
        assertEquals(ModelZoo.loadDirectory(dir).descriptor().sha256(), uploaded.sha256());

        Path plan = Files.write(tmp.resolve("h100.plan"), new byte[] {1, 2, 3});
        ReleasePublisher.Request noTags = new ReleasePublisher.Request(dir, null, "8", false, null,
                List.of(new ReleasePublisher.PlanFile(plan, Map.of("gpu", "NVIDIA H100"))), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReleasePublisher.prepare(noTags, store, cpu, Instant.now()));
        assertTrue(e.getMessage().contains("computeCapability"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("store/detector-student/8")), "nothing uploaded for a request that fails its checks");
        ReleasePublisher.Request badCc = new ReleasePublisher.Request(dir, null, "8", false, null,
                List.of(new ReleasePublisher.PlanFile(plan, Map.of("gpu", "NVIDIA H100", "computeCapability", "sm90",
                        "tensorrtVersion", "11.2"))), 1);
        e = assertThrows(IllegalArgumentException.class, () -> ReleasePublisher.prepare(badCc, store, cpu, Instant.now()));
        assertTrue(e.getMessage().contains("computeCapability='sm90' is malformed"), e.getMessage());

        Path fp16 = Files.write(tmp.resolve("model-fp16.onnx"), new byte[] {4, 5, 6});
        ReleasePublisher.Request withPlan = new ReleasePublisher.Request(dir, null, "8", true, fp16, List.of(new ReleasePublisher.PlanFile(
                plan, Map.of("gpu", "NVIDIA H100", "computeCapability", "9.0", "tensorrtVersion", "11.2"))), 1);
        ModelRelease p = ReleasePublisher.prepare(withPlan, store, cpu, Instant.now());
        assertTrue(p.getPinned());
        assertEquals(List.of(ArtifactKinds.ONNX, ArtifactKinds.DESCRIPTOR, ArtifactKinds.MODEL_CARD, ArtifactKinds.ONNX_FP16,
                ArtifactKinds.TENSORRT_PLAN, ArtifactKinds.GOLDEN_INPUT, ArtifactKinds.GOLDEN_OUTPUT),
                p.getArtifacts().stream().map(a -> a.getKind()).toList());
        assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(tmp.resolve("store/detector-student/8/model-fp16.onnx")));
        assertEquals(Map.of("gpu", "NVIDIA H100", "computeCapability", "9.0", "tensorrtVersion", "11.2"), p.getArtifacts().stream()
                .filter(a -> a.getKind().equals(ArtifactKinds.TENSORRT_PLAN)).findFirst().orElseThrow().getTags());
    }

    @Test
    void onnxThatDoesNotMatchModelJsonIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Path src = zooDir("detector-student/1");
        for (String f : List.of("model.json", "MODEL_CARD.md")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
        DirectoryArtifactStore store = new DirectoryArtifactStore(tmp.resolve("store"));
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> ReleasePublisher.prepare(request(dir, null), store, cpu, Instant.now()));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("store")), "nothing uploaded");
        }
    }
}
