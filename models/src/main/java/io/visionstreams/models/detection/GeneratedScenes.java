package io.visionstreams.models.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.visionstreams.models.data.DetectionBox;
import io.visionstreams.models.data.DetectionSceneGenerator;
import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.RgbImage;

/**
 * Scenes from wt-data's {@link DetectionSceneGenerator} (rotated, occluding, textured shapes with visible-pixel
 * boxes). The generator owns its random stream (seeded per canvas size from {@code seed}), so the
 * {@code rnd} argument is unused. Shapes left unlabelled (under 50% visible) are treated as background by the
 * loss: a simplification, the generator's instance map would allow ignoring them.
 */
public final class GeneratedScenes implements SceneSource {

    private final ImageFolder backgrounds;
    private final long seed;
    private final Map<Integer, DetectionSceneGenerator> bySize = new HashMap<>();

    public GeneratedScenes(ImageFolder backgrounds, long seed) {
        this.backgrounds = backgrounds;
        this.seed = seed;
    }

    @Override
    public InterimScenes.Scene render(int size, Random rnd) {
        DetectionSceneGenerator g = bySize.computeIfAbsent(size, s -> new DetectionSceneGenerator(backgrounds,
                seed * 1000 + s, DetectionSceneGenerator.Options.defaults().withSize(s, s)));
        DetectionSceneGenerator.Scene sc = g.next();
        RgbImage img = sc.image();
        float[] chw = new float[3 * size * size];
        for (int p = 0; p < size * size; p++) {
            for (int c = 0; c < 3; c++) {
                chw[c * size * size + p] = ((img.data()[p * 3 + c] & 0xFF) / 255f - InterimScenes.MEAN[c]) / InterimScenes.STD[c];
            }
        }
        List<GtBox> boxes = new ArrayList<>();
        for (DetectionBox b : sc.boxes()) {
            boxes.add(new GtBox((float) b.x1(), (float) b.y1(), (float) b.x2(), (float) b.y2(), b.classId()));
        }
        return new InterimScenes.Scene(size, chw, boxes);
    }
}
