package io.helixstack.plugin.api;

/** A handler attached to a durable consumer. Closing it detaches the handler; the consumer and its backlog stay. */
public interface Subscription extends AutoCloseable {
    String consumer();

    /** Stops taking events, waits for a handler that is running to return, and hands unhandled events back. */
    @Override
    void close();
}
