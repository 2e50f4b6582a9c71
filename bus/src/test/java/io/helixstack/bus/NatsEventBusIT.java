package io.helixstack.bus;

import io.helixstack.testing.TestNats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.helixstack.domain.Event;
import io.helixstack.plugin.tck.SampleEvents;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the NATS bus adds to the contract: the outbox relay, in order and without duplicates. */
class NatsEventBusIT {
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

    private NatsEventBus start() {
        return NatsEventBus.start(TestNats.url(), db.dataSource(), TestNatsSettings.named(NAMES, NatsEventBus.Settings.defaults()));
    }

    @Test
    void theRelayPublishesOutboxRowsInIdOrderWithTheirIdsAndMarksThem() throws Exception {
        try (NatsEventBus bus = start(); Connection nats = Nats.connect(TestNats.url())) {
            UUID deployment = UUID.randomUUID();
            List<Event> events = IntStream.range(0, 5).mapToObj(i -> SampleEvents.nth(i, deployment)).toList();
            List<Long> ids = new ArrayList<>();
            db.jdbi().useTransaction(h -> events.forEach(e -> ids.add(bus.publish(h, e))));

            await().atMost(Duration.ofSeconds(20)).until(() -> unpublished(ids) == 0);

            JetStreamManagement jsm = nats.jetStreamManagement();
            long first = jsm.getStreamInfo(NAMES.stream()).getStreamState().getLastSequence() - events.size() + 1;
            for (int i = 0; i < events.size(); i++) {
                MessageInfo message = jsm.getMessage(NAMES.stream(), first + i);
                assertThat(message.getHeaders().getFirst(NatsSubscription.MSG_ID)).isEqualTo(ids.get(i).toString());
                assertThat(message.getSubject()).isEqualTo(NAMES.subjectPrefix() + "." + events.get(i).type());
                assertThat(EventCodec.fromWire(message.getData())).isEqualTo(events.get(i));
            }
        }
    }

    @Test
    void aRowRelayedTwiceIsStoredOnce() throws Exception {
        try (NatsEventBus bus = start(); Connection nats = Nats.connect(TestNats.url())) {
            long id = db.jdbi().inTransaction(h -> bus.publish(h, SampleEvents.nth(7, UUID.randomUUID())));
            await().atMost(Duration.ofSeconds(20)).until(() -> unpublished(List.of(id)) == 0);
            long stored = nats.jetStreamManagement().getStreamInfo(NAMES.stream()).getStreamState().getMsgCount();

            // As if the relay had died after publishing and before marking the row.
            db.jdbi().useHandle(h -> {
                h.execute("update events set published_at = null where id = ?", id);
                h.execute("select pg_notify('" + BusSchema.NOTIFY_CHANNEL + "', '')");
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> unpublished(List.of(id)) == 0);
            assertThat(nats.jetStreamManagement().getStreamInfo(NAMES.stream()).getStreamState().getMsgCount()).isEqualTo(stored);
        }
    }

    @Test
    void startingWithoutAServerSaysWhere() {
        NatsEventBus.Settings settings = TestNatsSettings.named(NAMES, NatsEventBus.Settings.defaults());
        assertThatThrownBy(() -> NatsEventBus.start("nats://127.0.0.1:1", db.dataSource(), settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nats://127.0.0.1:1");
    }

    private static long unpublished(List<Long> ids) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from events where id = any (:ids) and published_at is null")
                .bindArray("ids", Long.class, ids).mapTo(Long.class).one());
    }
}
