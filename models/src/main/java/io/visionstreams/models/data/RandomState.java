package io.visionstreams.models.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Random;

/**
 * The exact state of a {@link java.util.Random} as text (its serialised form, Base64), so a data stream can be
 * checkpointed mid-run and continued draw for draw. {@code Random} has no state accessor, but its serialised form
 * carries the 48-bit seed and the cached Gaussian.
 */
public final class RandomState {

    private RandomState() {
    }

    public static String encode(Random r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(b.toByteArray());
    }

    public static Random decode(String s) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(s)))) {
            Object o = in.readObject();
            if (o.getClass() != Random.class) {
                throw new IllegalArgumentException("not a java.util.Random state: " + o.getClass().getName());
            }
            return (Random) o;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("unreadable random-stream state in checkpoint: " + e.getMessage(), e);
        }
    }
}
