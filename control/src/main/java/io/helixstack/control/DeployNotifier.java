package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventTypes;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.store.NotificationHookRepository;
import io.helixstack.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable bus consumer that POSTs deployment events to the applications' notification hooks, signed with each hook's
 * secret ({@link SignedWebhook}). A hook that fails makes the bus deliver the event again later (with backoff, up to its
 * attempts); hooks that already took it get it again with the same {@code X-Helix-Delivery} and can drop the copy.
 */
public final class DeployNotifier {
    public static final String CONSUMER = "notifications";
    static final Map<String, Class<? extends Event>> BY_NAME = new LinkedHashMap<>();

    static {
        for (Class<? extends Event> type : List.of(Event.DeployPromoted.class, Event.DeploymentFailed.class,
                Event.DeploymentRolledBack.class, Event.ProductionDeploymentRequested.class, Event.PreviewDeploymentRequested.class,
                Event.PreviewRemoved.class)) {
            BY_NAME.put(EventTypes.wireName(type), type);
        }
    }

    /** What a hook may ask for. */
    static final List<String> EVENTS = List.copyOf(BY_NAME.keySet());
    /** What a hook gets when it does not say. */
    static final List<String> DEFAULT_EVENTS = List.of("deploy.promoted", "deployment.failed", "deployment.rolled_back");
    private static final Logger log = LoggerFactory.getLogger(DeployNotifier.class);

    private final Store store;
    private final ControlConfig config;

    public DeployNotifier(Store store, ControlConfig config) {
        this.store = store;
        this.config = config;
    }

    public Subscription subscribe(EventBus bus) {
        return bus.subscribe(CONSUMER, Set.copyOf(BY_NAME.values()), this::handle);
    }

    void handle(Delivery delivery) {
        Event event = delivery.event();
        String type = event.type();
        Optional<Deployment> found = store.deployments().find(event.deploymentId());
        if (found.isEmpty()) {
            return;
        }
        Deployment d = found.get();
        List<NotificationHookRepository.Hook> hooks = store.hooks().ofApplication(d.applicationId()).stream()
                .filter(h -> h.events().contains(type)).toList();
        if (hooks.isEmpty()) {
            return;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", type);
        payload.put("app", d.app());
        payload.put("environment", d.environment());
        payload.put("deployment", Map.of("id", d.id().toString(), "label", d.label(), "state", d.state().wireName(),
                "url", config.url(config.deploymentHost(d.app(), d.shortId())),
                "environment_url", config.url(config.environmentHost(d.app(), d.environment()))));
        payload.put("data", event);
        payload.put("at", event.at().toString());
        byte[] body = ApiJson.write(payload).getBytes(StandardCharsets.UTF_8);
        String failed = null;
        for (NotificationHookRepository.Hook hook : hooks) {
            SignedWebhook.Outcome outcome = SignedWebhook.post(hook.url(), hook.secret(), type, delivery.eventId() + "-" + hook.id(), body);
            store.hooks().recordOutcome(hook.id(), type, outcome.text());
            if (!outcome.delivered()) {
                failed = hook.url() + ": " + outcome.text();
            }
        }
        if (failed != null) {
            log.atWarn().addKeyValue("app", d.app()).addKeyValue("event", type).addKeyValue("attempt", delivery.attempt())
                    .log("Notification hook failed; the bus will try again");
            throw new IllegalStateException("notification not delivered to " + failed);
        }
    }
}
