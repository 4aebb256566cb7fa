package io.visionstreams.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.SingleObjectEncoding;
import io.visionstreams.schema.VisionSchemas;
import io.visionstreams.schema.VisionSerdes;

/**
 * Release signatures survive evolution of the ModelRelease schema: a signature is checked against the record
 * as its publisher wrote it (writer schema from the fingerprint), never against this build's re-encoding.
 */
class ReleaseSignatureEvolutionTest {

    private static final KeyPair PUBLISHER = ReleaseKeys.generate();
    private static final TrustedKeys TRUSTED = TrustedKeys.of(PUBLISHER.getPublic());

    /** Fingerprint of ModelRelease v1, the schema every release published so far was signed in. */
    private static final long V1_FINGERPRINT = 0x86fcf2c04f0c9169L;

    /** ModelRelease v1 as shipped in history/ (not the generated class: the history file is what survives). */
    private static final Schema V1 = VisionSchemas.historicalSchemas().stream()
            .filter(s -> SchemaNormalization.parsingFingerprint64(s) == V1_FINGERPRINT).findFirst()
            .orElseThrow(() -> new AssertionError("ModelRelease v1 is missing from history/"));

    /** A next ModelRelease: v1 plus an optional field with a default, as a compatible upgrade would add it. */
    private static final Schema V2 = withField(V1,
            "{\"name\":\"releaseNotes\",\"type\":[\"null\",\"string\"],\"default\":null}");

    /** Another next version that no store in this test knows. */
    private static final Schema V3 = withField(V1, "{\"name\":\"neverShipped\",\"type\":\"int\",\"default\":0}");

    /**
     * Public key and record as signed and encoded by the code before this change (ReleaseFixtures.unsigned
     * detector-student/3): the bytes releases already on topics and in caches have.
     */
    private static final String OLD_PUBLIC_KEY =
            "302a300506032b6570032100e8e2265e3a7e7983c695b2f9387714005ab2825ce49795d180c812861cc921af";
    private static final String OLD_RECORD = ""
            + "c30169910c4fc0f2fc86206465746563746f722d73747564656e740233f6e3b3ecc06804086f6e6e783a646574656374"
            + "6f722d73747564656e742f332f6d6f64656c2e6f6e6e7880016162616261626162616261626162616261626162616261"
            + "626162616261626162616261626162616261626162616261626162616261626162616261626162616214001a74656e73"
            + "6f7272742d706c616e386465746563746f722d73747564656e742f332f683130302e706c616e80016364636463646364"
            + "636463646364636463646364636463646364636463646364636463646364636463646364636463646364636463646364"
            + "6364636463646364280622636f6d707574654361706162696c69747906392e301e74656e736f72727456657273696f6e"
            + "0831312e3206677075164e5649444941204831303000000020323739363332613633363362323961628001da091b21e4"
            + "db4d6c4af9005cfc4f05a0d4976b69c9919116afc1075f990c45eef6dff3331607ff629bbe2e2028f524dfa20e307922"
            + "657687c91568531ef8ef0b";

    @Test
    void aRecordSignedBeforeThisChangeStillVerifies() throws Exception {
        PublicKey oldKey = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(HexFormat.of().parseHex(OLD_PUBLIC_KEY)));
        byte[] wire = HexFormat.of().parseHex(OLD_RECORD);
        assertEquals(V1_FINGERPRINT, SingleObjectEncoding.fingerprint(wire));
        SignedRelease r = SignedRelease.decode(wire);
        assertEquals("detector-student", r.release().getModelName());
        ReleaseSigning.verify(r, TrustedKeys.of(oldKey));

