package io.visionstreams.release;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;

/**
 * Verified local copy of a release: signature checked, every artifact fetched into dir and its SHA-256 + size
 * checked. {@code artifacts} maps each kind to its file (the first artifact of that kind, in release order);
 * {@link #all} gives every artifact of a kind, e.g. one TensorRT plan per GPU.
 */
public record FetchedRelease(ModelRelease release, Path dir, Map<String, Path> artifacts) {

    public FetchedRelease {
        artifacts = Map.copyOf(artifacts);
    }

    /** The file of an artifact kind the caller cannot do without. */
    public Path require(String kind) throws ReleaseRejectedException {
        Path p = artifacts.get(kind);
        if (p == null) {
            throw new ReleaseRejectedException(RejectReason.MISSING_ARTIFACT, ReleaseSigning.describe(release)
                    + " has no '" + kind + "' artifact (it has " + new java.util.TreeSet<>(artifacts.keySet()) + ")");
        }
        return p;
    }

    /** Every artifact of a kind with its local file, in release order. */
    public List<Map.Entry<ModelArtifact, Path>> all(String kind) {
        List<Map.Entry<ModelArtifact, Path>> out = new ArrayList<>();
        for (ModelArtifact a : release.getArtifacts()) {
            if (a.getKind().equals(kind)) {
                out.add(Map.entry(a, dir.resolve(ReleaseFetcher.fileName(a))));
            }
        }
        return out;
    }

    public String modelName() {
        return release.getModelName();
    }

    public String version() {
        return release.getVersion();
    }
}
