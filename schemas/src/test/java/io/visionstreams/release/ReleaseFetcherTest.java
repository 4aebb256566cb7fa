package io.visionstreams.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;

class ReleaseFetcherTest {

    private static final KeyPair KEYS = ReleaseKeys.generate();
    private static final TrustedKeys TRUSTED = TrustedKeys.of(KEYS.getPublic());

    @TempDir
    Path tmp;
    private Path storeDir;
    private DirectoryArtifactStore store;
    private Path cache;
    private Path work;
    private final Map<String, byte[]> content = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        storeDir = tmp.resolve("store");
        store = new DirectoryArtifactStore(storeDir);
        cache = tmp.resolve("cache");
        work = Files.createDirectories(tmp.resolve("work"));
        byte[] onnx = new byte[200_000];
        new java.util.Random(3).nextBytes(onnx);
        content.put(ArtifactKinds.ONNX, onnx);
        content.put(ArtifactKinds.DESCRIPTOR, "{\"name\":\"m\"}\n".getBytes());
        content.put(ArtifactKinds.MODEL_CARD, "# card\n".getBytes());
    }

    private ModelRelease publish(String version) throws IOException {
        return ReleaseSigning.sign(ReleaseFixtures.stored(store, work, "m", version, content), KEYS.getPrivate(), KEYS.getPublic());
    }

    @Test
    void theCacheKeepsTheSignedRecordAndVerifiesItOfflineLikeAFreshFetch() throws Exception {
        ModelRelease r1 = publish("1");
        ModelRelease r2 = publish("2");
        ReleaseFetcher fetcher = new ReleaseFetcher(store, TRUSTED, cache);
        fetcher.fetch(SignedRelease.of(r2));
        fetcher.fetch(SignedRelease.of(r1));
        assertEquals(java.util.List.of(SignedRelease.of(r1), SignedRelease.of(r2)), fetcher.cached("m"),
                "both records as published, oldest publication first");
        assertEquals(java.util.List.of(), fetcher.cached("other"));
        // the store may be gone: a cached release needs nothing from it
        store.close();
        ArtifactStore gone = new DirectoryArtifactStore(tmp.resolve("empty"));
        FetchedRelease f = new ReleaseFetcher(gone, TRUSTED, cache).fetchCached(SignedRelease.of(r2));
        assertArrayEquals(content.get(ArtifactKinds.ONNX), Files.readAllBytes(f.require(ArtifactKinds.ONNX)));

        // an artifact altered on disk is rejected, not silently repaired
        Path onnx = f.require(ArtifactKinds.ONNX);
        byte[] b = Files.readAllBytes(onnx);
        b[7] ^= 1;
        Files.write(onnx, b);
        assertEquals(RejectReason.CHECKSUM_MISMATCH, assertThrows(ReleaseRejectedException.class,
                () -> new ReleaseFetcher(gone, TRUSTED, cache).fetchCached(SignedRelease.of(r2))).reason());
        Files.delete(onnx);
        assertEquals(RejectReason.MISSING_ARTIFACT, assertThrows(ReleaseRejectedException.class,
                () -> new ReleaseFetcher(gone, TRUSTED, cache).fetchCached(SignedRelease.of(r2))).reason());

        // a record altered on disk decodes, but its signature no longer verifies
        Path record = cache.resolve("m").resolve("1").resolve(ReleaseFetcher.RECORD_FILE);
        Files.write(record, io.visionstreams.schema.VisionSerdes.modelRelease().encode(
                ModelRelease.newBuilder(r1).setPinned(true).build()));
        SignedRelease tampered = fetcher.cached("m").get(0);
        assertTrue(tampered.release().getPinned());
        assertEquals(RejectReason.BAD_SIGNATURE, assertThrows(ReleaseRejectedException.class,
                () -> new ReleaseFetcher(gone, TRUSTED, cache).fetchCached(tampered)).reason());
        // and a record file that is not a record is skipped
        Files.write(record, new byte[] {1, 2, 3});
        assertEquals(java.util.List.of(SignedRelease.of(r2)), fetcher.cached("m"));
    }

    @Test
    void anArtifactNamedLikeTheRecordFileIsRefused() throws Exception {
        ModelRelease r = publish("1");
        ModelArtifact a = r.getArtifacts().get(0);
        ModelRelease clash = ReleaseSigning.sign(ModelRelease.newBuilder(r).setArtifacts(java.util.List.of(
                ModelArtifact.newBuilder(a).setUri("m/1/" + ReleaseFetcher.RECORD_FILE).build())).build(),
                KEYS.getPrivate(), KEYS.getPublic());
        assertEquals(RejectReason.FETCH_FAILED, rejected(store, clash).reason());
    }

    private ReleaseRejectedException rejected(ArtifactStore s, ModelRelease r) {
        return assertThrows(ReleaseRejectedException.class,
                () -> new ReleaseFetcher(s, TRUSTED, cache).fetch(SignedRelease.of(r)));
    }

    @Test
    void fetchesEveryArtifactByteIdenticalIntoModelVersionDir() throws Exception {
        ModelRelease r = publish("1");
        FetchedRelease f = new ReleaseFetcher(store, TRUSTED, cache).fetch(SignedRelease.of(r));
        assertEquals(cache.toAbsolutePath().resolve("m").resolve("1"), f.dir());
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(f.require(e.getKey())), e.getKey());
        }
        assertEquals(RejectReason.MISSING_ARTIFACT,
                assertThrows(ReleaseRejectedException.class, () -> f.require(ArtifactKinds.GOLDEN_INPUT)).reason());
        try (Stream<Path> s = Files.list(f.dir())) {
            assertEquals(4, s.count(), "the 3 artifacts and the record, no temporary files left behind");
        }
        // a second fetch reuses the intact local copies
        FetchedRelease again = new ReleaseFetcher(store, TRUSTED, cache).fetch(SignedRelease.of(r));
        assertEquals(f.artifacts(), again.artifacts());
    }

    @Test
    void relativeUrisAreRecorded() throws Exception {
        ModelRelease r = publish("1");
        for (ModelArtifact a : r.getArtifacts()) {
            assertFalse(URI.create(a.getUri()).isAbsolute(), a.getUri());
            assertTrue(a.getUri().startsWith("m/1/"), a.getUri());
        }
    }

    @Test
    void corruptedStoredArtifactIsAChecksumMismatchAndNotCached() throws Exception {
        ModelRelease r = publish("1");
        Path stored = storeDir.resolve("m/1/onnx.bin");
        byte[] b = Files.readAllBytes(stored);
        b[12345] ^= 0x10;
        Files.write(stored, b);
        ReleaseRejectedException e = rejected(store, r);
        assertEquals(RejectReason.CHECKSUM_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("m/1/onnx.bin")), "a bad artifact never lands in the cache");
    }

    @Test
    void corruptedCachedCopyIsFetchedAgain() throws Exception {
        ModelRelease r = publish("1");
        FetchedRelease f = new ReleaseFetcher(store, TRUSTED, cache).fetch(SignedRelease.of(r));
        Files.write(f.require(ArtifactKinds.ONNX), new byte[] {1, 2, 3});
        FetchedRelease again = new ReleaseFetcher(store, TRUSTED, cache).fetch(SignedRelease.of(r));
        assertArrayEquals(content.get(ArtifactKinds.ONNX), Files.readAllBytes(again.require(ArtifactKinds.ONNX)));
    }

    @Test
    void longerOrShorterThanSignedIsRejected() throws Exception {
        ModelRelease r = publish("1");
        Path stored = storeDir.resolve("m/1/model-card.bin");
        Files.write(stored, new byte[5_000_000], StandardOpenOption.APPEND);
        ReleaseRejectedException longer = rejected(store, r);
        assertEquals(RejectReason.CHECKSUM_MISMATCH, longer.reason());
        assertTrue(longer.getMessage().contains("larger than"), longer.getMessage());
        Files.write(stored, new byte[2]);
        assertEquals(RejectReason.CHECKSUM_MISMATCH, rejected(store, r).reason());
    }

    @Test
    void oversizedStreamIsCutOffAtTheDeclaredSize() throws Exception {
        ModelRelease r = publish("1");
        AtomicInteger served = new AtomicInteger();
        ArtifactStore endless = new ArtifactStore() { // a hostile store that never stops sending
            public URI put(String m, String v, String f, Path s) {
                throw new UnsupportedOperationException();
            }

            public InputStream open(URI uri) {
                return new InputStream() {
                    public int read() {
                        served.incrementAndGet();
                        return 0;
                    }
                };
            }
        };
        assertEquals(RejectReason.CHECKSUM_MISMATCH, rejected(endless, r).reason());
        assertTrue(served.get() <= 200_001, "read " + served.get() + " bytes");
    }

    @Test
    void missingFileIsAMissingArtifact() throws Exception {
        ModelRelease r = publish("1");
        Files.delete(storeDir.resolve("m/1/descriptor.bin"));
        ReleaseRejectedException e = rejected(store, r);
        assertEquals(RejectReason.MISSING_ARTIFACT, e.reason());
        assertTrue(e.getMessage().contains("descriptor"), e.getMessage());
    }

    @Test
    void signatureIsCheckedBeforeAnythingIsFetched() throws Exception {
        ModelRelease r = publish("1");
        r.setVersion("2"); // tampered
        AtomicInteger opened = new AtomicInteger();
        ArtifactStore counting = new ArtifactStore() {
            public URI put(String m, String v, String f, Path s) throws IOException {
                return store.put(m, v, f, s);
            }

            public InputStream open(URI uri) throws IOException {
                opened.incrementAndGet();
                return store.open(uri);
            }
        };
        assertEquals(RejectReason.BAD_SIGNATURE, rejected(counting, r).reason());
        KeyPair other = ReleaseKeys.generate();
        ModelRelease untrusted = ReleaseSigning.sign(publish("1"), other.getPrivate(), other.getPublic());
        assertEquals(RejectReason.UNTRUSTED_KEY, rejected(counting, untrusted).reason());
        assertEquals(0, opened.get());
        assertFalse(Files.exists(cache.resolve("m")), "nothing created for a rejected release");
    }

    @Test
    void urisThatLeaveTheStoreAreRefused() throws Exception {
        Files.createDirectories(tmp.resolve("secret"));
        Files.writeString(tmp.resolve("secret/x"), "x");
        for (String uri : new String[] {"../secret/x/y", "m/../../secret/x", "m/1/../../../secret/x", "/etc/passwd",
                tmp.resolve("secret/x").toUri().toString(), "http://example.com/m/1/x", "m/1/x?y", "m//x"}) {
            ModelRelease r = ReleaseSigning.sign(ModelRelease.newBuilder(publish("1"))
                    .setArtifacts(java.util.List.of(ReleaseFixtures.artifact("onnx", uri, "00".repeat(32), 1, Map.of()))).build(),
                    KEYS.getPrivate(), KEYS.getPublic());
            ReleaseRejectedException e = rejected(store, r);
            assertTrue(e.reason() == RejectReason.FETCH_FAILED || e.reason() == RejectReason.MISSING_ARTIFACT, uri + ": " + e);
            assertTrue(e.reason() == RejectReason.FETCH_FAILED || !uri.contains(".."), uri + ": " + e);
        }
        assertThrows(IOException.class, () -> store.open(URI.create("m/../../secret/x")));
        assertThrows(IOException.class, () -> store.open(tmp.resolve("secret/x").toUri()));
        assertThrows(IllegalArgumentException.class, () -> store.put("..", "1", "x", work.resolve("onnx.bin")));
        assertThrows(IllegalArgumentException.class, () -> store.put("m", "1", "a/b", work.resolve("onnx.bin")));
    }

    @Test
    void storeIsImmutable() throws Exception {
        publish("1");
        Path same = work.resolve("onnx.bin");
        assertEquals(URI.create("m/1/onnx.bin"), store.put("m", "1", "onnx.bin", same), "same bytes again is fine");
        Path different = Files.write(work.resolve("different"), new byte[] {9});
        assertThrows(FileAlreadyExistsException.class, () -> store.put("m", "1", "onnx.bin", different));
        assertArrayEquals(content.get(ArtifactKinds.ONNX), Files.readAllBytes(storeDir.resolve("m/1/onnx.bin")));
        assertTrue(ArtifactStore.forUri(storeDir.toUri(), Map.of()) instanceof DirectoryArtifactStore);
        assertThrows(IllegalArgumentException.class, () -> ArtifactStore.forUri(URI.create("ftp://x/y"), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ArtifactStore.forUri(URI.create("file:relative"), Map.of()));
    }
}
