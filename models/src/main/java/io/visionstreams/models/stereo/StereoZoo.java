package io.visionstreams.models.stereo;

import java.util.List;

import io.visionstreams.schema.ModelDescriptor;

/** The model.json of a stereo feature network (task stereo-features). */
public final class StereoZoo {

    public static final String NAME = "stereo-cost";

    private StereoZoo() {
    }

    /**
     * width × height is the nominal size the numbers in the model card were measured at; the graph's H and
     * W are symbolic. Input: gray byte × 1/255, no mean/std on the consumer side (standardisation is in
     * the graph, declared in the card).
     */
    public static ModelDescriptor descriptor(String version, String sha256, int width, int height, boolean trained) {
        return new ModelDescriptor(NAME, version, ModelDescriptor.TASK_STEREO_FEATURES, "model.onnx", sha256,
                new ModelDescriptor.Input(StereoFeatureNet.INPUT, "NCHW", width, height, ModelDescriptor.GRAY, 1.0 / 255,
                        List.of(0.0), List.of(1.0), false, 0),
                ModelDescriptor.Outputs.stereoFeatures(StereoFeatureNet.OUTPUT), null, null, null, trained).validate();
    }
}
