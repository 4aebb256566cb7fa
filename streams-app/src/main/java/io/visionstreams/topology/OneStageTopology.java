package io.visionstreams.topology;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

import io.visionstreams.schema.VisionSerdes;

/**
 * The wiring the one-processor topologies (detection, stylisation, patch matching) share: a raw-bytes
 * source, so that the processor decodes and can dead-letter what does not decode; one processor; its
 * result sink; and the dead-letter sink, keyed by the original key bytes. Each topology keeps its own
 * class, node names and processor; only these five calls live here.
 */
final class OneStageTopology {

    /** The dead-letter sink's node name in every one-stage topology. */
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private OneStageTopology() {
    }

    /** Node names of one topology: source, processor and result sink. */
    record Nodes(String source, String processor, String sink) {
    }

    static <K, V> Topology build(Nodes nodes, String inputTopic, ProcessorSupplier<byte[], byte[], Object, Object> processor,
                                 String outputTopic, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                                 String deadLetterTopic) {
        Topology t = new Topology();
        t.addSource(nodes.source(), new ByteArrayDeserializer(), new ByteArrayDeserializer(), inputTopic);
        t.addProcessor(nodes.processor(), processor, nodes.source());
        t.addSink(nodes.sink(), outputTopic, keySerializer, valueSerializer, nodes.processor());
        t.addSink(DEAD_LETTER_SINK, deadLetterTopic, new ByteArraySerializer(), VisionSerdes.deadLetter().serializer(),
                nodes.processor());
        return t;
    }
}
