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
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.manifest.DatabaseEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import io.helixstack.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a deployment's artifact into something that can take traffic: health-checked instances, or a static route. */
final class InstanceLauncher {
    /** The outcome of a launch in one region. */
    sealed interface Launch {
        record Started(ServingState.Served served) implements Launch {
        }

        record Failed(String reason) implements Launch {
        }
    }

    /** The outcome of a launch in several regions: all of them, or none. */
    sealed interface Placement {
        record Started(List<ServingState.Served> served) implements Placement {
        }

        record Failed(String reason) implements Placement {
        }
    }

    static final String WEB = "web";
    /** A worker is ready once it has run this long without exiting. */
    static final Duration WORKER_SETTLE = Duration.ofSeconds(2);
    /** The release command is killed after running this long, and the deployment fails. */
    static final Duration RELEASE_TIMEOUT = Duration.ofMinutes(10);

    private final Store store;
    private final RuntimeTargets targets;
    /** The driver that started each instance: stop and promote must ask the same one. */
    private final Map<String, RuntimeDriver> driverOf = new java.util.concurrent.ConcurrentHashMap<>();
    private final PlatformLog platformLog;
    private final ControlConfig config;
    private final ManagedDatabases databases;

    InstanceLauncher(Store store, RuntimeTargets targets, PlatformLog platformLog, ControlConfig config, ManagedDatabases databases) {
        this.databases = databases;
        this.targets = targets;
        this.store = store;
        this.platformLog = platformLog;
        this.config = config;
    }

