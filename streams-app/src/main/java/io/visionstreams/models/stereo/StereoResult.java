package io.visionstreams.models.stereo;

/**
 * A disparity map of the left view at the input's size: {@code disparity[y·width + x]} in pixels
 * (right x = left x − d), or {@link DisparitySelection#INVALID}; an 8-bit confidence (0 where invalid);
 * density = share of valid pixels; and where the time went.
 */
public record StereoResult(int width, int height, float[] disparity, byte[] confidence, double density,
                           Timings timings) {

    /** Milliseconds per stage; {@code resize} covers down- and upscaling when scale < 1. */
    public record Timings(double features, double costVolume, double aggregation, double selection, double resize,
                          double total) {
    }

    public boolean valid(int x, int y) {
        return disparity[y * width + x] >= 0;
    }
}
