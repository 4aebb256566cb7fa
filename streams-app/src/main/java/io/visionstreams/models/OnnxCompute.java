package io.visionstreams.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiply-accumulates per image counted from an ONNX graph itself (not from a model card, which only the
 * trainer writes): Conv, ConvTranspose, Gemm and MatMul, from the weight shapes and the output sizes inferred at
 * a given input size with batch 1. Shapes are propagated node by node with the rules of the ops our zoo and
 * common detectors use; a compute node whose input shape cannot be inferred is listed as unresolved rather
 * than guessed. Element-wise work (activations, normalisation, adds) is not counted, as is usual for FLOPs
 * figures; FLOPs = 2 × MACs.
 */
public final class OnnxCompute {

    private OnnxCompute() {
    }

    /** @param unresolved compute nodes (op type and name) whose MACs could not be counted */
    public record Result(long macs, int computeNodes, List<String> unresolved) {
        public long flops() {
            return 2 * macs;
        }

        public boolean complete() {
            return unresolved.isEmpty();
        }
    }

    /**
     * Counts the MACs of one image of {@code height × width} (NCHW image inputs get these spatial sizes and
     * batch 1; other dynamic dimensions are taken as 1).
     */
    public static Result macsPerImage(byte[] onnx, int height, int width) {
        Graph g = Graph.parse(onnx);
        Map<String, long[]> shapes = new HashMap<>();
        g.initializers.forEach((name, t) -> shapes.put(name, t.dims));
        for (Map.Entry<String, long[]> in : g.inputs.entrySet()) {
            if (shapes.containsKey(in.getKey())) {
                continue; // an initializer listed as input (older exporters)
            }
            long[] s = in.getValue().clone();
            if (s.length > 0 && s[0] <= 0) {
                s[0] = 1;
            }
            if (s.length == 4) {
                s[0] = 1;
                s[2] = height;
                s[3] = width;
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = s[i] <= 0 ? 1 : s[i];
            }
            shapes.put(in.getKey(), s);
        }
        long macs = 0;
        int compute = 0;
        List<String> unresolved = new ArrayList<>();
        for (Node n : g.nodes) {
            boolean isCompute = switch (n.op) {
                case "Conv", "ConvTranspose", "Gemm", "MatMul" -> true;
                default -> false;
            };
            long[][] in = new long[n.inputs.size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = n.inputs.get(i).isEmpty() ? null : shapes.get(n.inputs.get(i));
            }
            long[] out;
            try {
                out = infer(n, in, g);
            } catch (RuntimeException e) {
                out = null;
            }
            if (isCompute) {
                compute++;
                long m = out == null ? -1 : nodeMacs(n, in, out);
                if (m < 0) {
                    unresolved.add(n.op + " " + n.name);
                } else {
                    macs += m;
                }
            }
            if (out != null && !n.outputs.isEmpty()) {
                shapes.put(n.outputs.get(0), out);
            }
        }
        return new Result(macs, compute, List.copyOf(unresolved));
    }

    /** MACs of one compute node from its input and output shapes, or -1 if a shape is missing. */
    static long nodeMacs(Node n, long[][] in, long[] out) {
        if (in.length < 2 || in[0] == null || in[1] == null) {
            return -1;
        }
        long[] w = in[1];
        switch (n.op) {
            case "Conv": { // W [M, C/group, k...]: each output element takes C/group × k... MACs
                long perOut = 1;
                for (int i = 1; i < w.length; i++) {
                    perOut *= w[i];
                }
                return product(out) * perOut;
            }
            case "ConvTranspose": { // W [C, M/group, k...]: each input element scatters into M/group × k... outputs
                long perIn = 1;
                for (int i = 1; i < w.length; i++) {
                    perIn *= w[i];
                }
                return product(in[0]) * perIn;
            }
            case "Gemm": {
                long k = n.attrInt("transA", 0) == 1 ? in[0][0] : in[0][1];
                return product(out) * k;
            }
            case "MatMul": {
                long k = in[0][in[0].length - 1];
                return product(out) * k;
            }
            default:
                return -1;
        }
    }

