package io.visionstreams.models.detection;

import java.util.Random;

/** Square training/evaluation scenes: a normalised CHW image and its boxes. */
public interface SceneSource {

    InterimScenes.Scene render(int size, Random rnd);
}
