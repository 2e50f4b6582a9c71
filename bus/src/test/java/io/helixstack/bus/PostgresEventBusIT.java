package io.helixstack.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.Event;
import io.helixstack.domain.Project;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.EventTypes;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.plugin.tck.SampleEvents;
import io.helixstack.store.SecretBox;
import io.helixstack.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the PostgreSQL bus adds to the contract: the outbox transaction, the store's own events, leases, the horizon. */
class PostgresEventBusIT {
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100));
    private static BusDatabase db;
    private PostgresEventBus bus;

    @BeforeAll
    static void createDatabase() {
        db = BusDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void startBus() {
        bus = PostgresEventBus.start(db.dataSource(), PostgresEventBus.Settings.defaults().withRetry(FAST_RETRY));
    }

    @AfterEach
    void closeBus() {
        bus.close();
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10));
    }

    private static String consumer(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aStateChangeTheStoreCommitsIsDeliveredWithItsEvent() {
        Store store = new Store(db.jdbi(), new SecretBox(new byte[32]), Clock.systemUTC());
        Project project = store.projects().findOrCreate(store.tokens().defaultTeam(), "bus-" + UUID.randomUUID());
        Application app = store.applications().create(project.id(), AppName.of("bus-" + Long.toHexString(System.nanoTime())), null, null);
        List<Event> received = new CopyOnWriteArrayList<>();
        bus.subscribe(consumer("store"), EventTypes.all(), d -> received.add(d.event()));

        Deployment deployment = store.deployments().create(app, "production", new Source.Upload("sha256:" + "ab".repeat(32)), "test");

        eventually().until(() -> received.stream().anyMatch(e -> deployment.id().equals(e.deploymentId())));
        assertThat(received).filteredOn(e -> deployment.id().equals(e.deploymentId())).singleElement()
                .isInstanceOfSatisfying(Event.ProductionDeploymentRequested.class, e -> assertThat(e.app()).isEqualTo(app.name().value()));
    }

    @Test
    void anEventIsDeliveredIfAndOnlyIfItsTransactionCommits() {
        UUID deployment = UUID.randomUUID();
        List<Event> received = new CopyOnWriteArrayList<>();
        bus.subscribe(consumer("tx"), EventTypes.all(), d -> {
            if (deployment.equals(d.event().deploymentId())) {
                received.add(d.event());
            }
        });
        Event rolledBack = SampleEvents.nth(0, deployment);
        Event committed = SampleEvents.nth(1, deployment);

        try {
            db.jdbi().useTransaction(h -> {
                bus.publish(h, rolledBack);
                throw new IllegalStateException("the state change failed");
            });
        } catch (IllegalStateException expected) {
            // the transaction rolled back, and its event with it
        }
        long id = db.jdbi().inTransaction(h -> bus.publish(h, committed));

        eventually().until(() -> received.contains(committed));
        assertThat(received).containsExactly(committed);
        assertThat(id).isPositive();
    }

    @Test
    void aHandlersEffectRollsBackWithItsFailureAndHappensOnceOnRetry() {
        UUID deployment = UUID.randomUUID();
        String consumer = consumer("once");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        EventHandler handler = Idempotency.once(db.jdbi(), consumer, (h, d) -> {
            if (!deployment.equals(d.event().deploymentId())) {
                return;
            }
            h.execute("insert into test_effects (event_id) values (?)", d.eventId());
            attempts.add(d.attempt());
            if (d.attempt() == 1) {
                throw new IllegalStateException("failing after the effect, inside its transaction");
            }
        });
        bus.subscribe(consumer, EventTypes.all(), handler);

        long id = db.jdbi().inTransaction(h -> bus.publish(h, SampleEvents.nth(2, deployment)));

        eventually().until(() -> attempts.contains(2));
        assertThat(db.effects(id)).isEqualTo(1);
    }

    @Test
    void theEventsOfACrashedSubscriberGoToAnotherOnceItsLeaseRunsOut() {
        UUID deployment = UUID.randomUUID();
        String consumer = consumer("lease");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        EventHandler recorder = d -> {
            if (deployment.equals(d.event().deploymentId())) {
                received.add(d);
            }
        };
        // Register the consumer, then take its next event as a subscriber that dies holding it would.
        bus.subscribe(consumer, EventTypes.all(), d -> { }).close();
        long id = db.jdbi().inTransaction(h -> bus.publish(h, SampleEvents.nth(3, deployment)));
        db.jdbi().useHandle(h -> h.createUpdate("""
                        update bus_deliveries set attempts = 1, leased_by = :dead, leased_until = now() + interval '700 milliseconds'
                        where consumer = :consumer and event_id = :id""")
                .bind("dead", UUID.randomUUID()).bind("consumer", consumer).bind("id", id).execute());

        bus.subscribe(consumer, EventTypes.all(), recorder);

        eventually().until(() -> !received.isEmpty());
        assertThat(received).singleElement().satisfies(d -> {
            assertThat(d.eventId()).isEqualTo(id);
            assertThat(d.attempt()).isEqualTo(2);
        });
    }

    @Test
    void aLongHandlerKeepsItsEventWhileItRuns() throws Exception {
        PostgresEventBus shortLeases = PostgresEventBus.start(db.dataSource(),
                new PostgresEventBus.Settings(FAST_RETRY, Duration.ofMillis(300), Duration.ofSeconds(10), 8));
        try {
            UUID deployment = UUID.randomUUID();
            String consumer = consumer("long");
            CountDownLatch release = new CountDownLatch(1);
            List<Delivery> first = new CopyOnWriteArrayList<>();
            List<Delivery> second = new CopyOnWriteArrayList<>();
            shortLeases.subscribe(consumer, EventTypes.all(), d -> {
                if (deployment.equals(d.event().deploymentId())) {
                    first.add(d);
                    release.await(20, TimeUnit.SECONDS);
                }
            });
            shortLeases.subscribe(consumer, EventTypes.all(), d -> {
                if (deployment.equals(d.event().deploymentId())) {
                    second.add(d);
                    release.await(20, TimeUnit.SECONDS);
                }
            });

            shortLeases.publish(SampleEvents.nth(4, deployment));

            eventually().until(() -> first.size() + second.size() == 1);
            // Four leases long: without the heartbeat the other subscriber would have taken the event over.
            await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5)).until(() -> first.size() + second.size() == 1);
            release.countDown();
        } finally {
            shortLeases.close();
        }
    }

    @Test
    void aSlowHandlerGivesTheRestOfItsBatchToTheOtherSubscribers() {
        List<UUID> deployments = IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID()).toList();
        String consumer = consumer("slow");
        CountDownLatch release = new CountDownLatch(1);
        List<Delivery> slow = new CopyOnWriteArrayList<>();
        List<Delivery> fast = new CopyOnWriteArrayList<>();
        Subscription first = bus.subscribe(consumer, EventTypes.all(), d -> {
            if (deployments.contains(d.event().deploymentId())) {
                slow.add(d);
                release.await(20, TimeUnit.SECONDS); // a build, say
            }
        });
        // All ten published at once: the first subscriber claims them in one batch.
        db.jdbi().useTransaction(h -> deployments.forEach(d -> bus.publish(h, SampleEvents.nth(0, d))));
        eventually().until(() -> slow.size() == 1);

        bus.subscribe(consumer, EventTypes.all(), d -> {
            if (deployments.contains(d.event().deploymentId())) {
                fast.add(d);
            }
        });

        eventually().until(() -> fast.size() == 9);
        assertThat(slow).hasSize(1);
        assertThat(fast).allSatisfy(d -> assertThat(d.attempt()).as("a given-back event's attempt is not counted").isEqualTo(1));
        release.countDown();
        first.close();
    }

    @Test
    void anIdleSubscriberWakesForTheHeadOfEachDeploymentsQueueNeverLater() {
        Deliveries deliveries = new Deliveries(db.jdbi());
        String consumer = consumer("idle");
        deliveries.register(consumer, List.of("deployment.failed"));
        UUID deployment = UUID.randomUUID();
        long head = db.jdbi().inTransaction(h -> bus.publish(h, SampleEvents.of(Event.DeploymentFailed.class, deployment)));
        db.jdbi().inTransaction(h -> bus.publish(h, SampleEvents.of(Event.DeploymentFailed.class, deployment)));

        // The head is held by a live lease: the row behind it is due but blocked, so wake when the lease ends.
        deliveries.claim(consumer, UUID.randomUUID(), 1, Duration.ofSeconds(5));
        assertThat(deliveries.untilNextDue(consumer)).hasValueSatisfying(
                d -> assertThat(d).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5)));

        // The head's retry fell due while the subscriber was looking elsewhere: look again at once, not at the next poll.
        db.jdbi().useHandle(h -> h.execute("""
                update bus_deliveries set leased_by = null, leased_until = null, next_attempt_at = now() - interval '1 second'
                where consumer = ? and event_id = ?""", consumer, head));
        assertThat(deliveries.untilNextDue(consumer)).contains(Duration.ofMillis(1));
    }

    @Test
    void eventsWrittenBeforeTheBusWasInstalledAreHistory() {
        try (BusDatabase fresh = BusDatabase.create()) {
            UUID deployment = UUID.randomUUID();
            Event old = SampleEvents.nth(5, deployment);
            fresh.jdbi().useHandle(h -> h.createUpdate(
                            "insert into events (type, deployment_id, payload) values (:type, :dep, cast(:payload as jsonb))")
                    .bind("type", old.type()).bind("dep", deployment).bind("payload", EventCodec.payload(old)).execute());
            try (PostgresEventBus installed = PostgresEventBus.start(fresh.dataSource(), PostgresEventBus.Settings.defaults())) {
                List<Event> received = new CopyOnWriteArrayList<>();
                installed.subscribe(consumer("history"), EventTypes.all(), d -> received.add(d.event()));
                Event current = SampleEvents.nth(6, deployment);

                installed.publish(current);

                eventually().until(() -> received.contains(current));
                assertThat(received).containsExactly(current);
            }
        }
    }
}
