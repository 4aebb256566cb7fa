package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.RejectReason;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.ModelStatus;
import io.visionstreams.schema.ServingState;
import io.visionstreams.schema.SingleObjectEncoding;
import io.visionstreams.schema.VisionSchemas;
import io.visionstreams.schema.VisionSerdes;

/**
 * The follower with release records in ModelRelease schemas other than this build's: one it knows (registered,
 * as an upgraded build ships it) is verified in its own bytes and kept in the cache as published; one it does
 * not know is rejected as UNKNOWN_SCHEMA for the model its key names, and following goes on.
 */
class ReleaseFollowerSchemaTest {

    /** A newer ModelRelease this build knows: one optional field more. */
    private static final Schema KNOWN_NEWER =
            withField("{\"name\":\"followerTestNotes\",\"type\":[\"null\",\"string\"],\"default\":null}");
    /** A newer ModelRelease this build has never seen. */
    private static final Schema UNKNOWN_NEWER =
            withField("{\"name\":\"followerTestNever\",\"type\":\"long\",\"default\":0}");

    @TempDir
    Path tmp;

    @Test
    void releasesInOtherSchemasAreVerifiedAsPublishedOrRejectedAsUnknown() throws Exception {
        LoadedModel served = ModelZoo.loadBundled(ModelZoo.DEFAULT_DETECTOR);
        String model = served.descriptor().name();
        KeyPair publisher = ReleaseKeys.generate();
        KeyPair stranger = ReleaseKeys.generate();
        VisionSchemas.register(KNOWN_NEWER);
        List<ModelStatus> statuses = Collections.synchronizedList(new ArrayList<>());
        ServingMetrics metrics = new ServingMetrics(model, served.descriptor().version());
        Path cache = tmp.resolve("cache");
        ReleaseInstaller<ReleaseFollowerRetryTest.FakeDeployment> installer = new ReleaseInstaller<>("i1",
                new ModelSlot<>(new ReleaseFollowerRetryTest.FakeDeployment(served)),
                m -> new ReleaseFollowerRetryTest.FakeDeployment(m),
                new ReleaseFetcher(new DirectoryArtifactStore(tmp.resolve("store")),
                        TrustedKeys.of(publisher.getPublic()), cache),
                statuses::add, metrics, ReleaseInstaller.Checks.defaults());

        // not registered, so it cannot be signed through this build either: any signature bytes will do
        GenericRecord unknownRecord = newer(UNKNOWN_NEWER, model, "2", 7L, publisher);
        unknownRecord.put("signature", ByteBuffer.wrap(new byte[64]));
        byte[] unknown = SingleObjectEncoding.write(UNKNOWN_NEWER, unknownRecord);
        byte[] newer = signed(KNOWN_NEWER, newer(KNOWN_NEWER, model, "3", "notes this build's class does not have",
                publisher), publisher);
        ModelRelease untrusted = ReleaseFollowerRetryTest.release(model, "4", stranger);
        MockConsumer<String, byte[]> c = ReleaseFollowerRetryTest.consumer();
        c.updateEndOffsets(Map.of(ReleaseFollowerRetryTest.TP, 0L));
        c.schedulePollTask(() -> {
            c.addRecord(record(0, model, unknown));
            c.addRecord(record(1, model, newer));
            c.addRecord(ReleaseFollowerRetryTest.record(2, untrusted));
        });
        ReleaseFollower follower = new ReleaseFollower(() -> c, ReleaseFollowerRetryTest.TOPIC,
                TrustedKeys.of(publisher.getPublic()), List.of(installer),
                new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(40)));
        try {
            follower.start().awaitCaughtUp(Duration.ofSeconds(10));
            assertNotNull(ModelStatuses.await(statuses, s -> "4".equals(s.getLastRelease())), "all three read: " + statuses);
        } finally {
            follower.close();
        }

        ModelStatus unknownStatus = statuses.stream()
                .filter(s -> RejectReason.UNKNOWN_SCHEMA.name().equals(s.getReason())).findFirst().orElseThrow();
        assertEquals(ServingState.REJECTED, unknownStatus.getState());
        assertNull(unknownStatus.getLastRelease(), "its version cannot be read");
        assertTrue(unknownStatus.getMessage().contains(String.format("%016x",
                SchemaNormalization.parsingFingerprint64(UNKNOWN_NEWER))), unknownStatus.getMessage());
        assertEquals(1, metrics.rejections(RejectReason.UNKNOWN_SCHEMA.name()));

        // the known newer record passed its signature (it fails later, for want of artifacts) ...
        ModelStatus three = statuses.stream().filter(s -> "3".equals(s.getLastRelease())
                && s.getState() == ServingState.REJECTED).findFirst().orElseThrow();
        assertEquals(RejectReason.MISSING_ARTIFACT.name(), three.getReason(), three.getMessage());
        // ... and the cache kept it as published, in its own schema, so a restart verifies it again
        assertArrayEquals(newer,
                Files.readAllBytes(cache.resolve(model).resolve("3").resolve(ReleaseFetcher.RECORD_FILE)));
        assertEquals(1, installer.cachedReleases().size());
        ReleaseSigning.verify(installer.cachedReleases().get(0), TrustedKeys.of(publisher.getPublic()));

        assertEquals(RejectReason.UNTRUSTED_KEY.name(), statuses.stream().filter(s -> "4".equals(s.getLastRelease()))
                .reduce((x, y) -> y).orElseThrow().getReason());
        assertEquals(served.descriptor().version(), installer.servingVersion(), "nothing replaced what serves");
    }

    /** A release in {@code schema}: this build's fields plus {@code extra} in the added last field, unsigned. */
    private static GenericRecord newer(Schema schema, String model, String version, Object extra, KeyPair key)
            throws Exception {
        ModelRelease base = ModelRelease.newBuilder().setModelName(model).setVersion(version)
                .setPublishedAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).setArtifacts(List.of())
                .setPinned(false).setKeyId(ReleaseKeys.keyId(key.getPublic())).setSignature(ByteBuffer.allocate(0))
                .build();
        GenericRecord current = SingleObjectEncoding.readAsWritten(VisionSerdes.modelRelease().encode(base),
                ModelRelease.getClassSchema());
        GenericRecord r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            r.put(f.pos(), current.getSchema().getField(f.name()) != null ? current.get(f.name()) : extra);
        }
        return r;
    }

    /** Signed as a publisher of that (registered) schema signs: over its own bytes with the signature empty. */
    private static byte[] signed(Schema schema, GenericRecord r, KeyPair key) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(ReleaseSigning.signedBytes(SingleObjectEncoding.write(schema, r)));
        r.put("signature", ByteBuffer.wrap(s.sign()));
        return SingleObjectEncoding.write(schema, r);
    }

    private static ConsumerRecord<String, byte[]> record(long offset, String key, byte[] value) {
        return new ConsumerRecord<>(ReleaseFollowerRetryTest.TOPIC, 0, offset, key, value);
    }

    private static Schema withField(String fieldJson) {
        String json = ModelRelease.getClassSchema().toString();
        int end = json.lastIndexOf("]}");
        return new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
    }

}
