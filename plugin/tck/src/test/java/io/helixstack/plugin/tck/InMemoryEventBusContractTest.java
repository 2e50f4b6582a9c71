package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.RetryPolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class InMemoryEventBusContractTest extends EventBusContract {
    private final InMemoryEventBus.Storage storage = new InMemoryEventBus.Storage();
    private final Map<Long, Integer> effects = new ConcurrentHashMap<>();

    @Override
    protected EventBus openBus(RetryPolicy retry) {
        return new InMemoryEventBus(storage, retry);
    }

    @Override
    protected IdempotentEffects idempotentEffects() {
        InMemoryEventBus guard = new InMemoryEventBus(storage, RETRY);
        return new IdempotentEffects() {
            @Override
            public EventHandler guarded(String consumer, EventHandler then) {
                return delivery -> {
                    guard.processOnce(consumer, delivery.eventId(), () -> effects.merge(delivery.eventId(), 1, Integer::sum));
                    then.handle(delivery);
                };
            }

            @Override
            public int effects(long eventId) {
                return effects.getOrDefault(eventId, 0);
            }
        };
    }
}
