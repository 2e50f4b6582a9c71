package io.helixstack.control;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.Deployment;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a deployment's artifact into something that can take traffic: health-checked instances, or a static route. */
final class InstanceLauncher {
    /** The outcome of a launch. */
    sealed interface Launch {
        record Started(ServingState.Served served) implements Launch {
        }

        record Failed(String reason) implements Launch {
        }
    }

    static final String WEB = "web";

    private final Store store;
    private final RuntimeDriver runtime;
    private final PlatformLog platformLog;
    private final ControlConfig config;

    InstanceLauncher(Store store, RuntimeDriver runtime, PlatformLog platformLog, ControlConfig config) {
        this.store = store;
        this.runtime = runtime;
        this.platformLog = platformLog;
        this.config = config;
    }

    Launch launch(Deployment d, Artifact artifact, Map<String, String> appEnv) {
        if (artifact.metadata().kind() == ArtifactKind.STATIC) {
            Path root = artifact.dir().resolve(artifact.metadata().staticRoot()).normalize();
            if (!Files.isRegularFile(root.resolve("index.html"))) {
                return new Launch.Failed("the static artifact has no index.html in " + artifact.metadata().staticRoot());
            }
            return new Launch.Started(staticServed(d, artifact));
        }
        platformLog.protect(d.id(), appEnv.values());
        String defaultHealthPath = store.applications().byId(d.applicationId()).map(a -> a.healthPath()).orElse(HealthCheck.DEFAULT_PATH);
        WebProcess web;
        switch (WebProcess.of(artifact, defaultHealthPath)) {
            case WebProcess.Resolved.Unsupported u -> {
                return new Launch.Failed(u.reason());
            }
            case WebProcess.Resolved.Ok ok -> web = ok.process();
        }
        // Precedence, lowest first: the buildpack's defaults, helix.yaml's env, the variables set with `helix env`.
        Map<String, String> env = new HashMap<>(artifact.metadata().env());
        env.putAll(web.env());
        env.putAll(appEnv);
        env.put("HELIX_APP", d.app());
        env.put("HELIX_DEPLOYMENT", d.label());
        runtime.prepare(artifact);
        InstanceSpec spec = new InstanceSpec(d.id(), d.app(), WEB, artifact, web.command(), env,
                new HealthCheck(web.healthPath(), config.healthTimeout()));
        Instance instance = runtime.deploy(spec);
        try {
            store.instances().started(instance.id(), d.id(), WEB, instance.endpoint().host(), instance.endpoint().port());
            note(d, "Starting " + d.label() + " instance " + instance.id() + " on " + instance.endpoint());
            Readiness readiness = runtime.awaitReady(instance);
            if (readiness instanceof Readiness.NotReady notReady) {
                note(d, "Instance " + instance.id() + " of " + d.label() + " never became healthy: " + notReady.reason());
                stop(List.of(instance));
                return new Launch.Failed("health check failed: " + notReady.reason());
            }
        } catch (RuntimeException e) {
            // Whatever went wrong, a started instance must not outlive its launch.
            stop(List.of(instance));
            return new Launch.Failed("could not start an instance: " + e.getMessage());
        }
        return new Launch.Started(new ServingState.Served(d.id(), d.app(), List.of(instance),
                new Route.Upstreams(d.id(), d.app(), List.of(instance.endpoint()))));
    }

    ServingState.Served staticServed(Deployment d, Artifact artifact) {
        Path root = artifact.dir().resolve(artifact.metadata().staticRoot()).normalize();
        return new ServingState.Served(d.id(), d.app(), List.of(), new Route.Static(d.id(), d.app(), root, true));
    }

    void promote(ServingState.Served served) {
        if (!served.instances().isEmpty()) {
            runtime.promote(served.instances());
        }
    }

    void stop(List<Instance> instances) {
        for (Instance i : instances) {
            runtime.cleanup(i, config.stopGrace());
            store.instances().stopped(i.id());
        }
    }

    void note(Deployment d, String line) {
        platformLog.note(d.applicationId(), d.id(), line);
    }
}
