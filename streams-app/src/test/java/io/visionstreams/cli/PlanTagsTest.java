package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** One plan-tag vocabulary: the README's short aliases and the tag names instances match on. */
class PlanTagsTest {

    @Test
    void shortAliasesAndFullNamesGiveTheSameTags() {
        Map<String, String> expected = Map.of("gpu", "NVIDIA H100 80GB HBM3", "computeCapability", "9.0",
                "tensorrtVersion", "11.2", "onnxSha256", "ab".repeat(32), "profile", "1/8/32", "precision", "fp16");
        assertEquals(expected, PublishCommand.parsePlanTags("gpu=NVIDIA H100 80GB HBM3,cc=9.0,trt=11.2,onnx="
                + "ab".repeat(32) + ",profile=1/8/32,precision=fp16"));
        assertEquals(expected, PublishCommand.parsePlanTags("gpu=NVIDIA H100 80GB HBM3, computeCapability=9.0,"
                + " tensorrtVersion=11.2,onnxSha256=" + "ab".repeat(32) + ",profile=1/8/32,precision=fp16"));
    }

    @Test
    void aMisspeltTagIsRefusedRatherThanPublished() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublishCommand.parsePlanTags("gpu=NVIDIA H100,cc=9.0,tensorrt=11.2"));
        assertTrue(e.getMessage().contains("unknown tag 'tensorrt'"), e.getMessage());
    }
}
