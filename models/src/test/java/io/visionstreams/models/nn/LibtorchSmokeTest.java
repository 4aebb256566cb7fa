package io.visionstreams.models.nn;

import static org.bytedeco.pytorch.global.torch.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** libtorch loads through the JavaCPP presets and a conv layer learns (the openblas pin works). */
class LibtorchSmokeTest {

    @Test
    void aConvLayerFitsATarget() {
        set_num_threads(2);
        manual_seed(1);
        Module net = new Module();
        Conv2dOptions o = new Conv2dOptions(1, 1, new LongPointer(3L, 3L));
        Conv2dImpl conv = net.register_module("c", new Conv2dImpl(o));
        Adam opt = new Adam(net.parameters(), new AdamOptions(0.05));
        Tensor x = randn(8, 1, 8, 8);
        Tensor y = randn(8, 1, 6, 6);
        float first = 0;
        float last = 0;
        for (int step = 0; step < 60; step++) {
            try (PointerScope scope = new PointerScope()) {
                opt.zero_grad();
                Tensor loss = mse_loss(conv.forward(x), y);
                loss.backward();
                opt.step();
                last = loss.item_float();
                if (step == 0) {
                    first = last;
                }
            }
        }
        assertTrue(last < first, "loss " + first + " -> " + last);
    }
}
