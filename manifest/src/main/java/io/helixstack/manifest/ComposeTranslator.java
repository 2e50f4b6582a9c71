package io.helixstack.manifest;

import static io.helixstack.manifest.YamlOutput.list;
import static io.helixstack.manifest.YamlOutput.map;
import static io.helixstack.manifest.YamlOutput.nonEmpty;

import io.helixstack.domain.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Translates a manifest into a {@code docker-compose.yml}: one compose service per manifest service
 * and database, named volumes for the databases' data, healthchecks, and {@code depends_on} so that
 * services start after the databases they reference are healthy and the release command succeeded.
 * The file passes {@code docker-compose config}.
 */
public final class ComposeTranslator {
    /** The one-shot service that unpacks the artifact (only with {@link TranslationContext#artifactUrl()}). */
    public static final String ARTIFACT_SERVICE = "helix-artifact";
    /** The one-shot service that runs the manifest's {@code release} command before the services start. */
    public static final String RELEASE_SERVICE = "helix-release";
    private static final String POSTGRES_DATA = "/var/lib/postgresql/data";

    /**
     * The compose file as ordered maps, exactly what {@link #translate} writes ({@code $} already doubled).
     *
     * @throws InvalidInputException when the context lacks credentials for a database
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> document(Manifest manifest, TranslationContext context) {
        // Built with the values as meant, then escaped once: compose interpolates $ in every value.
        return (Map<String, Object>) escapeDollars(build(manifest, context));
    }

    private Map<String, Object> build(Manifest manifest, TranslationContext context) {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (DatabaseSpec db : manifest.databases()) {
            services.put(db.name(), database(db, context));
            volumes.put(volumeOf(db), map());
        }
        if (context.artifactUrl().isPresent()) {
            services.put(ARTIFACT_SERVICE, map(
                    "image", ArtifactFetch.IMAGE,
                    // The curl image runs as an unprivileged user; a fresh named volume belongs to root.
                    "user", "0:0",
                    "entrypoint", list("/bin/sh", "-c"),
                    "command", list(ArtifactFetch.SCRIPT),
                    "environment", map(ArtifactFetch.URL_VARIABLE, context.artifactUrl().get().toString()),
                    "volumes", list(ArtifactFetch.VOLUME + ":" + ArtifactFetch.MOUNT_PATH),
                    "labels", labels(context, ARTIFACT_SERVICE),
                    "restart", "no"));
            volumes.put(ArtifactFetch.VOLUME, map());
        }
        ServiceSpec first = manifest.services().getFirst();
        manifest.release().ifPresent(release -> {
            Map<String, Object> job = application(manifest, first, context, Optional.of(release), false);
            job.put("labels", labels(context, RELEASE_SERVICE));
            job.put("restart", "no");
            services.put(RELEASE_SERVICE, job);
        });
        Set<Integer> publishedPorts = new HashSet<>();
        for (ServiceSpec service : manifest.services()) {
            Map<String, Object> s = application(manifest, service, context, context.commandOf(service), true);
            service.httpPort().ifPresent(port -> {
                // Host port = container port when that is unambiguous; else Docker picks one (docker-compose port).
                boolean fixed = service.instances() == 1 && publishedPorts.add(port);
                s.put("ports", list(fixed ? port + ":" + port : Integer.toString(port)));
            });
            service.healthcheck().ifPresent(h -> s.put("healthcheck", map(
                    "test", list("CMD-SHELL", httpCheck(h)),
                    "interval", "10s", "timeout", "5s", "retries", 3, "start_period", "10s")));
            s.put("deploy", deploy(service));
            s.put("labels", labels(context, service.name()));
            s.put("restart", "unless-stopped");
            services.put(service.name(), s);
        }
        return map("services", services, "volumes", nonEmpty(volumes));
    }

    /**
     * The compose file as YAML.
     *
     * @throws InvalidInputException when the context lacks credentials for a database
     */
    public String translate(Manifest manifest, TranslationContext context) {
        return YamlOutput.write(document(manifest, context));
    }

