package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

    private static DisparityMap ramp(int w, int h) {
        float[] v = new float[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % w) * 1.25f + (i / w) * 0.5f + 0.25f;
        }
        return new DisparityMap(w, h, v);
    }

    @Test
    void pfmRoundTripsInBothByteOrders(@TempDir Path dir) throws IOException {
        DisparityMap d = ramp(7, 5);
        d.values()[3] = Float.POSITIVE_INFINITY;
        for (boolean little : new boolean[] {true, false}) {
            Path f = dir.resolve("d" + little + ".pfm");
            DisparityIO.writePfm(f, d, little);
            DisparityMap r = DisparityIO.readPfm(f);
            assertEquals(7, r.width());
            assertEquals(5, r.height());
            assertArrayEquals(d.values(), r.values());
            assertFalse(r.valid(3, 0));
        }
    }

    @Test
    void pfmRowsAreStoredBottomUp(@TempDir Path dir) throws IOException {
        // hand-written little-endian file: first stored row is the bottom one
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        bb.putFloat(3).putFloat(4).putFloat(1).putFloat(2);
        Path f = dir.resolve("hand.pfm");
        byte[] header = "Pf\n2 2\n-1.000000\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + 16];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(bb.array(), 0, all, header.length, 16);
        Files.write(f, all);
        DisparityMap r = DisparityIO.readPfm(f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, r.values());
    }

    @Test
    void kittiPngRoundTrips(@TempDir Path dir) {
        DisparityMap d = ramp(9, 4); // multiples of 1/4: exact at scale 256
        d.values()[5] = Float.NaN;
        Path f = dir.resolve("kitti.png");
        DisparityIO.writePng16(f, d, DisparityIO.KITTI_SCALE);
        DisparityMap r = DisparityIO.readKitti(f);
        assertEquals(9, r.width());
        for (int i = 0; i < d.values().length; i++) {
            if (i == 5) {
                assertTrue(Float.isNaN(r.values()[i]), "0 reads back as invalid");
            } else {
                assertEquals(d.values()[i], r.values()[i], 0f);
            }
        }
        DisparityIO.writePng16(f, d, 64);
        assertEquals(d.values()[7], DisparityIO.readPng16(f, 64).values()[7], 1f / 64);
    }

    @Test
    void cocoBoxesAndContiguousClasses(@TempDir Path dir) throws IOException {
        String json = """
                {"images": [{"id": 7, "file_name": "a.jpg", "width": 640, "height": 480},
                            {"id": 9, "file_name": "sub/b.jpg", "width": 320, "height": 240}],
                 "categories": [{"id": 18, "name": "dog"}, {"id": 1, "name": "person"}, {"id": 3, "name": "car"}],
                 "annotations": [
                   {"id": 1, "image_id": 7, "category_id": 18, "bbox": [10, 20, 30, 40], "iscrowd": 0},
                   {"id": 2, "image_id": 7, "category_id": 1, "bbox": [1.5, 2.5, 3, 4]},
                   {"id": 3, "image_id": 9, "category_id": 3, "bbox": [0, 0, 100, 50], "iscrowd": 1},
                   {"id": 4, "image_id": 9, "category_id": 3, "bbox": [5, 6, 7, 8], "iscrowd": 0}]}
                """;
        Path f = dir.resolve("instances.json");
        Files.writeString(f, json);
        CocoDataset ds = CocoDataset.read(f, dir.resolve("images"));
        assertEquals(List.of("person", "car", "dog"), ds.classNames());
        assertEquals(List.of(1, 3, 18), ds.categoryIds());
        assertEquals(2, ds.classIdOf(18));
        assertEquals(2, ds.images().size());
        CocoDataset.Image a = ds.images().get(0);
        assertEquals(dir.resolve("images/a.jpg"), a.file());
        assertEquals(640, a.width());
        assertEquals(List.of(new DetectionBox(2, 10, 20, 40, 60), new DetectionBox(0, 1.5, 2.5, 4.5, 6.5)), a.boxes());
        assertEquals(List.of(new DetectionBox(1, 5, 6, 12, 14)), ds.images().get(1).boxes(), "crowd region dropped");
    }

    @Test
    void cocoRejectsDanglingAnnotations(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, """
                {"images": [], "categories": [{"id": 1, "name": "x"}],
                 "annotations": [{"id": 1, "image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1]}]}
                """);
        assertThrows(IOException.class, () -> CocoDataset.read(f, dir));
    }

    @Test
    void simplePatchListParsesAndFeedsBatches(@TempDir Path dir) throws IOException {
        byte[] px = new byte[100 * 80];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i % 100 * 2);
        }
        Images.writeGray(dir.resolve("img.png"), new GrayImage(100, 80, px));
        Files.createDirectories(dir.resolve("sub"));
        Images.writeGray(dir.resolve("sub/other.png"), new GrayImage(100, 80, px));
        Path list = dir.resolve("pairs.txt");
        Files.writeString(list, """
                # pathA xA yA pathB xB yB label
                img.png 50 40 sub/other.png 50 40 1

                img.png 30 30 img.png 60.5 41 -1
                img.png 20 20 img.png 70 70 0
                """);
        List<PatchPairList.Entry> e = PatchPairList.read(list);
        assertEquals(3, e.size());
        assertEquals(new PatchPairList.Entry(dir.resolve("img.png"), 50, 40, dir.resolve("sub/other.png"), 50, 40, 1), e.get(0));
        assertEquals(60.5, e.get(1).xB());
        assertEquals(-1, e.get(2).label());

        Path again = dir.resolve("again.txt");
        PatchPairList.write(again, e);
        assertEquals(e, PatchPairList.read(again));

        PatchBatch b = PatchPairList.source(e, 16, 1).next(6);
        assertEquals(6, b.n());
        float pos = 0;
        for (float l : b.labels()) {
            pos += l > 0 ? 1 : 0;
        }
        assertEquals(2, pos, "two passes over one positive and two negatives");
        int i = 0;
        while (b.labels()[i] < 0) {
            i++;
        }
        // the positive pair cuts the same pixels from identical images; centre pixel is image (50, 40)
        assertEquals((50 % 100 * 2) / 255f, b.a()[i * 256 + 8 * 16 + 8], 1e-6);
        assertArrayEquals(java.util.Arrays.copyOfRange(b.a(), i * 256, i * 256 + 256),
                java.util.Arrays.copyOfRange(b.b(), i * 256, i * 256 + 256));
    }

    @Test
    void brownListLabelsByPointId(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m50_4_4_0.txt");
        Files.writeString(f, "120 33 0 121 33 0\n5 2 0 900 7 0\n");
        List<PatchPairList.BrownPair> p = PatchPairList.readBrown(f);
        assertEquals(new PatchPairList.BrownPair(120, 33, 121, 33), p.get(0));
        assertEquals(1, p.get(0).label());
        assertEquals(-1, p.get(1).label());
    }
}
