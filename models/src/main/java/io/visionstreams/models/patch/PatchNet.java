package io.visionstreams.models.patch;

import static org.bytedeco.pytorch.global.torch.cat;

import java.util.List;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.visionstreams.models.nn.ExportableNet;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * A patch-pair scorer o(P1, P2): higher = more similar, raw score (no sigmoid), hinge-trained on
 * y = ±1. Inputs are 64×64 grayscale patches scaled to [0, 1]; the per-patch mean subtraction is
 * part of the network (libtorch and ONNX), so users feed pixel/255 and nothing else.
 *
 * <p>With {@link #symmetric(boolean)} the score is o(P1,P2) + o(P2,P1) (thesis eq. 3.8), computed as
 * one batched pass over (P1,P2) and (P2,P1) so both the libtorch and the ONNX graph share weights.
 */
public abstract class PatchNet extends Module implements ExportableNet {

    private final String arch;
    private boolean symmetric;

    protected PatchNet(String arch) {
        this.arch = arch;
    }

    public String arch() {
        return arch;
    }

    public PatchNet symmetric(boolean on) {
        this.symmetric = on;
        return this;
    }

    public boolean isSymmetric() {
        return symmetric;
    }

    /** Trainable parameter count (from the layer list). */
    public abstract long parameterCount();

    /** Multiply-accumulates per pair (one direction; symmetric doubles it). */
    public abstract long macsPerPair();

    /** True for the 2-channel family (ONNX input `pairs`), false for siamese nets (inputs `a`, `b`). */
    public abstract boolean twoChannel();

    /** Raw score on mean-subtracted patches [N,1,64,64] each, shape [N,1]. */
    protected abstract Tensor raw(Tensor a, Tensor b);

    protected abstract String emitRaw(OnnxGraphBuilder g, String a, String b);

    /** Descriptor extractor for the -l2 variants, or null where the design has none (2ch family). */
    public ExportableNet descriptor() {
        return null;
    }

    /** Scores pairs of [N,1,64,64] patches in [0,1]; training and evaluation use this. */
    public Tensor score(Tensor a, Tensor b) {
        Tensor pa = PatchOps.subtractPatchMean(a);
        Tensor pb = PatchOps.subtractPatchMean(b);
        if (!symmetric) {
            return raw(pa, pb);
        }
        Tensor both = raw(cat(new TensorVector(pa, pb), 0), cat(new TensorVector(pb, pa), 0));
        TensorVector halves = both.chunk(2, 0);
        return halves.get(0).add(halves.get(1));
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public List<Input> inputs() {
        return twoChannel() ? List.of(new Input("pairs", OnnxGraphBuilder.BATCH, 2, PatchOps.SIZE, PatchOps.SIZE))
                : List.of(new Input("a", OnnxGraphBuilder.BATCH, 1, PatchOps.SIZE, PatchOps.SIZE),
                        new Input("b", OnnxGraphBuilder.BATCH, 1, PatchOps.SIZE, PatchOps.SIZE));
    }

    @Override
    public List<String> outputNames() {
        return List.of("score");
    }

    @Override
    public List<Tensor> forward(List<Tensor> in) {
        if (twoChannel()) {
            Tensor p = in.get(0);
            return List.of(score(p.narrow(1, 0, 1), p.narrow(1, 1, 1)));
        }
        return List.of(score(in.get(0), in.get(1)));
    }

    @Override
    public void emit(OnnxGraphBuilder g) {
        String a;
        String b;
        if (twoChannel()) {
            String p = g.addInput("pairs", DataType.FLOAT, OnnxGraphBuilder.BATCH, 2, PatchOps.SIZE, PatchOps.SIZE);
            a = PatchOps.slice(g, p, new long[] {0}, new long[] {1}, new long[] {1});
            b = PatchOps.slice(g, p, new long[] {1}, new long[] {2}, new long[] {1});
        } else {
            a = g.addInput("a", DataType.FLOAT, OnnxGraphBuilder.BATCH, 1, PatchOps.SIZE, PatchOps.SIZE);
            b = g.addInput("b", DataType.FLOAT, OnnxGraphBuilder.BATCH, 1, PatchOps.SIZE, PatchOps.SIZE);
        }
        String pa = PatchOps.subtractPatchMean(g, a);
        String pb = PatchOps.subtractPatchMean(g, b);
        String s;
        if (!symmetric) {
            s = emitRaw(g, pa, pb);
        } else {
            String[] h = PatchOps.splitBatch(g, emitRaw(g, g.concat(0, pa, pb), g.concat(0, pb, pa)));
            s = g.add(h[0], h[1]);
        }
        g.addOutput(g.rename(s, "score"), DataType.FLOAT, OnnxGraphBuilder.BATCH, 1);
    }
}
