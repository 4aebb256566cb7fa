package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.eval.CocoEval.Det;

class EvalDecodingTest {

    @Test
    void nmsKeepsTheBestOfOverlappingSameClassBoxes() {
        List<Det> d = List.of(new Det(0, 0, 10, 10, 0, 0.9f), new Det(1, 0, 11, 10, 0, 0.8f),
                new Det(1, 0, 11, 10, 1, 0.7f), new Det(30, 30, 40, 40, 0, 0.6f));
        List<Det> k = EvalDecoding.nms(d, 0.5);
        assertEquals(List.of(d.get(0), d.get(2), d.get(3)), k);
    }
}
