package io.helixstack.runtime;

import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Readiness;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides readiness the way the proxy will see the app: {@code GET http://127.0.0.1:<port><path>} answering 2xx/3xx,
 * polled until the health check's timeout passes or the instance gives a reason to stop waiting (it exited).
 */
final class HealthProbe {
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MIN_REQUEST_TIMEOUT = Duration.ofMillis(50);

    private final HttpClient http;
    private final Clock clock;

    HealthProbe(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder()
                // The app is on loopback: a proxy configured for the platform must never be asked.
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(REQUEST_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * @param giveUp checked before every attempt; a present value ends the wait with that reason
     */
    Readiness await(Endpoint endpoint, HealthCheck health, Supplier<Optional<String>> giveUp) {
        if (!health.http()) {
            return awaitSettled(health, giveUp);
        }
        URI uri = URI.create("http://" + endpoint.host() + ":" + endpoint.port() + health.path());
        Instant deadline = clock.instant().plus(health.timeout());
        String last = "no answer yet";
        while (true) {
            Optional<String> reason = giveUp.get();
            if (reason.isPresent()) {
                return new Readiness.NotReady(reason.get());
            }
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                return new Readiness.NotReady("GET " + health.path() + " did not answer 2xx/3xx within "
                        + describe(health.timeout()) + " (last: " + last + ")");
            }
            Attempt attempt = attempt(uri, clamp(remaining));
            if (attempt.ready()) {
                return new Readiness.Ready();
            }
            last = attempt.outcome();
            if (!pause()) {
                return new Readiness.NotReady("interrupted while waiting for GET " + health.path());
            }
        }
    }

    /** A worker listens on nothing: it is ready once it has stayed up for the whole settle time. */
    private Readiness awaitSettled(HealthCheck health, Supplier<Optional<String>> giveUp) {
        Instant deadline = clock.instant().plus(health.timeout());
        while (true) {
            Optional<String> reason = giveUp.get();
            if (reason.isPresent()) {
                return new Readiness.NotReady(reason.get());
            }
            if (!clock.instant().isBefore(deadline)) {
                return new Readiness.Ready();
            }
            if (!pause()) {
                return new Readiness.NotReady("interrupted while waiting for the process to settle");
            }
        }
    }

    private record Attempt(boolean ready, String outcome) {
    }

    private Attempt attempt(URI uri, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "helix-health").GET().build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int code = response.statusCode();
            return new Attempt(code >= 200 && code < 400, "answered " + code);
        } catch (HttpConnectTimeoutException e) {
            return new Attempt(false, "connect timed out after " + describe(timeout));
        } catch (HttpTimeoutException e) {
            return new Attempt(false, "no answer within " + describe(timeout));
        } catch (ConnectException e) {
            return new Attempt(false, "connection refused");
        } catch (IOException e) {
            return new Attempt(false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(false, "interrupted");
        }
    }

    private static Duration clamp(Duration remaining) {
        if (remaining.compareTo(REQUEST_TIMEOUT) > 0) {
            return REQUEST_TIMEOUT;
        }
        return remaining.compareTo(MIN_REQUEST_TIMEOUT) < 0 ? MIN_REQUEST_TIMEOUT : remaining;
    }

    /** Waits between attempts; false when interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(POLL_INTERVAL);
            return !Thread.currentThread().isInterrupted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code 30s}, {@code 1.5s}, {@code 250ms}: how reasons and log lines name a duration. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
