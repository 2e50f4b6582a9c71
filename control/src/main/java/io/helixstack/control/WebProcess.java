package io.helixstack.control;

import io.helixstack.manifest.DatabaseSpec;
import io.helixstack.manifest.Manifest;
import io.helixstack.manifest.ManifestParser;
import io.helixstack.manifest.ManifestResult;
import io.helixstack.manifest.ServiceSpec;
import io.helixstack.plugin.api.Artifact;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the web process of a server artifact starts: from its {@code helix.yaml} when it has one (the first service with
 * an {@code http_port}: its command, health-check path and env), else from what the buildpack detected. Locally the
 * platform always chooses the port and passes it as {@code PORT}; {@code http_port} matters for compose and Kubernetes.
 */
record WebProcess(String command, String healthPath, Map<String, String> env) {

    /** The artifact's web process, or a reason it cannot run here. */
    sealed interface Resolved {
        record Ok(WebProcess process) implements Resolved {
        }

        record Unsupported(String reason) implements Resolved {
        }
    }

    static Resolved of(Artifact artifact, String defaultHealthPath) {
        WebProcess detected = new WebProcess(artifact.metadata().startCommand(), defaultHealthPath, Map.of());
        Optional<ManifestResult> parsed = ManifestParser.parseDirectory(artifact.dir());
        if (parsed.isEmpty()) {
            return new Resolved.Ok(detected);
        }
        if (parsed.get() instanceof ManifestResult.Invalid invalid) {
            return new Resolved.Unsupported("the manifest is not valid: " + invalid.report());
        }
        Manifest manifest = ((ManifestResult.Valid) parsed.get()).manifest();
        Optional<ServiceSpec> web = manifest.services().stream().filter(s -> s.httpPort().isPresent()).findFirst();
        if (web.isEmpty()) {
            return new Resolved.Ok(detected);
        }
        List<DatabaseSpec> databases = manifest.databasesUsedBy(web.get());
        if (!databases.isEmpty()) {
            return new Resolved.Unsupported("services." + web.get().name() + ".env references databases "
                    + databases.stream().map(DatabaseSpec::name).toList() + ", and managed databases do not run on the local"
                    + " process runtime yet (expected: set the URL as an environment variable with `helix env set` instead)");
        }
        String command = web.get().command().orElse(detected.command());
        if (command == null) {
            return new Resolved.Unsupported("services." + web.get().name() + ": no command, and the buildpack found no start"
                    + " command (expected: a command in helix.yaml, a Procfile web: line or a package.json start script)");
        }
        String health = web.get().healthcheck().map(h -> h.path()).orElse(defaultHealthPath);
        return new Resolved.Ok(new WebProcess(command, health, manifest.resolveEnv(web.get(), Map.of())));
    }
}
