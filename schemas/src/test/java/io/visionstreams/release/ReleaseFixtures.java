package io.visionstreams.release;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;

/** Small releases and stores for the tests. */
final class ReleaseFixtures {

    private ReleaseFixtures() {
    }

    static ModelArtifact artifact(String kind, String uri, String sha, long size, Map<String, String> tags) {
        return ModelArtifact.newBuilder().setKind(kind).setUri(uri).setSha256(sha).setSizeBytes(size).setTags(tags).build();
    }

    /** An unsigned release whose plan artifact carries tags in non-sorted insertion order. */
    static ModelRelease unsigned(String model, String version) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("tensorrtVersion", "11.2");
        tags.put("gpu", "NVIDIA H100");
        tags.put("computeCapability", "9.0");
        List<ModelArtifact> arts = new ArrayList<>();
        arts.add(artifact("onnx", model + "/" + version + "/model.onnx", "ab".repeat(32), 10, Map.of()));
        arts.add(artifact("tensorrt-plan", model + "/" + version + "/h100.plan", "cd".repeat(32), 20, tags));
        return ModelRelease.newBuilder().setModelName(model).setVersion(version)
                .setPublishedAt(Instant.parse("2026-11-23T05:00:00.123456Z")).setArtifacts(arts)
                .setPinned(false).setKeyId("").setSignature(ByteBuffer.allocate(0)).build();
    }

    /** Puts files with the given names and contents into the store and returns an unsigned release naming them. */
    static ModelRelease stored(ArtifactStore store, Path work, String model, String version, Map<String, byte[]> kindToBytes)
            throws IOException {
        List<ModelArtifact> arts = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : kindToBytes.entrySet()) {
            Path src = work.resolve(e.getKey() + ".bin");
            Files.write(src, e.getValue());
            URI uri = store.put(model, version, e.getKey() + ".bin", src);
            arts.add(artifact(e.getKey(), uri.toString(), ReleaseFetcher.sha256Hex(src), e.getValue().length, Map.of()));
        }
        return ModelRelease.newBuilder().setModelName(model).setVersion(version).setPublishedAt(Instant.now())
                .setArtifacts(arts).setPinned(false).setKeyId("").setSignature(ByteBuffer.allocate(0)).build();
    }
}
