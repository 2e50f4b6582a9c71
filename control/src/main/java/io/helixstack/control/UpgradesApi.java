package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.plugin.api.Provider;
import io.helixstack.store.ConflictException;
import io.helixstack.store.UpgradeRepository;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/** {@code POST /applications/{app}/upgrade} (202): move an application to a cluster; {@code GET} follows it. */
@Blocking
final class UpgradesApi {
    record UpgradeRequest(String provider, String region, Integer nodeCount, String nodeSize, Map<String, String> settings) {
        @Override
        public String toString() {
            return "UpgradeRequest[provider=" + provider + ", settings=(hidden)]";
        }
    }

    record UpgradeView(UUID id, String application, String provider, String region, int nodeCount, String nodeSize, String state,
                       String reason, String clusterId, String backend, String currentBackend, Instant createdAt,
                       Instant finishedAt) {
    }

    private final ApiContext api;
    private final Map<String, Provider> providers;

    UpgradesApi(ApiContext api, Map<String, Provider> providers) {
        this.api = api;
        this.providers = Map.copyOf(providers);
    }

    @Post("/applications/{app}/upgrade")
    public HttpResponse upgrade(@Param("app") String appName, String body) {
        Application app = api.application(appName);
        UpgradeRequest req = ApiJson.read(body, UpgradeRequest.class,
                "{\"provider\":\"kubeconfig\",\"region\":\"home-lab\",\"settings\":{\"kubeconfig\":\"<the YAML of ~/.kube/config>\"}}");
        if (providers.isEmpty()) {
            throw new InvalidInputException("no infrastructure provider is configured on this HelixStack (expected: HELIX_PUBLIC_URL"
                    + " set to the API's address as a cluster reaches it, which enables the kubeconfig provider)");
        }
        if (req.provider() == null || req.provider().isBlank()) {
            throw new InvalidInputException("provider: missing (expected: one of " + new TreeSet<>(providers.keySet()) + ")");
        }
        Provider provider = providers.get(req.provider());
        if (provider == null) {
            throw new InvalidInputException("provider: \"" + req.provider() + "\" (expected: one of " + new TreeSet<>(providers.keySet()) + ")");
        }
        int nodes = req.nodeCount() == null ? 1 : req.nodeCount();
        if (nodes < 1 || nodes > 100) {
            throw new InvalidInputException("node_count: " + nodes + " (expected: 1-100)");
        }
        Map<String, String> settings;
        try {
            settings = provider.register(req.settings() == null ? Map.of() : req.settings());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        if (!"local".equals(app.currentBackend())) {
            throw new ConflictException(app.name() + " already runs on " + app.currentBackend() + " (expected: an application on"
                    + " the local runtime)");
        }
        UUID live = api.store.applications().liveDeployment(app.id(), Deployment.PRODUCTION).orElseThrow(() -> new ConflictException(
                app.name() + " has no live production deployment (expected: deploy it first; the upgrade moves what is live)"));
        UpgradeRepository.Upgrade u = api.store.upgrades().request(app.id(), live, app.name().value(), provider.name(), req.region(),
                nodes, req.nodeSize(), settings);
        return ApiJson.of(HttpStatus.ACCEPTED, view(app, u));
    }

    @Get("/applications/{app}/upgrade")
    public HttpResponse get(@Param("app") String appName) {
        Application app = api.application(appName);
        UpgradeRepository.Upgrade u = api.store.upgrades().latest(app.id()).orElseThrow(() -> new NotFoundException(
                "application \"" + app.name() + "\" was never upgraded (expected: POST /applications/" + app.name() + "/upgrade first)"));
        return ApiJson.ok(view(api.store.applications().byId(app.id()).orElseThrow(), u));
    }

    private static UpgradeView view(Application app, UpgradeRepository.Upgrade u) {
        return new UpgradeView(u.id(), app.name().value(), u.provider(), u.region(), u.nodeCount(), u.nodeSize(), u.state(), u.reason(),
                u.clusterId(), u.backend(), app.currentBackend(), u.createdAt(), u.finishedAt());
    }
}
