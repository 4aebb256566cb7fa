package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.schema.ModelRelease;

class ReleasePolicyTest {

    private static ModelRelease r(String version, boolean pinned) {
        return ModelRelease.newBuilder().setModelName("det").setVersion(version).setPublishedAt(Instant.EPOCH)
                .setArtifacts(List.of()).setPinned(pinned).setKeyId("k").setSignature(ByteBuffer.allocate(0)).build();
    }

    private static List<String> versions(List<ModelRelease> l) {
        return l.stream().map(x -> x.getVersion() + (x.getPinned() ? "!" : "")).toList();
    }

    @Test
    void withoutAPinTheHighestVersionAboveWhatServesComesFirst() {
        List<ModelRelease> topic = List.of(r("2", false), r("10", false), r("3", false), r("1", false));
        assertEquals(List.of("10", "3", "2"), versions(ReleasePolicy.startupCandidates(topic, "1")));
        assertEquals(List.of(), versions(ReleasePolicy.startupCandidates(topic, "10")));
    }

    @Test
    void aPinRollsBackAndOnlyHigherReleasesPublishedAfterItReplaceIt() {
        // 3 was rolled back by pinning 2; 2.5 came later; 1.5 after the pin is lower than the pin
        List<ModelRelease> topic = List.of(r("2", false), r("3", false), r("2", true), r("1.5", false), r("2.5", false));
        assertEquals(List.of("2.5", "2!"), versions(ReleasePolicy.startupCandidates(topic, "1")));
        // the pin serves even below the configured version
        assertEquals(List.of("2!"), versions(ReleasePolicy.startupCandidates(List.of(r("2", true)), "7")));
    }

    @Test
    void aVersionPublishedTwiceIsTriedOnceAsItsLatestRecord() {
        ModelRelease first = r("2", false);
        ModelRelease again = ModelRelease.newBuilder(r("2", false)).setKeyId("k2").build();
        List<ModelRelease> c = ReleasePolicy.startupCandidates(List.of(first, again), "1");
        assertEquals(1, c.size());
        assertEquals("k2", c.get(0).getKeyId());
    }

    @Test
    void liveOnlyHigherVersionsOrPinsAreInstalled() {
        assertTrue(ReleasePolicy.worthInstalling(r("1.10", false), "1.9"));
        assertFalse(ReleasePolicy.worthInstalling(r("1.9", false), "1.10"));
        assertFalse(ReleasePolicy.worthInstalling(r("2", false), "2"));
        assertTrue(ReleasePolicy.worthInstalling(r("1", true), "5"), "a pin rolls back");
    }
}
