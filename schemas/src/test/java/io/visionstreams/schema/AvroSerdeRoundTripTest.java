package io.visionstreams.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.SchemaNormalization;
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
        Detection withCam = back.getDetections().get(0);
        Detection plain = back.getDetections().get(1);

        assertEquals(List.of(11f, 5f, 39f, 46.5f), withCam.getCamBox());
        assertEquals(120, withCam.getCamPng().remaining());
        assertNull(plain.getCamPng());
        assertNull(plain.getCamBox());
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
