package io.visionstreams.models.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

/**
 * Turns an FP32 model into "FP16 inside, FP32 inputs and outputs", the form TensorRT 11 needs because
 * it has no FP16 builder flag (platform notes §10.5). Graph inputs and outputs keep their names and FP32
 * types: float inputs are cast to FP16 where the graph reads them, float outputs are cast back.
 *
 * <p>Per-op decisions:
 * <ul>
 *   <li>Float initialisers become FLOAT16, except where the op needs float32 (Resize roi/scales) or the
 *       node is kept in FP32; an initialiser read both ways is stored both ways.</li>
 *   <li>Reductions and normalisations ({@link #KEEP_FP32}) run in FP32: a sum of squares over a feature
 *       map or a descriptor overflows FP16's 65504 long before the result does, and instance-norm
 *       variances lose most of their bits. Elementwise and layout ops that read an FP32 value run in FP32
 *       too ({@link #FOLLOW_FP32}), so a normalisation stays FP32 until a matmul or conv takes over.</li>
 *   <li>BatchNormalization (inference, constant statistics) stays one op in FP16, but its statistics are
 *       folded in double precision first: scale' = γ/√(σ²+ε), bias' = β − μ·scale', with mean 0, variance 1
 *       and ε 0, so small variances and ε = 1e-5 (subnormal in FP16) never meet in FP16 arithmetic.</li>
 *   <li>Integer values (indices, shapes, the style index) are untouched; float attributes stay float as
 *       ONNX defines them.</li>
 * </ul>
 */
public final class Fp16Variant {

    /** Ops computed in FP32 inside the FP16 graph (reductions and normalisations, see the class comment). */
    public static final Set<String> KEEP_FP32 = Set.of("InstanceNormalization", "LayerNormalization",
            "GroupNormalization", "LpNormalization", "ReduceSum", "ReduceSumSquare", "ReduceMean", "ReduceL2",
            "ReduceLogSumExp", "Softmax", "LogSoftmax");

    /** Elementwise and layout ops that stay in FP32 when a non-constant float input is FP32. */
    public static final Set<String> FOLLOW_FP32 = Set.of("Add", "Sub", "Mul", "Div", "Sqrt", "Pow", "Max", "Min",
            "Abs", "Neg", "Reciprocal", "Clip", "Exp", "Log", "Relu", "Sigmoid", "Tanh", "Identity", "Reshape",
            "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Expand", "Concat", "Slice", "Split", "Pad");

    /** Inputs that are float32 whatever the op's data type: op → input indices. */
    static final Map<String, Set<Integer>> FLOAT32_INPUTS = Map.of("Resize", Set.of(1, 2));

    static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    static final int FLOAT16 = TensorProto.DataType.FLOAT16.getNumber();

    /** The converted model and what the pass did. */
    public record Result(ModelProto model, int initializersConverted, long valuesConverted, int castsInserted,
                         int batchNormsFolded, Map<String, Integer> fp32Nodes) {
        public String summary() {
            return String.format(java.util.Locale.ROOT, "%d initialisers (%,d values) to FLOAT16, %d casts, "
                    + "%d batch norms folded, FP32 nodes: %s", initializersConverted, valuesConverted, castsInserted,
                    batchNormsFolded, fp32Nodes.isEmpty() ? "none" : fp32Nodes);
        }
    }

    private Fp16Variant() {
    }

