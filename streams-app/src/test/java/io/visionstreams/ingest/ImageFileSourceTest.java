package io.visionstreams.ingest;

import io.visionstreams.imaging.ImageCodec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.schema.FrameEncoding;

class ImageFileSourceTest {

    @TempDir
    Path dir;

    private static void write(Path p, String format, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(1, 1, 0xFF0000);
        assertTrue(ImageIO.write(img, format, p.toFile()));
    }

    @Test
    void readsFolderSortedWithOriginalBytesEncodingsAndSizes() throws IOException {
        write(dir.resolve("c.png"), "png", 30, 20);
        write(dir.resolve("a.jpg"), "jpeg", 64, 48);
        write(dir.resolve("b.jpeg"), "jpeg", 17, 33);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Files.createDirectory(dir.resolve("sub"));
        write(dir.resolve("sub").resolve("d.png"), "png", 8, 8);

        List<EncodedFrame> frames = new ArrayList<>();
        try (ImageFileSource src = new ImageFileSource(List.of(dir), false, false)) {
            assertEquals(3, src.expectedFrames().getAsLong());
            src.forEachRemaining(frames::add);
        }
        assertEquals(List.of("a.jpg", "b.jpeg", "c.png"), frames.stream().map(EncodedFrame::name).toList());
        assertEquals(FrameEncoding.JPEG, frames.get(0).encoding());
        assertEquals(64, frames.get(0).width());
        assertEquals(48, frames.get(0).height());
        assertEquals(FrameEncoding.JPEG, frames.get(1).encoding());
        assertEquals(17, frames.get(1).width());
        assertEquals(33, frames.get(1).height());
        assertEquals(FrameEncoding.PNG, frames.get(2).encoding());
        assertEquals(30, frames.get(2).width());
        assertEquals(20, frames.get(2).height());
        // sent as is, not re-encoded
        assertArrayEquals(Files.readAllBytes(dir.resolve("c.png")), frames.get(2).data());
    }

    @Test
    void recursiveIncludesSubfolders() throws IOException {
        write(dir.resolve("a.png"), "png", 8, 8);
        Files.createDirectory(dir.resolve("sub"));
        write(dir.resolve("sub").resolve("b.png"), "png", 9, 7);
        try (ImageFileSource src = new ImageFileSource(List.of(dir), true, false)) {
            assertEquals(2, src.files().size());
            src.next();
            EncodedFrame b = src.next();
            assertEquals(9, b.width());
            assertEquals(7, b.height());
            assertFalse(src.hasNext());
        }
    }

    @Test
    void loopRepeatsAndHasNoKnownLength() throws IOException {
        write(dir.resolve("a.png"), "png", 8, 8);
        write(dir.resolve("b.png"), "png", 8, 8);
        try (ImageFileSource src = new ImageFileSource(List.of(dir), false, true)) {
            assertTrue(src.expectedFrames().isEmpty());
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                names.add(src.next().name());
            }
            assertEquals(List.of("a.png", "b.png", "a.png", "b.png", "a.png"), names);
        }
    }

    @Test
    void emptyFolderWithLoopEndsInsteadOfSpinning() {
        try (ImageFileSource src = new ImageFileSource(List.of(dir), false, true)) {
            assertFalse(src.hasNext());
        }
    }

    @Test
    void explicitFileWithWrongContentIsReported() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.jpg"), "hello");
        try (ImageFileSource src = new ImageFileSource(List.of(fake), false, false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, src::next);
            assertTrue(e.getMessage().contains("fake.jpg"));
        }
    }

    @Test
    void missingPathFailsUpFront() {
        assertThrows(RuntimeException.class, () -> new ImageFileSource(List.of(dir.resolve("nope")), false, false));
    }

    @Test
    void headerOfSharedImagesMatchesImageIo() throws Exception {
        Path img = TestData.sharedFile("images/baboon.jpg");
        byte[] data = Files.readAllBytes(img);
        BufferedImage decoded = ImageIO.read(img.toFile());
        ImageCodec.HeaderInfo info = ImageCodec.header(data);
        assertEquals(FrameEncoding.JPEG, info.encoding());
        assertEquals(decoded.getWidth(), info.width());
        assertEquals(decoded.getHeight(), info.height());
    }
}
