package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @Test
    void listsImagesSortedAndLoadsThem(@TempDir Path dir) throws IOException {
        Images.writeRgb(dir.resolve("b.png"), new RgbImage(4, 3, new byte[36]));
        byte[] g = new byte[12];
        g[5] = (byte) 200;
        Images.writeGray(dir.resolve("a.png"), new GrayImage(4, 3, g));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        ImageFolder f = ImageFolder.of(dir);
        assertEquals(List.of("a.png", "b.png"), List.of(f.name(0), f.name(1)));
        assertEquals(200, f.loadGray(0).get(1, 1));
        RgbImage rgb = f.loadRgb(0);
        assertEquals(200, rgb.get(1, 1, 0));
        assertEquals(4, rgb.width());
    }

    @Test
    void splitIsDisjointCompleteAndDeterministic() {
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            files.add(Path.of("img_" + Integer.toString(i, 36) + "x.jpg"));
        }
        ImageFolder f = new ImageFolder(files);
        ImageFolder.Split s = f.split(0.2, 7, n -> n);
        Set<Path> train = new HashSet<>(s.train().files());
        Set<Path> val = new HashSet<>(s.validation().files());
        assertEquals(200, train.size() + val.size());
        assertTrue(val.stream().noneMatch(train::contains));
        assertTrue(val.size() > 20 && val.size() < 60, "about a fifth held out: " + val.size());
        assertEquals(s.validation().files(), f.split(0.2, 7, n -> n).validation().files());
        assertNotEquals(s.validation().files(), f.split(0.2, 8, n -> n).validation().files());
        // a file's side does not depend on the other files present
        ImageFolder.Split half = new ImageFolder(files.subList(0, 100)).split(0.2, 7, n -> n);
        for (Path p : half.validation().files()) {
            assertTrue(val.contains(p));
        }
    }

    @Test
    void sequencesStayOnOneSide() {
        assertEquals(ImageFolder.sequenceKey("basketball1.png"), ImageFolder.sequenceKey("basketball2.png"));
        assertEquals(ImageFolder.sequenceKey("left03.jpg"), ImageFolder.sequenceKey("right07.jpg"));
        assertNotEquals(ImageFolder.sequenceKey("baboon.jpg"), ImageFolder.sequenceKey("fruits.jpg"));
        ImageFolder f = new ImageFolder(List.of(Path.of("a1.png"), Path.of("a2.png"), Path.of("b.png"), Path.of("c.png")));
        for (long seed = 0; seed < 20; seed++) {
            ImageFolder.Split s = f.split(0.5, seed);
            assertEquals(s.train().files().contains(Path.of("a1.png")), s.train().files().contains(Path.of("a2.png")));
        }
    }

    @Test
    void nameVariantsOfOnePictureShareAKey() {
        // near copies under different stems in the shared images: a tampered copy, the page rotated, the logo on white
        for (String[] pair : new String[][] {{"ela_original.jpg", "ela_modified.jpg"}, {"imageTextN.png", "imageTextR.png"},
                {"opencv-logo.png", "opencv-logo-white.png"}, {"box.png", "box_in_scene.png"},
                {"text_defocus.jpg", "text_motion.jpg"}, {"left03.jpg", "right07.jpg"}, {"left.jpg", "right14.jpg"},
                {"rubberwhale1.png", "rubberwhale2.png"}, {"Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg"}}) {
            assertEquals(ImageFolder.variantKey(pair[0]), ImageFolder.variantKey(pair[1]), String.join(" / ", pair));
        }
        for (String[] pair : new String[][] {{"templ.png", "tmpl.png"}, {"baboon.jpg", "fruits.jpg"},
                {"photo-a.png", "photo-b.png"}, {"HappyFish.jpg", "LinuxLogo.jpg"}, {"WindowsLogo.jpg", "LinuxLogo.jpg"}}) {
            assertNotEquals(ImageFolder.variantKey(pair[0]), ImageFolder.variantKey(pair[1]), String.join(" / ", pair));
        }
        assertEquals("img", ImageFolder.variantKey("IMG_0042.JPG"));
    }

    @Test
    void variantSplitNeverSeparatesVariants() {
        // 20 pictures with two variants each: split by sequenceKey alone, some pair would land on both sides
        String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
                "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"};
        List<Path> files = new java.util.ArrayList<>();
        for (String w : words) {
            files.add(Path.of(w + "_original.jpg"));
            files.add(Path.of(w + "_modified.jpg"));
        }
        ImageFolder f = new ImageFolder(files);
        for (long seed = 1; seed <= 5; seed++) {
            ImageFolder.Split s = f.split(0.2, seed, ImageFolder::variantKey);
            assertFalse(s.validation().files().isEmpty());
            for (String w : words) {
                assertEquals(s.train().files().contains(Path.of(w + "_original.jpg")),
                        s.train().files().contains(Path.of(w + "_modified.jpg")), w + ", seed " + seed);
            }
        }
        boolean sequenceKeySeparatesSome = false;
        ImageFolder.Split plain = f.split(0.2, 1);
        for (String w : words) {
            sequenceKeySeparatesSome |= plain.train().files().contains(Path.of(w + "_original.jpg"))
                    != plain.train().files().contains(Path.of(w + "_modified.jpg"));
        }
        assertTrue(sequenceKeySeparatesSome, "the variant key is needed: sequenceKey keeps these apart");
    }

    @Test
    void tinyFolderStillHoldsOneOut() {
        ImageFolder f = new ImageFolder(List.of(Path.of("x.png"), Path.of("y.png"), Path.of("z.png")));
        ImageFolder.Split s = f.split(0.01, 3);
        assertFalse(s.validation().files().isEmpty());
        assertFalse(s.train().files().isEmpty());
    }

    @Test
    void sharedImagesSplitDisjoint() {
        ImageFolder all = TestData.all();
        ImageFolder.Split s = all.split(0.15, 42);
        Set<Path> train = new HashSet<>(s.train().files());
        assertTrue(s.validation().files().stream().noneMatch(train::contains));
        assertEquals(all.size(), s.train().size() + s.validation().size());
    }

    @Test
    void leakedHeldOutImagesAreThoseWithAVariantInTraining() {
        List<String> train = List.of("ela_modified.jpg", "imageTextR.png", "baboon.jpg", "left03.jpg");
        List<String> held = List.of("ela_original.jpg", "imageTextN.png", "apple.jpg", "right07.jpg", "photo-b.png");
        assertEquals(List.of("ela_original.jpg", "imageTextN.png", "right07.jpg"), ImageFolder.leakedNames(held, train));
        ImageFolder heldOut = new ImageFolder(held.stream().map(Path::of).toList());
        assertEquals(List.of("apple.jpg", "photo-b.png"), heldOut.withoutVariantsOf(train).names());
        // the old key lets these variants straddle a split; the new default keeps them together
        assertEquals("ela_original", ImageFolder.SplitKey.SEQUENCE.of("ela_original.jpg"));
        assertEquals(ImageFolder.SplitKey.VARIANT.of("ela_modified.jpg"), ImageFolder.SplitKey.VARIANT.of("ela_original.jpg"));
        assertEquals(ImageFolder.SplitKey.VARIANT, ImageFolder.SplitKey.parse("variant"));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.SplitKey.parse("hash"));
    }
}
