package io.visionstreams.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ModelCardsTest {

    @Test
    void readsTheComputeLineOfACard() {
        assertEquals(OptionalLong.of(171_411_200L), ModelCards.flopsPerImage(
                "| Compute | 85,705,600 MACs = 171,411,200 FLOPs per 320×320 image (convolutions) |"));
        assertEquals(OptionalLong.of(308_217_792L), ModelCards.flopsPerImage(
                "| Compute | 154,108,896 MACs = 308,217,792 FLOPs per 320x320 image |"));
        assertTrue(ModelCards.flopsPerImage("| Compute | 37,825,536 FLOPs per patch |").isEmpty());
    }

    @Test
    void bundledDetectorsHaveTheirCompute() throws Exception {
        assertEquals(OptionalLong.of(171_411_200L), ModelCards.flopsPerImage(ModelZoo.resolve("detector-student/1")));
        assertEquals(OptionalLong.of(677_875_200L), ModelCards.flopsPerImage(ModelZoo.resolve("detector-teacher/1")));
    }
}
