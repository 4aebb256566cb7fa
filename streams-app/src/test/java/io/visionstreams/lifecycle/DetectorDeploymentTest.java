package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.ingest.EncodedFrame;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.detection.DetectionOptions;
import io.visionstreams.models.detection.DetectionResult;
import io.visionstreams.schema.ModelDescriptor;

class DetectorDeploymentTest {

    private static DetectorDeployment deployment;

    @BeforeAll
    static void open() throws Exception {
        deployment = DetectorDeployment.open(DetectorDeployment.Settings.defaults());
    }

    @AfterAll
    static void close() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @TempDir
    Path tmp;

    @Test
    void defaultsServeDetectionsOnASyntheticFrame() throws Exception {
        assertEquals("bundled:detector-student/1", deployment.model().location());
        EncodedFrame f = new SyntheticCamera(640, 480, 3L).frame(0);
        Image img = ImageCodec.decodeRgb(f.encoding(), f.data(), f.width(), f.height(), ImageLimits.defaults());

        DetectionResult r = deployment.detector().detect(img);

        assertEquals("detector-student", r.modelName());
        assertEquals("1", r.modelVersion());
        assertEquals("onnxruntime-cpu", r.runtimeName());
        assertEquals(640, r.imageWidth());
        assertEquals(480, r.imageHeight());
        assertEquals(1, r.batchSize());
        assertTrue(r.boxes().size() <= 100, "maxDetections default is 100");
        for (ScoredBox b : r.boxes()) {
            assertTrue(b.classId() >= 0 && b.classId() < 3, b.toString());
            assertTrue(b.score() >= 0.25f && b.score() <= 1f, b.toString());
            assertTrue(0 <= b.x1() && b.x1() < b.x2() && b.x2() <= 640, b.toString());
            assertTrue(0 <= b.y1() && b.y1() < b.y2() && b.y2() <= 480, b.toString());
        }
    }

    @Test
    void boxesFromTheRealModelAreMappedIntoTheFrame() throws Exception {
        // the untrained stub scores below the default threshold; at 0 every anchor competes, so NMS and the
        // letterbox mapping run on real model output
        DetectionOptions all = new DetectionOptions(0f, 0.5f, 30);
        try (DetectorDeployment d = DetectorDeployment.open(DetectorDeployment.Settings.defaults().withDetection(all))) {
            EncodedFrame f = new SyntheticCamera(480, 640, 4L).frame(2); // portrait: padding left and right
            Image img = ImageCodec.decodeRgb(f.encoding(), f.data(), f.width(), f.height(), ImageLimits.defaults());
            List<ScoredBox> boxes = d.detector().detect(img).boxes();
            assertEquals(30, boxes.size(), "2100 anchors x 3 classes leave more than 30 after NMS");
            for (int i = 0; i < boxes.size(); i++) {
                ScoredBox b = boxes.get(i);
                assertTrue(0 <= b.x1() && b.x1() < b.x2() && b.x2() <= 480, b.toString());
                assertTrue(0 <= b.y1() && b.y1() < b.y2() && b.y2() <= 640, b.toString());
                if (i > 0) {
                    assertTrue(boxes.get(i - 1).score() >= b.score(), "sorted by score");
                }
            }
        }
    }