    /** The output shape of a node from its input shapes (null entries are unknown), or null if unknown. */
    static long[] infer(Node n, long[][] in, Graph g) {
        switch (n.op) {
            case "Conv":
            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                return convLike(n, in);
            case "ConvTranspose":
                return convTranspose(n, in);
            case "GlobalAveragePool":
            case "GlobalMaxPool": {
                long[] s = in[0].clone();
                Arrays.fill(s, 2, s.length, 1);
                return s;
            }
            case "Gemm": {
                long m = n.attrInt("transA", 0) == 1 ? in[0][1] : in[0][0];
                long nn = n.attrInt("transB", 0) == 1 ? in[1][0] : in[1][1];
                return new long[] {m, nn};
            }
            case "MatMul":
                return matMul(in[0], in[1]);
            case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where", "PRelu", "Equal", "Greater", "Less", "And",
                    "Or": {
                long[] s = null;
                for (long[] x : in) {
                    s = s == null ? x : broadcast(s, x);
                }
                return s;
            }
            case "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Neg", "Abs", "Sqrt", "Clip", "LeakyRelu", "Elu", "Selu",
                    "HardSigmoid", "HardSwish", "Softplus", "Mish", "Erf", "Gelu", "BatchNormalization",
                    "InstanceNormalization", "LayerNormalization", "Identity", "Cast", "Dropout", "Softmax",
                    "LogSoftmax", "Floor", "Ceil", "Round", "Reciprocal", "Sin", "Cos", "Not", "Sign":
                return in[0].clone();
            case "Flatten": {
                int axis = (int) n.attrInt("axis", 1);
                axis = axis < 0 ? axis + in[0].length : axis;
                return new long[] {product(Arrays.copyOfRange(in[0], 0, axis)),
                        product(Arrays.copyOfRange(in[0], axis, in[0].length))};
            }
            case "Reshape":
                return reshape(in[0], g.longConstant(n.inputs.get(1)));
            case "Transpose": {
                long[] perm = n.attrInts("perm");
                long[] s = new long[in[0].length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = in[0][perm == null ? s.length - 1 - i : (int) perm[i]];
                }
                return s;
            }
            case "Concat": {
                int axis = (int) n.attrInt("axis", 0);
                long[] s = in[0].clone();
                axis = axis < 0 ? axis + s.length : axis;
                s[axis] = 0;
                for (long[] x : in) {
                    s[axis] += x[axis];
                }
                return s;
            }
            case "Resize", "Upsample": {
                long[] sizes = n.inputs.size() > 3 ? g.longConstant(n.inputs.get(3)) : null;
                if (sizes != null && sizes.length == in[0].length) {
                    return sizes;
                }
                float[] scales = g.floatConstant(n.inputs.get(n.op.equals("Upsample") ? 1 : 2));
                long[] s = in[0].clone();
                for (int i = 0; i < s.length; i++) {
                    s[i] = (long) Math.floor(s[i] * scales[i]);
                }
                return s;
            }
            case "Unsqueeze", "Squeeze": {
                long[] axes = n.attrInts("axes");
                if (axes == null && n.inputs.size() > 1) {
                    axes = g.longConstant(n.inputs.get(1));
                }
                return n.op.equals("Squeeze") ? squeeze(in[0], axes) : unsqueeze(in[0], axes);
            }
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin": {
                long[] axes = n.attrInts("axes");
                if (axes == null && n.inputs.size() > 1) {
                    axes = g.longConstant(n.inputs.get(1));
                }
                long[] s = in[0].clone();
                for (long a : axes == null ? range(s.length) : axes) {
                    s[(int) (a < 0 ? a + s.length : a)] = 1;
                }
                return n.attrInt("keepdims", 1) == 1 ? s : squeeze(s, axes == null ? range(s.length) : axes);
            }
            default:
                return null;
        }
    }

    private static long[] convLike(Node n, long[][] in) {
        long[] x = in[0];
        int spatial = x.length - 2;
        long[] kernel = n.op.equals("Conv") ? Arrays.copyOfRange(in[1], 2, in[1].length) : n.attrInts("kernel_shape");
        long[] strides = n.attrIntsOr("strides", spatial, 1);
        long[] dil = n.attrIntsOr("dilations", spatial, 1);
        long[] pads = n.attrIntsOr("pads", 2 * spatial, 0);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] s = new long[x.length];
        s[0] = x[0];
        s[1] = n.op.equals("Conv") ? in[1][0] : x[1];
        boolean ceil = n.attrInt("ceil_mode", 0) == 1;
        for (int i = 0; i < spatial; i++) {
            long size = x[2 + i];
            if (autoPad.startsWith("SAME")) {
                s[2 + i] = (size + strides[i] - 1) / strides[i];
            } else if (autoPad.equals("VALID")) {
                s[2 + i] = (size - dil[i] * (kernel[i] - 1) - 1) / strides[i] + 1;
            } else {
                long span = size + pads[i] + pads[i + spatial] - dil[i] * (kernel[i] - 1) - 1;
                s[2 + i] = (ceil ? Math.floorDiv(span + strides[i] - 1, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
            }
        }
        return s;
    }

    private static long[] convTranspose(Node n, long[][] in) {
        long[] x = in[0];
        long[] w = in[1];
        int spatial = x.length - 2;
        long[] strides = n.attrIntsOr("strides", spatial, 1);
        long[] dil = n.attrIntsOr("dilations", spatial, 1);
        long[] pads = n.attrIntsOr("pads", 2 * spatial, 0);
        long[] outPad = n.attrIntsOr("output_padding", spatial, 0);
        long[] s = new long[x.length];
        s[0] = x[0];
        s[1] = w[1] * n.attrInt("group", 1);
        for (int i = 0; i < spatial; i++) {
            s[2 + i] = strides[i] * (x[2 + i] - 1) + outPad[i] + (w[2 + i] - 1) * dil[i] + 1 - pads[i] - pads[i + spatial];
        }
        return s;
    }

    private static long[] matMul(long[] a, long[] b) {
        if (a.length < 2 || b.length < 2) {
            return null; // vector products: not in any model we serve
        }
        long[] batchA = Arrays.copyOfRange(a, 0, a.length - 2);
        long[] batchB = Arrays.copyOfRange(b, 0, b.length - 2);
        long[] batch = broadcast(batchA, batchB);
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = a[a.length - 2];
        s[batch.length + 1] = b[b.length - 1];
        return s;
    }

    /** Numpy-style broadcasting of two shapes. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i < r - a.length ? 1 : a[i - (r - a.length)];
            long y = i < r - b.length ? 1 : b[i - (r - b.length)];
            s[i] = Math.max(x, y);
        }
        return s;
    }

    private static long[] reshape(long[] x, long[] target) {
        long[] s = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                s[i] = x[i];
            }
            if (s[i] == -1) {
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            s[infer] = product(x) / known;
        }
        return s;
    }

    private static long[] squeeze(long[] x, long[] axes) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            boolean drop = false;
            if (axes == null) {
                drop = x[i] == 1;
            } else {
                for (long a : axes) {
                    drop |= (a < 0 ? a + x.length : a) == i;
                }
            }
            if (!drop) {
                out.add(x[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] unsqueeze(long[] x, long[] axes) {
        int r = x.length + axes.length;
        long[] s = new long[r];
        boolean[] added = new boolean[r];
        for (long a : axes) {
            added[(int) (a < 0 ? a + r : a)] = true;
        }
        for (int i = 0, j = 0; i < r; i++) {
            s[i] = added[i] ? 1 : x[j++];
        }
        return s;
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    static long product(long[] s) {
        long p = 1;
        for (long v : s) {
            p *= v;
        }
        return p;
    }

    /** A node: op type, name, input and output tensor names, attributes (ints, int lists, strings). */
    record Node(String op, String name, List<String> inputs, List<String> outputs, Map<String, Object> attrs) {
        long attrInt(String key, long dflt) {
            Object v = attrs.get(key);
            return v instanceof Long l ? l : dflt;
        }

        long[] attrInts(String key) {
            Object v = attrs.get(key);
            return v instanceof long[] a ? a : null;
        }

        long[] attrIntsOr(String key, int n, long dflt) {
            long[] v = attrInts(key);
            if (v != null) {
                return v;
            }
            long[] d = new long[n];
            Arrays.fill(d, dflt);
            return d;
        }

        String attrString(String key, String dflt) {
            Object v = attrs.get(key);
            return v instanceof String s ? s : dflt;
        }
    }

    /** A constant tensor's shape and, for the small ones shapes depend on, its values. */
    record Constant(long[] dims, long[] longs, float[] floats) {
    }

    /** The parts of a GraphProto that shapes depend on. */
    static final class Graph {
        final List<Node> nodes = new ArrayList<>();
        final Map<String, Constant> initializers = new HashMap<>();
        final Map<String, long[]> inputs = new java.util.LinkedHashMap<>();

        long[] longConstant(String name) {
            Constant c = initializers.get(name);
            return c == null ? null : c.longs();
        }

        float[] floatConstant(String name) {
            Constant c = initializers.get(name);
            return c == null ? null : c.floats();
        }

        static Graph parse(byte[] onnx) {
            Graph g = new Graph();
            ProtoReader model = new ProtoReader(onnx, 0, onnx.length);
            boolean sawGraph = false;
            while (model.next()) {
                if (model.field() == 7 && model.wireType() == ProtoReader.LEN) { // ModelProto.graph
                    sawGraph = true;
                    ProtoReader graph = model.message();
                    while (graph.next()) {
                        if (graph.wireType() != ProtoReader.LEN) {
                            continue;
                        }
                        switch (graph.field()) {
                            case 1 -> g.addNode(graph.message()); // node
                            case 5 -> { // initializer
                                Map.Entry<String, Constant> t = tensor(graph.message());
                                g.initializers.put(t.getKey(), t.getValue());
                            }
                            case 11 -> valueInfo(graph.message(), g.inputs); // input
                            default -> {
                            }
                        }
                    }
                }
            }
            if (!sawGraph) {
                throw new IllegalArgumentException("not an ONNX model: no graph field");
            }
            return g;
        }

        private void addNode(ProtoReader r) {
            List<String> in = new ArrayList<>();
            List<String> out = new ArrayList<>();
            String name = "";
            String op = "";
            Map<String, Object> attrs = new HashMap<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> in.add(r.string());
                    case 2 -> out.add(r.string());
                    case 3 -> name = r.string();
                    case 4 -> op = r.string();
                    case 5 -> attribute(r.message(), attrs);
                    default -> {
                    }
                }
            }
            if (op.equals("Constant") && attrs.get("value") instanceof Constant c && !out.isEmpty()) {
                initializers.put(out.get(0), c); // a Constant node is an initializer by another name
                return;
            }
            nodes.add(new Node(op, name, in, out, attrs));
        }

        /** AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8. */
        private static void attribute(ProtoReader r, Map<String, Object> attrs) {
            String name = null;
            Object value = null;
            List<Long> ints = new ArrayList<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> name = r.string();
                    case 3 -> value = r.varintValue();
                    case 4 -> value = r.string();
                    case 5 -> value = tensor(r.message()).getValue();
                    case 8 -> r.int64s(ints);
                    default -> {
                    }
                }
            }
            if (name != null) {
                attrs.put(name, !ints.isEmpty() ? ints.stream().mapToLong(Long::longValue).toArray() : value);
            }
        }

        /** TensorProto: dims 1, data_type 2, float_data 4, int64_data 7, name 8, raw_data 9. */
        private static Map.Entry<String, Constant> tensor(ProtoReader r) {
            List<Long> dims = new ArrayList<>();
            List<Float> floats = new ArrayList<>();
            List<Long> longs = new ArrayList<>();
            long type = 0;
            String name = "";
            byte[] raw = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> r.int64s(dims);
                    case 2 -> type = r.varintValue();
                    case 4 -> r.floats(floats);
                    case 7 -> r.int64s(longs);
                    case 8 -> name = r.string();
                    case 9 -> raw = r.wireType() == ProtoReader.LEN ? r.bytes() : null;
                    default -> {
                    }
                }
            }
            long[] d = dims.stream().mapToLong(Long::longValue).toArray();
            // only small tensors' values matter (shapes, scales); weights are kept as shapes
            if (raw != null && raw.length <= 64) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                if (type == 1) { // FLOAT
                    while (b.remaining() >= 4) {
                        floats.add(b.getFloat());
                    }
                } else if (type == 7) { // INT64
                    while (b.remaining() >= 8) {
                        longs.add(b.getLong());
                    }
                }
            }
            float[] f = new float[floats.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = floats.get(i);
            }
            return Map.entry(name, new Constant(d, longs.isEmpty() ? null : longs.stream().mapToLong(Long::longValue)
                    .toArray(), f.length == 0 ? null : f));
        }

        /** ValueInfoProto name 1, type 2 → TypeProto tensor_type 1 → shape 2 → dim 1 → dim_value 1 (0 if symbolic). */
        private static void valueInfo(ProtoReader r, Map<String, long[]> out) {
            String name = null;
            List<Long> dims = new ArrayList<>();
            while (r.next()) {
                if (r.field() == 1) {
                    name = r.string();
                } else if (r.field() == 2 && r.wireType() == ProtoReader.LEN) {
                    ProtoReader type = r.message();
                    while (type.next()) {
                        if (type.field() == 1 && type.wireType() == ProtoReader.LEN) {
                            ProtoReader tensorType = type.message();
                            while (tensorType.next()) {
                                if (tensorType.field() == 2 && tensorType.wireType() == ProtoReader.LEN) {
                                    ProtoReader shape = tensorType.message();
                                    while (shape.next()) {
                                        if (shape.field() == 1 && shape.wireType() == ProtoReader.LEN) {
                                            ProtoReader dim = shape.message();
                                            long v = 0;
                                            while (dim.next()) {
                                                if (dim.field() == 1 && dim.wireType() == ProtoReader.VARINT) {
                                                    v = dim.varintValue();
                                                }
                                            }
                                            dims.add(v);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if (name != null) {
                out.put(name, dims.stream().mapToLong(Long::longValue).toArray());
            }
        }
    }
}