    /** The parts an application container and the release job share: image, command, env, volume, dependencies. */
    private Map<String, Object> application(Manifest manifest, ServiceSpec service, TranslationContext context,
            Optional<String> command, boolean dependOnRelease) {
        Map<String, String> env = manifest.resolveEnv(service, endpoints(manifest, service, context));
        Map<String, Object> dependsOn = new LinkedHashMap<>();
        for (DatabaseSpec db : manifest.databasesUsedBy(service)) {
            dependsOn.put(db.name(), map("condition", "service_healthy"));
        }
        if (context.artifactUrl().isPresent()) {
            dependsOn.put(ARTIFACT_SERVICE, map("condition", "service_completed_successfully"));
        }
        if (dependOnRelease && manifest.release().isPresent()) {
            dependsOn.put(RELEASE_SERVICE, map("condition", "service_completed_successfully"));
        }
        boolean artifact = context.artifactUrl().isPresent();
        return map(
                "image", context.image(),
                "working_dir", artifact ? ArtifactFetch.MOUNT_PATH : null,
                "command", command.map(c -> list("/bin/sh", "-c", c)).orElse(null),
                "environment", nonEmpty(new LinkedHashMap<String, Object>(env)),
                "volumes", artifact ? list(ArtifactFetch.VOLUME + ":" + ArtifactFetch.MOUNT_PATH) : null,
                "depends_on", nonEmpty(dependsOn));
    }

    private static Map<String, DatabaseEndpoint> endpoints(Manifest manifest, ServiceSpec service, TranslationContext context) {
        Map<String, DatabaseEndpoint> endpoints = new LinkedHashMap<>();
        for (DatabaseSpec db : manifest.databasesUsedBy(service)) {
            endpoints.put(db.name(), context.endpoint(db));
        }
        return endpoints;
    }

    private static Map<String, Object> deploy(ServiceSpec service) {
        Map<String, Object> limits = map(
                "cpus", service.cpu().map(c -> c.stripTrailingZeros().toPlainString()).orElse(null),
                "memory", service.memoryMb().isPresent() ? service.memoryMb().getAsInt() + "M" : null);
        return map("replicas", service.instances(), "resources", limits.isEmpty() ? null : map("limits", limits));
    }

    private Map<String, Object> database(DatabaseSpec db, TranslationContext context) {
        DatabaseCredentials credentials = context.credentialsFor(db);
        Map<String, Object> healthcheck = switch (db.type()) {
            case POSTGRESQL -> map("test", list("CMD-SHELL", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""));
            case REDIS -> map("test", list("CMD", "redis-cli", "ping"));
        };
        healthcheck.putAll(map("interval", "5s", "timeout", "5s", "retries", 10, "start_period", "10s"));
        return switch (db.type()) {
            case POSTGRESQL -> map(
                    "image", db.image(),
                    "environment", map(
                            "POSTGRES_USER", credentials.user(),
                            "POSTGRES_PASSWORD", credentials.password(),
                            "POSTGRES_DB", credentials.database(),
                            // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
                            "PGDATA", POSTGRES_DATA + "/pgdata"),
                    "volumes", list(volumeOf(db) + ":" + POSTGRES_DATA),
                    "healthcheck", healthcheck,
                    "labels", labels(context, db.name()),
                    "restart", "unless-stopped");
            case REDIS -> map(
                    "image", db.image(),
                    // The password comes from the environment, so it is not written into the command.
                    "command", list("/bin/sh", "-c", "exec redis-server --appendonly yes --requirepass \"$REDIS_PASSWORD\""),
                    // REDISCLI_AUTH lets the healthcheck's redis-cli authenticate without a password argument.
                    "environment", map("REDIS_PASSWORD", credentials.password(), "REDISCLI_AUTH", credentials.password()),
                    "volumes", list(volumeOf(db) + ":/data"),
                    "healthcheck", healthcheck,
                    "labels", labels(context, db.name()),
                    "restart", "unless-stopped");
        };
    }

    private static String volumeOf(DatabaseSpec db) {
        return db.name() + "-data";
    }

    private static Map<String, Object> labels(TranslationContext context, String component) {
        return map("io.helixstack.app", context.app(), "io.helixstack.environment", context.environment(),
                "io.helixstack.component", component);
    }

    /** curl, else wget: stack images carry one or the other. */
    static String httpCheck(HealthcheckSpec check) {
        String url = Shell.quote("http://localhost:" + check.port() + check.path());
        return "curl -fsS -o /dev/null " + url + " || wget -q -O /dev/null " + url;
    }

    /** Compose interpolates {@code ${VAR}} and {@code $VAR} in every value; {@code $$} is a literal {@code $}. */
    @SuppressWarnings("unchecked")
    static Object escapeDollars(Object value) {
        if (value instanceof String s) {
            return s.replace("$", "$$");
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> copy.put(k, escapeDollars(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(escapeDollars(v)));
            return copy;
        }
        return value;
    }
}
