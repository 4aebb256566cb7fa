package io.visionstreams.models.data;

import io.visionstreams.eval.GtBox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import io.visionstreams.models.detection.NormalisedScene;
import io.visionstreams.models.style.StyleImages;
import io.visionstreams.models.style.StyleTrainer;

/**
 * The shipped detector-teacher/1, detector-student/1 and style-cin/1 (retired, in git history) were trained on
 * data from interim loaders (detection.InterimScenes, style.StyleContent) that were since merged into the data
 * package. The expected fingerprints below were computed from those interim classes (at commit 8de4367, before
 * they were deleted) with the same streams: the data package must keep producing exactly that data, or the model
 * cards' reproduce commands no longer reproduce the shipped models. style-cin/2 was trained on the data package
 * itself; its fingerprints pin its command's data the same way.
 */
class ShippedDataTest {

    /** Smooth colour fields with noise, of several sizes: hermetic backgrounds and content. */
    static List<RgbImage> synthetic(long seed) {
        Random r = new Random(seed);
        List<RgbImage> out = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            int w = 96 + 16 * k;
            int h = 80 + 8 * k;
            byte[] d = new byte[w * h * 3];
            int[] base = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        d[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, base[c] + (x + y) / 3 - 32 + r.nextInt(41) - 20));
                    }
                }
            }
            out.add(new RgbImage(w, h, d));
        }
        return out;
    }

    /** The trainer's view of scenes: normalised floats and float boxes, in stream order. */
    static String detection(DetectionSceneGenerator gen, long seed, int n) {
        Fingerprint f = new Fingerprint();
        gen.reseed(seed);
        for (int i = 0; i < n; i++) {
            NormalisedScene s = NormalisedScene.of(gen.next());
            f.add(s.size()).add(s.chw()).add(s.boxes().size());
            for (GtBox b : s.boxes()) {
                f.add(b.x1()).add(b.y1()).add(b.x2()).add(b.y2()).add(b.cls());
            }
        }
        return f.hex();
    }

    /** The style trainer's stream: per step, the batch's crops then its style indices, from one Random. */
    static String styleStream(ImageFolder train, int size, long seed, int steps, int batch, int styles) {
        Random rnd = new Random(seed);
        StyleContentCrops crops = new StyleContentCrops(train, rnd, StyleContentCrops.Options.nativeCrops(size));
        Fingerprint f = new Fingerprint();
        for (int s = 0; s < steps; s++) {
            for (RgbImage c : crops.next(batch)) {
                f.add(StyleImages.toChw(c));
            }
            for (int i = 0; i < batch; i++) {
                f.add(rnd.nextInt(styles));
            }
        }
        return f.hex();
    }

    /** Held-out evaluation crops (1 per image, seed 99) and the file names of both sides. */
    static String styleHeldOut(ImageFolder.Split split, int size) {
        Fingerprint f = new Fingerprint();
        for (RgbImage c : new StyleContentCrops(split.validation(), 99, StyleContentCrops.Options.nativeCrops(size)).fixedCrops(1, 99)) {
            f.add(StyleImages.toChw(c));
        }
        for (ImageFolder side : List.of(split.validation(), split.train())) {
            for (int i = 0; i < side.size(); i++) {
                f.add(side.name(i));
            }
        }
        return f.hex();
    }

    @Test
    void separateScenesAreThoseOfTheV1Renderer() {
        List<RgbImage> bg = synthetic(3);
        // training: seed 1 → stream seed 1·31 + 1 = 32, 160 px canvases, first batch of 16
        assertEquals("423a4f0da4ed14a4", detection(new DetectionSceneGenerator(bg, 0, DetectionSceneGenerator.Options.separate(160)), 32, 16));
        assertEquals("c8a3de913b4e5937", detection(new DetectionSceneGenerator(bg, 0, DetectionSceneGenerator.Options.separate(320)), 20261123, 4));
    }

    @Test
    void nativeCropsAreThoseOfTheV1Loader(@TempDir Path dir) throws Exception {
        List<RgbImage> img = synthetic(5);
        for (int k = 0; k < 12; k++) {
            Images.writeRgb(dir.resolve(String.format("c%02d.png", k)), img.get(k % 6));
        }
        byte[] flat = new byte[100 * 90 * 3];
        java.util.Arrays.fill(flat, (byte) 77);
        Images.writeRgb(dir.resolve("c12.png"), new RgbImage(100, 90, flat)); // flat crops are redrawn
        Images.writeRgb(dir.resolve("c13.png"), img.get(0).crop(0, 0, 60, 40)); // shorter than the crop: enlarged
        ImageFolder.Split split = ImageFolder.of(dir).without(List.of(dir.resolve("c03.png"))).splitEveryNth(5);
        assertEquals(List.of("c05.png", "c10.png"), List.of(split.validation().name(0), split.validation().name(1)));
        assertEquals("eb645368fadaaa55", styleStream(split.train(), 64, 1, 5, 2, 4));
        assertEquals("93160467039f4014", styleHeldOut(split, 64));
    }

    /** Full training streams (16,000 scenes, 3,039 steps) take about a minute: -Dvs.fullStreams=true. */
    static boolean fullStreams() {
        return Boolean.getBoolean("vs.fullStreams");
    }

    /** The data of the detector cards' commands on the shared images (default --scenes, --seed 1, --eval-seed). */
    @Test
    void detectorCardsDataOnTheSharedImages() throws Exception {
        ImageFolder.Split split = ImageFolder.of(TestData.sharedImages()).split(0.2, 7);
        DetectionSceneGenerator train = new DetectionSceneGenerator(split.train(), 0, DetectionSceneGenerator.Options.separate(160));
        DetectionSceneGenerator val = new DetectionSceneGenerator(split.validation(), 0, DetectionSceneGenerator.Options.separate(320));
        assertEquals(70, train.backgroundCount());
        assertEquals(11, val.backgroundCount());
        assertEquals("25872db724e4dc59", detection(train, 32, 16));
        assertEquals("4b5a46c13df61896", detection(val, 20261123, 200));
        if (fullStreams()) {
            // 1000 steps × 16 (teacher); the student's 800 steps are a prefix of the same stream
            assertEquals("bab6e21c0e2cb6b8", detection(train, 32, 16000));
        }
    }

    /** style-cin/2's command on the shared images (--content-split grouped, --size 128, --seed 1, batch 2). */
    @Test
    void styleV2CardDataOnTheSharedImages() throws Exception {
        Path images = TestData.sharedImages();
        List<Path> styles = List.of(images.resolve("../styles/starry_night.jpg").normalize(), images.resolve("baboon.jpg"),
                images.resolve("fruits.jpg"), images.resolve("smarties.png"));
        ImageFolder.Split split = StyleTrainer.ContentSplit.GROUPED.apply(ImageFolder.of(images).without(styles));
        assertEquals(66, split.train().size());
        assertEquals(12, split.validation().size());
        assertEquals("ef4cf0e3e2826776", styleStream(split.train(), 128, 1, 1, 2, 4));
        assertEquals("ddda56bbfbe92885", styleHeldOut(split, 128));
        if (fullStreams()) {
            assertEquals("10d810fa86a7720d", styleStream(split.train(), 128, 1, STYLE_V2_STEPS, 2, 4));
        }
    }

    /** Steps style-cin/2 ran (its card's --steps). */
    static final int STYLE_V2_STEPS = 711;

    /** The data of style-cin/1's command on the shared images (--content-split every-5th, --size 96, --seed 1). */
    @Test
    void styleCardDataOnTheSharedImages() throws Exception {
        Path images = TestData.sharedImages();
        List<Path> styles = List.of(images.resolve("../styles/starry_night.jpg").normalize(), images.resolve("baboon.jpg"),
                images.resolve("fruits.jpg"), images.resolve("smarties.png"));
        ImageFolder.Split split = ImageFolder.of(images).without(styles).splitEveryNth(5);
        assertEquals(63, split.train().size());
        assertEquals(15, split.validation().size());
        assertEquals("6ef26a65125a8185", styleStream(split.train(), 96, 1, 1, 2, 4));
        assertEquals("dc69d9d446b214cc", styleHeldOut(split, 96));
        if (fullStreams()) {
            assertEquals("377f25e983ef4a95", styleStream(split.train(), 96, 1, 3039, 2, 4));
        }
    }
}
