package io.visionstreams.models.train;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * One resumable training checkpoint in one libtorch archive: the model's parameters and buffers, the optimiser's
 * state ({@code optimizer.save}), the ASGD average when averaging is on, and a text section ({@link #meta}) with the step, early-stopping state, per-evaluation history, the data stream's position
 * and whatever the trainer family needs to rebuild its net (architecture, config).
 *
 * <p>Written to a temporary file and moved into place, so a crash mid-write leaves the previous checkpoint. A file
 * that is not such an archive (truncated, corrupted, a weights-only {@code best.pt}) or that belongs to another
 * net (different parameter names or shapes) is rejected with a message that says which, before anything is loaded.
 */
public final class TrainingCheckpoint {

    /** Format tag in {@link #meta}; a checkpoint without it is not one of ours. */
    public static final String FORMAT = "vision-streams-training-checkpoint/1";

    static final String MODEL = "model";
    static final String OPTIMIZER = "optimizer";
    static final String AVERAGE = "average";
    static final String META = "meta";

    private final Properties meta;

    private TrainingCheckpoint(Properties meta) {
        this.meta = meta;
    }

    /** A new checkpoint's text section, starting with the format tag and the trainer family ({@code kind}). */
    public static Properties newMeta(String kind) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("kind", kind);
        return p;
    }

    /** The text section: step, best metric, data position, trainer-specific keys. */
    public Properties meta() {
        return meta;
    }

    public String kind() {
        return meta.getProperty("kind");
    }

    public long step() {
        return Long.parseLong(required("step"));
    }

    public String required(String key) {
        String v = meta.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("training checkpoint (" + kind() + ") lacks '" + key + "'");
        }
        return v;
    }

    /**
     * Writes module, optimiser (may be null), average (may be null) and {@code meta} to {@code file} atomically. The module's parameter signature is added to meta for the mismatch check.
     */
    public static void save(Path file, Module module, Optimizer optimizer, WeightAverager average,
                            Properties meta) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Properties m = new Properties();
        m.putAll(meta);
        m.setProperty("signature", signature(module));
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try (PointerScope scope = new PointerScope()) {
            OutputArchive root = new OutputArchive();
            OutputArchive ma = new OutputArchive();
            module.save(ma);
            root.write(MODEL, ma);
            if (optimizer != null) {
                OutputArchive oa = new OutputArchive();
                optimizer.save(oa);
                root.write(OPTIMIZER, oa);
            }
            if (average != null) {
                OutputArchive aa = new OutputArchive();
                average.save(aa);
                root.write(AVERAGE, aa);
            }
            root.write(META, bytesTensor(text(m)));
            root.save_to(tmp.toString());
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads only the text section (to learn the kind and the net's config before building the net). */
    public static TrainingCheckpoint readMeta(Path file) throws IOException {
        InputArchive root = open(file);
        return new TrainingCheckpoint(metaOf(root, file));
    }

    /** True if {@code file} is a training checkpoint (has our text section), false for weights-only archives. */
    public static boolean isTrainingCheckpoint(Path file) {
        try {
            InputArchive root = open(file);
            Tensor t = new Tensor();
            return root.try_read(META, t);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Restores {@code module} (and, when non-null, the optimiser and the average) from {@code file},
     * after checking that it is a checkpoint of {@code expectedKind} whose parameter names and shapes match the
     * module. Returns the checkpoint for the caller's own keys (step, data position, ...).
     */
    public static TrainingCheckpoint load(Path file, String expectedKind, Module module, Optimizer optimizer,
                                          WeightAverager average) throws IOException {
        InputArchive root = open(file);
        TrainingCheckpoint c = new TrainingCheckpoint(metaOf(root, file));
        if (expectedKind != null && !expectedKind.equals(c.kind())) {
            throw new IllegalArgumentException(file + " is a training checkpoint of '" + c.kind() + "', not of '"
                    + expectedKind + "': resume with the options of the run that wrote it");
        }
        checkSignature(file, c.meta.getProperty("signature", ""), signature(module));
        try {
            module.load(nested(root, MODEL, file));
            if (optimizer != null) {
                optimizer.load(nested(root, OPTIMIZER, file));
            }
            if (average != null) {
                InputArchive aa = new InputArchive();
                if (!root.try_read(AVERAGE, aa)) {
                    throw new IllegalArgumentException(file + " has no averaged weights, but this run averages "
                            + "(ASGD): resume with the averaging options of the run that wrote it");
                }
                average.load(aa);
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IOException(file + ": could not restore the training state (" + firstLine(e) + ")", e);
        }
        return c;
    }

    /** Loads the model weights of a training checkpoint into {@code module} (no optimiser, no kind check). */
    public static void loadModel(Path file, Module module) throws IOException {
        InputArchive root = open(file);
        TrainingCheckpoint c = new TrainingCheckpoint(metaOf(root, file));
        checkSignature(file, c.meta.getProperty("signature", ""), signature(module));
        module.load(nested(root, MODEL, file));
    }

    /**
     * "name shape" per parameter and buffer, sorted by name: two modules with equal signatures load each other's
     * archives. Stored as one line per tensor.
     */
    public static String signature(Module m) {
        TreeMap<String, String> rows = new TreeMap<>();
        try (PointerScope scope = new PointerScope()) {
            add(rows, m.named_parameters(true));
            add(rows, m.named_buffers(true));
        }
        StringBuilder sb = new StringBuilder();
        rows.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    private static void add(TreeMap<String, String> rows, StringTensorDict d) {
        for (long i = 0; i < d.size(); i++) {
            rows.put(d.get(i).key().getString(), java.util.Arrays.toString(d.get(i).value().sizes().vec().get()));
        }
    }

    private static void checkSignature(Path file, String stored, String actual) {
        if (stored.equals(actual)) {
            return;
        }
        List<String> s = lines(stored);
        List<String> a = lines(actual);
        List<String> missing = new ArrayList<>(a);
        missing.removeAll(s);
        List<String> extra = new ArrayList<>(s);
        extra.removeAll(a);
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s was written for a different network "
                + "(%d tensors there, %d here): this net's %s vs the checkpoint's %s. Resume with the architecture "
                + "options (arch, width, config) of the run that wrote it", file, s.size(), a.size(),
                brief(missing), brief(extra)));
    }

    private static String brief(List<String> rows) {
        return rows.isEmpty() ? "(none)" : rows.size() <= 3 ? rows.toString()
                : rows.subList(0, 3) + " and " + (rows.size() - 3) + " more";
    }

    private static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static InputArchive open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such checkpoint file");
        }
        InputArchive root = new InputArchive();
        try {
            root.load_from(file.toString());
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a readable libtorch archive (truncated or corrupted?): "
                    + firstLine(e), e);
        }
        return root;
    }

    private static Properties metaOf(InputArchive root, Path file) throws IOException {
        Tensor t = new Tensor();
        if (!root.try_read(META, t)) {
            throw new IllegalArgumentException(file + " holds weights only (like best.pt or a finished run's "
                    + "weights), not a resumable training checkpoint: resume needs a file written by --checkpoint");
        }
        Properties p = new Properties();
        p.load(new StringReader(new String(bytes(t), StandardCharsets.UTF_8)));
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalArgumentException(file + ": unknown checkpoint format '" + p.getProperty("format")
                    + "' (this build reads " + FORMAT + ")");
        }
        return p;
    }

    private static InputArchive nested(InputArchive root, String key, Path file) {
        InputArchive a = new InputArchive();
        if (!root.try_read(key, a)) {
            throw new IllegalArgumentException(file + " has no '" + key + "' section");
        }
        return a;
    }

    private static String text(Properties p) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    static Tensor bytesTensor(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        BytePointer p = new BytePointer(b);
        return torch.from_blob(p, new long[] {b.length}, new TensorOptions(torch.ScalarType.Byte)).clone();
    }

    static byte[] bytes(Tensor t) {
        Tensor c = t.contiguous();
        byte[] out = new byte[(int) c.numel()];
        new BytePointer(c.data_ptr()).get(out);
        return out;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
