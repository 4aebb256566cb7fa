package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.visionstreams.schema.ClassExplanation;
import io.visionstreams.schema.Detection;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.ModelRef;
import io.visionstreams.schema.SourceRef;
import io.visionstreams.schema.StageLatency;
import io.visionstreams.schema.VisionSchemas;
import io.visionstreams.schema.VisionSerdes;

class DetectionBenchWorkloadTest {

    /** The bench's "v1 layout" record size must be what a v1 writer actually writes for the same content. */
    @Test
    void v1SizeMatchesAV1Encoding() throws Exception {
        Detections d = Detections.newBuilder()
                .setSource(SourceRef.newBuilder().setSourceId("cam-1").setSequence(7).setCaptureTimestamp(Instant.EPOCH).build())
                .setModel(ModelRef.newBuilder().setName("m").setVersion("1").build())
                .setLatency(StageLatency.newBuilder().setBatchSize(2).build())
                .setImageWidth(640).setImageHeight(480)
                .setDetections(List.of(det(0), det(0), det(2), det(1)))
                .setExplanations(List.of(cam(0, 300, true), cam(2, 5000, false)))
                .build();
        byte[] v2 = VisionSerdes.detections().encode(d);

        Schema v1 = VisionSchemas.historicalSchemas().stream().filter(s -> s.getName().equals("Detections")).findFirst()
                .orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<Detections>(Detections.getClassSchema()).write(d, enc);
        enc.flush();
        GenericRecord old = new GenericDatumReader<GenericRecord>(Detections.getClassSchema(), v1)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        for (Object o : (List<?>) old.get("detections")) {
            GenericRecord r = (GenericRecord) o;
            for (ClassExplanation e : d.getExplanations()) {
                if (e.getClassId() == (Integer) r.get("classId")) {
                    r.put("camPng", e.getHeatmapPng().duplicate());
                    r.put("camBox", e.getWeakBox());
                }
            }
        }
        int v1Bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).remaining();

        assertEquals(v1Bytes, DetectionBenchWorkload.v1RecordBytes(d, v2.length));
    }

    private static Detection det(int classId) {
        return Detection.newBuilder().setLabel("c" + classId).setClassId(classId).setScore(0.5f)
                .setX1(1).setY1(2).setX2(3).setY2(4).build();
    }

    private static ClassExplanation cam(int classId, int pngBytes, boolean box) {
        return ClassExplanation.newBuilder().setClassId(classId).setLabel("c" + classId)
                .setHeatmapPng(ByteBuffer.wrap(new byte[pngBytes])).setWeakBox(box ? List.of(1f, 2f, 3f, 4f) : null).build();
    }
}
