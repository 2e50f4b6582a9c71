package io.helixstack.plugin.api;

import java.util.Objects;

/** Where an instance listens. */
public record Endpoint(String host, int port) {
    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
