package io.visionstreams.topology;

import java.nio.ByteBuffer;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageDecodeException;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.VisionSerdes;

/**
 * The first stages every image topology shares: raw record bytes → {@link Frame} (Avro) → pixels.
 * Each failure becomes a {@link RecordRejectedException} with its reason; nothing is skipped.
 */
public final class FrameIntake {

    private final AvroSerde<Frame> serde = VisionSerdes.frame();
    private final ImageLimits limits;

    public FrameIntake(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    public Frame decodeRecord(byte[] value) throws RecordRejectedException {
        return RawValues.decode(serde, value, "a Frame", "a frame topic");
    }

    public Image decodeImage(Frame frame) throws RecordRejectedException {
        ByteBuffer buf = frame.getData();
        byte[] data = new byte[buf.remaining()];
        buf.duplicate().get(data);
        try {
            return ImageCodec.decodeRgb(frame.getEncoding(), data, frame.getWidth(), frame.getHeight(), limits);
        } catch (ImageDecodeException e) {
            throw new RecordRejectedException(reasonOf(e.reason()), "frame " + frame.getSourceId() + "#"
                    + frame.getSequence() + ": " + e.getMessage(), e);
        }
    }

    static String reasonOf(ImageDecodeException.Reason r) {
        return switch (r) {
            case EMPTY -> RejectReasons.EMPTY_FRAME;
            case UNKNOWN_ENCODING -> RejectReasons.UNKNOWN_ENCODING;
            case UNDECODABLE -> RejectReasons.UNDECODABLE_IMAGE;
            case TRUNCATED -> RejectReasons.TRUNCATED_IMAGE;
            case WRONG_DIMENSIONS -> RejectReasons.WRONG_DIMENSIONS;
            case TOO_LARGE -> RejectReasons.FRAME_TOO_LARGE;
        };
    }
}
