package io.helixstack.control;

import io.helixstack.manifest.DatabaseEndpoint;
import io.helixstack.manifest.DatabaseSpec;
import io.helixstack.manifest.Manifest;
import io.helixstack.manifest.ManifestParser;
import io.helixstack.manifest.ManifestResult;
import io.helixstack.manifest.ServiceSpec;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a server artifact runs: from its {@code helix.yaml} when it has one (every service, with its instances, limits and
 * env; services with an {@code http_port} are routed, the others are workers; the release command; the databases), else
 * the one web process the buildpack detected. Locally the platform always chooses the port and passes it as {@code PORT};
 * {@code http_port} matters for compose and Kubernetes.
 */
record ProcessPlan(Optional<Manifest> manifest, List<Service> services, Optional<String> release) {

    /**
     * One service to run.
     *
     * @param healthPath where readiness is checked; null for a worker, which is ready once it stays up
     */
    record Service(String name, String command, String healthPath, int instances, Resources resources, Optional<ServiceSpec> spec) {
        boolean http() {
            return healthPath != null;
        }
    }

    /** The artifact's plan, or a reason it cannot run here. */
    sealed interface Resolved {
        record Ok(ProcessPlan plan) implements Resolved {
        }

        record Unsupported(String reason) implements Resolved {
        }
    }

    ProcessPlan {
        services = List.copyOf(services);
    }

    /** The databases to provision before anything starts: every one the manifest declares. */
    List<DatabaseSpec> databases() {
        return manifest.map(Manifest::databases).orElse(List.of());
    }

    /** The routed services, the first (which answers the app's own hosts) first. */
    List<Service> httpServices() {
        return services.stream().filter(Service::http).toList();
    }

    /** A service's env from the manifest with its database references resolved; empty without a manifest. */
    Map<String, String> env(Service service, Map<String, DatabaseEndpoint> endpoints) {
        return service.spec().map(spec -> manifest.orElseThrow().resolveEnv(spec, endpoints)).orElse(Map.of());
    }

    static Resolved of(Artifact artifact, String defaultHealthPath) {
        String detected = artifact.metadata().startCommand();
        Optional<ManifestResult> parsed = ManifestParser.parseDirectory(artifact.dir());
        if (parsed.isEmpty()) {
            if (detected == null) {
                return new Resolved.Unsupported("no start command (expected: a helix.yaml, a Procfile web: line or a package.json"
                        + " start script)");
            }
            return new Resolved.Ok(new ProcessPlan(Optional.empty(),
                    List.of(new Service(InstanceLauncher.WEB, detected, defaultHealthPath, 1, Resources.NONE, Optional.empty())),
                    Optional.empty()));
        }
        if (parsed.get() instanceof ManifestResult.Invalid invalid) {
            return new Resolved.Unsupported("the manifest is not valid: " + invalid.report());
        }
        Manifest manifest = ((ManifestResult.Valid) parsed.get()).manifest();
        List<Service> services = new ArrayList<>();
        boolean detectedUsed = false;
        for (ServiceSpec spec : manifest.services()) {
            // The buildpack's start command stands in for the first command-less service only: two services running the
            // same detected command would be a mistake, not a plan.
            String command = spec.command().orElse(detectedUsed ? null : detected);
            if (command == null) {
                return new Resolved.Unsupported("services." + spec.name() + ": no command" + (detectedUsed
                        ? " (expected: a command; the buildpack's start command already runs services."
                        + services.stream().filter(s -> s.spec().orElseThrow().command().isEmpty()).findFirst().orElseThrow().name() + ")"
                        : ", and the buildpack found no start command (expected: a command in helix.yaml, a Procfile web: line"
                        + " or a package.json start script)"));
            }
            detectedUsed |= spec.command().isEmpty();
            String health = spec.isWorker() ? null : spec.healthcheck().map(h -> h.path()).orElse(defaultHealthPath);
            Resources resources = new Resources(spec.cpu().map(c -> OptionalDouble.of(c.doubleValue())).orElse(OptionalDouble.empty()),
                    spec.memoryMb().isPresent() ? OptionalLong.of(spec.memoryMb().getAsInt()) : OptionalLong.empty());
            services.add(new Service(spec.name(), command, health, spec.instances(), resources, Optional.of(spec)));
        }
        Optional<DatabaseSpec> redis = manifest.databases().stream().filter(d -> d.type() != DatabaseSpec.Type.POSTGRESQL).findFirst();
        if (redis.isPresent()) {
            return new Resolved.Unsupported("databases." + redis.get().name() + ": type " + redis.get().type().manifestName()
                    + " is not managed on the local process runtime yet (expected: type postgresql; or set its URL with"
                    + " `helix env set`)");
        }
        return new Resolved.Ok(new ProcessPlan(Optional.of(manifest), services, manifest.release()));
    }
}
