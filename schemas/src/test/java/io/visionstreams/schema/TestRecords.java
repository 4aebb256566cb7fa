package io.visionstreams.schema;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Realistic instances of every topic type, with optional fields set, for serde tests. */
final class TestRecords {

    static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_123L);

    private TestRecords() {
    }

    static ByteBuffer bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return ByteBuffer.wrap(b);
    }

    static Frame frame(String source, long seq) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("exposure", "1/120");
        meta.put("lens", "wide");
        return Frame.newBuilder()
                .setSourceId(source).setSequence(seq).setCaptureTimestamp(T0.plusMillis(seq * 33))
                .setEncoding(FrameEncoding.JPEG).setWidth(64).setHeight(48)
                .setData(bytes(300, (int) seq)).setMetadata(meta)
                .build();
    }

    static SourceRef source() {
        return SourceRef.newBuilder().setSourceId("cam-1").setSequence(42).setCaptureTimestamp(T0)
                .setTopic("frames").setPartition(3).setOffset(1_000_000_007L).build();
    }

    static ModelRef model() {
        return ModelRef.newBuilder().setName("tiny-det").setVersion("1.4.0").setRuntime("onnxruntime-cpu").build();
    }

    static StageLatency latency() {
        return StageLatency.newBuilder().setDecodeMicros(812).setPreMicros(95).setQueueMicros(3_100)
                .setInferMicros(14_250).setPostMicros(60).setBatchSize(8).build();
    }

    static StereoPair stereoPair() {
        return StereoPair.newBuilder().setRigId("rig-a").setSequence(7)
                .setLeft(frame("rig-a/left", 7)).setRight(frame("rig-a/right", 7))
                .setCalibration(Calibration.newBuilder().setFocalLengthPx(721.5377).setBaselineM(0.5372)
                        .setRectified(true).build())
                .build();
    }

    static Detections detections() {
        Detection person = Detection.newBuilder().setLabel("person").setClassId(0).setScore(0.91f)
                .setX1(10.5f).setY1(4f).setX2(40.25f).setY2(47f).build();
        Detection person2 = Detection.newBuilder().setLabel("person").setClassId(0).setScore(0.55f)
                .setX1(1f).setY1(2f).setX2(9f).setY2(20f).build();
        Detection dog = Detection.newBuilder().setLabel("dog").setClassId(16).setScore(0.42f)
                .setX1(0f).setY1(0f).setX2(8f).setY2(9f).build();
        // one explanation per detected class: the two persons share one map; the dog's map has no weak box
        ClassExplanation personCam = ClassExplanation.newBuilder().setClassId(0).setLabel("person")
                .setHeatmapPng(bytes(120, 3)).setWeakBox(List.of(11f, 5f, 39f, 46.5f)).build();
        ClassExplanation dogCam = ClassExplanation.newBuilder().setClassId(16).setLabel("dog")
                .setHeatmapPng(bytes(80, 4)).build(); // weakBox left at its null default
        return Detections.newBuilder().setSource(source()).setModel(model()).setLatency(latency())
                .setImageWidth(64).setImageHeight(48).setDetections(List.of(person, person2, dog))
                .setExplanations(List.of(personCam, dogCam)).build();
    }

    static DisparityMap disparityMap() {
        return DisparityMap.newBuilder().setSource(source()).setModel(model()).setLatency(latency())
                .setWidth(64).setHeight(48).setMaxDisparity(128).setDisparityPng(bytes(500, 1))
                .setConfidencePng(bytes(90, 2)).setDepthPng(null).setDensity(0.87f).build();
    }

    static PatchMatches patchMatches() {
        List<PointMatch> m = List.of(
                PointMatch.newBuilder().setAx(1f).setAy(2f).setBx(3f).setBy(4f).setScore(0.9f).build(),
                PointMatch.newBuilder().setAx(10f).setAy(20f).setBx(30.5f).setBy(40.5f).setScore(0.2f)
                        .setInlier(false).build());
        Geometry g = Geometry.newBuilder().setKind(GeometryKind.HOMOGRAPHY)
                .setMatrix(List.of(1.0, 0.01, 5.0, -0.02, 0.99, 3.0, 1e-5, 2e-5, 1.0)).build();
        return PatchMatches.newBuilder().setSource(source()).setModel(model()).setLatency(latency())
                .setMatches(m).setGeometry(g).build();
    }

    static StylizedFrame stylizedFrame() {
        Map<String, Float> w = new LinkedHashMap<>();
        w.put("mosaic", 0.75f);
        w.put("candy", 0.25f);
        return StylizedFrame.newBuilder().setSource(source()).setModel(model()).setLatency(latency())
                .setStyleWeights(w).setEncoding(FrameEncoding.PNG).setWidth(64).setHeight(48)
                .setData(bytes(400, 9)).build();
    }

    static ModelRelease modelRelease() {
        ModelArtifact onnx = ModelArtifact.newBuilder().setKind("onnx").setUri("zoo/tiny-det/1.4.0/model.onnx")
                .setSha256("ab".repeat(32)).setSizeBytes(12_345_678L).build();
        ModelArtifact plan = ModelArtifact.newBuilder().setKind("tensorrt-plan").setUri("zoo/tiny-det/1.4.0/h100.plan")
                .setSha256("cd".repeat(32)).setSizeBytes(9_876_543L)
                .setTags(Map.of("gpu", "H100", "computeCapability", "9.0")).build();
        return ModelRelease.newBuilder().setModelName("tiny-det").setVersion("1.4.0").setPublishedAt(T0)
                .setArtifacts(List.of(onnx, plan)).setPinned(true).setKeyId("release-2026")
                .setSignature(bytes(64, 5)).build();
    }

    static ModelStatus modelStatus() {
        return ModelStatus.newBuilder().setInstanceId("host-a").setModelName("tiny-det").setServingVersion("1.3.0")
                .setState(ServingState.REJECTED).setLastRelease("1.4.0").setReason("GOLDEN_MISMATCH")
                .setMessage("output scores differ by 0.4 (tolerance 0.01)").setSince(T0).setKeyId("0123456789abcdef")
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setReason("UNDECODABLE_IMAGE").setMessage("frame cam-1#42: not a JPEG")
                .setErrorClass("io.visionstreams.image.ImageDecodeException").setApplication("detector")
                .setSourceTopic("frames").setSourcePartition(2).setSourceOffset(17).setSourceTimestamp(T0.toEpochMilli())
                .setFailedAt(T0.plusSeconds(1))
                .setOriginalKey(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(bytes(50, 7)).setHeaders(Map.of("attempt", "1")).build();
    }
}