        int gpu = new String(wire, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("NVIDIA H100");
        assertTrue(gpu > 0);
        wire[gpu + 10] ^= 1; // another GPU in a plan's tags
        assertEquals(RejectReason.BAD_SIGNATURE, assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(SignedRelease.decode(wire), TrustedKeys.of(oldKey))).reason());
    }

    @Test
    void theCurrentAndEveryPublishedModelReleaseSchemaAreInHistory() {
        // a signature can only be checked with the schema it was made in: dropping one loses every release signed in it
        List<Long> history = VisionSchemas.historicalSchemas().stream()
                .filter(s -> s.getFullName().equals(ModelRelease.getClassSchema().getFullName()))
                .map(SchemaNormalization::parsingFingerprint64).toList();
        assertTrue(history.contains(V1_FINGERPRINT), "v1 must stay in history/: " + history);
        assertTrue(history.contains(SchemaNormalization.parsingFingerprint64(ModelRelease.getClassSchema())),
                "the current ModelRelease.avsc is not in history/: when changing it, keep the old version AND add the"
                        + " new one as ModelRelease-vN.avsc (releases are signed in it from then on)");
    }

    @Test
    void aV1RecordVerifiesForAReaderWhoseModelReleaseHasAnExtraField() throws Exception {
        ModelRelease signed = ReleaseSigning.sign(ReleaseFixtures.unsigned("detector-student", "3"),
                PUBLISHER.getPrivate(), PUBLISHER.getPublic());
        byte[] v1Wire = VisionSerdes.modelRelease().encode(signed);
        assertEquals(V1_FINGERPRINT, SingleObjectEncoding.fingerprint(v1Wire));

        // the upgraded build: reads ModelRelease as v2, knows v1 from history/
        SchemaStore.Cache upgraded = store(V1, V2);
        GenericRecord asV2 = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), V2, upgraded).decode(v1Wire);
        assertNull(asV2.get("releaseNotes"), "the new field takes its default");

        // what verification did before: re-encode the reader's view -> other bytes, the release looked forged
        GenericRecord blank = GenericData.get().deepCopy(V2, asV2);
        blank.put("signature", ByteBuffer.allocate(0));
        assertTrue(!verifies(SingleObjectEncoding.write(V2, sortedTags(blank)), signed.getSignature()),
                "the reader's re-encoding is not what was signed");

        // now: the writer's bytes are verified
        assertArrayEquals(ReleaseSigning.canonicalBytes(signed), ReleaseSigning.signedBytes(v1Wire, upgraded));
        ReleaseSigning.verify(v1Wire, upgraded, TRUSTED);

        // and a tampered field still fails: version 3 -> 4, re-encoded in v1 with the old signature
        GenericRecord tampered = SingleObjectEncoding.readAsWritten(v1Wire, V1);
        tampered.put("version", "4");
        byte[] forged = SingleObjectEncoding.write(V1, tampered);
        ReleaseRejectedException e = assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(forged, upgraded, TRUSTED));
        assertEquals(RejectReason.BAD_SIGNATURE, e.reason(), e.getMessage());
    }

    @Test
    void aNewerWritersSignatureCoversFieldsThisBuildDoesNotKnow() throws Exception {
        byte[] v2Wire = signV2("detector-student", "4", "faster");
        SchemaStore.Cache withV2 = store(ModelRelease.getClassSchema(), V2);
        ReleaseSigning.verify(v2Wire, withV2, TRUSTED);

        // this build's class has no releaseNotes: a change there is invisible in ModelRelease, yet detected
        GenericRecord edited = SingleObjectEncoding.readAsWritten(v2Wire, V2);
        edited.put("releaseNotes", "slower");
        byte[] tampered = SingleObjectEncoding.write(V2, edited);
        AvroSerde<ModelRelease> reader = new AvroSerde<>(ModelRelease.class, withV2);
        assertEquals(reader.decode(v2Wire), reader.decode(tampered));
        assertEquals(RejectReason.BAD_SIGNATURE, assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(tampered, withV2, TRUSTED)).reason());
    }

    @Test
    void anUnknownWriterSchemaIsRejectedAsSuchNotAsForged() throws Exception {
        GenericRecord r = v2Record("detector-student", "5", null);
        byte[] v3Wire = SingleObjectEncoding.write(V3, copyInto(V3, r));
        long fp = SchemaNormalization.parsingFingerprint64(V3);
        assertNull(VisionSchemas.store().findByFingerprint(fp), "no build has V3");

        ReleaseRejectedException e = assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(v3Wire, VisionSchemas.store(), TRUSTED));
        assertEquals(RejectReason.UNKNOWN_SCHEMA, e.reason());
        assertTrue(e.getMessage().contains(String.format("%016x", fp)), e.getMessage());
        // the same on the way in: a record from the topic or the cache
        assertEquals(RejectReason.UNKNOWN_SCHEMA, assertThrows(ReleaseRejectedException.class,
                () -> SignedRelease.decode(v3Wire)).reason());

        // a known schema of another type is not a release either
        byte[] frame = VisionSerdes.modelStatus().encode(io.visionstreams.schema.ModelStatus.newBuilder()
                .setInstanceId("i").setModelName("m").setServingVersion("1")
                .setState(io.visionstreams.schema.ServingState.SERVING).setSince(java.time.Instant.EPOCH).build());
        assertEquals(RejectReason.UNKNOWN_SCHEMA, assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(frame, VisionSchemas.store(), TRUSTED)).reason());
        assertThrows(IllegalArgumentException.class, () -> SignedRelease.decode(frame));
    }

    @Test
    void signedReleaseKeepsThePublishedBytes() throws Exception {
        byte[] v2Wire = signV2("detector-student", "6", "notes");
        VisionSchemas.register(V2); // as an upgraded build would ship it
        SignedRelease r = SignedRelease.decode(v2Wire);
        assertArrayEquals(v2Wire, r.bytes(), "kept as published, not re-encoded by this build");
        assertEquals(SchemaNormalization.parsingFingerprint64(V2), r.writerFingerprint());
        assertEquals("6", r.release().getVersion());
        ReleaseSigning.verify(r, TRUSTED);
        assertTrue(!java.util.Arrays.equals(v2Wire, SignedRelease.of(r.release()).bytes()),
                "this build's re-encoding differs, which is why it is never what is verified");
    }

    // ---------------------------------------------------------------- helpers

    /** A v2 record signed the way a v2 publisher signs: over its own v2 bytes with the signature empty. */
    private static byte[] signV2(String model, String version, String notes) throws Exception {
        GenericRecord r = v2Record(model, version, notes);
        byte[] payload = ReleaseSigning.signedBytes(SingleObjectEncoding.write(V2, r), store(V2));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(PUBLISHER.getPrivate());
        s.update(payload);
        r.put("signature", ByteBuffer.wrap(s.sign()));
        return SingleObjectEncoding.write(V2, r);
    }

    private static GenericRecord v2Record(String model, String version, String notes) throws Exception {
        ModelRelease base = ReleaseFixtures.unsigned(model, version);
        base.setKeyId(ReleaseKeys.keyId(PUBLISHER.getPublic()));
        GenericRecord v1 = SingleObjectEncoding.readAsWritten(VisionSerdes.modelRelease().encode(base),
                ModelRelease.getClassSchema());
        GenericRecord r = copyInto(V2, v1);
        r.put("releaseNotes", notes);
        return r;
    }

    private static GenericRecord copyInto(Schema target, GenericRecord from) {
        GenericRecord r = new GenericData.Record(target);
        for (Schema.Field f : target.getFields()) {
            Schema.Field old = from.getSchema().getField(f.name());
            r.put(f.pos(), old != null ? from.get(old.pos()) : GenericData.get().getDefaultValue(f));
        }
        return r;
    }

    private static GenericRecord sortedTags(GenericRecord r) {
        for (Object a : (List<?>) r.get("artifacts")) {
            GenericRecord art = (GenericRecord) a;
            java.util.Map<String, Object> sorted = new java.util.TreeMap<>();
            ((java.util.Map<?, ?>) art.get("tags")).forEach((k, v) -> sorted.put(k.toString(), v));
            art.put("tags", sorted);
        }
        return r;
    }

    private static boolean verifies(byte[] payload, ByteBuffer signature) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(PUBLISHER.getPublic());
        s.update(payload);
        byte[] sig = new byte[signature.remaining()];
        signature.duplicate().get(sig);
        return s.verify(sig);
    }

    private static SchemaStore.Cache store(Schema... schemas) {
        SchemaStore.Cache c = new SchemaStore.Cache();
        for (Schema s : schemas) {
            c.addSchema(s);
        }
        return c;
    }

    private static Schema withField(Schema base, String fieldJson) {
        String json = base.toString();
        int end = json.lastIndexOf("]}");
        Schema s = new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
        assertNotNull(s.getField("signature"));
        return s;
    }
}
