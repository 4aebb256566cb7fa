package io.visionstreams.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The parts of a COCO instances file (e.g. {@code instances_val2017.json}) that box evaluation needs:
 * images, categories and annotations (bbox [x, y, w, h] in pixels, area, iscrowd). Other fields are
 * ignored.
 */
public record CocoDataset(List<Image> images, List<Category> categories, List<Annotation> annotations) {

    public record Image(long id, String fileName, int width, int height) {
    }

    public record Category(long id, String name) {
    }

    /** @param area the annotation's area (COCO: the segment's area; the box area when absent) */
    public record Annotation(long imageId, long categoryId, double x, double y, double w, double h, double area,
                             boolean crowd) {
    }

    public CocoDataset {
        images = List.copyOf(images);
        categories = List.copyOf(categories);
        annotations = List.copyOf(annotations);
    }

    public static CocoDataset read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.path("images").isArray() || !root.path("annotations").isArray()
                || !root.path("categories").isArray()) {
            throw new IOException(file + ": not a COCO instances file (needs arrays images, annotations, categories)");
        }
        List<Image> images = new ArrayList<>();
        for (JsonNode n : root.get("images")) {
            images.add(new Image(required(file, n, "id").asLong(), required(file, n, "file_name").asText(),
                    n.path("width").asInt(0), n.path("height").asInt(0)));
        }
        List<Category> cats = new ArrayList<>();
        for (JsonNode n : root.get("categories")) {
            cats.add(new Category(required(file, n, "id").asLong(), required(file, n, "name").asText()));
        }
        List<Annotation> anns = new ArrayList<>();
        for (JsonNode n : root.get("annotations")) {
            JsonNode b = required(file, n, "bbox");
            if (!b.isArray() || b.size() != 4) {
                throw new IOException(file + ": annotation bbox must be [x, y, w, h], got " + b);
            }
            double w = b.get(2).asDouble();
            double h = b.get(3).asDouble();
            anns.add(new Annotation(required(file, n, "image_id").asLong(), required(file, n, "category_id").asLong(),
                    b.get(0).asDouble(), b.get(1).asDouble(), w, h, n.has("area") ? n.get("area").asDouble() : w * h,
                    n.path("iscrowd").asInt(0) != 0));
        }
        return new CocoDataset(images, cats, anns);
    }

    private static JsonNode required(Path file, JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IOException(file + ": an entry lacks '" + field + "': " + n);
        }
        return v;
    }

    /**
     * Ground truth per image (in {@link #images()} order) for the categories in {@code classOf}
     * (COCO category id → class index); annotations of other categories are left out.
     */
    public List<List<CocoEval.Gt>> groundTruth(Map<Long, Integer> classOf) {
        Map<Long, Integer> index = new HashMap<>();
        List<List<CocoEval.Gt>> out = new ArrayList<>();
        for (Image im : images) {
            index.put(im.id(), out.size());
            out.add(new ArrayList<>());
        }
        for (Annotation a : annotations) {
            Integer cls = classOf.get(a.categoryId());
            Integer img = index.get(a.imageId());
            if (cls != null && img != null) {
                out.get(img).add(new CocoEval.Gt(new GtBox((float) a.x(), (float) a.y(), (float) (a.x() + a.w()),
                        (float) (a.y() + a.h()), cls), a.area(), a.crowd()));
            }
        }
        return out;
    }
}
