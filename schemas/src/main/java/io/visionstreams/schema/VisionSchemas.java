package io.visionstreams.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The schema store every serde in the project reads with: the current schema of each topic type
 * plus every historical version shipped under {@code history/}. Single-object encoding puts the
 * writer schema's 64-bit fingerprint in each record, so a reader needs the writer's schema here to
 * resolve it; that is why old versions are never deleted.
 */
public final class VisionSchemas {

    /** Every record type that is written to a topic. */
    public static final List<Class<? extends SpecificRecordBase>> TOPIC_TYPES = List.of(
            Frame.class, StereoPair.class, Detections.class, DisparityMap.class, PatchMatches.class,
            StylizedFrame.class, ModelRelease.class, ModelStatus.class, DeadLetter.class);

    private static final SchemaStore.Cache STORE = buildStore();

    private VisionSchemas() {
    }

    /** The shared, thread-safe store (current and historical schemas). */
    public static SchemaStore.Cache store() {
        return STORE;
    }

    /** Adds a schema seen elsewhere (e.g. published by a newer writer) so it can be decoded. */
    public static void register(Schema schema) {
        STORE.addSchema(schema);
    }

    /** Historical schemas shipped with this build, parsed. */
    public static List<Schema> historicalSchemas() {
        return loadHistory("history/");
    }

    /**
     * Parses every file listed in {@code dir + "index.txt"} (a classpath folder relative to this
     * package). Package-private so tests can load a history of their own.
     */
    static List<Schema> loadHistory(String dir) {
        List<Schema> out = new ArrayList<>();
        for (String file : historyIndex(dir)) {
            try (InputStream in = resource(dir + file)) {
                // each file is parsed alone, with the shared named types it needs inlined
                out.add(new Schema.Parser().parse(in));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read historical schema " + dir + file + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static SchemaStore.Cache buildStore() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        // history first: where a historical file equals a current schema (as ModelRelease-v1 does), the
        // generated class's schema is the one kept for that fingerprint
        historicalSchemas().forEach(store::addSchema);
        for (Class<? extends SpecificRecordBase> type : TOPIC_TYPES) {
            try {
                store.addSchema((Schema) type.getField("SCHEMA$").get(null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("generated class without SCHEMA$: " + type, e);
            }
        }
        return store;
    }

    private static List<String> historyIndex(String dir) {
        List<String> files = new ArrayList<>();
        try (InputStream in = resource(dir + "index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    files.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = VisionSchemas.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource io/visionstreams/schema/" + name);
        }
        return in;
    }
}
