package io.helixstack.control;

import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch: what is served ({@link ServingState}) and the route table the delivery plane gets from it, changed under
 * one lock — a change of what is served and its {@link #publish()} happen together, so the table never shows half a
 * promotion. Over a restart of the control plane it carries the delivery plane's table (a delivery process outlives a
 * control process) under what recovery restores, until recovery is done.
 *
 * <p>Use: {@link #lock()}, read or change {@link #serving()}, {@link #publish()}, {@link #unlock()} in a finally.
 */
final class RouteSwitch {
    private static final Logger log = LoggerFactory.getLogger(RouteSwitch.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final ServingState serving = new ServingState();
    private final DeliveryProvider delivery;
    private final ControlConfig config;
    /** The delivery plane's routes from before this start, while recovery restores them; null after. Guarded by lock. */
    private RouteTable carriedOver;

    RouteSwitch(DeliveryProvider delivery, ControlConfig config) {
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.config = Objects.requireNonNull(config, "config");
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** What is served; read and changed with the lock held. */
    ServingState serving() {
        return serving;
    }

    /** With the lock held: the delivery plane gets the table of what is served (over what is carried over). */
    void publish() {
        assert lock.isHeldByCurrentThread() : "publish without the switch lock";
        RouteTable table = serving.routeTable(config);
        if (carriedOver != null) {
            Map<String, Route> merged = new HashMap<>(carriedOver.asMap());
            merged.putAll(table.asMap());
            table = RouteTable.of(merged);
        }
        delivery.publishRoutes(table);
    }

    /**
     * At the start of recovery: what the delivery plane serves now stays under the routes recovery restores, deployment by
     * deployment, so no app stops answering because another was restored first ({@code anythingToRestore} false: nothing
     * is carried).
     */
    void carryOver(boolean anythingToRestore) {
        RouteTable served;
        try {
            served = delivery.routes();
        } catch (RuntimeException e) {
            log.atWarn().log("Could not read the routes the delivery plane serves; recovery publishes its own: {}", e.getMessage());
            return;
        }
        if (anythingToRestore && !served.asMap().isEmpty()) {
            lock();
            try {
                carriedOver = served;
            } finally {
                unlock();
            }
            log.atInfo().addKeyValue("hosts", served.asMap().size()).log("Keeping the delivery plane's routes while recovery"
                    + " restores what they serve");
        }
    }

    /** With the lock held: routes of deployments that stopped serving during recovery are carried no more. */
    void dropCarriedOver(Set<UUID> deploymentIds) {
        assert lock.isHeldByCurrentThread() : "carried-over routes changed without the switch lock";
        if (carriedOver != null && !deploymentIds.isEmpty()) {
            Map<String, Route> kept = new HashMap<>(carriedOver.asMap());
            kept.values().removeIf(r -> deploymentIds.contains(r.deploymentId()));
            carriedOver = RouteTable.of(kept);
        }
    }

    /** Recovery is done: the table is what is served, nothing more. */
    void endCarryOver() {
        lock();
        try {
            if (carriedOver != null) {
                carriedOver = null;
                publish();
            }
        } finally {
            unlock();
        }
    }
}