    /**
     * Starts the deployment in every one of {@code regions} and waits until all are ready: the first region first (with
     * {@code release}, the release command runs there, once, before any instance starts), then the others at once. A
     * static deployment is served by the delivery plane itself, everywhere. If any region fails, what started elsewhere
     * is stopped.
     */
    Placement launchIn(Deployment d, Artifact artifact, Map<String, String> appEnv, boolean release, List<RuntimeTargets.Target> regions) {
        Launch first;
        try {
            first = launch(d, artifact, appEnv, release, regions.getFirst());
        } catch (RuntimeException e) {
            // A runtime that cannot be reached (its process is down) fails the launch with the reason, like any other.
            first = new Launch.Failed("could not start: " + e.getMessage());
        }
        if (first instanceof Launch.Failed f) {
            return new Placement.Failed(regions.size() > 1 ? "in region " + regions.getFirst().region() + ": " + f.reason() : f.reason());
        }
        ServingState.Served firstServed = ((Launch.Started) first).served();
        if (regions.size() == 1 || firstServed.region().equals(ServingState.EVERYWHERE)) {
            return new Placement.Started(List.of(firstServed));
        }
        List<java.util.concurrent.Future<Launch>> rest = new ArrayList<>();
        try (var parallel = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (RuntimeTargets.Target region : regions.subList(1, regions.size())) {
                rest.add(parallel.submit(() -> launch(d, artifact, appEnv, false, region)));
            }
        }
        List<ServingState.Served> started = new ArrayList<>(List.of(firstServed));
        String failure = null;
        for (int i = 0; i < rest.size(); i++) {
            Launch launch;
            try {
                launch = rest.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                launch = new Launch.Failed("could not start: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                launch = new Launch.Failed("interrupted");
            }
            switch (launch) {
                case Launch.Started s -> started.add(s.served());
                case Launch.Failed f -> failure = failure != null ? failure
                        : "in region " + regions.get(i + 1).region() + ": " + f.reason();
            }
        }
        if (failure != null) {
            started.forEach(s -> stop(s.instances()));
            return new Placement.Failed(failure);
        }
        return new Placement.Started(List.copyOf(started));
    }

    /**
     * Starts every instance of every service of the deployment on {@code target} (one region) and waits until all are
     * ready. With {@code release}, the manifest's release command runs first, and a failure stops the launch before any
     * instance starts.
     */
    Launch launch(Deployment d, Artifact artifact, Map<String, String> appEnv, boolean release, RuntimeTargets.Target target) {
        RuntimeDriver runtime = target.driver();
        if (artifact.metadata().kind() == ArtifactKind.STATIC) {
            Path root = artifact.dir().resolve(artifact.metadata().staticRoot()).normalize();
            if (!Files.isRegularFile(root.resolve("index.html"))) {
                return new Launch.Failed("the static artifact has no index.html in " + artifact.metadata().staticRoot());
            }
            return new Launch.Started(staticServed(d, artifact));
        }
        platformLog.protect(d.id(), appEnv.values());
        ProcessPlan plan;
        switch (plan(d, artifact)) {
            case ProcessPlan.Resolved.Unsupported u -> {
                return new Launch.Failed(u.reason());
            }
            case ProcessPlan.Resolved.Ok ok -> plan = ok.plan();
        }
        Map<String, DatabaseEndpoint> endpoints;
        try {
            endpoints = databases.provision(d, plan.databases());
        } catch (ManagedDatabases.ProvisionException e) {
            return new Launch.Failed(e.getMessage());
        }
        // Database passwords are secrets like the app's variables: masked in every log line.
        platformLog.protect(d.id(), endpoints.values().stream().flatMap(e -> java.util.stream.Stream.of(e.credentials().password(),
                e.url())).toList());
        endpoints.forEach((name, e) -> note(d, "Database " + name + ": " + e.credentials().database() + " on " + e.host() + ":"
                + e.port()));
        runtime.prepare(artifact);
        if (release && plan.release().isPresent()) {
            ProcessPlan.Service first = plan.services().getFirst();
            note(d, "Running the release command of " + d.label() + ": " + plan.release().get());
            TaskResult result = runtime.run(new TaskSpec(d.id(), d.app(), "release", artifact, plan.release().get(),
                    envOf(d, artifact, plan, first, endpoints, appEnv), RELEASE_TIMEOUT, first.resources()));
            if (result instanceof TaskResult.Failed f) {
                note(d, "Release command failed: " + f.reason());
                return new Launch.Failed("release command failed: " + f.reason());
            }
            note(d, "Release command finished");
        }
        List<Instance> started = new ArrayList<>();
        try {
            for (ProcessPlan.Service service : plan.services()) {
                HealthCheck health = service.http() ? new HealthCheck(service.healthPath(), config.healthTimeout())
                        : HealthCheck.processUp(WORKER_SETTLE);
                Map<String, String> env = envOf(d, artifact, plan, service, endpoints, appEnv);
                if (service.http()) {
                    String host = config.environmentHost(d.app(), d.environment());
                    env.put(InstanceSpec.ROUTE_HOST, service == plan.httpServices().getFirst() ? host : service.name() + "--" + host);
                }
                InstanceSpec spec = new InstanceSpec(d.id(), d.app(), service.name(), artifact, service.command(), env, health,
                        service.resources());
                for (int i = 0; i < service.instances(); i++) {
                    Instance instance = runtime.deploy(spec);
                    driverOf.put(instance.id(), runtime);
                    started.add(instance);
                    store.instances().started(instance.id(), d.id(), service.name(), instance.endpoint().host(),
                            instance.endpoint().port());
                    note(d, "Starting " + d.label() + " " + (service.http() ? "" : "worker ") + service.name() + " instance "
                            + instance.id() + (service.http() ? " on " + instance.endpoint() : ""));
                }
            }
            // Instances start together; each is awaited on its own thread, so N instances take one health timeout, not N.
            Optional<String> notReady = awaitAll(d, runtime, started);
            if (notReady.isPresent()) {
                stop(started);
                return new Launch.Failed("health check failed: " + notReady.get());
            }
        } catch (RuntimeException e) {
            // Whatever went wrong, a started instance must not outlive its launch.
            stop(started);
            return new Launch.Failed("could not start an instance: " + e.getMessage());
        }
        return new Launch.Started(new ServingState.Served(d.id(), d.app(), target.region(), List.copyOf(started),
                routes(d, plan, target, started)));
    }

    /**
     * What a target still runs of a deployment: {@code served} when there is an instance for every service of its plan;
     * else empty, the caller launches it afresh, and {@code leftovers} — what is left of the old instances, now claimed
     * (so nobody else stops them) and still serving through the delivery plane's carried-over table — are the caller's
     * to drain and stop once the fresh ones serve.
     */
    record Adoption(Optional<ServingState.Served> served, List<Instance> leftovers) {
        static final Adoption NONE = new Adoption(Optional.empty(), List.of());
    }

    /** Serves the deployment from the instances its target still runs (a cluster's pods survive a platform restart). */
    Adoption adopt(Deployment d, Artifact artifact, RuntimeTargets.Target target) {
        if (artifact.metadata().kind() == ArtifactKind.STATIC) {
            return Adoption.NONE;
        }
        List<Instance> kept = target.driver().adopt(d.id());
        if (kept.isEmpty()) {
            return Adoption.NONE;
        }
        kept.forEach(inst -> driverOf.put(inst.id(), target.driver()));
        if (!(plan(d, artifact) instanceof ProcessPlan.Resolved.Ok ok)
                || !ok.plan().services().stream().allMatch(s -> kept.stream().anyMatch(i -> i.service().equals(s.name())))) {
            return new Adoption(Optional.empty(), List.copyOf(kept));
        }
        kept.forEach(inst -> store.instances().started(inst.id(), d.id(), inst.service(), inst.endpoint().host(),
                inst.endpoint().port()));
        return new Adoption(Optional.of(new ServingState.Served(d.id(), d.app(), target.region(), kept,
                routes(d, ok.plan(), target, kept))), List.of());
    }

    /**
     * The first http service on the app's own hosts, the others under their names; a cluster routes by host itself, so
     * there the proxy forwards the app's hosts to its ingress instead of to the instances.
     */
    private static Map<String, Route> routes(Deployment d, ProcessPlan plan, RuntimeTargets.Target target, List<Instance> instances) {
        Map<String, Route> routes = new LinkedHashMap<>();
        List<ProcessPlan.Service> http = plan.httpServices();
        for (int i = 0; i < http.size(); i++) {
            String name = http.get(i).name();
            List<Endpoint> endpoints = target.ingress().map(List::of).orElseGet(() -> instances.stream()
                    .filter(inst -> inst.service().equals(name)).map(Instance::endpoint).toList());
            routes.put(i == 0 ? ServingState.PRIMARY : name, new Route.Upstreams(d.id(), d.app(), endpoints));
        }
        return routes;
    }

    private ProcessPlan.Resolved plan(Deployment d, Artifact artifact) {
        String defaultHealthPath = store.applications().byId(d.applicationId()).map(a -> a.healthPath()).orElse(HealthCheck.DEFAULT_PATH);
        return ProcessPlan.of(artifact, defaultHealthPath);
    }

    /** Precedence, lowest first: the buildpack's defaults, helix.yaml's env, the variables set with `helix env`, the platform's. */
    private static Map<String, String> envOf(Deployment d, Artifact artifact, ProcessPlan plan, ProcessPlan.Service service,
                                             Map<String, DatabaseEndpoint> endpoints, Map<String, String> appEnv) {
        Map<String, String> env = new HashMap<>(artifact.metadata().env());
        env.putAll(plan.env(service, endpoints));
        env.putAll(appEnv);
        env.put("HELIX_APP", d.app());
        env.put("HELIX_DEPLOYMENT", d.label());
        env.put("HELIX_SERVICE", service.name());
        env.put(InstanceSpec.ENVIRONMENT, d.environment());
        return env;
    }

    private Optional<String> awaitAll(Deployment d, RuntimeDriver runtime, List<Instance> instances) {
        List<java.util.concurrent.Future<Readiness>> waits = new ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Instance instance : instances) {
                waits.add(executor.submit(() -> runtime.awaitReady(instance)));
            }
            for (int i = 0; i < instances.size(); i++) {
                Readiness readiness = waits.get(i).get();
                if (readiness instanceof Readiness.NotReady notReady) {
                    Instance instance = instances.get(i);
                    note(d, "Instance " + instance.id() + " of " + d.label() + " never became ready: " + notReady.reason());
                    return Optional.of(instance.service() + ": " + notReady.reason());
                }
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while waiting for the instances");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    ServingState.Served staticServed(Deployment d, Artifact artifact) {
        Path root = artifact.dir().resolve(artifact.metadata().staticRoot()).normalize();
        return new ServingState.Served(d.id(), d.app(), ServingState.EVERYWHERE, List.of(),
                Map.of(ServingState.PRIMARY, new Route.Static(d.id(), d.app(), root, true)));
    }

    void promote(ServingState.Served served) {
        if (!served.instances().isEmpty()) {
            driver(served.instances().getFirst()).promote(served.instances());
        }
    }

    void stop(List<Instance> instances) {
        for (Instance i : instances) {
            driver(i).cleanup(i, config.stopGrace());
            driverOf.remove(i.id());
            store.instances().stopped(i.id());
        }
    }

    /** The driver that started the instance; the local one for instances from before a restart. */
    RuntimeDriver driver(Instance instance) {
        return driverOf.getOrDefault(instance.id(), targets.local().driver());
    }

    void note(Deployment d, String line) {
        platformLog.note(d.applicationId(), d.id(), line);
    }
}
