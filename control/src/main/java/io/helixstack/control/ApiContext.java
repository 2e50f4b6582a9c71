package io.helixstack.control;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.store.Store;
import java.util.UUID;

/** Look-ups the API services share: everything is scoped to the caller's team. */
final class ApiContext {
    final Store store;
    final DeploymentOrchestrator orchestrator;
    final Views views;
    final ControlConfig config;
    private final java.time.Clock clock;

    ApiContext(Store store, DeploymentOrchestrator orchestrator, ControlConfig config, java.time.Clock clock) {
        this.store = store;
        this.clock = clock;
        this.orchestrator = orchestrator;
        this.config = config;
        this.views = new Views(store, config, orchestrator);
    }

    java.time.Clock clock() {
        return clock;
    }

    UUID team() {
        return TokenAuth.principal(ServiceRequestContext.current()).teamId();
    }

    Application application(String idOrName) {
        return store.applications().find(team(), idOrName)
                .orElseThrow(() -> new NotFoundException("application \"" + idOrName + "\" not found (expected: an application"
                        + " id or name; `helix apps` lists them)"));
    }

    Deployment deployment(String id) {
        UUID uuid = uuid(id, "deployment id");
        Deployment d = store.deployments().find(uuid)
                .orElseThrow(() -> new NotFoundException("deployment " + id + " not found"));
        // Visible only through an application of the caller's team.
        application(d.applicationId().toString());
        return d;
    }

    static UUID uuid(String s, String what) {
        try {
            if (s.length() == 36) {
                return UUID.fromString(s);
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to the message below
        }
        throw new NotFoundException(what + " \"" + s + "\" not found (expected: a UUID like 1a2b3c4d-…)");
    }
}
