package io.visionstreams.models.stylization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Against the figures the model card and the design notes state (computed independently there). */
class StyleNetCostTest {

    @Test
    void matchesTheDocumentedCounts() {
        assertEquals(11.10e9, StyleNetCost.convMacs(512, 512, 1), 0.01e9);  // style-cin/2 MODEL_CARD
        assertEquals(2.77e9, StyleNetCost.convMacs(256, 256, 1), 0.01e9);   // models-stylisation.md §3
        assertEquals(10.1e9, StyleNetCost.convMacs(256, 256, 2), 0.05e9);
        assertEquals(87.8e9, StyleNetCost.convMacs(1920, 1080, 1), 0.1e9);
        assertEquals(2 * StyleNetCost.convMacs(64, 32, 1), StyleNetCost.convFlops(64, 32, 1));
        assertThrows(IllegalArgumentException.class, () -> StyleNetCost.convMacs(30, 32, 1));
    }
}
