package io.visionstreams.models.stereo;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import io.visionstreams.models.data.RandomState;
import io.visionstreams.models.data.SyntheticStereoGenerator;
import io.visionstreams.models.data.SyntheticStereoGenerator.StereoPair;
import io.visionstreams.models.train.TrainingLoop;

/**
 * The stereo trainer's data stream: a pool of rendered training pairs (filled on the first step, then one random
 * slot re-rendered per step, so the data keep changing cheaply) and the {@code Random} that picks slots, pairs and
 * pixels. Only data drawing lives here; the trainer turns the draws into tensors.
 *
 * <p>As a {@link TrainingLoop.DataState} it saves its exact position without pixels: the draw {@code Random}, the
 * generator's stream, and per slot the generator state that rendered the slot's pair. On restore each slot is
 * re-rendered from its state ({@link SyntheticStereoGenerator#renderAt}), which gives the same pair, so a resumed
 * run continues the very stream an uninterrupted run draws (the stream of the shipped stereo-cost models is
 * unchanged).
 */
public final class StereoPairPool implements TrainingLoop.DataState {

    /** A pair with its views as per-image standardised floats (the graph's preprocessing). */
    public record Prepared(StereoPair pair, float[] leftStd, float[] rightStd) {
    }

    static final String RNG = "stereo.rng";
    static final String GENERATOR = "stereo.generator";
    static final String SLOTS = "stereo.pool";

    private final SyntheticStereoGenerator generator;
    private final int capacity;
    private final List<Prepared> pairs = new ArrayList<>();
    /** The generator's stream state before each slot's pair was rendered (re-renders it on restore). */
    private final List<String> renderedAt = new ArrayList<>();
    private Random rng;

    public StereoPairPool(SyntheticStereoGenerator generator, int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pool must hold at least one pair, got " + capacity);
        }
        this.generator = generator;
        this.capacity = capacity;
        this.rng = new Random(seed);
    }

    /** Fills the pool on first use; afterwards replaces the pair of one random slot with a newly rendered one. */
    public void refresh() {
        if (pairs.size() < capacity) {
            while (pairs.size() < capacity) {
                renderedAt.add(generator.streamState());
                pairs.add(prepare(generator.next()));
            }
        } else {
            int slot = rng.nextInt(pairs.size());
            renderedAt.set(slot, generator.streamState());
            pairs.set(slot, prepare(generator.next()));
        }
    }

    /** A pooled pair drawn uniformly. */
    public Prepared pick() {
        return pairs.get(rng.nextInt(pairs.size()));
    }

    /** The draw stream for pixel positions and offsets (the same one {@link #pick()} and {@link #refresh()} use). */
    public Random random() {
        return rng;
    }

    public int size() {
        return pairs.size();
    }

    @Override
    public void save(Properties into) {
        into.setProperty(RNG, RandomState.encode(rng));
        into.setProperty(GENERATOR, generator.streamState());
        into.setProperty(SLOTS, Integer.toString(renderedAt.size()));
        for (int i = 0; i < renderedAt.size(); i++) {
            into.setProperty(SLOTS + "." + i, renderedAt.get(i));
        }
    }

    @Override
    public void restore(Properties from) {
        int n = Integer.parseInt(required(from, SLOTS));
        if (n > capacity) {
            throw new IllegalArgumentException("checkpoint holds a pool of " + n + " stereo pairs, this run keeps "
                    + capacity + ": resume with the --pool of the run that wrote it");
        }
        List<String> states = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            states.add(required(from, SLOTS + "." + i));
        }
        Random draws = RandomState.decode(required(from, RNG));
        String stream = required(from, GENERATOR);
        pairs.clear();
        renderedAt.clear();
        for (String s : states) {
            renderedAt.add(s);
            pairs.add(prepare(generator.renderAt(s)));
        }
        generator.restoreStreamState(stream);
        rng = draws;
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("stereo training checkpoint lacks its data position '" + key + "'");
        }
        return v;
    }

    static Prepared prepare(StereoPair p) {
        return new Prepared(p, StereoTrainer.standardize(StereoTrainer.unit(p.left())),
                StereoTrainer.standardize(StereoTrainer.unit(p.right())));
    }
}
