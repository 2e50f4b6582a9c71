package io.helixstack.delivery;

import io.helixstack.agent.AgentClient;
import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RouteTable;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeliveryProvider} in another process: the control plane's route tables go to that process's
 * {@link DeliveryAgent}. The control plane owns the table: this client remembers the last one published, and a delivery
 * process that missed it (it was down, or starting again with an empty table) gets it again as soon as it answers —
 * {@link #watch} looks every interval. A publish the delivery plane did not take is therefore not an error for the caller:
 * users are not reaching that process anyway, and it converges when it is back.
 */
public final class RemoteDeliveryProvider implements DeliveryProvider, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteDeliveryProvider.class);
    /**
     * How long a call may take: short, because a publish runs while the control plane holds its switch — a delivery process
     * that hangs must not stall every deployment (a publish it misses is sent again when it answers).
     */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final AgentClient agent;
    private final UUID bootId;
    private final int proxyPort;
    // Guarded by this: sends are serialised, so an older table never overwrites a newer one at the agent. Null until the
    // control plane publishes its first table: until then the delivery process keeps what it serves (its kept table).
    private RouteTable published;
    private long generation;
    /** This client, to the agent: its tables are numbered, so one arriving late never replaces a newer one. */
    private final UUID source = UUID.randomUUID();
    private volatile boolean behind;

    /**
     * Connects to the agent at {@code base} (e.g. {@code http://127.0.0.1:7430}) and asks where its proxy listens.
     *
     * @throws IllegalStateException when the agent does not answer or refuses the token
     */
    public RemoteDeliveryProvider(URI base, String token) {
        this.agent = new AgentClient(Objects.requireNonNull(base, "base"), DeliveryWire.PREFIX, "delivery",
                Objects.requireNonNull(token, "token"), DeliveryWire.JSON);
        DeliveryWire.Hello hello;
        try {
            hello = hello();
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        this.bootId = hello.bootId();
        this.proxyPort = hello.proxyPort();
    }

    /** The port users reach the delivery process's proxy on. */
    public int proxyPort() {
        return proxyPort;
    }

    public URI address() {
        return agent.address();
    }

    /**
     * Every {@code every}, makes sure the delivery process has the last table: sends it again when the process started
     * again (a new boot id: its table is empty) or when the last publish did not reach it.
     */
    public void watch(Duration every) {
        agent.watch(every, bootId, () -> {
            UUID boot = hello().bootId();
            if (behind) {
                send();
            }
            return boot;
        }, this::send);
    }

    /** Whether the delivery process is known to lack the last published table. */
    public boolean behind() {
        return behind;
    }

    /**
     * Sends the table, or — while the delivery process is known not to answer — only keeps it for the next resend, so a
     * dead delivery process costs no timeout per publish.
     */
    @Override
    public synchronized void publishRoutes(RouteTable table) {
        published = Objects.requireNonNull(table, "table");
        generation++;
        if (!behind) {
            send();
        }
    }

    /** The table the delivery process serves now (asked, not remembered). */
    @Override
    public RouteTable routes() {
        return agent.call("routes", null, DeliveryWire.Table.class, CALL_TIMEOUT).table();
    }

    /**
     * Waits in the delivery process; false when it could not say (unreachable: a process that is gone has nothing in flight,
     * but one that is only cut off might).
     */
    @Override
    public boolean drain(Collection<Endpoint> endpoints, Duration timeout) {
        if (behind) {
            send(); // it must route around these endpoints before waiting for them makes sense
        }
        try {
            return agent.call("drain", new DeliveryWire.Drain(List.copyOf(endpoints), timeout.toMillis()), Boolean.class,
                    timeout.plus(CALL_TIMEOUT));
        } catch (IllegalStateException e) {
            log.atWarn().addKeyValue("delivery", agent.address()).log("Could not wait for requests to drain: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void purge(String host) {
        Objects.requireNonNull(host, "host");
        try {
            agent.call("purge", new DeliveryWire.Purge(host), Boolean.class, CALL_TIMEOUT);
        } catch (IllegalStateException e) {
            // A delivery process that is down has no cache; one that starts again starts without one.
            log.atWarn().addKeyValue("delivery", agent.address()).addKeyValue("host", host).log("Could not purge: {}",
                    e.getMessage());
        }
    }

    /**
     * Asks one of the delivery process's further queries (see {@link DeliveryAgent}'s {@code queries}).
     *
     * @throws IllegalStateException when the delivery plane does not answer or refuses
     */
    public <T> T query(String op, Object args, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        return agent.call(op, args, type, CALL_TIMEOUT);
    }

    private DeliveryWire.Hello hello() {
        return agent.call(DeliveryWire.HELLO, null, DeliveryWire.Hello.class, CALL_TIMEOUT);
    }

    private synchronized void send() {
        if (published == null) {
            return; // nothing of this control plane's yet: a restarted delivery process keeps serving its kept table
        }
        try {
            agent.call("publish", new DeliveryWire.Publish(published.asMap(), source, generation), Boolean.class, CALL_TIMEOUT);
            if (behind) {
                log.atInfo().addKeyValue("delivery", agent.address()).addKeyValue("hosts", published.asMap().size())
                        .log("Routes published to the delivery plane again");
            }
            behind = false;
        } catch (IllegalStateException e) {
            if (!behind) {
                log.atWarn().addKeyValue("delivery", agent.address()).log("The delivery plane did not take the routes; it gets"
                        + " them when it answers again: {}", e.getMessage());
            }
            behind = true;
        }
    }

    /** Closes this client only: the delivery process keeps serving its last table. */
    @Override
    public void close() {
        agent.close();
    }
}
