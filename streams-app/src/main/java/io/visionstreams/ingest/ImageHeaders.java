package io.visionstreams.ingest;

import io.visionstreams.schema.FrameEncoding;

/**
 * Reads the encoding and pixel size of a JPEG or PNG from its first bytes, without decoding the
 * image: ingestion sends files as they are, so a full decode would only cost time.
 */
public final class ImageHeaders {

    /** Encoding and size of an image; width/height are 0 when the header did not say. */
    public record Info(FrameEncoding encoding, int width, int height) {
    }

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private ImageHeaders() {
    }

    /** Encoding from magic bytes alone: JPEG, PNG or UNKNOWN. */
    public static FrameEncoding sniffEncoding(byte[] data) {
        if (data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF) {
            return FrameEncoding.JPEG;
        }
        if (data.length >= PNG_MAGIC.length) {
            for (int i = 0; i < PNG_MAGIC.length; i++) {
                if (data[i] != PNG_MAGIC[i]) {
                    return FrameEncoding.UNKNOWN;
                }
            }
            return FrameEncoding.PNG;
        }
        return FrameEncoding.UNKNOWN;
    }

    /** Encoding and size; UNKNOWN with 0x0 when the bytes are neither JPEG nor PNG. */
    public static Info read(byte[] data) {
        FrameEncoding enc = sniffEncoding(data);
        return switch (enc) {
            case PNG -> png(data);
            case JPEG -> jpeg(data);
            default -> new Info(FrameEncoding.UNKNOWN, 0, 0);
        };
    }

    private static Info png(byte[] d) {
        // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4), big endian
        if (d.length < 24 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            return new Info(FrameEncoding.PNG, 0, 0);
        }
        return new Info(FrameEncoding.PNG, be32(d, 16), be32(d, 20));
    }

    private static Info jpeg(byte[] d) {
        int i = 2;
        while (i + 4 <= d.length) {
            if ((d[i] & 0xFF) != 0xFF) {
                break; // lost sync: not a well-formed marker sequence
            }
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                break; // end of image or start of scan before any frame header
            }
            int len = be16(d, i + 2);
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof && i + 9 <= d.length) {
                int height = be16(d, i + 5);
                int width = be16(d, i + 7);
                return new Info(FrameEncoding.JPEG, width, height);
            }
            if (len < 2) {
                break;
            }
            i += 2 + len;
        }
        return new Info(FrameEncoding.JPEG, 0, 0);
    }

    private static int be16(byte[] d, int off) {
        return ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
    }

    private static int be32(byte[] d, int off) {
        return ((d[off] & 0xFF) << 24) | ((d[off + 1] & 0xFF) << 16) | ((d[off + 2] & 0xFF) << 8) | (d[off + 3] & 0xFF);
    }
}
