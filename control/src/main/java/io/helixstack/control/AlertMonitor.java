package io.helixstack.control;

import io.helixstack.domain.Application;
import io.helixstack.store.AlertRepository;
import io.helixstack.store.MetricRepository;
import io.helixstack.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After every metrics sample, checks each application's alert rule against the stored samples: a crash loop (restarts of
 * its instances within a window) and an error rate (the share of 5xx responses within a window, above a minimum number
 * of requests). A condition that starts opens an alert, one that ends resolves it; both are noted in the app's log and
 * POSTed to the rule's webhook, signed like GitHub's webhooks ({@code X-Helix-Signature-256: sha256=<HMAC of the body>}),
 * retried a few times with backoff.
 */
final class AlertMonitor {
    static final String CRASH_LOOP = "crash_loop";
    static final String ERROR_RATE = "error_rate";
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);

    private final Store store;
    private final PlatformLog platformLog;
    private final Clock clock;

    /** @param platformLog where alerts are noted in the app's log; null notes nothing */
    AlertMonitor(Store store, PlatformLog platformLog, Clock clock) {
        this.store = store;
        this.platformLog = platformLog;
        this.clock = clock;
    }

    void check() {
        for (AlertRepository.Rule rule : store.alerts().rules()) {
            try {
                check(rule);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).addKeyValue("application", rule.applicationId()).log("Alert check failed");
            }
        }
    }

    private void check(AlertRepository.Rule rule) {
        AlertRepository.Thresholds t = rule.thresholds();
        Instant now = clock.instant();
        Duration longest = t.crashLoopWindow().compareTo(t.errorRateWindow()) > 0 ? t.crashLoopWindow() : t.errorRateWindow();
        long restarts = 0;
        long requests = 0;
        long errors = 0;
        UUID worst = null;
        for (MetricRepository.Point p : store.metrics().since(rule.applicationId(), now.minus(longest))) {
            if (p.name().equals(MetricsSampler.RESTARTS) && p.at().isAfter(now.minus(t.crashLoopWindow()))) {
                restarts += (long) p.value();
                worst = p.deploymentId();
            } else if (p.name().equals(MetricsSampler.REQUEST_DURATION) && p.at().isAfter(now.minus(t.errorRateWindow()))) {
                long count = p.counts().stream().mapToLong(Long::longValue).sum();
                requests += count;
                if ("5xx".equals(p.attributes().get("status"))) {
                    errors += count;
                    worst = worst == null ? p.deploymentId() : worst;
                }
            }
        }
        boolean crashLooping = restarts >= t.crashLoopRestarts();
        double percent = requests == 0 ? 0 : 100.0 * errors / requests;
        boolean failing = requests >= t.errorRateMinRequests() && percent >= t.errorRatePercent();
        update(rule, CRASH_LOOP, crashLooping, restarts + " restarts in the last " + describe(t.crashLoopWindow())
                + " (threshold " + t.crashLoopRestarts() + ")", worst);
        update(rule, ERROR_RATE, failing, String.format(Locale.ROOT, "%.1f%% of %d requests answered 5xx in the last %s"
                + " (threshold %.1f%%)", percent, requests, describe(t.errorRateWindow()), t.errorRatePercent()), worst);
    }

    private void update(AlertRepository.Rule rule, String kind, boolean active, String detail, UUID deployment) {
        if (active) {
            store.alerts().fire(rule.applicationId(), kind, detail).ifPresent(alert -> {
                note(rule.applicationId(), deployment, "alert " + kind + ": " + detail);
                notifyLater(rule, alert, "alert.fired");
            });
        } else {
            store.alerts().resolve(rule.applicationId(), kind).ifPresent(alert -> {
                note(rule.applicationId(), deployment, "alert " + kind + " resolved");
                notifyLater(rule, alert, "alert.resolved");
            });
        }
    }

    private void note(UUID applicationId, UUID deployment, String line) {
        UUID target = deployment != null ? deployment
                : store.deployments().listByApplication(applicationId, 1).stream().findFirst().map(d -> d.id()).orElse(null);
        if (target != null && platformLog != null) {
            platformLog.note(applicationId, target, line);
        }
    }

    private void notifyLater(AlertRepository.Rule rule, AlertRepository.Alert alert, String event) {
        Thread.ofVirtual().name("alert-" + alert.id()).start(() -> deliver(rule, alert, event));
    }

    private void deliver(AlertRepository.Rule rule, AlertRepository.Alert alert, String event) {
        String app = store.applications().byId(rule.applicationId()).map(Application::name).map(Object::toString)
                .orElse(rule.applicationId().toString());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", event);
        payload.put("app", app);
        payload.put("alert", Map.of("id", alert.id(), "kind", alert.kind(), "detail", alert.detail(),
                "fired_at", alert.firedAt().toString(),
                "resolved_at", alert.resolvedAt() == null ? "" : alert.resolvedAt().toString()));
        byte[] body = ApiJson.write(payload).getBytes(StandardCharsets.UTF_8);
        String outcome = "failed: not attempted";
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SignedWebhook.Outcome o = SignedWebhook.post(rule.webhookUrl(), rule.secret(), event, alert.id() + "-" + event, body);
            outcome = o.text();
            if (o.delivered() || attempt == ATTEMPTS) {
                break;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            wait = wait.multipliedBy(2);
        }
        store.alerts().notified(alert.id(), outcome);
        log.atInfo().addKeyValue("app", app).addKeyValue("event", event).addKeyValue("kind", alert.kind())
                .addKeyValue("outcome", outcome).log("Alert notification");
    }

    private static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
