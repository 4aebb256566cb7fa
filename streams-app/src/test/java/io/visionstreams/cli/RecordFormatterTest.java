package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Detection;
import io.visionstreams.schema.ClassExplanation;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.Geometry;
import io.visionstreams.schema.GeometryKind;
import io.visionstreams.schema.PatchMatches;
import io.visionstreams.schema.PointMatch;
import io.visionstreams.schema.ModelRef;
import io.visionstreams.schema.SourceRef;
import io.visionstreams.schema.StageLatency;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;

class RecordFormatterTest {

    private final RecordFormatter fmt = new RecordFormatter();

    static Frame frame() {
        return Frame.newBuilder().setSourceId("cam-1").setSequence(42).setCaptureTimestamp(Instant.ofEpochMilli(1000))
                .setEncoding(FrameEncoding.PNG).setWidth(8).setHeight(6).setData(ByteBuffer.wrap(new byte[77]))
                .setMetadata(Map.of()).build();
    }

    static Detections detections() {
        Detection a = Detection.newBuilder().setLabel("circle").setClassId(0).setScore(0.5f)
                .setX1(1).setY1(2).setX2(3).setY2(4).build();
        Detection b = Detection.newBuilder().setLabel("triangle").setClassId(2).setScore(0.9f)
                .setX1(10).setY1(20).setX2(30).setY2(40).build();
        return Detections.newBuilder()
                .setSource(SourceRef.newBuilder().setSourceId("cam-1").setSequence(42)
                        .setCaptureTimestamp(Instant.ofEpochMilli(1000)).build())
                .setModel(ModelRef.newBuilder().setName("shapes").setVersion("3").build())
                .setLatency(StageLatency.newBuilder().setInferMicros(2500).setBatchSize(4).build())
                .setImageWidth(8).setImageHeight(6).setDetections(List.of(a, b)).build();
    }

    @Test
    void fingerprintIsReadFromTheSingleObjectHeader() {
        byte[] v = VisionSerdes.frame().encode(frame());
        assertEquals(SchemaNormalization.parsingFingerprint64(Frame.getClassSchema()), RecordFormatter.fingerprint(v));
        assertNull(RecordFormatter.fingerprint(new byte[] {1, 2, 3}));
    }

    @Test
    void recognisesEachTypeByFingerprint() {
        assertEquals(Frame.class, fmt.decode(VisionSerdes.frame().encode(frame())).type());
        assertEquals(Detections.class, fmt.decode(VisionSerdes.detections().encode(detections())).type());
        String line = fmt.formatLine("frames", 0, 5, "cam-1", VisionSerdes.frame().encode(frame()));
        assertEquals("frames/0@5 Frame cam-1 #42 PNG 8x6 77 B at 1970-01-01T00:00:01Z", line);
    }

    @Test
    void detectionsLineListsTopLabelsByScoreModelAndLatency() {
        String line = fmt.formatLine("detections", 1, 9, "cam-1", VisionSerdes.detections().encode(detections()));
        assertTrue(line.startsWith("detections/1@9 Detections cam-1 #42 model shapes:3 2 object(s): triangle 0.90 [10,20,30,40]; circle 0.50"), line);
        assertTrue(line.contains("infer 2.5ms") && line.contains("batch 4"), line);
        assertFalse(line.contains("CAM"), line);
    }

    @Test
    void detectionsLineNamesTheExplainedClassesOnce() {
        Detections d = detections();
        d.setExplanations(List.of(ClassExplanation.newBuilder().setClassId(2).setLabel("triangle")
                .setHeatmapPng(ByteBuffer.wrap(new byte[321])).build()));
        String line = fmt.formatLine("detections", 1, 9, "cam-1", VisionSerdes.detections().encode(d));
        assertTrue(line.contains("2 object(s)") && line.contains("+CAM triangle 321 B |"), line);
    }

    @Test
    void deadLetterLineHasReasonOriginAndSize() {
        DeadLetter dl = DeadLetter.newBuilder().setReason("UNDECODABLE_IMAGE").setMessage("bad jpeg")
                .setApplication("detector").setSourceTopic("frames").setSourcePartition(2).setSourceOffset(17)
                .setSourceTimestamp(0).setFailedAt(Instant.EPOCH).setOriginalValue(ByteBuffer.wrap(new byte[12]))
                .setHeaders(Map.of()).build();
        String line = fmt.formatLine("dead-letter", 0, 0, null, VisionSerdes.deadLetter().encode(dl));
        assertTrue(line.contains("DeadLetter UNDECODABLE_IMAGE: bad jpeg (from frames/2@17 by detector, original 12 B)"), line);
    }

