package io.visionstreams.models.nn;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.OutputArchive;

/** Saves and restores a module's parameters and buffers (libtorch archives round-trip exactly). */
public final class Checkpoints {

    private Checkpoints() {
    }

    public static void save(Module m, Path file) throws java.io.IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        OutputArchive a = new OutputArchive();
        m.save(a);
        a.save_to(tmp.toString());
        // atomic replace: a crash mid-write never leaves a half checkpoint to resume from
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads weights from a weights-only archive ({@link #save}, {@code best.pt}) or from the model section of a
     * resumable training checkpoint ({@code train.TrainingCheckpoint}), so every command that takes weights takes
     * either file.
     */
    public static void load(Module m, Path file) {
        InputArchive a = new InputArchive();
        try {
            a.load_from(file.toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a readable libtorch archive (missing, truncated or "
                    + "corrupted?): " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        InputArchive model = new InputArchive();
        boolean trainingCheckpoint = a.try_read("meta", new org.bytedeco.pytorch.Tensor()) && a.try_read("model", model);
        m.load(trainingCheckpoint ? model : a);
    }
}
