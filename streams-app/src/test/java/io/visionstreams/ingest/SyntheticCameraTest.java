package io.visionstreams.ingest;

import io.visionstreams.imaging.ImageCodec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.schema.FrameEncoding;

class SyntheticCameraTest {

    private static final SyntheticCamera.Options SMALL = SyntheticCamera.Options.defaults().withSize(160, 120);

    @Test
    void sameSeedSameBytesDifferentSeedDifferentBytes() {
        SyntheticCamera a = new SyntheticCamera(SMALL.withSeed(7));
        SyntheticCamera b = new SyntheticCamera(SMALL.withSeed(7));
        SyntheticCamera c = new SyntheticCamera(SMALL.withSeed(8));
        assertArrayEquals(a.frame(3).data(), b.frame(3).data());
        assertEquals(a.groundTruth(3), b.groundTruth(3));
        assertFalse(Arrays.equals(a.frame(3).data(), c.frame(3).data()));
    }

    @Test
    void frameIsARandomAccessFunctionOfItsIndex() {
        SyntheticCamera a = new SyntheticCamera(SMALL.withSeed(1).withFrames(6));
        byte[] viaIteration = null;
        for (int i = 0; i < 6; i++) {
            viaIteration = a.next().data();
        }
        assertFalse(a.hasNext());
        assertArrayEquals(new SyntheticCamera(SMALL.withSeed(1)).frame(5).data(), viaIteration);
    }

    @Test
    void objectsMoveAndStayInsideTheFrame() {
        SyntheticCamera cam = new SyntheticCamera(SMALL);
        List<SyntheticCamera.GroundTruthBox> first = cam.groundTruth(0);
        assertEquals(5, first.size());
        assertEquals(new HashSet<>(SyntheticCamera.LABELS),
                new HashSet<>(first.stream().map(SyntheticCamera.GroundTruthBox::label).toList()));
        for (int i = 1; i < 300; i++) {
            List<SyntheticCamera.GroundTruthBox> boxes = cam.groundTruth(i);
            for (SyntheticCamera.GroundTruthBox b : boxes) {
                assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= 160 && b.y2() <= 120, "frame " + i + ": " + b);
                assertTrue(b.x2() > b.x1() && b.y2() > b.y1());
            }
            assertNotEquals(cam.groundTruth(i - 1), boxes, "nothing moved between frames " + (i - 1) + " and " + i);
        }
    }

    @Test
    void drawnRectangleFillsExactlyItsGroundTruthBox() {
        // two shapes: circle then rectangle, so the rectangle is drawn last and never occluded
        SyntheticCamera cam = new SyntheticCamera(SMALL.withSeed(3).withShapes(2));
        for (int frame : new int[] {0, 10, 57}) {
            BufferedImage img = cam.render(frame);
            SyntheticCamera.GroundTruthBox r = cam.groundTruth(frame).get(1);
            assertEquals("rectangle", r.label());
            int colour = img.getRGB((r.x1() + r.x2()) / 2, (r.y1() + r.y2()) / 2);
            int outsideDifferent = 0;
            for (int y = r.y1(); y < r.y2(); y++) {
                for (int x = r.x1(); x < r.x2(); x++) {
                    if (x < 60 && y < 40) {
                        continue; // the frame counter is drawn on top there
                    }
                    assertEquals(colour, img.getRGB(x, y), "pixel " + x + "," + y + " of frame " + frame);
                }
            }
            if (r.x2() < 160 && img.getRGB(r.x2(), (r.y1() + r.y2()) / 2) != colour) {
                outsideDifferent++;
            }
            if (r.x1() > 0 && img.getRGB(r.x1() - 1, (r.y1() + r.y2()) / 2) != colour) {
                outsideDifferent++;
            }
            assertTrue(outsideDifferent > 0 || r.x1() == 0 && r.x2() == 160, "box edge does not match the drawing");
        }
    }

    @Test
    void encodesJpegOrPngWithHeaderMatchingSize() throws Exception {
        EncodedFrame jpeg = new SyntheticCamera(SMALL).frame(0);
        assertEquals(FrameEncoding.JPEG, ImageCodec.header(jpeg.data()).encoding());
        assertEquals(160, ImageCodec.header(jpeg.data()).width());
        EncodedFrame png = new SyntheticCamera(SMALL.withEncoding(FrameEncoding.PNG)).frame(0);
        ImageCodec.HeaderInfo info = ImageCodec.header(png.data());
        assertEquals(FrameEncoding.PNG, info.encoding());
        assertEquals(120, info.height());
    }

    @Test
    void defaultSizeIs640x480() {
        EncodedFrame f = new SyntheticCamera(SyntheticCamera.Options.defaults()).frame(0);
        assertEquals(640, f.width());
        assertEquals(480, f.height());
    }

    @org.junit.jupiter.api.Test
    void visibleFractionsSeeOverlapsAndTheCounter() {
        SyntheticCamera one = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(320, 240).withShapes(1));
        for (int i = 0; i < 100; i++) {
            SyntheticCamera.GroundTruthBox b = one.groundTruth(i).get(0);
            double f = one.visibleFractions(i)[0];
            if (b.x1() > 60 || b.y1() > 30) { // clear of the frame counter: nothing covers a lone shape
                org.junit.jupiter.api.Assertions.assertEquals(1.0, f, 1e-12, "frame " + i);
            }
        }
        SyntheticCamera many = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(320, 240).withShapes(12));
        boolean partlyHidden = false;
        for (int i = 0; i < 20; i++) {
            double[] f = many.visibleFractions(i);
            org.junit.jupiter.api.Assertions.assertEquals(1.0, f[f.length - 1] > 0 ? 1.0 : 0.0, "the last shape is on top");
            for (double v : f) {
                org.junit.jupiter.api.Assertions.assertTrue(v >= 0 && v <= 1, "fraction " + v);
                partlyHidden |= v < 1;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(partlyHidden, "12 shapes on 320x240 overlap somewhere in 20 frames");
    }
}
