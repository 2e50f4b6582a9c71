package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.DeadLetter;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The bus for planes on several machines: NATS JetStream. Events are still written to the PostgreSQL outbox in the
 * publisher's transaction; an {@link OutboxRelay} moves them, in order, to a stream over {@code <prefix>.>} (subject
 * {@code <prefix>.<wire type>}, {@code Nats-Msg-Id} = outbox id). Each consumer name is a durable pull consumer with
 * explicit acks, {@code MaxDeliver} = attempts + 1, and dead letters counted by the subscriber into a key-value bucket.
 *
 * <p>Order: with the default {@code maxAckPending} of 1 a consumer has one event in flight at a time, so it sees the
 * stream's (outbox) order exactly, retries included — stronger than the per-deployment order of the contract, at the
 * cost of parallelism per consumer name. A larger value lets competing subscribers work in parallel and gives up order.
 */
public final class NatsEventBus implements TransactionalEventBus {
    private static final Logger log = LoggerFactory.getLogger(NatsEventBus.class);

    /**
     * @param stream the JetStream stream's name
     * @param subjectPrefix the first subject token(s): the stream holds {@code <subjectPrefix>.>}
     * @param deadLetterBucket the key-value bucket of dead letters
     * @param ackWait how long a delivered message stays with its subscriber without a heartbeat before redelivery
     * @param maxAckPending how many unacknowledged messages one consumer name may have; 1 keeps exact order
     * @param maxAge how long the stream keeps events: a consumer created later starts at the oldest kept
     * @param fallbackPoll how often the relay looks at the outbox without a notification
     */
    public record Settings(String stream, String subjectPrefix, String deadLetterBucket, RetryPolicy retry, Duration ackWait,
            long maxAckPending, Duration maxAge, Duration fallbackPoll) {
        public static final String DEFAULT_STREAM = "HELIX";
        public static final String DEFAULT_SUBJECT_PREFIX = "helix";
        public static final String DEFAULT_DEAD_LETTER_BUCKET = "helix-dead-letters";
        public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
        public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
        public static final Duration DEFAULT_FALLBACK_POLL = Duration.ofSeconds(10);
        /** How long the stream remembers message ids: a relay restarted within it publishes no duplicate. */
        static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

        public Settings {
            requireName("stream", stream, "[A-Za-z0-9_-]+");
            requireName("subjectPrefix", subjectPrefix, "[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
            requireName("deadLetterBucket", deadLetterBucket, "[A-Za-z0-9_-]+");
            Objects.requireNonNull(retry, "retry");
            PostgresEventBus.Settings.requirePositive("ackWait", ackWait);
            PostgresEventBus.Settings.requirePositive("maxAge", maxAge);
            PostgresEventBus.Settings.requirePositive("fallbackPoll", fallbackPoll);
            if (maxAckPending < 1) {
                throw new IllegalArgumentException("maxAckPending: " + maxAckPending + " (expected: >= 1)");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, DEFAULT_DEAD_LETTER_BUCKET, RetryPolicy.defaults(),
                    DEFAULT_ACK_WAIT, 1, DEFAULT_MAX_AGE, DEFAULT_FALLBACK_POLL);
        }

        /** The same settings on other names: tests use a stream, prefix and bucket of their own. */
        public Settings withNames(String stream, String subjectPrefix, String deadLetterBucket) {
            return new Settings(stream, subjectPrefix, deadLetterBucket, retry, ackWait, maxAckPending, maxAge, fallbackPoll);
        }

        /** The same settings with another ack wait: how long a silent subscriber keeps a message before it is redelivered. */
        public Settings withAckWait(Duration ackWait) {
            return new Settings(stream, subjectPrefix, deadLetterBucket, retry, ackWait, maxAckPending, maxAge, fallbackPoll);
        }

        public Settings withRetry(RetryPolicy retry) {
            return new Settings(stream, subjectPrefix, deadLetterBucket, retry, ackWait, maxAckPending, maxAge, fallbackPoll);
        }

        private static void requireName(String what, String value, String pattern) {
            Objects.requireNonNull(value, what);
            if (!value.matches(pattern)) {
                throw new IllegalArgumentException(what + ": \"" + value + "\" (expected: " + pattern + ")");
            }
        }
    }

    private final Settings settings;
    private final Jdbi jdbi;
    private final Connection nats;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final NatsDeadLetters deadLetters;
    private final PgNotifier notifier;
    private final OutboxRelay relay;
    private final ScheduledExecutorService scheduler;
    private final List<NatsSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NatsEventBus(Settings settings, DataSource dataSource, Connection nats) throws IOException, JetStreamApiException {
        this.settings = settings;
        this.jdbi = Jdbi.create(dataSource);
        this.nats = nats;
        this.jetStream = nats.jetStream();
        this.management = nats.jetStreamManagement();
        this.deadLetters = new NatsDeadLetters(NatsSetup.deadLetterBucket(nats, settings));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("helix-bus-nats-heartbeat").factory());
        this.relay = new OutboxRelay(jdbi, jetStream, settings.stream(), settings.subjectPrefix(), settings.fallbackPoll());
        this.notifier = new PgNotifier(dataSource, settings.fallbackPoll());
        notifier.add(relay.waker());
    }

