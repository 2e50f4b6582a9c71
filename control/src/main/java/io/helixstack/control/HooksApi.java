package io.helixstack.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.helixstack.domain.Application;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.store.NotificationHookRepository;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/** An application's outgoing notification webhooks for deployment events (see {@link DeployNotifier}). */
@Blocking
final class HooksApi {
    record HookRequest(String url, String secret, List<String> events) {
        @Override
        public String toString() {
            return "HookRequest[url=" + url + ", events=" + events + "]";
        }
    }

    /** {@code secret} is present only in the answer that generated it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HookView(UUID id, String url, List<String> events, Instant createdAt, String lastEvent, String lastOutcome, Instant lastAt,
                    String secret) {
        static HookView of(NotificationHookRepository.Hook h, String generatedSecret) {
            return new HookView(h.id(), h.url(), h.events(), h.createdAt(), h.lastEvent(), h.lastOutcome(), h.lastAt(), generatedSecret);
        }
    }

    private final ApiContext api;
    private final SecureRandom random = new SecureRandom();

    HooksApi(ApiContext api) {
        this.api = api;
    }

    @Post("/applications/{app}/hooks")
    public HttpResponse create(@Param("app") String appName, String body) {
        Application app = api.application(appName);
        HookRequest req = ApiJson.read(body, HookRequest.class,
                "{\"url\":\"https://hooks.example.com/helix\",\"events\":[\"deploy.promoted\",\"deployment.failed\"]}");
        String url = SignedWebhook.validUrl("url", req.url());
        if (req.secret() != null && (req.secret().length() < 16 || req.secret().length() > 256)) {
            throw new InvalidInputException("secret: " + req.secret().length()
                    + " characters (expected: 16 to 256; leave it out to have one generated)");
        }
        List<String> events = events(req.events());
        if (api.store.hooks().ofApplication(app.id()).size() >= 20) {
            throw new InvalidInputException("hooks: application \"" + app.name() + "\" has 20 already (expected: at most 20)");
        }
        String generated = req.secret() == null ? HexFormat.of().formatHex(randomBytes()) : null;
        NotificationHookRepository.Hook hook = api.store.hooks().create(app.id(), url, req.secret() != null ? req.secret() : generated,
                events);
        return ApiJson.of(HttpStatus.CREATED, HookView.of(hook, generated));
    }

    @Get("/applications/{app}/hooks")
    public HttpResponse list(@Param("app") String appName) {
        Application app = api.application(appName);
        return ApiJson.ok(api.store.hooks().ofApplication(app.id()).stream().map(h -> HookView.of(h, null)).toList());
    }

    @Delete("/applications/{app}/hooks/{id}")
    public HttpResponse delete(@Param("app") String appName, @Param("id") String id) {
        Application app = api.application(appName);
        UUID hookId;
        try {
            hookId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("hook id: \"" + id + "\" (expected: the id the hook was created with)");
        }
        if (!api.store.hooks().delete(app.id(), hookId)) {
            throw new NotFoundException("hook " + id + " of \"" + app.name() + "\" not found");
        }
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    private static List<String> events(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            return DeployNotifier.DEFAULT_EVENTS;
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String e : requested) {
            if (e == null || !DeployNotifier.EVENTS.contains(e)) {
                throw new InvalidInputException("events: \"" + e + "\" (expected: some of " + DeployNotifier.EVENTS + ")");
            }
            out.add(e);
        }
        return List.copyOf(out);
    }

    private byte[] randomBytes() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }
}
