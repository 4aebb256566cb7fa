package io.visionstreams.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class VisionSchemasTest {

    @Test
    void storeResolvesEveryCurrentSchema() {
        for (Class<?> type : VisionSchemas.TOPIC_TYPES) {
            Schema s = SpecificData.get().getSchema(type);
            assertEquals(s, VisionSchemas.store().findByFingerprint(SchemaNormalization.parsingFingerprint64(s)), type.getName());
        }
    }

    /** Guards every version ever added to history/: it must load, be new, and stay readable. */
    @Test
    void shippedHistoryIsLoadedAndReadableByTheCurrentClasses() {
        List<Schema> history = VisionSchemas.historicalSchemas();
        Set<Long> seen = new HashSet<>();
        for (Schema old : history) {
            long fp = SchemaNormalization.parsingFingerprint64(old);
            assertTrue(seen.add(fp), "listed twice: " + old.getFullName());
            assertNotNull(VisionSchemas.store().findByFingerprint(fp), old.getFullName() + " not in the store");
            assertReadableByCurrent(old);
        }
    }

    @Test
    void loaderParsesAnIndexWithCommentsAndInlinedTypes() {
        List<Schema> history = VisionSchemas.loadHistory("test-history/");

        assertEquals(List.of("io.visionstreams.schema.Frame", "io.visionstreams.schema.Detections"),
                history.stream().map(Schema::getFullName).toList());
        assertNull(history.get(0).getField("metadata"), "Frame-v1 predates metadata");
        history.forEach(VisionSchemasTest::assertReadableByCurrent);
    }

    @Test
    void aMissingHistoryFileIsReportedByName() {
        // an index that lists a file which is not there must fail loudly, not shrink the store
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VisionSchemas.loadHistory("broken-history/"));
        assertTrue(e.getMessage().contains("Gone-v1.avsc"), e.getMessage());
    }

    @Test
    void loadedHistoryMakesOldRecordsDecodable() {
        Schema frameV1 = VisionSchemas.loadHistory("test-history/").get(0);
        GenericRecord old = new GenericData.Record(frameV1);
        old.put("sourceId", "cam-old");
        old.put("sequence", 5L);
        old.put("captureTimestamp", 1_000L);
        old.put("encoding", new GenericData.EnumSymbol(frameV1.getField("encoding").schema(), "PNG"));
        old.put("width", 2);
        old.put("height", 2);
        old.put("data", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] bytes = encode(frameV1, old);

        // a private store, so this test does not change the shared one
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(Frame.getClassSchema());
        AvroSerde<Frame> withoutHistory = new AvroSerde<>(Frame.class, store);
        assertThrows(SerializationException.class, () -> withoutHistory.decode(bytes));

        store.addSchema(frameV1);
        Frame f = new AvroSerde<>(Frame.class, store).decode(bytes);
        assertEquals("cam-old", f.getSourceId());
        assertEquals(Instant.ofEpochMilli(1_000L), f.getCaptureTimestamp());
        assertEquals(FrameEncoding.PNG, f.getEncoding());
        assertEquals(Map.of(), f.getMetadata());
    }

    @Test
    void registerAddsToTheSharedStore() {
        // a schema no build has shipped: current Frame plus a field this test alone uses
        Schema extra = new Schema.Parser().parse(Frame.getClassSchema().toString().replace(
                "\"fields\":[", "\"fields\":[{\"name\":\"registerTestOnly\",\"type\":\"int\",\"default\":0},"));
        long fp = SchemaNormalization.parsingFingerprint64(extra);
        assertNotEquals(SchemaNormalization.parsingFingerprint64(Frame.getClassSchema()), fp);
        assertNull(VisionSchemas.store().findByFingerprint(fp));

        VisionSchemas.register(extra);
        assertSame(extra, VisionSchemas.store().findByFingerprint(fp));
    }

    static void assertReadableByCurrent(Schema old) {
        Schema current = VisionSchemas.TOPIC_TYPES.stream().map(t -> SpecificData.get().getSchema(t))
                .filter(s -> s.getFullName().equals(old.getFullName())).findFirst()
                .orElseThrow(() -> new AssertionError(old.getFullName() + " is not a topic type"));
        SchemaCompatibility.SchemaPairCompatibility c =
                SchemaCompatibility.checkReaderWriterCompatibility(current, old);
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, c.getType(),
                old.getFullName() + ": " + c.getDescription());
    }

    static byte[] encode(Schema writer, GenericRecord r) {
        try {
            ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(r);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