    /**
     * Migrates the bus's tables ({@code db/bus}, after the store's), connects to {@code natsUrl}, creates the stream and
     * the dead-letter bucket when missing, and starts relaying the outbox.
     */
    public static NatsEventBus start(String natsUrl, DataSource dataSource, Settings settings) {
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(settings, "settings");
        BusSchema.migrate(dataSource);
        Connection nats = null;
        try {
            nats = Nats.connect(Options.builder().server(natsUrl).connectionName("helix-bus")
                    .maxReconnects(-1).errorListener(new NatsErrors()).build());
            NatsSetup.stream(nats.jetStreamManagement(), settings);
            NatsEventBus bus = new NatsEventBus(settings, dataSource, nats);
            log.atInfo().addKeyValue("url", natsUrl).addKeyValue("stream", settings.stream()).log("NATS bus started");
            return bus;
        } catch (IOException | JetStreamApiException e) {
            NatsSetup.closeQuietly(nats);
            throw new IllegalStateException("cannot start the NATS bus on " + natsUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + natsUrl, e);
        }
    }

    @Override
    public void publish(Event event) {
        jdbi.useTransaction(h -> EventOutbox.append(h, event));
    }

    @Override
    public Subscription subscribe(String consumer, Set<Class<? extends Event>> types, EventHandler handler) {
        return subscribe(consumer, types, handler, settings.maxAckPending());
    }

    /**
     * As {@link #subscribe(String, Set, EventHandler)} with up to {@code inFlight} unacknowledged events for the consumer
     * name: for a consumer whose events are independent of each other (the build workers' one request per deployment),
     * so its competing subscribers work in parallel instead of taking turns.
     */
    public Subscription subscribe(String consumer, Set<Class<? extends Event>> types, EventHandler handler, long inFlight) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight: " + inFlight + " (expected: >= 1)");
        }
        List<String> wireTypes = Subscribing.wireTypes(consumer, types, handler, closed.get());
        ConsumerConfiguration.Builder config = ConsumerConfiguration.builder()
                .durable(consumer)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(settings.ackWait())
                // One delivery past the last attempt, on which the subscriber records the dead letter.
                .maxDeliver(settings.retry().maxAttempts() + 1L)
                .maxAckPending(inFlight)
                .deliverPolicy(DeliverPolicy.All);
        NatsSetup.filter(config, nats, settings.subjectPrefix(), wireTypes);
        try {
            management.addOrUpdateConsumer(settings.stream(), config.build());
            JetStreamSubscription pull = jetStream.subscribe(null, PullSubscribeOptions.bind(settings.stream(), consumer));
            NatsSubscription subscription = new NatsSubscription(consumer, pull, Set.copyOf(wireTypes), settings, handler,
                    deadLetters, scheduler, subscriptions::remove);
            subscriptions.add(subscription);
            return subscription;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot subscribe " + consumer + " to " + settings.stream(), e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot subscribe " + consumer + " to " + settings.stream() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String consumer) {
        return deadLetters.list(EventBus.requireConsumerName(consumer));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        subscriptions.forEach(NatsSubscription::close);
        notifier.close();
        relay.close();
        scheduler.shutdownNow();
        NatsSetup.closeQuietly(nats);
    }
}
