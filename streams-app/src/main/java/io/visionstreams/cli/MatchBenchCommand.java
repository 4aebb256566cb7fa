package io.visionstreams.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.models.matching.ClassicalMatcher;
import io.visionstreams.models.matching.HomographyTruth;
import io.visionstreams.models.matching.MatchOptions;
import io.visionstreams.models.matching.MatchResult;
import io.visionstreams.models.matching.PatchMatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The matching benchmark: every NNNN_a / NNNN_b / NNNN_H.txt pair of a folder (as written by the
 * trainer's {@code generate homography}) through the patch models, SIFT and ORB, one table.
 */
@Command(name = "match-bench", mixinStandardHelpOptions = true,
        description = "Ours vs SIFT vs ORB over a folder of NNNN_a.png, NNNN_b.png, NNNN_H.txt pairs: matches, "
                + "correct within --tolerance px, precision, ms per pair.")
public final class MatchBenchCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, description = "Folder of pairs (trainer: generate homography --out DIR).")
    Path dir;

    @Option(names = "--methods", defaultValue = "ours,sift,orb", split = ",",
            description = "Rows, in order: ours, ours+2ch (re-scored), sift, orb (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Mixin
    MatchingOptions matching;

    /** One benchmark pair on disk. */
    record PairFiles(String id, Path a, Path b, Path h) {
    }

    /** Totals of one method over the folder. */
    record Row(String method, int pairs, long matches, long correct, double millis, double[] stageMs) {
        double precision() {
            return matches == 0 ? 0 : (double) correct / matches;
        }
    }

    @Override
    public Integer call() throws Exception {
        List<PairFiles> pairs = list(dir);
        if (pairs.isEmpty()) {
            System.err.println("no NNNN_a / NNNN_b / NNNN_H.txt pairs in " + dir);
            return 2;
        }
        List<Image[]> images = new ArrayList<>();
        List<double[]> truth = new ArrayList<>();
        for (PairFiles p : pairs) {
            images.add(new Image[] {ImageCodec.read(p.a()), ImageCodec.read(p.b())});
            truth.add(HomographyTruth.read(p.h()));
        }
        MatchOptions base = matching.options();
        boolean needPairModel = methods.stream().anyMatch(m -> m.trim().equals("ours+2ch"));
        List<Row> rows = new ArrayList<>();
        try (PatchMatcher ours = matching.openMatcher(needPairModel)) {
            for (String m : methods) {
                String method = m.trim().toLowerCase(Locale.ROOT);
                Matcher run = switch (method) {
                    case "ours" -> (a, b) -> ours.match(a, b, base.withRescore(false, base.rescoreThreshold()));
                    case "ours+2ch" -> (a, b) -> ours.match(a, b, base.withRescore(true, base.rescoreThreshold()));
                    case "sift" -> (a, b) -> ClassicalMatcher.match(ClassicalMatcher.Kind.SIFT, a, b, base);
                    case "orb" -> (a, b) -> ClassicalMatcher.match(ClassicalMatcher.Kind.ORB, a, b, base);
                    default -> throw new IllegalArgumentException("unknown method '" + m + "': ours, ours+2ch, sift, orb");
                };
                // one untimed pass: JIT, native loading and the first ORT run are not per-pair costs
                run.match(images.get(0)[0], images.get(0)[1]);
                long matches = 0, correct = 0;
                double[] stages = new double[6];
                long t0 = System.nanoTime();
                for (int i = 0; i < pairs.size(); i++) {
                    MatchResult r = run.match(images.get(i)[0], images.get(i)[1]);
                    HomographyTruth.Score s = HomographyTruth.score(r.matches(), truth.get(i), matching.tolerance);
                    matches += s.matches();
                    correct += s.correct();
                    MatchResult.Timings t = r.timings();
                    double[] st = {t.detectMs(), t.patchMs(), t.describeMs(), t.matchMs(), t.rescoreMs(), t.geometryMs()};
                    for (int k = 0; k < st.length; k++) {
                        stages[k] += st[k] / pairs.size();
                    }
                }
                double ms = (System.nanoTime() - t0) / 1e6 / pairs.size();
                String label = method.startsWith("ours") ? method.replace("ours", ours.method() + " (ours)") : method;
                rows.add(new Row(label, pairs.size(), matches, correct, ms, stages));
            }
        }
        System.out.print(table(rows, matching));
        return 0;
    }

    @FunctionalInterface
    interface Matcher {
        MatchResult match(Image a, Image b) throws Exception;
    }

    static String table(List<Row> rows, MatchingOptions o) {
        Row sift = rows.stream().filter(r -> r.method().equals("sift")).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d pairs, up to %d keypoints per image, ratio %.2f, 2ch threshold %.2f, "
                + "correct within %.1f px%n%n", rows.isEmpty() ? 0 : rows.get(0).pairs(), o.maxKeypoints, o.ratio,
                o.rescoreThreshold, o.tolerance));
        sb.append("| method | matches/pair | correct/pair | precision | ms/pair |").append(sift != null ? " time vs sift |" : "")
                .append('\n');
        sb.append("|---|---|---|---|---|").append(sift != null ? "---|" : "").append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.3f | %.1f |", r.method(),
                    (double) r.matches() / r.pairs(), (double) r.correct() / r.pairs(), r.precision(), r.millis()));
            if (sift != null) {
                sb.append(String.format(Locale.ROOT, " %.2fx |", r.millis() / sift.millis()));
            }
            sb.append('\n');
        }
        sb.append("\nwhere the time goes (ms per pair): detect | patches | describe | match | rescore | geometry\n");
        for (Row r : rows) {
            double[] st = r.stageMs();
            sb.append(String.format(Locale.ROOT, "  %-32s %7.1f | %7.1f | %7.1f | %7.1f | %7.1f | %5.1f%n", r.method(), st[0],
                    st[1], st[2], st[3], st[4], st[5]));
        }
        return sb.toString();
    }

    /** NNNN_a.*, NNNN_b.* and NNNN_H.txt (or .xml) triples, sorted by NNNN. */
    static List<PairFiles> list(Path dir) throws IOException {
        Map<String, Path[]> byId = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                int us = n.lastIndexOf('_'), dot = n.lastIndexOf('.');
                if (us <= 0 || dot < us) {
                    continue;
                }
                String id = n.substring(0, us), role = n.substring(us + 1, dot).toLowerCase(Locale.ROOT);
                Path[] slot = byId.computeIfAbsent(id, k -> new Path[3]);
                switch (role) {
                    case "a" -> slot[0] = p;
                    case "b" -> slot[1] = p;
                    case "h" -> slot[2] = p;
                    default -> { }
                }
            }
        }
        List<PairFiles> out = new ArrayList<>();
        byId.forEach((id, s) -> {
            if (s[0] != null && s[1] != null && s[2] != null) {
                out.add(new PairFiles(id, s[0], s[1], s[2]));
            }
        });
        return out;
    }
}
