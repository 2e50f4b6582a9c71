package io.helixstack.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the built-in proxy, bound at start-up from {@code proxy.*} keys ({@code proxy.bind-address},
 * {@code proxy.port}, {@code proxy.base-domain}, {@code proxy.connect-timeout}, {@code proxy.upstream-response-timeout}).
 *
 * @param bindAddress the address to listen on ({@code 0.0.0.0} for all interfaces)
 * @param port the HTTP port; 0 picks a free one, see {@link BuiltinProxy#port()}
 * @param baseDomain apps live at {@code <app>.<baseDomain>}; only used to tell lost visitors where to look
 * @param connectTimeout how long to wait for an upstream to accept a connection before answering 502
 * @param upstreamResponseTimeout how long a whole upstream response may take; zero for no limit
 */
public record DeliveryConfig(
        String bindAddress, int port, String baseDomain, Duration connectTimeout, Duration upstreamResponseTimeout) {
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BASE_DOMAIN = "localhost";
    /** Short: a refused or black-holed instance should turn into a 502 quickly, not a hung browser tab. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** None: the timeout covers the whole response, so any limit would cut server-sent events and long downloads. */
    public static final Duration DEFAULT_UPSTREAM_RESPONSE_TIMEOUT = Duration.ZERO;

    public DeliveryConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(baseDomain, "baseDomain");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(upstreamResponseTimeout, "upstreamResponseTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("proxy.port: " + port + " (expected: 0-65535, 0 for any free port)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("proxy.connect-timeout: " + connectTimeout + " (expected: > 0)");
        }
        if (upstreamResponseTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "proxy.upstream-response-timeout: " + upstreamResponseTimeout + " (expected: >= 0, 0 for no limit)");
        }
    }

    public static DeliveryConfig defaults() {
        return new DeliveryConfig(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, DEFAULT_BASE_DOMAIN, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_UPSTREAM_RESPONSE_TIMEOUT);
    }

    public DeliveryConfig withBindAddress(String bindAddress) {
        return new DeliveryConfig(bindAddress, port, baseDomain, connectTimeout, upstreamResponseTimeout);
    }

    public DeliveryConfig withPort(int port) {
        return new DeliveryConfig(bindAddress, port, baseDomain, connectTimeout, upstreamResponseTimeout);
    }

    public DeliveryConfig withBaseDomain(String baseDomain) {
        return new DeliveryConfig(bindAddress, port, baseDomain, connectTimeout, upstreamResponseTimeout);
    }

    public DeliveryConfig withUpstreamResponseTimeout(Duration upstreamResponseTimeout) {
        return new DeliveryConfig(bindAddress, port, baseDomain, connectTimeout, upstreamResponseTimeout);
    }
}
