package io.helixstack.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helixstack.plugin.api.DeadLetter;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters of the NATS bus in a JetStream key-value bucket, key {@code <consumer>.<event id>}, value a JSON record
 * holding the message as it was delivered — queryable per consumer with a key filter, and kept apart from the stream.
 */
final class NatsDeadLetters {
    private static final Logger log = LoggerFactory.getLogger(NatsDeadLetters.class);

    private final KeyValue bucket;

    NatsDeadLetters(KeyValue bucket) {
        this.bucket = bucket;
    }

    void record(String consumer, long eventId, byte[] message, int attempts, String lastError) {
        try {
            ObjectNode record = EventCodec.JSON.createObjectNode()
                    .put("consumer", consumer)
                    .put("eventId", eventId)
                    .put("attempts", attempts)
                    .put("lastError", lastError)
                    .put("at", Instant.now().toString());
            record.set("message", EventCodec.JSON.readTree(message));
            bucket.put(consumer + "." + eventId, EventCodec.JSON.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("recording a dead letter of " + consumer + " failed", e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("recording a dead letter of " + consumer + " failed: " + e.getMessage(), e);
        }
    }

    List<DeadLetter> list(String consumer) {
        try {
            List<DeadLetter> letters = new ArrayList<>();
            for (String key : bucket.keys(consumer + ".>")) {
                KeyValueEntry entry = bucket.get(key);
                if (entry == null || entry.getValue() == null) {
                    continue;
                }
                JsonNode record = EventCodec.JSON.readTree(entry.getValue());
                try {
                    letters.add(new DeadLetter(consumer, record.get("eventId").asLong(),
                            EventCodec.fromWire(EventCodec.JSON.writeValueAsBytes(record.get("message"))),
                            record.get("attempts").asInt(), record.get("lastError").asText(),
                            Instant.parse(record.get("at").asText())));
                } catch (IllegalArgumentException e) {
                    log.atWarn().addKeyValue("key", key).setCause(e).log("Dead letter of an event this build cannot decode left out");
                }
            }
            letters.sort(Comparator.comparingLong(DeadLetter::eventId));
            return letters;
        } catch (IOException e) {
            throw new UncheckedIOException("reading dead letters of " + consumer + " failed", e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("reading dead letters of " + consumer + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading dead letters of " + consumer, e);
        }
    }
}
