package io.visionstreams.models.patch;

import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.List;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.ExportableNet;
import io.visionstreams.models.nn.Layers;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * The patch-comparison architectures of models-patch-stereo.md §3, with valid convolutions and
 * floor pooling (the only reading that reproduces the published parameter counts). {@code widthDiv}
 * divides every layer width (1 = as published; larger values give fast nets for tests).
 *
 * <p>"2ch" is the released variant without the C(256,1,1) layer (913,377 parameters, §3.3).
 * Names ending in "-l2" train the corresponding siamese net; its {@link PatchNet#descriptor()} is
 * the exported l2 descriptor.
 */
public final class PatchNets {

    public static final List<String> ARCHS = List.of("2ch", "2ch-avg", "2ch-deep", "2ch-2stream", "siam",
            "pseudo-siam", "siam-2stream", "siam-l2", "pseudo-siam-l2", "siam-2stream-l2");

    private PatchNets() {
    }

    /** The net that is trained for {@code arch} ("-l2" names train their siamese parent). */
    public static PatchNet create(String arch, int widthDiv) {
        String base = arch.endsWith("-l2") ? arch.substring(0, arch.length() - 3) : arch;
        int w = Math.max(1, widthDiv);
        return switch (base) {
            case "2ch", "2ch-avg", "2ch-deep", "2ch-2stream" -> new TwoChannel(base, w);
            case "siam", "pseudo-siam", "siam-2stream" -> new Siamese(base, w);
            default -> throw new IllegalArgumentException("unknown arch '" + arch + "', expected one of " + ARCHS);
        };
    }

    public static boolean isDescriptor(String arch) {
        return arch.endsWith("-l2");
    }

    /** Linear decision layers F(n)-ReLU-...-F(1), ReLU between them. */
    private static final class Head {
        final List<LinearImpl> layers;
        final List<String> names;
        final long params;

        Head(Module owner, int in, int... outs) {
            LinearImpl[] ls = new LinearImpl[outs.length];
            String[] ns = new String[outs.length];
            long p = 0;
            int c = in;
            for (int i = 0; i < outs.length; i++) {
                ns[i] = "fc" + i;
                ls[i] = owner.register_module(ns[i], Layers.linear(c, outs[i]));
                p += (long) c * outs[i] + outs[i];
                c = outs[i];
            }
            layers = List.of(ls);
            names = List.of(ns);
            params = p;
        }

        Tensor forward(Tensor x) {
            for (int i = 0; i < layers.size(); i++) {
                x = layers.get(i).forward(x);
                if (i < layers.size() - 1) {
                    x = relu(x);
                }
            }
            return x;
        }

        String emit(OnnxGraphBuilder g, String x) {
            for (int i = 0; i < layers.size(); i++) {
                x = Export.linear(g, x, layers.get(i), names.get(i));
                if (i < layers.size() - 1) {
                    x = g.relu(x);
                }
            }
            return x;
        }
    }

    /** 2-channel family: both patches stacked as channels from the first layer on. */
    static final class TwoChannel extends PatchNet {
        final ConvStack central; // the only stack, or the central (high-res) stream
        final ConvStack surround; // 2ch-2stream only
        final Head head;

        TwoChannel(String arch, int w) {
            super(arch);
            switch (arch) {
                case "2ch" -> {
                    central = new ConvStack(this, "s", 2, 64).conv(96 / w, 7, 3).maxPool(2, 2).conv(192 / w, 5, 1)
                            .maxPool(2, 2).conv(256 / w, 3, 1);
                    surround = null;
                    head = new Head(this, central.features(), 1);
                }
                case "2ch-avg" -> {
                    central = new ConvStack(this, "s", 2, 64).conv(96 / w, 7, 3).maxPool(2, 2).conv(192 / w, 5, 1)
                            .conv(256 / w, 3, 1).conv(256 / w, 1, 1).avgPool(2, 2);
                    surround = null;
                    head = new Head(this, central.features(), 1);
                }
                case "2ch-deep" -> {
                    ConvStack s = new ConvStack(this, "s", 2, 64).conv(96 / w, 4, 3);
                    for (int i = 0; i < 3; i++) {
                        s.conv(96 / w, 3, 1);
                    }
                    s.maxPool(2, 2);
                    for (int i = 0; i < 3; i++) {
                        s.conv(192 / w, 3, 1);
                    }
                    central = s;
                    surround = null;
                    head = new Head(this, central.features(), 1);
                }
                case "2ch-2stream" -> {
                    central = stream2ch(this, "c", w);
                    surround = stream2ch(this, "u", w);
                    head = new Head(this, central.features() + surround.features(), 768 / w, 1);
                }
                default -> throw new IllegalArgumentException(arch);
            }
        }

        private static ConvStack stream2ch(Module owner, String prefix, int w) {
            return new ConvStack(owner, prefix, 2, 32).conv(96 / w, 5, 1).maxPool(2, 2).conv(96 / w, 3, 1)
                    .maxPool(2, 2).conv(192 / w, 3, 1).conv(192 / w, 3, 1);
        }

        @Override
        public boolean twoChannel() {
            return true;
        }

        @Override
        public long parameterCount() {
            return central.params() + (surround == null ? 0 : surround.params()) + head.params;
        }

        @Override
        public long macsPerPair() {
            long fc = head.params; // one MAC per weight (biases are negligible and counted too)
            return central.macs() + (surround == null ? 0 : surround.macs()) + fc;
        }

        @Override
        protected Tensor raw(Tensor a, Tensor b) {
            Tensor x = cat(new TensorVector(a, b), 1);
            if (surround == null) {
                return head.forward(central.forward(x).flatten(1, -1));
            }
            Tensor c = central.forward(PatchOps.centralCrop(x)).flatten(1, -1);
            Tensor s = surround.forward(PatchOps.downsample2(x)).flatten(1, -1);
            return head.forward(cat(new TensorVector(c, s), 1));
        }

        @Override
        protected String emitRaw(OnnxGraphBuilder g, String a, String b) {
            String x = g.concat(1, a, b);
            if (surround == null) {
                return head.emit(g, g.flatten(central.emit(g, x), 1));
            }
            String c = g.flatten(central.emit(g, PatchOps.centralCrop(g, x)), 1);
            String s = g.flatten(surround.emit(g, PatchOps.avgPool(g, x, 2, 2)), 1);
            return head.emit(g, g.concat(1, c, s));
        }
    }

    /**
     * Siamese family. Both patches go through a shared branch as ONE batch of 2N (then split), which
     * is also what keeps batch-norm statistics common to both branches if BN is ever added (§6.3).
     */
    static final class Siamese extends PatchNet {
        final ConvStack branchA; // shared branch, or the first (pseudo-siam), or the central stream
        final ConvStack branchB; // pseudo-siam: second branch; siam-2stream: surround stream; siam: null
        final Head head;
        final boolean pseudo;
        final boolean twoStream;

        Siamese(String arch, int w) {
            super(arch);
            pseudo = arch.equals("pseudo-siam");
            twoStream = arch.equals("siam-2stream");
            if (twoStream) {
                branchA = stream(this, "c", w);
                branchB = stream(this, "u", w);
            } else {
                branchA = siamBranch(this, "a", w);
                branchB = pseudo ? siamBranch(this, "b", w) : null;
            }
            head = new Head(this, 2 * descriptorLength(), 512 / w, 1);
        }

        private static ConvStack siamBranch(Module owner, String prefix, int w) {
            return new ConvStack(owner, prefix, 1, 64).conv(96 / w, 7, 3).maxPool(2, 2).conv(192 / w, 5, 1)
                    .maxPool(2, 2).conv(256 / w, 3, 1);
        }

        /** (code) The released siam2stream has no ReLU on the last conv of each stream. */
        private static ConvStack stream(Module owner, String prefix, int w) {
            return new ConvStack(owner, prefix, 1, 32).conv(96 / w, 4, 2).maxPool(2, 2).conv(192 / w, 3, 1)
                    .conv(256 / w, 3, 1).conv(256 / w, 3, 1, false);
        }

        int descriptorLength() {
            return twoStream ? branchA.features() + branchB.features() : branchA.features();
        }

        @Override
        public boolean twoChannel() {
            return false;
        }

        @Override
        public long parameterCount() {
            return branchA.params() + (branchB == null ? 0 : branchB.params()) + head.params;
        }

        /** The -l2 descriptor's parameters: one branch (or central + surround). */
        public long descriptorParameters() {
            return twoStream ? branchA.params() + branchB.params() : branchA.params();
        }

        public long descriptorMacs() {
            return twoStream ? branchA.macs() + branchB.macs() : branchA.macs();
        }

        @Override
        public long macsPerPair() {
            return 2 * descriptorMacs() + head.params;
        }

        /** Descriptors of a batch of mean-subtracted patches through branch A (or both streams). */
        Tensor describe(Tensor p) {
            if (!twoStream) {
                return branchA.forward(p).flatten(1, -1);
            }
            Tensor c = branchA.forward(PatchOps.centralCrop(p)).flatten(1, -1);
            Tensor s = branchB.forward(PatchOps.downsample2(p)).flatten(1, -1);
            return cat(new TensorVector(c, s), 1);
        }

        String emitDescribe(OnnxGraphBuilder g, String p) {
            if (!twoStream) {
                return g.flatten(branchA.emit(g, p), 1);
            }
            String c = g.flatten(branchA.emit(g, PatchOps.centralCrop(g, p)), 1);
            String s = g.flatten(branchB.emit(g, PatchOps.avgPool(g, p, 2, 2)), 1);
            return g.concat(1, c, s);
        }

        @Override
        protected Tensor raw(Tensor a, Tensor b) {
            Tensor da;
            Tensor db;
            if (pseudo) {
                da = branchA.forward(a).flatten(1, -1);
                db = branchB.forward(b).flatten(1, -1);
            } else {
                TensorVector d = describe(cat(new TensorVector(a, b), 0)).chunk(2, 0);
                da = d.get(0);
                db = d.get(1);
            }
            return head.forward(cat(new TensorVector(da, db), 1));
        }

        @Override
        protected String emitRaw(OnnxGraphBuilder g, String a, String b) {
            String da;
            String db;
            if (pseudo) {
                da = g.flatten(branchA.emit(g, a), 1);
                db = g.flatten(branchB.emit(g, b), 1);
            } else {
                String[] d = PatchOps.splitBatch(g, emitDescribe(g, g.concat(0, a, b)));
                da = d[0];
                db = d[1];
            }
            return head.emit(g, g.concat(1, da, db));
        }

        @Override
        public ExportableNet descriptor() {
            return new Descriptor(this);
        }
    }

    /**
     * The -l2 descriptor: input `patches` [N,1,64,64] in [0,1] → `descriptors` [N,D], l2-normalised
     * (pseudo-siam uses its first branch). Match with −‖d1 − d2‖ (higher = more similar).
     */
    public static final class Descriptor implements ExportableNet {
        final Siamese net;

        Descriptor(Siamese net) {
            this.net = net;
        }

        public int length() {
            return net.descriptorLength();
        }

        public long parameters() {
            return net.descriptorParameters();
        }

        public long macsPerPatch() {
            return net.descriptorMacs();
        }

        public Tensor describe(Tensor patches) {
            return PatchOps.l2normalize(net.describe(PatchOps.subtractPatchMean(patches)));
        }

        /** −‖d(a) − d(b)‖₂, [N,1]. */
        public Tensor score(Tensor a, Tensor b) {
            Tensor d = describe(a).sub(describe(b));
            return d.pow(new org.bytedeco.pytorch.Scalar(2))
                    .sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt().neg();
        }

        @Override
        public Module module() {
            return net;
        }

        @Override
        public List<Input> inputs() {
            return List.of(new Input("patches", OnnxGraphBuilder.BATCH, 1, PatchOps.SIZE, PatchOps.SIZE));
        }

        @Override
        public List<String> outputNames() {
            return List.of("descriptors");
        }

        @Override
        public List<Tensor> forward(List<Tensor> in) {
            return List.of(describe(in.get(0)));
        }

        @Override
        public void emit(OnnxGraphBuilder g) {
            String p = g.addInput("patches", DataType.FLOAT, OnnxGraphBuilder.BATCH, 1, PatchOps.SIZE, PatchOps.SIZE);
            String d = PatchOps.l2normalize(g, net.emitDescribe(g, PatchOps.subtractPatchMean(g, p)));
            g.addOutput(g.rename(d, "descriptors"), DataType.FLOAT, OnnxGraphBuilder.BATCH, length());
        }
    }
}
