package io.visionstreams.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.stream.Stream;

import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageDecodeException;

/**
 * JPEG/PNG files sent as their original bytes. Paths may be files or folders; folder contents are
 * sorted by path so a run is reproducible. Files are read lazily, one per {@link #next()}, so a
 * folder of thousands of images does not sit in memory.
 */
public final class ImageFileSource implements FrameSource {

    private final List<Path> files;
    private final boolean loop;
    private int index;

    /**
     * @param paths     files and/or folders; explicit files are taken whatever their extension
     *                  (their magic bytes decide), folder entries only when named .jpg/.jpeg/.png
     * @param recursive descend into sub-folders of the given folders
     * @param loop      start again after the last file (forever)
     * @throws UncheckedIOException when a path is missing or a folder unreadable
     */
    public ImageFileSource(List<Path> paths, boolean recursive, boolean loop) {
        this.files = List.copyOf(listImages(paths, recursive));
        this.loop = loop;
    }

    /** The image files this source will send, in order. */
    public List<Path> files() {
        return files;
    }

    /** True when the name ends in .jpg, .jpeg or .png (case-insensitive). */
    public static boolean isImageFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    static List<Path> listImages(List<Path> paths, boolean recursive) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = recursive ? Files.walk(p) : Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(ImageFileSource::isImageFile)
                            .sorted(Comparator.comparing(Path::toString)).forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p, e);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new UncheckedIOException(new IOException("no such file or folder: " + p));
            }
        }
        return out;
    }

    @Override
    public boolean hasNext() {
        // an empty list never loops, otherwise --loop on an empty folder would spin forever
        return !files.isEmpty() && (loop || index < files.size());
    }

    @Override
    public EncodedFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Path p = files.get(index % files.size());
        index = loop ? (index + 1) % files.size() : index + 1;
        byte[] data;
        try {
            data = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        ImageCodec.HeaderInfo info;
        try {
            info = ImageCodec.header(data);
        } catch (ImageDecodeException e) {
            throw new IllegalArgumentException(p + ": not a usable JPEG or PNG: " + e.getMessage(), e);
        }
        return new EncodedFrame(p.getFileName().toString(), info.encoding(), info.width(), info.height(), data,
                Map.of("file", p.getFileName().toString()));
    }

    @Override
    public OptionalLong expectedFrames() {
        return loop && !files.isEmpty() ? OptionalLong.empty() : OptionalLong.of(files.size());
    }

    @Override
    public String description() {
        return files.size() + " image file(s)" + (loop ? ", looping" : "");
    }

    @Override
    public void close() {
        // nothing held open between frames
    }
}
