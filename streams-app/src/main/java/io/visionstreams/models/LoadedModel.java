package io.visionstreams.models;

import io.visionstreams.inference.ModelSource;
import io.visionstreams.schema.ModelDescriptor;

/**
 * A model version read from the zoo, a directory or a release, checksum verified; {@code onnxFp16} is its
 * optional FP16 variant (null when there is none).
 */
public record LoadedModel(ModelDescriptor descriptor, byte[] onnx, String location, byte[] onnxFp16) {

    public LoadedModel(ModelDescriptor descriptor, byte[] onnx, String location) {
        this(descriptor, onnx, location, null);
    }

    public ModelSource source() {
        return new ModelSource(descriptor.name(), descriptor.version(), onnx, onnxFp16);
    }
}
