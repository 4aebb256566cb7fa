package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.visionstreams.models.ModelZoo;
import io.visionstreams.schema.ModelDescriptor;

class DetectorSpecPadTest {

    @Test
    void zooDetectorsPadByEdgeAndDescriptorsWithoutPadKeepTheConstant() throws Exception {
        // trained on square scenes, never on gray letterbox bands (README: student AP on 640x480 frames)
        assertTrue(DetectorSpec.from(ModelZoo.resolve("detector-student/1").descriptor()).padEdge());
        assertTrue(DetectorSpec.from(ModelZoo.resolve("detector-teacher/1").descriptor()).padEdge());
        String json = new String(ModelZoo.class.getResourceAsStream("/io/visionstreams/zoo/detector-student/1/model.json")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(DetectorSpec.from(ModelDescriptor.parse(json.replace(",\n    \"pad\" : \"edge\"", ""))).padEdge());
        assertThrows(Exception.class, () -> ModelDescriptor.parse(json.replace("\"edge\"", "\"mirror\"")));
    }
}
