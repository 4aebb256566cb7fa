package io.visionstreams.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The evolution rules of schemas/README.md, executed: which changes old and new readers survive,
 * and what the store must hold for them to.
 */
class SchemaEvolutionTest {

    private static final String ENCODING = """
            {"type": "enum", "name": "FrameEncoding", "symbols": [%s], "default": "UNKNOWN"}""";
    private static final String OLD_SYMBOLS = "\"JPEG\", \"PNG\", \"RAW_GRAY8\", \"RAW_RGB8\", \"RAW_BGR8\", \"UNKNOWN\"";

    /** Frame before metadata was added (the shape an earlier release would have written). */
    private static final Schema FRAME_V0 = new Schema.Parser().parse("""
            {"type": "record", "name": "Frame", "namespace": "io.visionstreams.schema", "fields": [
              {"name": "sourceId", "type": "string"},
              {"name": "sequence", "type": "long"},
              {"name": "captureTimestamp", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "encoding", "type": %s},
              {"name": "width", "type": "int"},
              {"name": "height", "type": "int"},
              {"name": "data", "type": "bytes"}
            ]}""".formatted(ENCODING.formatted(OLD_SYMBOLS)));

    /** A future Frame: a new optional field with a default, and a new encoding symbol. */
    private static final Schema FRAME_NEXT = new Schema.Parser().parse("""
            {"type": "record", "name": "Frame", "namespace": "io.visionstreams.schema", "fields": [
              {"name": "sourceId", "type": "string"},
              {"name": "sequence", "type": "long"},
              {"name": "captureTimestamp", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "encoding", "type": %s},
              {"name": "width", "type": "int"},
              {"name": "height", "type": "int"},
              {"name": "data", "type": "bytes"},
              {"name": "metadata", "type": {"type": "map", "values": "string"}, "default": {}},
              {"name": "exposureMicros", "type": ["null", "long"], "default": null}
            ]}""".formatted(ENCODING.formatted(OLD_SYMBOLS + ", \"RAW_RGBA8\"")));

    // ---------------------------------------------------------------- (a) new reader, old writer

    @Test
    void newReaderDecodesOldWriterOnceItsSchemaIsRegistered() {
        byte[] bytes = VisionSchemasTest.encode(FRAME_V0, frameV0("cam-legacy", 9));
        long fp = SchemaNormalization.parsingFingerprint64(FRAME_V0);
        AvroSerde<Frame> serde = VisionSerdes.frame();

        SerializationException missing = assertThrows(SerializationException.class, () -> serde.deserialize("frames", bytes));
        assertInstanceOf(MissingSchemaException.class, missing.getCause());
        assertTrue(missing.getMessage().contains(String.format("%016x", fp)), missing.getMessage());

        VisionSchemas.register(FRAME_V0);
        // same serde instance: an unknown fingerprint is not remembered as missing
        Frame f = serde.deserialize("frames", bytes);
        assertEquals("cam-legacy", f.getSourceId());
        assertEquals(9L, f.getSequence());
        assertEquals(FrameEncoding.RAW_GRAY8, f.getEncoding());
        assertEquals(ByteBuffer.wrap(new byte[] {7, 7, 7, 7}), f.getData());
        assertEquals(Map.of(), f.getMetadata(), "field missing in the writer takes its default");
    }

    // ---------------------------------------------------------------- (b) old reader, new writer

    @Test
    void oldReaderDecodesNewWriterWhenTheNewSchemaIsInItsStore() {
        GenericRecord next = frameNext();
        byte[] bytes = VisionSchemasTest.encode(FRAME_NEXT, next);

        // the old reader: this build's Frame class, a store without the new version
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(Frame.getClassSchema());
        AvroSerde<Frame> oldReader = new AvroSerde<>(Frame.class, store);
        assertThrows(SerializationException.class, () -> oldReader.decode(bytes),
                "a fingerprint alone cannot be decoded: the writer schema is needed");

        store.addSchema(FRAME_NEXT);
        Frame f = oldReader.decode(bytes);
        assertEquals("cam-next", f.getSourceId());
        assertEquals(FrameEncoding.UNKNOWN, f.getEncoding(), "unknown symbol falls back to the enum default");
        assertEquals(Map.of("iso", "800"), f.getMetadata());
        // exposureMicros is skipped: the generated class has no such field
        assertEquals(Frame.getClassSchema().getFields().size(), f.getSchema().getFields().size());
    }

