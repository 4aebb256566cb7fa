package io.visionstreams.imaging;

/** Patches the size fields of encoded test frames (to forge decompression bombs). */
final class Headers {

    private Headers() {
    }

    static byte[] withJpegSize(byte[] jpg, int width, int height) {
        byte[] d = jpg.clone();
        int sof = findSof(d);
        d[sof + 5] = (byte) (height >> 8);
        d[sof + 6] = (byte) height;
        d[sof + 7] = (byte) (width >> 8);
        d[sof + 8] = (byte) width;
        return d;
    }

    /** Offset of the FF Cx marker of the first baseline/progressive frame header. */
    static int findSof(byte[] d) {
        for (int i = 2; i + 1 < d.length; i++) {
            if ((d[i] & 0xFF) == 0xFF && ((d[i + 1] & 0xFF) == 0xC0 || (d[i + 1] & 0xFF) == 0xC2)) {
                return i;
            }
        }
        throw new AssertionError("no SOF0/SOF2 marker");
    }

    /** Rewrites IHDR width/height (the CRC then mismatches, which only matters if the header check misses it). */
    static byte[] withPngSize(byte[] png, long width, long height) {
        byte[] d = png.clone();
        putInt(d, 16, width);
        putInt(d, 20, height);
        return d;
    }

    private static void putInt(byte[] d, int off, long v) {
        d[off] = (byte) (v >> 24);
        d[off + 1] = (byte) (v >> 16);
        d[off + 2] = (byte) (v >> 8);
        d[off + 3] = (byte) v;
    }
}
