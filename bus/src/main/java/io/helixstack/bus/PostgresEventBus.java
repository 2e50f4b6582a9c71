package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.DeadLetter;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import io.helixstack.store.EventOutbox;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default bus: a queue in the platform's own PostgreSQL. Events go into the store's {@code events} outbox in the
 * publisher's transaction; a trigger fans each one out to a {@code bus_deliveries} row per interested consumer and sends
 * a NOTIFY at commit; subscribers claim rows with {@code FOR UPDATE SKIP LOCKED} under a lease, and record retries
 * ({@code attempts}, {@code next_attempt_at}) and dead letters in the same tables.
 *
 * <p>Order: per consumer, one deployment's events are handled one at a time in outbox-id order (a retry holds back the
 * later ones); events of different deployments go to competing subscribers in parallel. Outbox ids follow the order in
 * which publishers inserted, which is commit order whenever one deployment's state changes are serialised (they are:
 * each locks its deployment row).
 */
public final class PostgresEventBus implements TransactionalEventBus {
    private static final Logger log = LoggerFactory.getLogger(PostgresEventBus.class);

    /**
     * @param lease how long a claimed event stays with its subscriber without a heartbeat (a heartbeat renews it every
     *     third of it): how soon a crashed process's events are delivered elsewhere
     * @param fallbackPoll how often subscribers look for work without being notified
     * @param batchSize how many events one claim takes at most
     */
    public record Settings(RetryPolicy retry, Duration lease, Duration fallbackPoll, int batchSize) {
        public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
        public static final Duration DEFAULT_FALLBACK_POLL = Duration.ofSeconds(10);
        public static final int DEFAULT_BATCH_SIZE = 32;

        public Settings {
            Objects.requireNonNull(retry, "retry");
            requirePositive("lease", lease);
            requirePositive("fallbackPoll", fallbackPoll);
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: >= 1)");
            }
        }

        public static Settings defaults() {
            return new Settings(RetryPolicy.defaults(), DEFAULT_LEASE, DEFAULT_FALLBACK_POLL, DEFAULT_BATCH_SIZE);
        }

        /** The same settings with another lease: how long a silent subscriber keeps its events before others take them. */
        public Settings withLease(Duration lease) {
            return new Settings(retry, lease, fallbackPoll, batchSize);
        }

        public Settings withRetry(RetryPolicy retry) {
            return new Settings(retry, lease, fallbackPoll, batchSize);
        }

        static void requirePositive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
        }
    }

    private final Jdbi jdbi;
    private final Deliveries deliveries;
    private final Settings settings;
    private final PgNotifier notifier;
    private final ScheduledExecutorService scheduler;
    private final List<PostgresSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PostgresEventBus(DataSource dataSource, Settings settings) {
        this.jdbi = Jdbi.create(dataSource);
        this.deliveries = new Deliveries(jdbi);
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("helix-bus-heartbeat").factory());
        this.notifier = new PgNotifier(dataSource, settings.fallbackPoll());
    }

    /**
     * Migrates the bus's tables ({@code db/bus}, after the store's migrations) and starts listening. {@code dataSource}
     * should be a pool: the bus keeps one connection for LISTEN and borrows others briefly.
     */
    public static PostgresEventBus start(DataSource dataSource, Settings settings) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(settings, "settings");
        BusSchema.migrate(dataSource);
        PostgresEventBus bus = new PostgresEventBus(dataSource, settings);
        log.atInfo().addKeyValue("maxAttempts", settings.retry().maxAttempts()).addKeyValue("lease", settings.lease())
                .log("PostgreSQL bus started");
        return bus;
    }

    @Override
    public void publish(Event event) {
        jdbi.useTransaction(h -> EventOutbox.append(h, event));
    }

    @Override
    public Subscription subscribe(String consumer, Set<Class<? extends Event>> types, EventHandler handler) {
        List<String> wireTypes = Subscribing.wireTypes(consumer, types, handler, closed.get());
        deliveries.register(consumer, wireTypes);
        PostgresSubscription subscription = new PostgresSubscription(consumer, deliveries, handler, settings, scheduler, this::detach);
        subscriptions.add(subscription);
        notifier.add(subscription.waker());
        return subscription;
    }

    private void detach(PostgresSubscription subscription) {
        notifier.remove(subscription.waker());
        subscriptions.remove(subscription);
    }

    @Override
    public List<DeadLetter> deadLetters(String consumer) {
        return deliveries.deadLetters(consumer);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        subscriptions.forEach(PostgresSubscription::close);
        notifier.close();
        scheduler.shutdownNow();
    }
}