    @Test
    void withoutTheEnumDefaultANewSymbolBreaksOldReaders() {
        // the same new symbol against a reader enum that has no default: resolution must fail
        Schema readerNoDefault = new Schema.Parser().parse(FRAME_NEXT.toString()
                .replace(",\"RAW_RGBA8\"]", "]").replace(",\"default\":\"UNKNOWN\"", "")
                .replace(",{\"name\":\"exposureMicros\",\"type\":[\"null\",\"long\"],\"default\":null}", ""));
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(readerNoDefault, FRAME_NEXT).getType());
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(Frame.getClassSchema(), FRAME_NEXT).getType());
    }

    // ---------------------------------------------------------------- the rule that breaks

    @Test
    void aNewFieldWithoutDefaultCannotReadOldData() throws Exception {
        byte[] old = VisionSerdes.frame().encode(TestRecords.frame("cam-1", 1));
        Schema withDefault = withField("{\"name\":\"gain\",\"type\":\"float\",\"default\":1.0}");
        Schema withoutDefault = withField("{\"name\":\"gain\",\"type\":\"float\"}");

        // allowed: the reader fills the default in
        assertEquals(1.0f, genericReader(withDefault).decode(old).get("gain"));

        // forbidden: nothing to fill in, so every record already on the topic becomes unreadable
        AvroTypeException e = assertThrows(AvroTypeException.class, () -> genericReader(withoutDefault).decode(old));
        assertTrue(e.getMessage().contains("gain"), e.getMessage());
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(withoutDefault, Frame.getClassSchema()).getType());
    }

    @Test
    void renameNeedsAnAliasAndTypesChangeOnlyByPromotion() throws Exception {
        byte[] old = VisionSerdes.frame().encode(TestRecords.frame("cam-1", 1));
        String current = Frame.getClassSchema().toString();

        Schema renamedWithAlias = new Schema.Parser().parse(current.replace(
                "{\"name\":\"sequence\",\"type\":\"long\"}",
                "{\"name\":\"frameNumber\",\"type\":\"long\",\"aliases\":[\"sequence\"]}"));
        assertEquals(1L, genericReader(renamedWithAlias).decode(old).get("frameNumber"));

        Schema renamedBare = new Schema.Parser().parse(current.replace(
                "{\"name\":\"sequence\",\"type\":\"long\"}", "{\"name\":\"frameNumber\",\"type\":\"long\"}"));
        assertThrows(AvroTypeException.class, () -> genericReader(renamedBare).decode(old));

        // int -> long is an allowed promotion; long -> int is not
        Schema widthAsLong = new Schema.Parser().parse(current.replace(
                "{\"name\":\"width\",\"type\":\"int\"", "{\"name\":\"width\",\"type\":\"long\""));
        assertEquals(64L, genericReader(widthAsLong).decode(old).get("width"));
        Schema sequenceAsInt = new Schema.Parser().parse(current.replace(
                "{\"name\":\"sequence\",\"type\":\"long\"}", "{\"name\":\"sequence\",\"type\":\"int\"}"));
        assertThrows(AvroTypeException.class, () -> genericReader(sequenceAsInt).decode(old));
    }

    // ---------------------------------------------------------------- helpers

    private static GenericRecord frameV0(String source, long seq) {
        GenericRecord r = new GenericData.Record(FRAME_V0);
        r.put("sourceId", source);
        r.put("sequence", seq);
        r.put("captureTimestamp", TestRecords.T0.toEpochMilli());
        r.put("encoding", new GenericData.EnumSymbol(FRAME_V0.getField("encoding").schema(), "RAW_GRAY8"));
        r.put("width", 2);
        r.put("height", 2);
        r.put("data", ByteBuffer.wrap(new byte[] {7, 7, 7, 7}));
        return r;
    }

    private static GenericRecord frameNext() {
        GenericRecord r = new GenericData.Record(FRAME_NEXT);
        r.put("sourceId", "cam-next");
        r.put("sequence", 3L);
        r.put("captureTimestamp", TestRecords.T0.toEpochMilli());
        r.put("encoding", new GenericData.EnumSymbol(FRAME_NEXT.getField("encoding").schema(), "RAW_RGBA8"));
        r.put("width", 1);
        r.put("height", 1);
        r.put("data", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        r.put("metadata", Map.of("iso", "800"));
        r.put("exposureMicros", 8_333L);
        return r;
    }

    /** Current Frame plus one field at the end. */
    private static Schema withField(String fieldJson) {
        String current = Frame.getClassSchema().toString();
        int end = current.lastIndexOf("]}");
        return new Schema.Parser().parse(current.substring(0, end) + "," + fieldJson + current.substring(end));
    }

    /** A reader of the given (hypothetical next) schema, knowing only the current writer schema. */
    private static BinaryMessageDecoder<GenericRecord> genericReader(Schema readerSchema) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(Frame.getClassSchema());
        return new BinaryMessageDecoder<>(GenericData.get(), readerSchema, store);
    }
}
