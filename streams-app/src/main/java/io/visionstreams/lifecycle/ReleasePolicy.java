package io.visionstreams.lifecycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.visionstreams.release.ReleaseVersions;
import io.visionstreams.schema.ModelRelease;

/**
 * Which release of a model to serve, as plain functions over trusted releases in topic order.
 *
 * <p>The rule: serve the highest version ({@link ReleaseVersions#compare}) among the releases published
 * since the last pin, the pin included; with no pin, among all of them (and only if higher than what
 * serves). A pin therefore rolls back to exactly its version, and stays until a later unpinned release
 * with a higher version than the pin arrives; a rolled-back version published before the pin never
 * comes back by itself. Live, this is: a pin is installed whatever its version; any other release only
 * when it is higher than the version serving.
 */
public final class ReleasePolicy {

    private ReleasePolicy() {
    }

    /** Live: whether a trusted release that just arrived should be installed. */
    public static boolean worthInstalling(ModelRelease r, String servingVersion) {
        return r.getPinned() || servingVersion == null || ReleaseVersions.compare(r.getVersion(), servingVersion) > 0;
    }

    /**
     * Start-up (or restart): the releases to try, best first; the first that passes every check serves.
     *
     * @param trustedInOrder every release of one model with a valid trusted signature, in topic order
     * @param servingVersion what serves before any release (the configured model)
     */
    public static List<ModelRelease> startupCandidates(List<ModelRelease> trustedInOrder, String servingVersion) {
        int lastPin = -1;
        for (int i = 0; i < trustedInOrder.size(); i++) {
            if (trustedInOrder.get(i).getPinned()) {
                lastPin = i;
            }
        }
        // a version published twice counts once, as its latest record
        Map<String, ModelRelease> byVersion = new LinkedHashMap<>();
        ModelRelease pin = lastPin >= 0 ? trustedInOrder.get(lastPin) : null;
        String floor = pin != null ? pin.getVersion() : servingVersion;
        for (int i = Math.max(lastPin + 1, 0); i < trustedInOrder.size(); i++) {
            ModelRelease r = trustedInOrder.get(i);
            if (floor == null || ReleaseVersions.compare(r.getVersion(), floor) > 0) {
                byVersion.put(r.getVersion(), r);
            }
        }
        List<ModelRelease> out = new ArrayList<>(byVersion.values());
        out.sort(Comparator.comparing(ModelRelease::getVersion, (a, b) -> ReleaseVersions.compare(b, a)));
        if (pin != null) {
            out.add(pin); // the pin is the fallback when nothing newer published after it passes
        }
        return out;
    }
}
