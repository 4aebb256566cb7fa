package io.visionstreams.models.detection;

import io.visionstreams.eval.GtBox;

import java.util.ArrayList;
import java.util.List;

import io.visionstreams.models.data.DetectionBox;
import io.visionstreams.models.data.DetectionSceneGenerator;
import io.visionstreams.models.data.RgbImage;

/**
 * A generated scene as the detector sees it: a CHW float image normalised like the contract input
 * ((pixel/255 − mean)/std, ImageNet mean/std) and its boxes. Shapes the generator left unlabelled count as
 * background for the loss: a simplification, its instance map would allow ignoring them.
 */
public record NormalisedScene(int size, float[] chw, List<GtBox> boxes) {

    /** ImageNet mean and std per RGB channel, as floats: the normalisation the v1 detectors were trained with. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    public static NormalisedScene of(DetectionSceneGenerator.Scene scene) {
        RgbImage img = scene.image();
        if (img.width() != img.height()) {
            throw new IllegalArgumentException("the detector trains on square scenes, got " + img.width() + "x" + img.height());
        }
        int n = img.width() * img.height();
        float[] chw = new float[3 * n];
        byte[] d = img.data();
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < 3; c++) {
                chw[c * n + p] = ((d[p * 3 + c] & 0xFF) / 255f - MEAN[c]) / STD[c];
            }
        }
        List<GtBox> boxes = new ArrayList<>();
        for (DetectionBox b : scene.boxes()) {
            boxes.add(new GtBox((float) b.x1(), (float) b.y1(), (float) b.x2(), (float) b.y2(), b.classId()));
        }
        return new NormalisedScene(img.width(), chw, boxes);
    }
}
