package io.visionstreams.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(VisionSerdes.frame(), TestRecords.frame("cam-1", 42)),
                Arguments.of(VisionSerdes.stereoPair(), TestRecords.stereoPair()),
                Arguments.of(VisionSerdes.detections(), TestRecords.detections()),
                Arguments.of(VisionSerdes.disparityMap(), TestRecords.disparityMap()),
                Arguments.of(VisionSerdes.patchMatches(), TestRecords.patchMatches()),
                Arguments.of(VisionSerdes.stylizedFrame(), TestRecords.stylizedFrame()),
                Arguments.of(VisionSerdes.modelRelease(), TestRecords.modelRelease()),
                Arguments.of(VisionSerdes.modelStatus(), TestRecords.modelStatus()),
                Arguments.of(VisionSerdes.deadLetter(), TestRecords.deadLetter()));
    }

    @Test
    void everyTopicTypeHasASample() {
        // a type added to TOPIC_TYPES without a round-trip sample would go untested
        Set<Class<?>> sampled = samples().map(a -> a.get()[1].getClass()).collect(Collectors.toSet());
        assertEquals(Set.copyOf(VisionSchemas.TOPIC_TYPES), sampled);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    <T extends SpecificRecordBase> void roundTripsThroughItsSerde(AvroSerde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize("some-topic", record);
        T back = serde.deserializer().deserialize("some-topic", bytes);

        assertNotSame(record, back);
        assertEquals(record, back);
        assertEquals(serde.type(), back.getClass());
        // the same length again: nothing was lost or added (byte order may differ only inside maps,
        // which decode into hash maps)
        assertEquals(bytes.length, serde.encode(back).length);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    <T extends SpecificRecordBase> void headerIsSingleObjectMarkerAndWriterFingerprint(AvroSerde<T> serde, T record) {
        byte[] bytes = serde.encode(record);

        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fp = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(record.getSchema()), fp);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    <T extends SpecificRecordBase> void nullIsNullBothWays(AvroSerde<T> serde, T record) {
        // tombstones on compacted topics must pass through untouched
        assertNull(serde.serialize("t", null));
        assertNull(serde.deserialize("t", null));
    }

    @Test
    void optionalFieldsSurviveAsNullAndAsSet() {
        Detections back = VisionSerdes.detections().decode(VisionSerdes.detections().encode(TestRecords.detections()));
        ClassExplanation person = back.getExplanations().get(0);
        ClassExplanation dog = back.getExplanations().get(1);

        assertEquals(List.of(11f, 5f, 39f, 46.5f), person.getWeakBox());
        assertEquals(120, person.getHeatmapPng().remaining());
        assertEquals(80, dog.getHeatmapPng().remaining());
        assertNull(dog.getWeakBox());
        assertEquals(3, back.getDetections().size());
    }

    /** Detections v1 carried a copy of its class's map in every detection (history/Detections-v1.avsc). */
    private static Schema detectionsV1() {
        return VisionSchemas.historicalSchemas().stream()
                .filter(s -> s.getName().equals("Detections") && s.getField("detections").schema().getElementType()
                        .getField("camPng") != null)
                .findFirst().orElseThrow();
    }

    @Test
    void aV1RecordWithPerDetectionMapsDecodesWithEmptyExplanations() throws IOException {
        Schema v1 = detectionsV1();
        // the current sample as a v1 writer would have written it, with a map on its first detection
        GenericRecord old = asGeneric(TestRecords.detections(), v1);
        GenericRecord first = (GenericRecord) ((List<?>) old.get("detections")).get(0);
        first.put("camPng", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        first.put("camBox", List.of(1f, 2f, 3f, 4f));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        Detections back = VisionSerdes.detections().decode(bytes);

        assertEquals(3, back.getDetections().size());
        assertEquals("person", back.getDetections().get(0).getLabel());
        assertEquals(0.91f, back.getDetections().get(0).getScore());
        assertEquals(List.of(), back.getExplanations(), "v1 records have no per-class explanations");
    }

    @Test
    void aV1ReaderReadsACurrentRecordWithNullMaps() throws IOException {
        GenericRecord asV1 = asGeneric(TestRecords.detections(), detectionsV1());

        List<?> dets = (List<?>) asV1.get("detections");
        assertEquals(3, dets.size());
        for (Object d : dets) {
            assertNull(((GenericRecord) d).get("camPng"), "a field the writer lacks takes its default");
        }
    }

    /** A current record read by a reader that has {@code readerSchema} (Avro schema resolution). */
    private static GenericRecord asGeneric(Detections current, Schema readerSchema) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        var enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<Detections>(Detections.getClassSchema()).write(current, enc);
        enc.flush();
        return new GenericDatumReader<GenericRecord>(Detections.getClassSchema(), readerSchema)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    @Test
    void aFrameIsNotADetections() {
        // the fingerprint names a Frame schema, which cannot be resolved to Detections
        byte[] frame = VisionSerdes.frame().encode(TestRecords.frame("cam-1", 1));
        SerializationException e = assertThrows(SerializationException.class,
                () -> VisionSerdes.detections().deserialize("frames", frame));
        assertTrue(e.getMessage().contains("Detections"), e.getMessage());
        assertTrue(e.getMessage().contains("frames"), e.getMessage());
    }

    @Test
    void largeFrameRoundTrips() {
        // the length checks of the decoder must not reject big legitimate values (8 MiB of pixels)
        Frame big = TestRecords.frame("cam-4k", 1);
        big.setEncoding(FrameEncoding.RAW_RGB8);
        big.setWidth(2048);
        big.setHeight(1365);
        big.setData(TestRecords.bytes(2048 * 1365 * 3, 11));
        assertEquals(big, VisionSerdes.frame().decode(VisionSerdes.frame().encode(big)));
    }

    @Test
    void encodingIsDeterministic() {
        byte[] a = VisionSerdes.modelRelease().encode(TestRecords.modelRelease());
        byte[] b = VisionSerdes.modelRelease().encode(TestRecords.modelRelease());
        assertArrayEquals(a, b);
    }
}
