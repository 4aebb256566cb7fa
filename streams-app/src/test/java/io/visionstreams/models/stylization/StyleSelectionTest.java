package io.visionstreams.models.stylization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StyleSelectionTest {

    private static final List<String> STYLES = List.of("starry_night", "baboon", "fruits", "smarties");

    private static StyleSelectionException.Kind failure(String text) {
        return assertThrows(StyleSelectionException.class, () -> StyleSelection.parse(STYLES, text)).kind();
    }

    @Test
    void aStyleNameIsOneHot() throws Exception {
        StyleSelection s = StyleSelection.parse(STYLES, "fruits");
        assertArrayEquals(new float[] {0, 0, 1, 0}, s.weights());
        assertEquals(Map.of("fruits", 1f), s.asMap());
        assertEquals("fruits", s.toString());
        assertEquals(s, StyleSelection.single(STYLES, " fruits "));
    }

    @Test
    void namedWeightsAreNormalisedAndUnnamedStylesAreZero() throws Exception {
        StyleSelection s = StyleSelection.parse(STYLES, "starry_night=3, smarties=1");
        assertArrayEquals(new float[] {0.75f, 0, 0, 0.25f}, s.weights());
        assertEquals(List.of("starry_night", "smarties"), List.copyOf(s.asMap().keySet()));
    }

    @Test
    void positionalWeightsNeedOnePerStyle() throws Exception {
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 0}, StyleSelection.parse(STYLES, "1,1,0,0").weights());
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("1,1,0"));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("1,1,0,0,0"));
    }

    @Test
    void invalidRequestsSayWhy() {
        assertEquals(StyleSelectionException.Kind.UNKNOWN_STYLE, failure("picasso"));
        assertEquals(StyleSelectionException.Kind.UNKNOWN_STYLE, failure("picasso=1"));
        assertEquals(StyleSelectionException.Kind.UNKNOWN_STYLE, failure(""));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("baboon=-0.5,fruits=1"));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("baboon=0,fruits=0"));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("baboon=abc"));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("baboon=NaN"));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("baboon=1,baboon=2"));
        assertEquals(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, failure("baboon=1,2"));
        StyleSelectionException e = assertThrows(StyleSelectionException.class,
                () -> StyleSelection.parse(STYLES, "picasso"));
        assertTrue(e.getMessage().contains("picasso") && e.getMessage().contains("starry_night"), e.getMessage());
    }

    @Test
    void aWeightsVectorMustMatchTheModelsStyleCount() {
        assertThrows(StyleSelectionException.class, () -> StyleSelection.of(STYLES, new float[] {1, 0}));
        assertThrows(StyleSelectionException.class, () -> StyleSelection.of(STYLES, new float[] {0, 0, 0, 0}));
    }
}