    @Test
    void disparityAndMatchLinesSummariseTheResult() throws Exception {
        SourceRef src = SourceRef.newBuilder().setSourceId("rig-1").setSequence(5).setCaptureTimestamp(Instant.EPOCH).build();
        ModelRef model = ModelRef.newBuilder().setName("opencv-sgbm").setVersion("4.14.0").build();
        StageLatency lat = StageLatency.newBuilder().setInferMicros(12_300).build();
        DisparityMap m = DisparityMap.newBuilder().setSource(src).setModel(model).setLatency(lat).setWidth(64).setHeight(32)
                .setMaxDisparity(16).setDisparityPng(ByteBuffer.wrap(new byte[10])).setDepthPng(ByteBuffer.wrap(new byte[3]))
                .setDensity(0.875f).build();
        String line = fmt.formatLine("disparity", 0, 1, "rig-1", VisionSerdes.disparityMap().encode(m));
        assertTrue(line.startsWith("disparity/0@1 DisparityMap rig-1 #5 model opencv-sgbm:4.14.0 64x32 maxDisparity 16 "
                + "density 87.5% +depth | "), line);
        assertTrue(line.contains("infer 12.3ms"), line);

        PatchMatches pm = PatchMatches.newBuilder().setSource(src).setModel(model).setLatency(lat)
                .setMatches(List.of(PointMatch.newBuilder().setAx(1).setAy(2).setBx(3).setBy(4).setScore(0.5f).setInlier(true).build(),
                        PointMatch.newBuilder().setAx(1).setAy(2).setBx(3).setBy(4).setScore(0.7f).setInlier(false).build()))
                .setGeometry(Geometry.newBuilder().setKind(GeometryKind.HOMOGRAPHY)
                        .setMatrix(List.of(1d, 0d, 0d, 0d, 1d, 0d, 0d, 0d, 1d)).build())
                .build();
        String ml = fmt.formatLine("patch-matches", 0, 2, "rig-1", VisionSerdes.patchMatches().encode(pm));
        assertTrue(ml.contains("PatchMatches rig-1 #5 model opencv-sgbm:4.14.0 2 match(es), 1 inlier(s), mean score 0.60, homography"), ml);
    }

    @Test
    void stylizedLineNamesModelStyleAndSize() {
        SourceRef src = SourceRef.newBuilder().setSourceId("cam-2").setSequence(9).setCaptureTimestamp(Instant.EPOCH).build();
        ModelRef model = ModelRef.newBuilder().setName("style-cin").setVersion("1").build();
        StageLatency lat = StageLatency.newBuilder().setInferMicros(812_000).setBatchSize(2).build();
        StylizedFrame blend = StylizedFrame.newBuilder().setSource(src).setModel(model).setLatency(lat)
                .setStyleWeights(Map.of("fruits", 0.25f, "baboon", 0.75f)).setEncoding(FrameEncoding.JPEG)
                .setWidth(75).setHeight(66).setData(ByteBuffer.wrap(new byte[42])).build();
        String line = fmt.formatLine("stylized-frames", 1, 3, "cam-2", VisionSerdes.stylizedFrame().encode(blend));
        assertTrue(line.startsWith("stylized-frames/1@3 StylizedFrame cam-2 #9 model style-cin:1 style baboon=0.75,fruits=0.25 "
                + "JPEG 75x66 42 B | "), line);
        assertTrue(line.contains("infer 812.0ms") && line.endsWith("batch 2"), line);
        blend.setStyleWeights(Map.of("fruits", 1f));
        assertTrue(fmt.formatLine("s", 0, 0, null, VisionSerdes.stylizedFrame().encode(blend)).contains(" style fruits JPEG "));
    }

    @Test
    void unknownFingerprintAndGarbageAreReportedNotThrown() {
        byte[] v = VisionSerdes.frame().encode(frame());
        v[5] ^= 0x55; // corrupt the fingerprint
        assertTrue(fmt.formatLine("t", 0, 0, null, v).contains("unknown schema fingerprint"));
        assertTrue(fmt.formatLine("t", 0, 0, null, "hello".getBytes()).contains("not Avro single-object encoded"));
        byte[] truncated = java.util.Arrays.copyOf(VisionSerdes.frame().encode(frame()), 14);
        assertTrue(fmt.formatLine("t", 0, 0, null, truncated).contains("UNDECODABLE Frame"));
    }

    @Test
    void jsonHasTypeFieldsAndBytesAsSizes() throws Exception {
        JsonNode j = new ObjectMapper().readTree(fmt.formatJson("frames", 0, 3, "cam-1", VisionSerdes.frame().encode(frame())));
        assertEquals("Frame", j.get("type").asText());
        assertEquals(42, j.at("/value/sequence").asLong());
        assertEquals("PNG", j.at("/value/encoding").asText());
        assertEquals(77, j.at("/value/data/bytes").asInt());
        assertEquals("1970-01-01T00:00:01Z", j.at("/value/captureTimestamp").asText());
        JsonNode d = new ObjectMapper().readTree(fmt.formatJson("detections", 0, 3, null, VisionSerdes.detections().encode(detections())));
        assertEquals("triangle", d.at("/value/detections/1/label").asText());
    }
}
