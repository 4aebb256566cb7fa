package io.visionstreams.models;

import io.visionstreams.inference.ModelSource;
import io.visionstreams.schema.ModelDescriptor;

/** A model version read from the zoo or a directory, checksum verified. */
public record LoadedModel(ModelDescriptor descriptor, byte[] onnx, String location) {

    public ModelSource source() {
        return new ModelSource(descriptor.name(), descriptor.version(), onnx);
    }
}
