package io.visionstreams.models.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Small builder for ONNX graphs (IR 8, opset 17), shared by every exporter in the project.
 *
 * <p>Values are referred to by name. Op methods return the generated name of the value they
 * produce ({@code <op>_<n>}); {@link #rename} gives a value its public name for graph outputs.
 *
 * <p>Output is deterministic: no timestamps or random ids, so the same calls give the same bytes
 * (the zoo stores a SHA-256 of the file).
 */
public final class OnnxGraphBuilder {

    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;
    public static final String PRODUCER = "vision-streams";
    /** Dimension value meaning "the symbolic batch dimension" in {@link #addInput}/{@link #addOutput}. */
    public static final long BATCH = -1;
    /** Symbolic image height "H" and width "W", for fully convolutional graphs that accept any size. */
    public static final long HEIGHT = -2;
    public static final long WIDTH = -3;

    private final String graphName;
    private final String batchSymbol;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final List<StringStringEntryProto> metadata = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private String docString = "";
    private String producerVersion = "";
    private int counter;

    public OnnxGraphBuilder(String graphName) {
        this(graphName, "N");
    }

    public OnnxGraphBuilder(String graphName, String batchSymbol) {
        this.graphName = require(graphName, "graphName");
        this.batchSymbol = require(batchSymbol, "batchSymbol");
    }

    // ---------------------------------------------------------------- model-level settings

    public OnnxGraphBuilder docString(String doc) {
        this.docString = doc == null ? "" : doc;
        return this;
    }

    public OnnxGraphBuilder producerVersion(String version) {
        this.producerVersion = version == null ? "" : version;
        return this;
    }

    /** Adds a model metadata_props entry (shown by Netron, readable from ORT's OnnxModelMetadata). */
    public OnnxGraphBuilder metadata(String key, String value) {
        metadata.add(StringStringEntryProto.newBuilder().setKey(key).setValue(value).build());
        return this;
    }

    // ---------------------------------------------------------------- initialisers, inputs, outputs

    /** Float initialiser stored as little-endian raw_data (the compact form every runtime reads). */
    public String addInitializer(String name, float[] data, long... dims) {
        checkCount(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return addTensor(name, TensorProto.DataType.FLOAT, buf, dims);
    }

    /** INT64 initialiser (shapes for Reshape, axes, ...), little-endian raw_data. */
    public String addInt64Initializer(String name, long[] data, long... dims) {
        checkCount(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return addTensor(name, TensorProto.DataType.INT64, buf, dims);
    }

    /** Graph input; a dimension equal to {@link #BATCH} becomes the symbolic batch dimension. */
    public String addInput(String name, TensorProto.DataType type, long... dims) {
        claim(name);
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Graph output for an existing value; a dimension equal to {@link #BATCH} is symbolic. */
    public String addOutput(String name, TensorProto.DataType type, long... dims) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("output '" + name + "' is not produced by any node or input");
        }
        graph.addOutput(valueInfo(name, type, dims));
        return name;
    }

    // ---------------------------------------------------------------- generic nodes and attributes

    /**
     * Gives a node-produced value a new name (how graph outputs get their public names without an
     * extra Identity node); consumers already wired to it are rewired. Returns the new name.
     */
    public String rename(String value, String newName) {
        require(newName, "newName");
        if (!names.contains(value)) {
            throw new IllegalArgumentException("unknown value '" + value + "'");
        }
        boolean produced = false;
        for (NodeProto.Builder n : graph.getNodeBuilderList()) {
            for (int i = 0; i < n.getOutputCount(); i++) {
                if (n.getOutput(i).equals(value)) {
                    n.setOutput(i, newName);
                    produced = true;
                }
            }
        }
        if (!produced) {
            throw new IllegalArgumentException("'" + value + "' is an input or initialiser, not a node output");
        }
        claim(newName);
        names.remove(value);
        for (NodeProto.Builder n : graph.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(value)) {
                    n.setInput(i, newName);
                }
            }
        }
        return newName;
    }

    /** Adds a node with one output and returns that output's name. Empty input names mean "omitted". */
    public String node(String opType, List<String> inputs, AttributeProto... attributes) {
        String out = fresh(opType.toLowerCase());
        node(opType, inputs, List.of(out), attributes);
        return out;
    }

    /** Adds a node with any number of outputs. */
    public void node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        for (String in : inputs) {
            if (!in.isEmpty() && !names.contains(in)) {
                throw new IllegalArgumentException(opType + ": unknown input value '" + in + "'");
            }
        }
        outputs.forEach(this::claim);
        NodeProto.Builder n = NodeProto.newBuilder()
                .setOpType(opType)
                .setName(opType.toLowerCase() + "_" + counter++)
                .addAllInput(inputs)
                .addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attr(String name, float... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            b.addFloats(v);
        }
        return b.build();
    }

    public static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    // ---------------------------------------------------------------- convenience ops

    /** Square-kernel Conv with symmetric padding; {@code bias} may be null. */
    public String conv(String x, String weight, String bias, int kernel, int stride, int pad, int group) {
        return conv(x, weight, bias, new long[] {kernel, kernel}, new long[] {stride, stride},
                new long[] {pad, pad, pad, pad}, group);
    }

    /** General 2-D Conv; pads are [top, left, bottom, right] as ONNX orders them. */
    public String conv(String x, String weight, String bias, long[] kernel, long[] strides, long[] pads, int group) {
        List<String> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return node("Conv", in, attr("kernel_shape", kernel), attr("strides", strides), attr("pads", pads),
                attr("group", (long) group));
    }

    /** Inference-mode BatchNormalization (running statistics). */
    public String batchNorm(String x, String scale, String bias, String mean, String var, float epsilon) {
        return node("BatchNormalization", List.of(x, scale, bias, mean, var), attr("epsilon", epsilon));
    }

    public String relu(String x) {
        return node("Relu", List.of(x));
    }

    public String sigmoid(String x) {
        return node("Sigmoid", List.of(x));
    }

    public String exp(String x) {
        return node("Exp", List.of(x));
    }

    public String add(String a, String b) {
        return node("Add", List.of(a, b));
    }

    public String mul(String a, String b) {
        return node("Mul", List.of(a, b));
    }

    public String concat(int axis, String... xs) {
        return node("Concat", Arrays.asList(xs), attr("axis", (long) axis));
    }

    /** Reshape to a constant shape (0 copies the input dim, -1 is inferred), stored as an INT64 initialiser. */
    public String reshape(String x, long... shape) {
        String s = addInt64Initializer(fresh("shape"), shape, shape.length);
        return node("Reshape", List.of(x, s));
    }

    public String transpose(String x, long... perm) {
        return node("Transpose", List.of(x), attr("perm", perm));
    }

    public String flatten(String x, int axis) {
        return node("Flatten", List.of(x), attr("axis", (long) axis));
    }

    public String globalAveragePool(String x) {
        return node("GlobalAveragePool", List.of(x));
    }

    /** Nearest upsampling by per-axis scales, matching torch upsample_nearest2d (asymmetric, floor). */
    public String resizeNearest(String x, float... scales) {
        String s = addInitializer(fresh("scales"), scales, scales.length);
        return node("Resize", List.of(x, "", s), attr("mode", "nearest"),
                attr("coordinate_transformation_mode", "asymmetric"), attr("nearest_mode", "floor"));
    }

    public String maxPool(String x, int kernel, int stride, int pad) {
        return node("MaxPool", List.of(x), attr("kernel_shape", kernel, kernel), attr("strides", stride, stride),
                attr("pads", pad, pad, pad, pad));
    }

    // ---------------------------------------------------------------- output

    public ModelProto build() {
        if (graph.getOutputCount() == 0) {
            throw new IllegalStateException("graph '" + graphName + "' has no outputs");
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addAllMetadataProps(metadata)
                .setGraph(graph.clone().setName(graphName))
                .build();
    }

    public byte[] toByteArray() {
        return build().toByteArray();
    }

    public Path writeTo(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.write(file, toByteArray());
    }

    /** A generated, unused value name with the given prefix (for initialisers a caller does not care to name). */
    public String fresh(String prefix) {
        String n;
        do {
            n = prefix + "_" + counter++;
        } while (names.contains(n));
        return n;
    }

    // ---------------------------------------------------------------- internals

    private String addTensor(String name, TensorProto.DataType type, ByteBuffer data, long[] dims) {
        claim(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(data.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private ValueInfoProto valueInfo(String name, TensorProto.DataType type, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            if (d == BATCH) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batchSymbol));
            } else if (d == HEIGHT || d == WIDTH) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d == HEIGHT ? "H" : "W"));
            } else if (d > 0) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            } else {
                throw new IllegalArgumentException(name + ": dimension " + d + " must be positive, BATCH, HEIGHT or WIDTH");
            }
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    private void claim(String name) {
        require(name, "value name");
        if (!names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already defined");
        }
    }

    private static void checkCount(String name, int count, long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension " + d);
            }
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException(name + ": " + count + " values do not match dims " + Arrays.toString(dims));
        }
    }

    private static String require(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }
}
