package io.visionstreams.topology;

import org.apache.avro.specific.SpecificRecordBase;

import io.visionstreams.schema.AvroSerde;

/**
 * Decoding a record value that the topology consumed as raw bytes: a tombstone or bytes that are not the
 * expected record become a {@link RecordRejectedException} (NULL_VALUE, AVRO_DECODE_FAILED) that keeps
 * the bytes' length and the decoder's reason, so the processor can dead-letter the original record.
 */
final class RawValues {

    private RawValues() {
    }

    /**
     * @param what  the expected record in the message, e.g. "a Frame"
     * @param topic the kind of topic in the message, e.g. "a frame topic"
     */
    static <T extends SpecificRecordBase> T decode(AvroSerde<T> serde, byte[] value, String what, String topic)
            throws RecordRejectedException {
        if (value == null) {
            throw new RecordRejectedException(RejectReasons.NULL_VALUE, "record has no value (tombstone) on " + topic);
        }
        try {
            return serde.decode(value);
        } catch (RuntimeException e) {
            throw new RecordRejectedException(RejectReasons.AVRO_DECODE_FAILED, "value is not " + what
                    + " in Avro single-object encoding (" + value.length + " bytes): " + e.getMessage(), e);
        }
    }
}
