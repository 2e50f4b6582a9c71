package io.helixstack.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.EventTypes;
import io.helixstack.plugin.tck.SampleEvents;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventTypesTest {

    @Test
    void registersEveryRecordOfTheSealedCatalogueUnderItsWireName() {
        assertThat(EventTypes.all()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Event.class.getPermittedSubclasses()).map(c -> c.asSubclass(Event.class)).toList());
        for (Class<? extends Event> type : EventTypes.all()) {
            String wire = SampleEvents.of(type, UUID.randomUUID()).type();
            assertThat(EventTypes.wireName(type)).isEqualTo(wire);
            assertThat(EventTypes.forWireName(wire)).contains(type);
        }
        assertThat(EventTypes.wireName(Event.DeploymentRolledBack.class)).isEqualTo("deployment.rolled_back");
    }

    @Test
    void anUnknownWireNameIsEmptyNotAnError() {
        assertThat(EventTypes.forWireName("cluster.decommission.requested")).isEmpty();
        assertThat(EventTypes.forWireName("cluster.provision.requested")).contains(Event.ClusterProvisionRequested.class);
    }

    @Test
    void aClassOutsideTheCatalogueIsRejected() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<? extends Event> notOne = (Class) Event.class;
        assertThatThrownBy(() -> EventTypes.wireName(notOne)).hasMessageContaining("expected: a record of the Event catalogue");
    }
}
