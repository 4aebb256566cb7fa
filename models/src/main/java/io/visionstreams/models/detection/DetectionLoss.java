package io.visionstreams.models.detection;

import io.visionstreams.eval.GtBox;

import static org.bytedeco.pytorch.global.torch.binary_cross_entropy_with_logits;
import static org.bytedeco.pytorch.global.torch.maximum;
import static org.bytedeco.pytorch.global.torch.minimum;
import static org.bytedeco.pytorch.global.torch.softplus;

import java.util.List;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.visionstreams.models.nn.Export;

/**
 * Training loss of {@link WrnDetector}.
 *
 * <p><b>Assignment</b> (FCOS-style, by box size): a ground-truth box belongs to one level by its longer side
 * (≤ 40 px: stride 8, ≤ 80 px: stride 16, else stride 32); the anchor points of that level that lie inside the
 * box and within 1.5·stride of its centre (centre sampling) are its positives; a point claimed by two boxes
 * takes the smaller one. All other points are negatives.
 *
 * <p><b>Box regression</b>: GIoU loss between the decoded box of each positive and its ground truth (a single
 * box output, unchanged by the integral loss, as in MultiPath).
 *
 * <p><b>Classification</b>: sigmoid focal loss (α 0.25, γ 2), summed and divided by the number of positives.
 * With {@link ClsMode#INTEGRAL} it is the MultiPath integral loss (models-detection.md §1.2): the average over
 * u ∈ {0.50, 0.55, …, 0.75} of the loss whose positives are the assigned points whose <em>current predicted box</em>
 * (detached; it plays the role of the proposal) has IoU ≥ u with the ground truth. Our "proposals" are the
 * per-point predicted boxes, so the assignment above decides which ground truth a point is compared against
 * and the threshold decides whether it counts as foreground. Differences from the thesis, stated: one classifier
 * shared by all thresholds (the contract has one score per anchor and class) instead of six heads trained in
 * turn, so every threshold is trained every step; since the focal loss of a binary target y is
 * y·FL₁ + (1−y)·FL₀, the mean over u equals the loss with the soft target q = #{u : IoU ≥ u}/6, which is
 * how it is computed (exactly, not approximately). {@link ClsMode#ASSIGNED} uses q = 1 for every assigned point.
 *
 * <p><b>Image level</b>: BCE of class_logits against class presence trains the GAP/CAM head.
 */
public final class DetectionLoss {

