package io.visionstreams.models.patch;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.OnnxParity;

/** Architectures against models-patch-stereo.md §3.3, and ORT parity of every exported family. */
class PatchNetsTest {

    @ParameterizedTest
    @CsvSource({"2ch,913377", "2ch-avg,979937", "2ch-deep,1082497", "2ch-2stream,2353153", "siam,1171585",
            "pseudo-siam,2080001", "siam-2stream,2926145"})
    void parameterCountsMatchTheDocTable(String arch, long expected) {
        PatchNet net = PatchNets.create(arch, 1);
        assertEquals(expected, net.parameterCount());
        long actual = 0;
        var ps = net.parameters();
        for (long i = 0; i < ps.size(); i++) {
            actual += ps.get(i).numel();
        }
        assertEquals(expected, actual, "registered parameters");
    }

    @ParameterizedTest
    @CsvSource({"siam-l2,908416,256", "pseudo-siam-l2,908416,256", "siam-2stream-l2,2400832,512"})
    void descriptorSizes(String arch, long params, int dim) {
        PatchNets.Descriptor d = (PatchNets.Descriptor) PatchNets.create(arch, 1).descriptor();
        assertEquals(params, d.parameters());
        assertEquals(dim, d.length());
    }

    @Test
    void macsMatchTheDocTable() {
        // §3.3: 2ch 20.8M, 2ch-avg 28.5M, siam branch 18.9M per patch (rounded to 0.1M)
        assertEquals(20.8, PatchNets.create("2ch", 1).macsPerPair() / 1e6, 0.05);
        assertEquals(28.5, PatchNets.create("2ch-avg", 1).macsPerPair() / 1e6, 0.05);
        assertEquals(81.4, PatchNets.create("2ch-deep", 1).macsPerPair() / 1e6, 0.05);
        assertEquals(18.9, ((PatchNets.Descriptor) PatchNets.create("siam-l2", 1).descriptor()).macsPerPatch() / 1e6,
                0.05);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2ch", "2ch-avg", "2ch-deep", "2ch-2stream", "siam", "pseudo-siam", "siam-2stream"})
    void exportMatchesLibtorch(String arch) throws Exception {
        manual_seed(11);
        PatchNet net = PatchNets.create(arch, 4);
        OnnxParity.Result r = OnnxParity.check(net, arch, 3, 5);
        assertTrue(r.within(1e-4), arch + " parity " + r);
        OnnxParity.Result sym = OnnxParity.check(net.symmetric(true), arch, 3, 5);
        assertTrue(sym.within(1e-4), arch + " symmetric parity " + sym);
    }

    @ParameterizedTest
    @ValueSource(strings = {"siam-l2", "pseudo-siam-l2", "siam-2stream-l2"})
    void descriptorExportMatchesLibtorch(String arch) throws Exception {
        manual_seed(12);
        PatchNet net = PatchNets.create(arch, 4);
        OnnxParity.Result r = OnnxParity.check(net.descriptor(), arch, 3, 6);
        assertTrue(r.within(1e-4), arch + " parity " + r);
    }

    @Test
    void symmetricScoreIsOrderInvariantAndMeanSubtractionIsInside() {
        manual_seed(13);
        PatchNet net = PatchNets.create("pseudo-siam", 4).symmetric(true);
        net.eval();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor a = rand(4, 1, 64, 64);
            Tensor b = rand(4, 1, 64, 64);
            float[] ab = Export.data(net.score(a, b));
            float[] ba = Export.data(net.score(b, a));
            for (int i = 0; i < ab.length; i++) {
                assertEquals(ab[i], ba[i], 1e-5);
            }
            // adding a constant to a patch does not change the score: per-patch mean subtraction
            float[] shifted = Export.data(net.score(a.add(new org.bytedeco.pytorch.Scalar(0.3)), b));
            for (int i = 0; i < ab.length; i++) {
                assertEquals(ab[i], shifted[i], 1e-4);
            }
            // descriptors are unit length
            Tensor d = ((PatchNets.Descriptor) PatchNets.create("siam-l2", 4).descriptor()).describe(a);
            float[] v = Export.data(d.pow(new org.bytedeco.pytorch.Scalar(2)).sum(new long[] {1}, false,
                    new org.bytedeco.pytorch.ScalarTypeOptional()));
            for (float x : v) {
                assertEquals(1.0, x, 1e-4);
            }
        }
        assertEquals(List.of("score"), net.outputNames());
    }
}
