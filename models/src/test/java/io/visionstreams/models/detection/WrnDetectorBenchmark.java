package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Opt-in ORT latency of the shipped WRN detectors: -Dtest=WrnDetectorBenchmark -Dbench=true. */
class WrnDetectorBenchmark {

    @Test
    void ortLatency() throws Exception {
        assumeTrue(Boolean.getBoolean("bench"), "opt-in: -Dbench=true");
        for (String e : new String[] {"zoo/detector-teacher/1", "zoo/detector-student/1"}) {
            Path f = Path.of(e, "model.onnx");
            if (Files.exists(f)) {
                double[] ms = DetectionTrainer.speed(Files.readAllBytes(f), 50);
                System.out.printf("BENCH %s: %.2f ms/image at batch 1, %.2f ms/image at batch 8 (median of 50, 2 threads)%n",
                        e, ms[0], ms[1]);
            }
        }
    }
}