    /** Copies the bundled stub (model.json + model.onnx) into a directory a test may then break. */
    private Path copyOfStub() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("stub"));
        for (String name : List.of("model.json", "model.onnx")) {
            try (InputStream in = ModelZoo.class.getResourceAsStream("/io/visionstreams/zoo/detector/0-stub/" + name)) {
                assertTrue(in != null, "bundled stub lacks " + name);
                Files.copy(in, dir.resolve(name));
            }
        }
        return dir;
    }

    private static ModelDescriptor read(Path dir) throws IOException {
        return ModelDescriptor.read(dir.resolve("model.json"));
    }

    private static DetectorDeployment openDir(Path dir) throws Exception {
        return DetectorDeployment.open(DetectorDeployment.Settings.defaults().withModel(dir.toString()));
    }

    @Test
    void anUnmodifiedCopyLoadsFromADirectory() throws Exception {
        // baseline for the tests below: their failures come from the edits, not from the copy
        Path dir = copyOfStub();
        try (DetectorDeployment d = openDir(dir)) {
            assertEquals(dir.toString(), d.model().location());
            assertEquals("0-stub", d.session().modelVersion());
        }
        // the model.json path works as well as its directory
        try (DetectorDeployment d = DetectorDeployment.open(
                DetectorDeployment.Settings.defaults().withModel(dir.resolve("model.json").toString()))) {
            assertEquals("detector", d.session().modelName());
        }
    }

    @Test
    void wrongClassCountIsRejectedAtLoadTime() throws Exception {
        Path dir = copyOfStub();
        ModelDescriptor d = read(dir);
        List<String> four = new ArrayList<>(d.classes());
        four.add("hexagon");
        new ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(), d.sha256(), d.input(), d.outputs(), d.decoder(),
                d.camStride(), four, d.trained()).write(dir.resolve("model.json"));

        InferenceException e = assertThrows(InferenceException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
        assertTrue(e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void wrongInputNameIsRejectedNamingTheInput() throws Exception {
        Path dir = copyOfStub();
        ModelDescriptor d = read(dir);
        ModelDescriptor.Input in = d.input();
        ModelDescriptor.Input renamed = new ModelDescriptor.Input("pixels", in.layout(), in.width(), in.height(),
                in.colorOrder(), in.scale(), in.mean(), in.std(), in.letterbox(), in.padValue());
        new ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(), d.sha256(), renamed, d.outputs(), d.decoder(),
                d.camStride(), d.classes(), d.trained()).write(dir.resolve("model.json"));

        InferenceException e = assertThrows(InferenceException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("'pixels'"), e.getMessage());
        assertTrue(e.getMessage().contains("images"), "should list the graph's inputs: " + e.getMessage());
    }

    @Test
    void wrongInputSizeIsRejected() throws Exception {
        Path dir = copyOfStub();
        ModelDescriptor d = read(dir);
        ModelDescriptor.Input in = d.input();
        ModelDescriptor.Input bigger = new ModelDescriptor.Input(in.name(), in.layout(), 416, 416, in.colorOrder(),
                in.scale(), in.mean(), in.std(), in.letterbox(), in.padValue());
        new ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(), d.sha256(), bigger, d.outputs(), d.decoder(),
                d.camStride(), d.classes(), d.trained()).write(dir.resolve("model.json"));

        InferenceException e = assertThrows(InferenceException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("416"), e.getMessage());
    }

    @Test
    void wrongOutputNameIsRejected() throws Exception {
        Path dir = copyOfStub();
        ModelDescriptor d = read(dir);
        ModelDescriptor.Outputs o = d.outputs();
        new ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(), d.sha256(), d.input(),
                new ModelDescriptor.Outputs(o.boxes(), "probabilities", o.cams(), o.classLogits()), d.decoder(),
                d.camStride(), d.classes(), d.trained()).write(dir.resolve("model.json"));

        InferenceException e = assertThrows(InferenceException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("'probabilities'"), e.getMessage());
    }

    @Test
    void wrongChecksumIsRejected() throws Exception {
        Path dir = copyOfStub();
        ModelDescriptor d = read(dir);
        String wrong = "0".repeat(64);
        new ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(), wrong, d.input(), d.outputs(), d.decoder(),
                d.camStride(), d.classes(), d.trained()).write(dir.resolve("model.json"));

        IOException e = assertThrows(IOException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertTrue(e.getMessage().contains(wrong), e.getMessage());
    }

    @Test
    void modifiedOnnxFailsTheChecksum() throws Exception {
        Path dir = copyOfStub();
        byte[] onnx = Files.readAllBytes(dir.resolve("model.onnx"));
        onnx[onnx.length / 2] ^= 0x01;
        Files.write(dir.resolve("model.onnx"), onnx);

        IOException e = assertThrows(IOException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void missingOnnxIsRejected() throws Exception {
        Path dir = copyOfStub();
        Files.delete(dir.resolve("model.onnx"));

        IOException e = assertThrows(IOException.class, () -> openDir(dir));
        assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    }

    @Test
    void directoryWithoutDescriptorIsRejected() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> openDir(empty));
        assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    }

    @Test
    void nonsenseModelSpecsGiveClearErrors() {
        IOException e = assertThrows(IOException.class, () -> ModelZoo.resolve("not a model ::"));
        assertTrue(e.getMessage().contains("not a model ::"), e.getMessage());
        assertTrue(e.getMessage().contains(ModelZoo.DEFAULT_DETECTOR), "should show an example: " + e.getMessage());

        IOException missing = assertThrows(IOException.class, () -> ModelZoo.resolve("detector/9-missing"));
        assertTrue(missing.getMessage().contains("detector/9-missing"), missing.getMessage());
    }

    @Test
    void unknownRuntimeFailsBeforeServing() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> DetectorDeployment.open(DetectorDeployment.Settings.defaults().withRuntime("tpu")));
        assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
    }
}
