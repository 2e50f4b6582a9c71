package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.DeadLetter;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.EventTypes;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventBus} does. An implementation's test extends this class and says how to open a bus over one
 * durable storage (a database, a stream) that lives as long as the test class, and how its idempotency guard is used.
 *
 * <p>Each test works on deployments of its own and a consumer name of its own. Because a new consumer starts at the
 * oldest event the bus keeps, it also sees the events of earlier tests; {@link Recorder} acknowledges those unseen.
 */
public abstract class EventBusContract {
    /** Short backoff so retries happen within the test: 3 attempts, 50 ms then 100 ms apart. */
    protected static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(400));

    private final List<EventBus> opened = new ArrayList<>();
    private EventBus bus;

    /**
     * A new bus instance over this test class's durable storage, with {@code retry}. Two open at once behave as two
     * processes; opening one after closing another is a restart. The suite closes what it opens.
     */
    protected abstract EventBus openBus(RetryPolicy retry);

    /** The bus's idempotency guard around a visible effect, over the same storage as {@link #openBus}. */
    protected abstract IdempotentEffects idempotentEffects();

    /** An effect made at most once per (consumer, event) with the implementation's idempotency guard. */
    public interface IdempotentEffects {
        /**
         * A handler that makes one visible effect for the delivered event unless {@code consumer} processed it before,
         * recording it as processed atomically with the effect; then, on every delivery, calls {@code then} (which may
         * throw, as a crash between the effect and the acknowledgement would).
         */
        EventHandler guarded(String consumer, EventHandler then);

        /** How many times the effect of {@code eventId} is visible. */
        int effects(long eventId);
    }

    @BeforeEach
    final void openFirstBus() {
        bus = open();
    }

    @AfterEach
    final void closeBuses() {
        opened.forEach(EventBus::close);
    }

    /** The bus opened for the current test. */
    protected final EventBus bus() {
        return bus;
    }

    /** Opens one more bus instance over the same storage, closed after the test. */
    protected final EventBus open() {
        EventBus b = openBus(RETRY);
        opened.add(b);
        return b;
    }

    protected static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10));
    }

    protected static String consumerName(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void deliversEveryEventTypeWithItsContentInPublishOrder() {
        UUID deployment = UUID.randomUUID();
        List<Event> published = SampleEvents.everyType(deployment);
        Recorder recorder = new Recorder(deployment);
        bus.subscribe(consumerName("all"), EventTypes.all(), recorder);

        published.forEach(bus::publish);

        eventually().until(() -> recorder.handled().size() == published.size());
        assertThat(recorder.handled()).containsExactlyElementsOf(published);
        assertThat(recorder.deliveries()).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
        List<Long> ids = recorder.deliveries().stream().map(Delivery::eventId).toList();
        assertThat(ids).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void deliversOnlyTheSubscribedTypes() {
        UUID deployment = UUID.randomUUID();
        Recorder recorder = new Recorder(deployment);
        bus.subscribe(consumerName("builds"), Set.of(Event.BuildRequested.class, Event.BuildFailed.class), recorder);

        for (Event e : SampleEvents.everyType(deployment)) {
            bus.publish(e);
        }
        Event last = SampleEvents.of(Event.BuildFailed.class, deployment);
        bus.publish(last);

        eventually().until(() -> recorder.handled().contains(last));
        assertThat(recorder.handled()).extracting(Event::type).containsExactly("build.requested", "build.failed", "build.failed");
    }

    @Test
    void aFailedHandlerGetsTheEventAgainAfterABackoff() {
        UUID deployment = UUID.randomUUID();
        Recorder recorder = new Recorder(deployment).failingAttempts(1, 2);
        String consumer = consumerName("retry");
        bus.subscribe(consumer, EventTypes.all(), recorder);
        Event event = SampleEvents.nth(0, deployment);

        bus.publish(event);

        eventually().until(() -> recorder.handled().contains(event));
        assertThat(recorder.deliveries()).extracting(Delivery::attempt).containsExactly(1, 2, 3);
        assertThat(recorder.deliveries()).extracting(Delivery::event).containsOnly(event);
        assertThat(recorder.gapBeforeAttempt(2)).isGreaterThanOrEqualTo(RETRY.backoff(1).minusMillis(5));
        assertThat(bus.deadLetters(consumer)).isEmpty();
    }

    @Test
    void deadLettersAnEventAfterTheLastAttemptAndMovesOn() {
        UUID deployment = UUID.randomUUID();
        Event poison = SampleEvents.nth(1, deployment);
        Event next = SampleEvents.nth(2, deployment);
        Recorder recorder = new Recorder(deployment).failingEvent(poison);
        String consumer = consumerName("dead");
        bus.subscribe(consumer, EventTypes.all(), recorder);

        bus.publish(poison);
        bus.publish(next);

        eventually().until(() -> recorder.handled().contains(next));
        assertThat(recorder.deliveries()).extracting(Delivery::event).containsExactly(poison, poison, poison, next);
        eventually().until(() -> bus.deadLetters(consumer).stream().anyMatch(d -> d.event().equals(poison)));
        DeadLetter dead = bus.deadLetters(consumer).stream().filter(d -> d.event().equals(poison)).findFirst().orElseThrow();
        assertThat(dead.consumer()).isEqualTo(consumer);
        assertThat(dead.attempts()).isEqualTo(RETRY.maxAttempts());
        assertThat(dead.lastError()).contains("IllegalStateException").contains("refused on purpose");
        assertThat(dead.eventId()).isEqualTo(recorder.deliveries().getFirst().eventId());
        assertThat(bus.deadLetters(consumerName("never-subscribed"))).isEmpty();
    }

    @Test
    void keepsPublishOrderPerDeploymentAcrossRetries() {
        List<UUID> deployments = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        Map<UUID, List<Event>> published = new HashMap<>();
        List<Event> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            UUID deployment = deployments.get(i % deployments.size());
            Event e = SampleEvents.nth(i, deployment);
            published.computeIfAbsent(deployment, d -> new ArrayList<>()).add(e);
            all.add(e);
        }
        Set<Event> failOnce = new HashSet<>();
        IntStream.range(0, all.size()).filter(i -> i % 4 == 1).forEach(i -> failOnce.add(all.get(i)));
        Recorder recorder = new Recorder(deployments.toArray(UUID[]::new)).failingFirstAttemptOf(failOnce);
        Subscription a = bus.subscribe(consumerName("ordered"), EventTypes.all(), recorder);
        open().subscribe(a.consumer(), EventTypes.all(), recorder);

        all.forEach(bus::publish);

        eventually().until(() -> recorder.handled().size() == all.size());
        for (UUID deployment : deployments) {
            List<Event> expected = published.get(deployment);
            assertThat(recorder.handled()).filteredOn(e -> e.deploymentId().equals(deployment)).containsExactlyElementsOf(expected);
            // Not even attempted out of order: an event is tried only once the ones before it succeeded.
            List<Integer> attemptedPositions = recorder.deliveries().stream()
                    .filter(d -> d.event().deploymentId().equals(deployment))
                    .map(d -> expected.indexOf(d.event())).toList();
            assertThat(attemptedPositions).isSorted();
        }
    }

    @Test
    void everyConsumerGetsEveryEvent() {
        UUID deployment = UUID.randomUUID();
        Recorder first = new Recorder(deployment);
        Recorder second = new Recorder(deployment);
        bus.subscribe(consumerName("first"), EventTypes.all(), first);
        bus.subscribe(consumerName("second"), EventTypes.all(), second);
        List<Event> published = IntStream.range(0, 20).mapToObj(i -> SampleEvents.nth(i, deployment)).toList();

        published.forEach(bus::publish);

        eventually().until(() -> first.handled().size() == 20 && second.handled().size() == 20);
        assertThat(first.handled()).containsExactlyElementsOf(published);
        assertThat(second.handled()).containsExactlyElementsOf(published);
    }

    @Test
    void subscribersSharingAConsumerNameSplitTheWorkWithoutDuplicates() {
        List<UUID> deployments = IntStream.range(0, 40).mapToObj(i -> UUID.randomUUID()).toList();
        Recorder one = new Recorder(deployments.toArray(UUID[]::new));
        Recorder other = new Recorder(deployments.toArray(UUID[]::new));
        CountDownLatch oneHandled = new CountDownLatch(1);
        CountDownLatch otherHandled = new CountDownLatch(1);
        String consumer = consumerName("workers");
        // Each subscriber, having handled an event, waits (a little) for the other to get one: instant handlers would
        // otherwise let whichever subscriber woke first take everything, which is correct but proves no split.
        bus.subscribe(consumer, EventTypes.all(), handOver(one, deployments, oneHandled, otherHandled));
        open().subscribe(consumer, EventTypes.all(), handOver(other, deployments, otherHandled, oneHandled));
        List<Event> published = deployments.stream().map(d -> SampleEvents.nth(d.hashCode(), d)).toList();

        published.forEach(bus::publish);

        eventually().until(() -> one.handled().size() + other.handled().size() >= published.size());
        List<Event> together = new ArrayList<>(one.handled());
        together.addAll(other.handled());
        assertThat(together).containsExactlyInAnyOrderElementsOf(published);
        assertThat(one.handled()).as("events handled by the first subscriber").isNotEmpty();
        assertThat(other.handled()).as("events handled by the second subscriber").isNotEmpty();
    }

    private static EventHandler handOver(Recorder recorder, List<UUID> deployments, CountDownLatch mine, CountDownLatch theirs) {
        return d -> {
            recorder.handle(d);
            if (deployments.contains(d.event().deploymentId())) {
                mine.countDown();
                // A bus that allows one event in flight per consumer name lets the other subscriber in after this one.
                theirs.await(2, TimeUnit.SECONDS);
            }
        };
    }

    @Test
    void keepsEventsForAConsumerWhileNoSubscriberIsAttached() {
        UUID deployment = UUID.randomUUID();
        String consumer = consumerName("durable");
        Recorder before = new Recorder(deployment);
        Subscription subscription = bus.subscribe(consumer, EventTypes.all(), before);
        Event first = SampleEvents.nth(0, deployment);
        bus.publish(first);
        eventually().until(() -> before.handled().contains(first));
        subscription.close();

        List<Event> meanwhile = List.of(SampleEvents.nth(1, deployment), SampleEvents.nth(2, deployment));
        meanwhile.forEach(bus::publish);
        Recorder after = new Recorder(deployment);
        bus.subscribe(consumer, EventTypes.all(), after);

        eventually().until(() -> after.handled().size() == 2);
        assertThat(after.handled()).containsExactlyElementsOf(meanwhile);
        assertThat(before.handled()).containsExactly(first);
    }

    @Test
    void aNewConsumerGetsEventsPublishedBeforeItsFirstSubscription() {
        UUID deployment = UUID.randomUUID();
        Event early = SampleEvents.nth(3, deployment);
        bus.publish(early);
        Recorder recorder = new Recorder(deployment);

        bus.subscribe(consumerName("late"), EventTypes.all(), recorder);

        eventually().until(() -> recorder.handled().contains(early));
    }

    @Test
    void aRestartedBusResumesWhereTheLastOneLeftOff() {
        UUID deployment = UUID.randomUUID();
        String consumer = consumerName("restart");
        Recorder beforeRestart = new Recorder(deployment);
        bus.subscribe(consumer, EventTypes.all(), beforeRestart);
        List<Event> handledBefore = IntStream.range(0, 3).mapToObj(i -> SampleEvents.nth(i, deployment)).toList();
        handledBefore.forEach(bus::publish);
        eventually().until(() -> beforeRestart.handled().size() == 3);
        bus.close();

        EventBus restarted = open();
        List<Event> afterwards = IntStream.range(3, 6).mapToObj(i -> SampleEvents.nth(i, deployment)).toList();
        afterwards.forEach(restarted::publish);
        Recorder afterRestart = new Recorder(deployment);
        restarted.subscribe(consumer, EventTypes.all(), afterRestart);

        eventually().until(() -> afterRestart.handled().size() == 3);
        assertThat(afterRestart.handled()).containsExactlyElementsOf(afterwards);
        assertThat(beforeRestart.handled()).containsExactlyElementsOf(handledBefore);
    }

    @Test
    void anEventDeliveredTwiceHasOneVisibleEffect() {
        UUID deployment = UUID.randomUUID();
        String consumer = consumerName("idempotent");
        Recorder crashingBeforeAck = new Recorder(deployment).failingAttempts(1);
        IdempotentEffects effects = idempotentEffects();
        bus.subscribe(consumer, EventTypes.all(), effects.guarded(consumer, crashingBeforeAck));
        Event event = SampleEvents.nth(4, deployment);

        bus.publish(event);

        eventually().until(() -> crashingBeforeAck.handled().contains(event));
        assertThat(crashingBeforeAck.deliveries()).extracting(Delivery::attempt).containsExactly(1, 2);
        assertThat(effects.effects(crashingBeforeAck.deliveries().getFirst().eventId())).isEqualTo(1);
    }

    @Test
    void rejectsAConsumerNameOrTypeSetItCannotUse() {
        assertThatThrownBy(() -> bus.subscribe("build.worker", EventTypes.all(), d -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("build.worker").hasMessageContaining("expected");
        assertThatThrownBy(() -> bus.subscribe("builds", Set.of(), d -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
    }
}
