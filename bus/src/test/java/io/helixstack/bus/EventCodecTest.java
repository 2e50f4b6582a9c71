package io.helixstack.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.Event;
import io.helixstack.plugin.tck.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    @Test
    void everyEventSurvivesTheOutboxAndTheWire() {
        for (Event event : SampleEvents.everyType(UUID.randomUUID())) {
            assertThat(EventCodec.decode(event.type(), EventCodec.payload(event))).isEqualTo(event);
            assertThat(EventCodec.fromWire(EventCodec.wire(event))).isEqualTo(event);
        }
    }

    @Test
    void aWireMessageIsFlatJsonWithTheTypeFirst() {
        UUID id = UUID.fromString("00000000-0000-0000-0000-000000000007");
        Event event = new Event.DeploymentSucceeded(id, Instant.parse("2026-01-02T03:04:05.123456Z"));

        String wire = new String(EventCodec.wire(event), StandardCharsets.UTF_8);

        assertThat(wire).isEqualTo("{\"type\":\"deployment.succeeded\",\"deploymentId\":\"" + id + "\",\"at\":\"2026-01-02T03:04:05.123456Z\"}");
        assertThat(EventCodec.wireType(wire.getBytes(StandardCharsets.UTF_8))).isEqualTo("deployment.succeeded");
    }

    @Test
    void readsThePayloadTheStoreWritesAndIgnoresFieldsItDoesNotKnow() {
        String payload = """
                {"deploymentId":"00000000-0000-0000-0000-000000000001","reason":"health gate","at":"2026-01-02T03:04:05Z","addedLater":1}""";

        Event event = EventCodec.decode("deployment.failed", payload);

        assertThat(event).isEqualTo(new Event.DeploymentFailed(new UUID(0, 1), "health gate", Instant.parse("2026-01-02T03:04:05Z")));
    }

    @Test
    void saysWhatWasExpectedOfAnUnknownTypeOrABadMessage() {
        assertThatThrownBy(() -> EventCodec.decode("deploy.exploded", "{}"))
                .hasMessageContaining("deploy.exploded").hasMessageContaining("expected one of").hasMessageContaining("deploy.promoted");
        assertThatThrownBy(() -> EventCodec.fromWire("{\"deploymentId\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("without a \"type\"");
        assertThatThrownBy(() -> EventCodec.wire("deploy.promoted", "[1]"))
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void describesAFailureWithoutGrowingWithoutBound() {
        String described = EventCodec.describe(new IllegalStateException("x".repeat(2000)));

        assertThat(described).startsWith("java.lang.IllegalStateException: xxx").hasSizeLessThan(510);
    }
}
