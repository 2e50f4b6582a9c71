package io.helixstack.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.bus.EventDispatcher.On;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventTypes;
import io.helixstack.plugin.tck.SampleEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {
    private final List<String> calls = new ArrayList<>();

    private <E extends Event> On<E> record(String name) {
        return (event, delivery) -> calls.add(name + ":" + event.type());
    }

    @Test
    void handsEachEventToTheHandlerOfItsType() throws Exception {
        EventDispatcher dispatcher = new EventDispatcher(record("a"), record("a2"), record("a3"), record("b"), record("c"),
                record("d"), record("e"), record("f"), record("g"), record("h"), record("i"), record("j"), record("k"), record("l"),
                record("m"), record("n"));

        long id = 1;
        for (Event event : SampleEvents.everyType(UUID.randomUUID())) {
            dispatcher.handle(new Delivery(id++, event, 1));
        }

        assertThat(calls).containsExactly("a:deployment.production.requested", "a2:deployment.preview.requested",
                "a3:preview.removed", "b:deployment.restart.requested", "c:build.requested",
                "d:build.succeeded", "e:build.failed", "f:deployment.built", "g:deploy.promoted", "h:deployment.succeeded",
                "i:deployment.failed", "j:deployment.rolled_back", "k:cluster.provision.requested",
                "l:cluster.provision.succeeded", "m:upgrade.completed", "n:upgrade.failed");
    }

    @Test
    void subscribesOnlyToTheTypesItHandles() throws Exception {
        EventDispatcher builds = new EventDispatcher(On.ignore(), On.ignore(), On.ignore(), On.ignore(), record("build"),
                On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(),
                On.ignore(), On.ignore(), On.ignore());

        builds.handle(new Delivery(1, SampleEvents.of(Event.DeployPromoted.class, UUID.randomUUID()), 1));
        builds.handle(new Delivery(2, SampleEvents.of(Event.BuildRequested.class, UUID.randomUUID()), 1));

        assertThat(builds.types()).isEqualTo(Set.of(Event.BuildRequested.class));
        assertThat(calls).containsExactly("build:build.requested");
    }

    @Test
    void hasAHandlerForEveryTypeOfTheCatalogue() {
        EventDispatcher dispatcher = new EventDispatcher(On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(),
                On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(), On.ignore(),
                On.ignore(), On.ignore(), On.ignore());

        assertThat(dispatcher.handlers().keySet()).containsExactlyInAnyOrderElementsOf(EventTypes.all());
        assertThat(dispatcher.types()).isEmpty();
    }
}
