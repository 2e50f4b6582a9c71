package io.helixstack.bus;

import io.helixstack.testing.TestNats;

import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.tck.EventBusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class NatsEventBusContractIT extends EventBusContract {
    private static final TestNats.Names NAMES = TestNats.Names.unique();
    private static BusDatabase db;

    @BeforeAll
    static void createDatabase() {
        db = BusDatabase.create();
    }

    @AfterAll
    static void deleteWhatWasCreated() {
        db.close();
        NAMES.delete();
    }

    @Override
    protected EventBus openBus(RetryPolicy retry) {
        return NatsEventBus.start(TestNats.url(), db.dataSource(), TestNatsSettings.named(NAMES, NatsEventBus.Settings.defaults().withRetry(retry)));
    }

    @Override
    protected IdempotentEffects idempotentEffects() {
        return new IdempotentEffects() {
            @Override
            public EventHandler guarded(String consumer, EventHandler then) {
                EventHandler once = Idempotency.once(db.jdbi(), consumer,
                        (h, d) -> h.execute("insert into test_effects (event_id) values (?)", d.eventId()));
                return d -> {
                    once.handle(d);
                    then.handle(d);
                };
            }

            @Override
            public int effects(long eventId) {
                return db.effects(eventId);
            }
        };
    }
}
