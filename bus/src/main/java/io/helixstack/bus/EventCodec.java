package io.helixstack.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.EventTypes;
import java.nio.charset.StandardCharsets;

/**
 * Events as JSON. In the outbox the wire name is the {@code type} column and the payload is the record's components —
 * exactly what the store's {@code EventOutbox} writes. On NATS a message is one flat object: {@code "type"} first, then
 * the components. Decoding maps the wire name back to its record through {@link EventTypes}.
 */
final class EventCodec {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // An older consumer reading an event a newer producer extended: the fields it knows are enough.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventCodec() {
    }

    /** The outbox payload: the record's components, without the type. */
    static String payload(Event event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable: " + event.type(), e);
        }
    }

    static Event decode(String type, String payload) {
        Class<? extends Event> eventClass = EventTypes.forWireName(type).orElseThrow(() -> new IllegalArgumentException(
                "event type \"" + type + "\" (expected one of " + EventTypes.all().stream().map(EventTypes::wireName).toList() + ")"));
        try {
            return JSON.readValue(payload, eventClass);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of a " + type + " event is not that event's JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A NATS message body from an outbox row, without decoding it: a relay passes on types it does not know. */
    static byte[] wire(String type, String payload) {
        try {
            ObjectNode message = JSON.createObjectNode().put("type", type);
            message.setAll((ObjectNode) JSON.readTree(payload));
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("payload of a " + type + " event is not a JSON object", e);
        }
    }

    static byte[] wire(Event event) {
        return wire(event.type(), payload(event));
    }

    static Event fromWire(byte[] body) {
        try {
            JsonNode message = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            JsonNode type = message.get("type");
            if (type == null || !type.isTextual() || !(message instanceof ObjectNode object)) {
                throw new IllegalArgumentException("event message without a \"type\" (expected: {\"type\": \"build.requested\", ...})");
            }
            object.remove("type");
            return decode(type.asText(), JSON.writeValueAsString(object));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event message is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The type of a NATS message body, or null; for filtering without a full decode. */
    static String wireType(byte[] body) {
        try {
            JsonNode type = JSON.readTree(body).get("type");
            return type == null ? null : type.asText();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** A failure as kept in a dead letter: class and message, shortened; handlers should not put secrets in messages. */
    static String describe(Throwable failure) {
        String text = failure.getClass().getName() + ": " + failure.getMessage();
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }
}
