package io.visionstreams.schema;

/** One serde per topic type; all share {@link VisionSchemas#store()}. */
public final class VisionSerdes {

    private VisionSerdes() {
    }

    public static AvroSerde<Frame> frame() {
        return new AvroSerde<>(Frame.class);
    }

    public static AvroSerde<StereoPair> stereoPair() {
        return new AvroSerde<>(StereoPair.class);
    }

    public static AvroSerde<Detections> detections() {
        return new AvroSerde<>(Detections.class);
    }

    public static AvroSerde<DisparityMap> disparityMap() {
        return new AvroSerde<>(DisparityMap.class);
    }

    public static AvroSerde<PatchMatches> patchMatches() {
        return new AvroSerde<>(PatchMatches.class);
    }

    public static AvroSerde<StylizedFrame> stylizedFrame() {
        return new AvroSerde<>(StylizedFrame.class);
    }

    public static AvroSerde<ModelRelease> modelRelease() {
        return new AvroSerde<>(ModelRelease.class);
    }

    public static AvroSerde<ModelStatus> modelStatus() {
        return new AvroSerde<>(ModelStatus.class);
    }

    public static AvroSerde<DeadLetter> deadLetter() {
        return new AvroSerde<>(DeadLetter.class);
    }
}
