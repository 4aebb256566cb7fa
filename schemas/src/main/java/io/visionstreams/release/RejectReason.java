package io.visionstreams.release;

/** Why an instance refused a release. Stable names: they go to logs, metrics and the status topic. */
public enum RejectReason {
    /**
     * The record was written with a ModelRelease schema this build does not have (its fingerprint is unknown), so
     * neither its fields nor the bytes its signature covers can be read: upgrade the instance. Not a forgery.
     */
    UNKNOWN_SCHEMA,
    /** Signed with a key this instance is not configured to trust (or no key id at all). */
    UNTRUSTED_KEY,
    /** The signature does not verify with the trusted key of that id: the record was altered or forged. */
    BAD_SIGNATURE,
    /** An artifact the release (or the instance) needs is not there. */
    MISSING_ARTIFACT,
    /** The store could not be read, or the release names an artifact in a way that is not allowed. */
    FETCH_FAILED,
    /** An artifact's bytes differ from its signed SHA-256 or size. */
    CHECKSUM_MISMATCH,
    /** The runtime could not load the model. */
    LOAD_FAILED,
    /** The model's inputs/outputs do not fit the topology that would serve it. */
    INCOMPATIBLE_SIGNATURE,
    /** The golden input did not give the golden output within tolerance. */
    GOLDEN_MISMATCH,
    /** The warm-up inference failed. */
    WARMUP_FAILED,
    /** Not newer than what is served (and not a pin). */
    NOT_NEWER
}
