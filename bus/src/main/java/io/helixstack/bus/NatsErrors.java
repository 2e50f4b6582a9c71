package io.helixstack.bus;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The NATS client's errors through SLF4J with keys, instead of its default java.util.logging output. */
final class NatsErrors implements ErrorListener {
    private static final Logger log = LoggerFactory.getLogger(NatsErrors.class);

    @Override
    public void errorOccurred(Connection connection, String error) {
        log.atWarn().addKeyValue("error", error).log("NATS server reported an error");
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
        log.atWarn().addKeyValue("error", exception.toString()).log("NATS connection problem");
    }

    @Override
    public void slowConsumerDetected(Connection connection, Consumer consumer) {
        log.atWarn().log("NATS slow consumer: messages are arriving faster than handled");
    }
}
