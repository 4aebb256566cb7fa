package io.visionstreams.models.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A detection data set in COCO format. COCO category ids are sparse (1..90 with gaps), so they are
 * renumbered to contiguous class ids 0..K−1 in ascending id order; {@link #categoryIds()} maps back.
 * Boxes [x, y, w, h] become {@link DetectionBox} corners (x, y, x + w, y + h). Crowd regions
 * (iscrowd = 1) and boxes without area are dropped: they describe no single object to detect.
 */
public record CocoDataset(List<String> classNames, List<Integer> categoryIds, List<Image> images) {

    /** One image: its file (resolved against the images folder), declared size and boxes. */
    public record Image(long id, Path file, int width, int height, List<DetectionBox> boxes) {
    }

    public int classIdOf(int categoryId) {
        int i = categoryIds.indexOf(categoryId);
        if (i < 0) {
            throw new IllegalArgumentException("unknown category id " + categoryId);
        }
        return i;
    }

    public static CocoDataset read(Path json, Path imagesDir) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        TreeMap<Integer, String> cats = new TreeMap<>();
        for (JsonNode c : root.path("categories")) {
            cats.put(c.path("id").asInt(), c.path("name").asText());
        }
        List<Integer> ids = new ArrayList<>(cats.keySet());
        List<String> names = new ArrayList<>(cats.values());
        Map<Integer, Integer> classOf = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            classOf.put(ids.get(i), i);
        }
        Map<Long, List<DetectionBox>> boxes = new HashMap<>();
        Map<Long, JsonNode> imageNodes = new LinkedHashMap<>();
        for (JsonNode im : root.path("images")) {
            imageNodes.put(im.path("id").asLong(), im);
            boxes.put(im.path("id").asLong(), new ArrayList<>());
        }
        for (JsonNode a : root.path("annotations")) {
            if (a.path("iscrowd").asInt(0) == 1) {
                continue;
            }
            long imageId = a.path("image_id").asLong();
            Integer cls = classOf.get(a.path("category_id").asInt());
            List<DetectionBox> list = boxes.get(imageId);
            if (cls == null || list == null) {
                throw new IOException(json + ": annotation " + a.path("id") + " refers to an unknown image or category");
            }
            JsonNode b = a.path("bbox");
            if (b.size() != 4) {
                throw new IOException(json + ": annotation " + a.path("id") + " has no [x, y, w, h] bbox");
            }
            double x = b.get(0).asDouble(), y = b.get(1).asDouble(), w = b.get(2).asDouble(), h = b.get(3).asDouble();
            if (w > 0 && h > 0) {
                list.add(new DetectionBox(cls, x, y, x + w, y + h));
            }
        }
        List<Image> images = new ArrayList<>();
        for (Map.Entry<Long, JsonNode> e : imageNodes.entrySet()) {
            JsonNode im = e.getValue();
            images.add(new Image(e.getKey(), imagesDir.resolve(im.path("file_name").asText()), im.path("width").asInt(),
                    im.path("height").asInt(), List.copyOf(boxes.get(e.getKey()))));
        }
        return new CocoDataset(List.copyOf(names), List.copyOf(ids), List.copyOf(images));
    }
}
