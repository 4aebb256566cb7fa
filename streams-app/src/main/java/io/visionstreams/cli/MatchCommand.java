package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

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

/** Two images → keypoint matches, without Kafka, through the same PatchMatcher the topology uses. */
@Command(name = "match", mixinStandardHelpOptions = true,
        description = "Match keypoints between two images with the patch models (or --baseline sift|orb); "
                + "with --homography, count matches correct within --tolerance px.")
public final class MatchCommand implements Callable<Integer> {

    @Option(names = "--a", required = true, description = "First image (JPEG or PNG).")
    Path a;

    @Option(names = "--b", required = true, description = "Second image.")
    Path b;

    @Option(names = "--homography", description = "Ground truth mapping A to B: H.txt (9 numbers, row-major) or H.xml (OpenCV FileStorage).")
    Path homography;

    @Option(names = "--baseline", description = "Run OpenCV sift or orb with mutual nearest-neighbour matching instead.")
    String baseline;

    @Option(names = "--out", description = "Write the matches as a JSON array of {\"a\":[x,y],\"b\":[x,y],\"score\":s}.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object: counts, precision, timings, geometry and the matches.")
    boolean json;

    @Mixin
    MatchingOptions matching;

    @Override
    public Integer call() throws Exception {
        Image ia = ImageCodec.read(a);
        Image ib = ImageCodec.read(b);
        double[] h = homography == null ? null : HomographyTruth.read(homography);
        MatchOptions opt = matching.options();
        MatchResult r;
        if (baseline != null) {
            r = ClassicalMatcher.match(ClassicalMatcher.Kind.parse(baseline), ia, ib, opt);
        } else {
            try (PatchMatcher m = matching.openMatcher(opt.rescore())) {
                r = m.match(ia, ib, opt);
            }
        }
        boolean withInliers = r.geometry() != null || opt.geometry() != io.visionstreams.models.matching.Geometry.Kind.NONE;
        ObjectMapper mapper = new ObjectMapper();
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writeValue(out.toFile(), matchesJson(r, withInliers));
        }
        HomographyTruth.Score s = h == null ? null : HomographyTruth.score(r.matches(), h, matching.tolerance);
        if (json) {
            System.out.println(mapper.writeValueAsString(summaryJson(r, s, withInliers)));
        } else {
            System.out.printf(Locale.ROOT, "%s: %d x %d keypoints, %d matches", r.method(), r.keypointsA(), r.keypointsB(),
                    r.matches().size());
            if (r.geometry() != null) {
                System.out.printf(Locale.ROOT, ", %s with %d inliers", r.geometry().kind().name().toLowerCase(Locale.ROOT),
                        r.inlierCount());
            }
            System.out.printf(Locale.ROOT, " in %.1f ms%n", r.timings().totalMs());
            if (s != null) {
                System.out.printf(Locale.ROOT, "  correct within %.1f px: %d of %d, precision %.3f%n", matching.tolerance,
                        s.correct(), s.matches(), s.precision());
            }
            MatchResult.Timings t = r.timings();
            System.out.printf(Locale.ROOT, "  detect %.1f ms, patches %.1f ms, describe %.1f ms, match %.1f ms, "
                    + "rescore %.1f ms, geometry %.1f ms%n", t.detectMs(), t.patchMs(), t.describeMs(), t.matchMs(),
                    t.rescoreMs(), t.geometryMs());
        }
        return 0;
    }

    /** The match array: {"a":[x,y],"b":[x,y],"score":s}, plus "inlier" when a geometry was asked for. */
    static List<Map<String, Object>> matchesJson(MatchResult r, boolean withInliers) {
        List<Map<String, Object>> list = new ArrayList<>(r.matches().size());
        for (MatchResult.PointMatch m : r.matches()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("a", new float[] {m.ax(), m.ay()});
            o.put("b", new float[] {m.bx(), m.by()});
            o.put("score", m.score());
            if (withInliers) {
                o.put("inlier", m.inlier());
            }
            list.add(o);
        }
        return list;
    }

    static Map<String, Object> summaryJson(MatchResult r, HomographyTruth.Score s, boolean withInliers) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("method", r.method());
        o.put("keypoints", Map.of("a", r.keypointsA(), "b", r.keypointsB()));
        o.put("count", r.matches().size());
        if (s != null) {
            o.put("correct", s.correct());
            o.put("precision", s.precision());
        }
        o.put("millis", r.timings().totalMs());
        MatchResult.Timings t = r.timings();
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("detect", t.detectMs());
        tm.put("patches", t.patchMs());
        tm.put("describe", t.describeMs());
        tm.put("match", t.matchMs());
        tm.put("rescore", t.rescoreMs());
        tm.put("geometry", t.geometryMs());
        o.put("timings", tm);
        if (r.geometry() != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("kind", r.geometry().kind().name());
            g.put("matrix", r.geometry().matrix());
            o.put("geometry", g);
        } else {
            o.put("geometry", null);
        }
        o.put("matches", matchesJson(r, withInliers));
        return o;
    }
}
