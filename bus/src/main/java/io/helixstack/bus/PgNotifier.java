package io.helixstack.bus;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the bus's subscriptions (and the NATS relay) when an event commits: {@code LISTEN} on a dedicated connection,
 * {@link PGConnection#getNotifications(int)}, and a slow fallback wake-up so a lost notification (a reconnect, a
 * publisher in another database session that died mid-commit) delays delivery instead of stalling it.
 */
final class PgNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgNotifier.class);
    /** How long one wait for notifications lasts: the bound on how long close() takes. */
    private static final int POLL_MILLIS = 250;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final Duration fallback;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    PgNotifier(DataSource dataSource, Duration fallback) {
        this.dataSource = dataSource;
        this.fallback = fallback;
        this.thread = Thread.ofPlatform().daemon().name("helix-bus-listen").start(this::run);
    }

    void add(Runnable listener) {
        listeners.add(listener);
    }

    void remove(Runnable listener) {
        listeners.remove(listener);
    }

    private void run() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement s = connection.createStatement()) {
                    s.execute("listen " + BusSchema.NOTIFY_CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                // Whatever committed while nobody listened is found by one look now.
                wakeAll();
                long lastWake = System.nanoTime();
                while (running) {
                    var notifications = pg.getNotifications(POLL_MILLIS);
                    boolean fallbackDue = System.nanoTime() - lastWake >= fallback.toNanos();
                    if ((notifications != null && notifications.length > 0) || fallbackDue) {
                        wakeAll();
                        lastWake = System.nanoTime();
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.atWarn().addKeyValue("retryIn", RECONNECT_DELAY).setCause(e).log("Bus listener lost its connection; reconnecting");
                pause();
            }
        }
    }

    private void wakeAll() {
        listeners.forEach(Runnable::run);
    }

    private synchronized void pause() {
        try {
            wait(RECONNECT_DELAY.toMillis()); // a retry delay, cut short by close()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
