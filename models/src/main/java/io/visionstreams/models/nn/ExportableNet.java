package io.visionstreams.models.nn;

import java.util.List;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * A network defined once: the libtorch module that trains, and an exporter that emits the same layers
 * (with their current weights) to ONNX. Parity between the two is checked by {@link OnnxParity}.
 */
public interface ExportableNet {

    /** Graph input: name and shape with {@link OnnxGraphBuilder#BATCH} for the batch dimension. */
    record Input(String name, long... shape) {
    }

    /** The libtorch module (parameters, train/eval mode, save/load). */
    Module module();

    List<Input> inputs();

    List<String> outputNames();

    /** Inference forward pass in libtorch, one tensor per input in {@link #inputs()} order. */
    List<Tensor> forward(List<Tensor> inputs);

    /** Adds this network's inputs, weights, nodes and outputs to {@code g}. */
    void emit(OnnxGraphBuilder g);
}
