package io.helixstack.plugin.tck;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A test handler that records the deliveries of its own deployments' events (acknowledging any other event unseen) and
 * fails the ones it is told to.
 */
final class Recorder implements EventHandler {
    private final Set<UUID> deployments;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<Long> deliveredAtNanos = new ArrayList<>();
    private final List<Event> handled = new ArrayList<>();
    private Set<Integer> failingAttempts = Set.of();
    private Set<Event> failingEvents = Set.of();
    private Set<Event> failingFirstAttemptOf = Set.of();

    Recorder(UUID... deployments) {
        this.deployments = Set.of(deployments);
    }

    /** Fails every event's delivery number {@code attempts}. */
    Recorder failingAttempts(Integer... attempts) {
        this.failingAttempts = Set.of(attempts);
        return this;
    }

    /** Fails every delivery of {@code event}. */
    Recorder failingEvent(Event event) {
        this.failingEvents = Set.of(event);
        return this;
    }

    Recorder failingFirstAttemptOf(Set<Event> events) {
        this.failingFirstAttemptOf = Set.copyOf(events);
        return this;
    }

    @Override
    public void handle(Delivery delivery) {
        if (!deployments.contains(delivery.event().deploymentId())) {
            return;
        }
        synchronized (this) {
            deliveries.add(delivery);
            deliveredAtNanos.add(System.nanoTime());
        }
        boolean fail = failingAttempts.contains(delivery.attempt())
                || failingEvents.contains(delivery.event())
                || (delivery.attempt() == 1 && failingFirstAttemptOf.contains(delivery.event()));
        if (fail) {
            throw new IllegalStateException("refused on purpose: attempt " + delivery.attempt());
        }
        synchronized (this) {
            handled.add(delivery.event());
        }
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The events handled successfully, in the order their handling finished. */
    synchronized List<Event> handled() {
        return List.copyOf(handled);
    }

    /** Time between the first delivery with {@code attempt - 1} and the first with {@code attempt}. */
    synchronized Duration gapBeforeAttempt(int attempt) {
        long before = -1;
        for (int i = 0; i < deliveries.size(); i++) {
            if (deliveries.get(i).attempt() == attempt - 1 && before < 0) {
                before = deliveredAtNanos.get(i);
            }
            if (deliveries.get(i).attempt() == attempt && before >= 0) {
                return Duration.ofNanos(deliveredAtNanos.get(i) - before);
            }
        }
        throw new AssertionError("no attempt " + attempt + " after attempt " + (attempt - 1) + " in " + deliveries);
    }
}