    /** The FP16 variant of serialised model bytes. */
    public static Result convert(byte[] onnx) {
        try {
            return convert(ModelProto.parseFrom(onnx));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    public static Result convert(ModelProto model) {
        return new Pass(model.getGraph()).run(model);
    }

    /** Float values of a FLOAT tensor (raw_data little-endian or float_data). */
    public static float[] floats(TensorProto t) {
        if (t.getDataType() != FLOAT) {
            throw new IllegalArgumentException(t.getName() + " is not FLOAT");
        }
        if (!t.getRawData().isEmpty()) {
            var fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    /** Float values of a FLOAT16 tensor stored as raw_data (what this pass writes). */
    public static float[] halfFloats(TensorProto t) {
        if (t.getDataType() != FLOAT16) {
            throw new IllegalArgumentException(t.getName() + " is not FLOAT16");
        }
        var sb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        float[] out = new float[sb.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float16.toFloat(sb.get(i));
        }
        return out;
    }

    static TensorProto half(String name, float[] values, List<Long> dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            short h = Float16.fromFloat(v);
            if (Float.isFinite(v) && Float.isInfinite(Float16.toFloat(h))) {
                throw new IllegalArgumentException("initialiser " + name + " holds " + v + ", beyond FP16's "
                        + Float16.MAX_VALUE + "; keep its consumer in FP32");
            }
            buf.putShort(h);
        }
        return TensorProto.newBuilder().setName(name).setDataType(FLOAT16).addAllDims(dims)
                .setRawData(ByteString.copyFrom(buf.array())).build();
    }

    static TensorProto single(String name, float[] values, List<Long> dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(FLOAT).addAllDims(dims)
                .setRawData(ByteString.copyFrom(buf.array())).build();
    }

    private enum Precision { FP16, FP32 }

    /** One conversion: types every value, decides each node's precision, then emits the new graph. */
    private static final class Pass {
        private final GraphProto g;
        private final Map<String, Integer> elemType = new HashMap<>();
        private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
        private final Set<String> graphInputs = new HashSet<>();
        private final Map<String, Precision> produced = new HashMap<>();
        private final Set<String> names = new HashSet<>();
        private final Map<String, String> casts = new HashMap<>();
        private final Map<String, TensorProto> newInitializers = new LinkedHashMap<>();
        private final List<NodeProto> nodes = new ArrayList<>();
        private final Map<String, Integer> fp32Nodes = new TreeMap<>();
        private final Map<String, String> rename = new HashMap<>();
        private int castCount;
        private int folded;
        private long valuesConverted;
        private int initsConverted;

        Pass(GraphProto g) {
            this.g = g;
        }

        Result run(ModelProto model) {
            for (TensorProto t : g.getInitializerList()) {
                initializers.put(t.getName(), t);
                elemType.put(t.getName(), t.getDataType());
                names.add(t.getName());
            }
            for (ValueInfoProto v : g.getInputList()) {
                graphInputs.add(v.getName());
                elemType.putIfAbsent(v.getName(), v.getType().getTensorType().getElemType());
                names.add(v.getName());
                // the graph computes in FP16 from its inputs on: an FP32 reader takes the original directly
                produced.put(v.getName(), Precision.FP16);
            }
            List<Precision> precisions = new ArrayList<>();
            for (NodeProto n : g.getNodeList()) {
                names.addAll(n.getOutputList());
                typeOutputs(n);
                Precision p = precisionOf(n);
                precisions.add(p);
                for (String o : n.getOutputList()) {
                    if (isFloat(o)) {
                        produced.put(o, p);
                    }
                }
                if (p == Precision.FP32 && hasFloatIo(n)) {
                    fp32Nodes.merge(n.getOpType(), 1, Integer::sum);
                }
            }
            // graph outputs produced in FP16 get an internal name; a final Cast writes the public one
            for (ValueInfoProto out : g.getOutputList()) {
                String o = out.getName();
                if (isFloat(o) && produced.get(o) == Precision.FP16 && !graphInputs.contains(o)
                        && !initializers.containsKey(o)) {
                    rename.put(o, fresh(o + "_fp16"));
                }
            }
            for (int i = 0; i < g.getNodeCount(); i++) {
                emit(g.getNode(i), precisions.get(i));
            }
            for (ValueInfoProto out : g.getOutputList()) {
                String internal = rename.get(out.getName());
                if (internal != null) {
                    nodes.add(cast(internal, out.getName(), FLOAT));
                }
            }
            GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).clearInitializer()
                    .addAllInitializer(newInitializers.values()).clearValueInfo();
            for (ValueInfoProto v : g.getValueInfoList()) {
                String name = rename.getOrDefault(v.getName(), v.getName());
                ValueInfoProto.Builder vb = v.toBuilder().setName(name);
                if (isFloat(v.getName()) && produced.get(v.getName()) == Precision.FP16) {
                    vb.getTypeBuilder().getTensorTypeBuilder().setElemType(FLOAT16);
                }
                gb.addValueInfo(vb);
            }
            ModelProto.Builder mb = model.toBuilder().setGraph(gb)
                    .addMetadataProps(StringStringEntryProto.newBuilder().setKey("precision")
                            .setValue("fp16 inside, fp32 inputs and outputs (vision-streams Fp16Variant)"));
            return new Result(mb.build(), initsConverted, valuesConverted, castCount, folded, fp32Nodes);
        }

        private boolean hasFloatIo(NodeProto n) {
            return n.getInputList().stream().anyMatch(this::isFloat) || n.getOutputList().stream().anyMatch(this::isFloat);
        }

        private boolean isFloat(String value) {
            Integer t = elemType.get(value);
            return t != null && t == FLOAT;
        }

        private Precision precisionOf(NodeProto n) {
            if (KEEP_FP32.contains(n.getOpType())) {
                return Precision.FP32;
            }
            if (FOLLOW_FP32.contains(n.getOpType())) {
                for (String in : n.getInputList()) {
                    if (isFloat(in) && !initializers.containsKey(in) && produced.get(in) == Precision.FP32) {
                        return Precision.FP32;
                    }
                }
            }
            return Precision.FP16;
        }

        /** Output element types from the input types: enough ONNX typing for the ops exporters emit. */
        private void typeOutputs(NodeProto n) {
            Integer t = switch (n.getOpType()) {
                case "Cast" -> (int) attribute(n, "to").getI();
                case "Shape", "Size", "ArgMax", "ArgMin", "NonZero" -> TensorProto.DataType.INT64.getNumber();
                case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
                        "IsNaN", "IsInf" -> TensorProto.DataType.BOOL.getNumber();
                case "Constant", "ConstantOfShape" -> {
                    AttributeProto v = n.getAttributeList().stream().filter(a -> a.getName().equals("value"))
                            .findFirst().orElse(null);
                    yield v != null ? v.getT().getDataType() : FLOAT;
                }
                case "Where" -> elemType.get(n.getInput(1));
                default -> n.getInputList().stream().filter(s -> !s.isEmpty()).map(elemType::get).findFirst()
                        .orElse(null);
            };
            if (t == null) {
                throw new IllegalArgumentException("cannot tell the output type of " + n.getOpType() + " node '"
                        + n.getName() + "' (inputs " + n.getInputList() + ")");
            }
            for (String o : n.getOutputList()) {
                elemType.put(o, t);
            }
        }

        private void emit(NodeProto n, Precision p) {
            NodeProto.Builder b = n.toBuilder();
            if ("BatchNormalization".equals(n.getOpType()) && p == Precision.FP16 && foldable(n)) {
                foldBatchNorm(n, b);
            } else {
                Set<Integer> f32 = FLOAT32_INPUTS.getOrDefault(n.getOpType(), Set.of());
                for (int i = 0; i < n.getInputCount(); i++) {
                    String in = n.getInput(i);
                    if (in.isEmpty() || !isFloat(in) || "Cast".equals(n.getOpType())) {
                        if ("Cast".equals(n.getOpType()) && isFloat(in)) {
                            b.setInput(i, read(in, produced.getOrDefault(in, Precision.FP32)));
                        } else if (initializers.containsKey(in)) {
                            newInitializers.putIfAbsent(in, initializers.get(in));
                        }
                        continue;
                    }
                    Precision want = f32.contains(i) ? Precision.FP32 : p;
                    b.setInput(i, read(in, want));
                }
            }
            for (int i = 0; i < n.getOutputCount(); i++) {
                String r = rename.get(n.getOutput(i));
                if (r != null) {
                    b.setOutput(i, r);
                }
            }
            nodes.add(b.build());
        }

        /** The name under which {@code value} is available in the wanted precision (adding a Cast or copy). */
        private String read(String value, Precision want) {
            if (initializers.containsKey(value)) {
                TensorProto t = initializers.get(value);
                if (want == Precision.FP32) {
                    newInitializers.putIfAbsent(value, t);
                    return value;
                }
                String key = value + "\u0000fp16";
                return casts.computeIfAbsent(key, k -> {
                    String name = fresh(value + "_fp16");
                    float[] v = floats(t);
                    newInitializers.put(name, half(name, v, t.getDimsList()));
                    initsConverted++;
                    valuesConverted += v.length;
                    return name;
                });
            }
            String internal = rename.getOrDefault(value, value);
            Precision have = graphInputs.contains(value) ? Precision.FP32 : produced.get(value);
            if (have == want) {
                return internal;
            }
            String key = value + "\u0000" + want;
            return casts.computeIfAbsent(key, k -> {
                String name = fresh(value + (want == Precision.FP16 ? "_fp16" : "_fp32"));
                nodes.add(cast(internal, name, want == Precision.FP16 ? FLOAT16 : FLOAT));
                castCount++;
                return name;
            });
        }

        private boolean foldable(NodeProto n) {
            if (n.getInputCount() != 5) {
                return false;
            }
            for (int i = 1; i < 5; i++) {
                if (!initializers.containsKey(n.getInput(i)) || !isFloat(n.getInput(i))) {
                    return false;
                }
            }
            return true;
        }

        private void foldBatchNorm(NodeProto n, NodeProto.Builder b) {
            float eps = 1e-5f;
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals("epsilon")) {
                    eps = a.getF();
                }
            }
            float[] gamma = floats(initializers.get(n.getInput(1)));
            float[] beta = floats(initializers.get(n.getInput(2)));
            float[] mean = floats(initializers.get(n.getInput(3)));
            float[] var = floats(initializers.get(n.getInput(4)));
            int c = gamma.length;
            float[] scale = new float[c];
            float[] bias = new float[c];
            float[] zeros = new float[c];
            float[] ones = new float[c];
            for (int k = 0; k < c; k++) {
                double s = gamma[k] / Math.sqrt((double) var[k] + eps);
                scale[k] = (float) s;
                bias[k] = (float) (beta[k] - mean[k] * s);
                ones[k] = 1f;
            }
            List<Long> dims = List.of((long) c);
            String[] folded = {fresh(n.getInput(1) + "_folded_fp16"), fresh(n.getInput(2) + "_folded_fp16"),
                    fresh(n.getInput(3) + "_zero_fp16"), fresh(n.getInput(4) + "_one_fp16")};
            float[][] values = {scale, bias, zeros, ones};
            for (int i = 0; i < 4; i++) {
                newInitializers.put(folded[i], half(folded[i], values[i], dims));
                b.setInput(i + 1, folded[i]);
                initsConverted++;
                valuesConverted += c;
            }
            b.setInput(0, read(n.getInput(0), Precision.FP16));
            b.clearAttribute();
            for (AttributeProto a : n.getAttributeList()) {
                b.addAttribute(a.getName().equals("epsilon") ? a.toBuilder().setF(0f).build() : a);
            }
            if (n.getAttributeList().stream().noneMatch(a -> a.getName().equals("epsilon"))) {
                b.addAttribute(OnnxGraphBuilder.attr("epsilon", 0f));
            }
            this.folded++;
        }

        private NodeProto cast(String from, String to, int type) {
            return NodeProto.newBuilder().setOpType("Cast").setName(fresh("cast_" + to)).addInput(from).addOutput(to)
                    .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                            .setI(type))
                    .build();
        }

        private static AttributeProto attribute(NodeProto n, String name) {
            return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(n.getOpType() + " node '" + n.getName()
                            + "' has no attribute " + name));
        }

        private String fresh(String base) {
            String n = base;
            for (int i = 1; names.contains(n); i++) {
                n = base + "_" + i;
            }
            names.add(n);
            return n;
        }
    }
}
