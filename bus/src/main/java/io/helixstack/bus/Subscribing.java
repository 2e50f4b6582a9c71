package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.EventTypes;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The checks every bus makes before it subscribes anyone, in one place. */
final class Subscribing {
    private Subscribing() {
    }

    /** @return the wire names of the wanted types, sorted */
    static List<String> wireTypes(String consumer, Set<Class<? extends Event>> types, EventHandler handler, boolean closed) {
        EventBus.requireConsumerName(consumer);
        Set<Class<? extends Event>> wanted = EventBus.requireTypes(types);
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("bus closed (expected: subscribe before close())");
        }
        return wanted.stream().map(EventTypes::wireName).sorted().toList();
    }
}
