package io.helixstack.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Put;
import io.helixstack.domain.Application;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.store.AlertRepository;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** An application's alert rule (crash loop, error rate → a signed webhook) and the alerts it raised. */
@Blocking
final class AlertsApi {
    static final AlertRepository.Thresholds DEFAULTS = new AlertRepository.Thresholds(3, Duration.ofMinutes(10), 5.0,
            Duration.ofMinutes(5), 20);
    private static final Duration LONGEST_WINDOW = Duration.ofDays(1);

    record RuleRequest(String webhookUrl, String secret, Integer crashLoopRestarts, String crashLoopWindow, Double errorRatePercent,
                       String errorRateWindow, Integer errorRateMinRequests) {
        @Override
        public String toString() {
            return "RuleRequest[webhookUrl=" + webhookUrl + "]";
        }
    }

    record AlertView(UUID id, String kind, String detail, Instant firedAt, Instant resolvedAt, String notified) {
    }

    /** {@code secret} is present only in the answer that generated it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RuleView(String application, String webhookUrl, int crashLoopRestarts, String crashLoopWindow, double errorRatePercent,
                    String errorRateWindow, int errorRateMinRequests, Instant updatedAt, String secret, List<AlertView> alerts) {
    }

    private final ApiContext api;
    private final SecureRandom random = new SecureRandom();

    AlertsApi(ApiContext api) {
        this.api = api;
    }

    @Put("/applications/{app}/alerts")
    public HttpResponse put(@Param("app") String appName, String body) {
        Application app = api.application(appName);
        RuleRequest req = ApiJson.read(body, RuleRequest.class,
                "{\"webhook_url\":\"https://hooks.example.com/helix\",\"crash_loop_restarts\":3,\"error_rate_percent\":5}");
        String url = webhookUrl(req.webhookUrl());
        if (req.secret() != null && (req.secret().length() < 16 || req.secret().length() > 256)) {
            throw new InvalidInputException("secret: " + req.secret().length()
                    + " characters (expected: 16 to 256; leave it out to have one generated)");
        }
        AlertRepository.Thresholds t = new AlertRepository.Thresholds(
                positive("crash_loop_restarts", req.crashLoopRestarts(), DEFAULTS.crashLoopRestarts()),
                window("crash_loop_window", req.crashLoopWindow(), DEFAULTS.crashLoopWindow()),
                percent(req.errorRatePercent()),
                window("error_rate_window", req.errorRateWindow(), DEFAULTS.errorRateWindow()),
                positive("error_rate_min_requests", req.errorRateMinRequests(), DEFAULTS.errorRateMinRequests()));
        boolean exists = api.store.alerts().rule(app.id()).isPresent();
        String generated = req.secret() == null && !exists ? HexFormat.of().formatHex(randomBytes()) : null;
        AlertRepository.Rule rule = api.store.alerts().put(app.id(), url, req.secret() != null ? req.secret() : generated, t);
        return ApiJson.ok(view(app, rule, generated));
    }

    @Get("/applications/{app}/alerts")
    public HttpResponse get(@Param("app") String appName) {
        Application app = api.application(appName);
        AlertRepository.Rule rule = api.store.alerts().rule(app.id()).orElseThrow(() -> new NotFoundException("application \""
                + app.name() + "\" has no alert rule (expected: PUT /applications/" + app.name() + "/alerts first)"));
        return ApiJson.ok(view(app, rule, null));
    }

    @Delete("/applications/{app}/alerts")
    public HttpResponse delete(@Param("app") String appName) {
        Application app = api.application(appName);
        if (!api.store.alerts().delete(app.id())) {
            throw new NotFoundException("application \"" + app.name() + "\" has no alert rule");
        }
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    private RuleView view(Application app, AlertRepository.Rule rule, String generatedSecret) {
        AlertRepository.Thresholds t = rule.thresholds();
        List<AlertView> alerts = api.store.alerts().recent(app.id(), 50).stream()
                .map(a -> new AlertView(a.id(), a.kind(), a.detail(), a.firedAt(), a.resolvedAt(), a.notified())).toList();
        return new RuleView(app.name().value(), rule.webhookUrl(), t.crashLoopRestarts(), t.crashLoopWindow().toSeconds() + "s",
                t.errorRatePercent(), t.errorRateWindow().toSeconds() + "s", t.errorRateMinRequests(), rule.updatedAt(),
                generatedSecret, alerts);
    }

    private static String webhookUrl(String value) {
        return SignedWebhook.validUrl("webhook_url", value);
    }

    private static int positive(String name, Integer value, int dflt) {
        if (value == null) {
            return dflt;
        }
        if (value < 1 || value > 100_000) {
            throw new InvalidInputException(name + ": " + value + " (expected: 1 to 100000)");
        }
        return value;
    }

    private static double percent(Double value) {
        if (value == null) {
            return DEFAULTS.errorRatePercent();
        }
        if (!(value > 0 && value <= 100)) {
            throw new InvalidInputException("error_rate_percent: " + value + " (expected: more than 0, at most 100)");
        }
        return value;
    }

    private static Duration window(String name, String value, Duration dflt) {
        Duration d = Optional.ofNullable(TimeParam.duration(name, value)).orElse(dflt);
        if (d.compareTo(LONGEST_WINDOW) > 0 || d.toSeconds() < 1) {
            throw new InvalidInputException(name + ": \"" + value + "\" (expected: 1s to 24h)");
        }
        return d;
    }

    private byte[] randomBytes() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }
}