    public static final double[] INTEGRAL_U = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75};
    public static final float ALPHA = 0.25f;
    public static final float GAMMA = 2f;
    /** Longer-side limits of the stride-8 and stride-16 levels, px. */
    public static final float[] LEVEL_MAX_SIDE = {40, 80};
    public static final float CENTRE_RADIUS = 1.5f;
    /** exp() in training is capped: e^6·32 px is far beyond the 320 input, and it keeps early steps finite. */
    private static final double MAX_LTRB = 6;

    public enum ClsMode { INTEGRAL, ASSIGNED }

    /** Per flat anchor (image·A + anchor): index of its ground truth in that image, or −1. */
    public record Assignment(int[] gt, int numPos) {
    }

    public record Parts(Tensor total, float cls, float box, float image) {
    }

    private DetectionLoss() {
    }

    public static int level(GtBox b) {
        float side = Math.max(b.x2() - b.x1(), b.y2() - b.y1());
        return side <= LEVEL_MAX_SIDE[0] ? 0 : side <= LEVEL_MAX_SIDE[1] ? 1 : 2;
    }

    public static Assignment assign(List<List<GtBox>> gts, int size) {
        int a = StubDetector.anchorCount(size, WrnDetector.STRIDES);
        int[] gt = new int[gts.size() * a];
        java.util.Arrays.fill(gt, -1);
        int pos = 0;
        for (int img = 0; img < gts.size(); img++) {
            List<GtBox> boxes = gts.get(img);
            float[] bestArea = new float[a];
            int offset = 0;
            for (int l = 0; l < WrnDetector.STRIDES.length; l++) {
                int s = WrnDetector.STRIDES[l];
                int n = size / s;
                for (int k = 0; k < boxes.size(); k++) {
                    GtBox b = boxes.get(k);
                    if (level(b) != l) {
                        continue;
                    }
                    float bcx = (b.x1() + b.x2()) / 2;
                    float bcy = (b.y1() + b.y2()) / 2;
                    float r = CENTRE_RADIUS * s;
                    for (int j = 0; j < n; j++) {
                        float cy = (j + 0.5f) * s;
                        if (cy <= b.y1() || cy >= b.y2() || Math.abs(cy - bcy) > r) {
                            continue;
                        }
                        for (int i = 0; i < n; i++) {
                            float cx = (i + 0.5f) * s;
                            if (cx <= b.x1() || cx >= b.x2() || Math.abs(cx - bcx) > r) {
                                continue;
                            }
                            int idx = offset + j * n + i;
                            int flat = img * a + idx;
                            if (gt[flat] < 0 || b.area() < bestArea[idx]) {
                                pos += gt[flat] < 0 ? 1 : 0;
                                gt[flat] = k;
                                bestArea[idx] = b.area();
                            }
                        }
                    }
                }
                offset += n * n;
            }
        }
        return new Assignment(gt, pos);
    }

    static Tensor tensor(float[] data, long... shape) {
        return torch.from_blob(new FloatPointer(data), shape).clone();
    }

    public static Parts compute(WrnDetector.TrainOut out, List<List<GtBox>> gts, int size, ClsMode mode) {
        long bsz = gts.size();
        int a = StubDetector.anchorCount(size, WrnDetector.STRIDES);
        int c = (int) out.clsLogits().size(2);
        Assignment as = assign(gts, size);
        int np = Math.max(1, as.numPos());

        // positives: indices, ground-truth boxes
        float[] idx = new float[as.numPos()];
        float[] tgt = new float[as.numPos() * 4];
        int p = 0;
        for (int f = 0; f < as.gt().length; f++) {
            if (as.gt()[f] >= 0) {
                GtBox b = gts.get(f / a).get(as.gt()[f]);
                idx[p] = f;
                System.arraycopy(new float[] {b.x1(), b.y1(), b.x2(), b.y2()}, 0, tgt, p * 4, 4);
                p++;
            }
        }
        Tensor boxes = WrnDetector.decode(out.ltrb().clamp_max(new Scalar(MAX_LTRB)), size).reshape(bsz * a, 4);
        Tensor boxLoss;
        float[] iouPos = new float[as.numPos()];
        if (as.numPos() > 0) {
            Tensor pi = tensor(idx, idx.length).to(torch.ScalarType.Long);
            Tensor pb = boxes.index_select(0, pi);
            Tensor gb = tensor(tgt, idx.length, 4);
            Tensor[] g = giou(pb, gb);
            boxLoss = g[0].neg().add(new Scalar(1.0)).mean();
            float[] iou = Export.data(g[1]);
            System.arraycopy(iou, 0, iouPos, 0, iou.length);
        } else {
            boxLoss = out.ltrb().sum().mul(new Scalar(0.0));
        }

        // classification targets q in [0,1]
        float[] q = new float[(int) bsz * a * c];
        p = 0;
        for (int f = 0; f < as.gt().length; f++) {
            if (as.gt()[f] >= 0) {
                int cls = gts.get(f / a).get(as.gt()[f]).cls();
                float v = 1f;
                if (mode == ClsMode.INTEGRAL) {
                    int met = 0;
                    for (double u : INTEGRAL_U) {
                        met += iouPos[p] >= u ? 1 : 0;
                    }
                    v = met / (float) INTEGRAL_U.length;
                }
                q[f * c + cls] = v;
                p++;
            }
        }
        Tensor x = out.clsLogits().reshape(bsz * a * c);
        Tensor qt = tensor(q, q.length);
        Tensor prob = x.sigmoid().detach();
        // FL1 = α(1−p)^γ·softplus(−x), FL0 = (1−α)p^γ·softplus(x); loss = q·FL1 + (1−q)·FL0
        Tensor fl1 = prob.neg().add(new Scalar(1.0)).pow(new Scalar(GAMMA)).mul(new Scalar(ALPHA)).mul(softplus(x.neg()));
        Tensor fl0 = prob.pow(new Scalar(GAMMA)).mul(new Scalar(1 - ALPHA)).mul(softplus(x));
        Tensor clsLoss = qt.mul(fl1).add(qt.neg().add(new Scalar(1.0)).mul(fl0)).sum().div(new Scalar((double) np));

        float[] presence = new float[(int) bsz * c];
        for (int i = 0; i < bsz; i++) {
            for (GtBox b : gts.get(i)) {
                presence[i * c + b.cls()] = 1f;
            }
        }
        Tensor imgLoss = binary_cross_entropy_with_logits(out.classLogits(), tensor(presence, bsz, c));
        Tensor total = clsLoss.add(boxLoss).add(imgLoss);
        return new Parts(total, clsLoss.item_float(), boxLoss.item_float(), imgLoss.item_float());
    }

    /** GIoU and IoU of matching rows of two [P,4] box tensors. */
    static Tensor[] giou(Tensor a, Tensor b) {
        Tensor ax1 = a.narrow(1, 0, 1), ay1 = a.narrow(1, 1, 1), ax2 = a.narrow(1, 2, 1), ay2 = a.narrow(1, 3, 1);
        Tensor bx1 = b.narrow(1, 0, 1), by1 = b.narrow(1, 1, 1), bx2 = b.narrow(1, 2, 1), by2 = b.narrow(1, 3, 1);
        Tensor iw = minimum(ax2, bx2).sub(maximum(ax1, bx1)).clamp_min(new Scalar(0.0));
        Tensor ih = minimum(ay2, by2).sub(maximum(ay1, by1)).clamp_min(new Scalar(0.0));
        Tensor inter = iw.mul(ih);
        Tensor union = ax2.sub(ax1).mul(ay2.sub(ay1)).add(bx2.sub(bx1).mul(by2.sub(by1))).sub(inter)
                .clamp_min(new Scalar(1e-6));
        Tensor iou = inter.div(union);
        Tensor cw = maximum(ax2, bx2).sub(minimum(ax1, bx1));
        Tensor ch = maximum(ay2, by2).sub(minimum(ay1, by1));
        Tensor enc = cw.mul(ch).clamp_min(new Scalar(1e-6));
        Tensor g = iou.sub(enc.sub(union).div(enc));
        return new Tensor[] {g.reshape(-1), iou.detach().reshape(-1)};
    }
}
