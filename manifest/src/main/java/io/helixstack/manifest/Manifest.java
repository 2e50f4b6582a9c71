package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import io.helixstack.domain.InvalidInputException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed, valid {@code helix.yaml}: the application's services and workers, its databases, how it is
 * built and the release command run before each promotion. Build it with {@link ManifestParser}.
 *
 * @param services  in manifest order; the first one also gives the release command its environment
 * @param databases in manifest order
 */
public record Manifest(String name, int version, BuildSpec build, Optional<String> release, List<ServiceSpec> services,
        List<DatabaseSpec> databases) {
    public static final int CURRENT_VERSION = 1;

    public Manifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(release, "release");
        ManifestRules.requireName("name", name);
        require(version == CURRENT_VERSION, "version", version, Integer.toString(CURRENT_VERSION));
        release.ifPresent(r -> require(!r.isBlank(), "release", r, "a command, e.g. \"npm run migrate\""));
        services = List.copyOf(services);
        databases = List.copyOf(databases);
        require(!services.isEmpty(), "services", "none", "at least one service");
        Set<String> names = new HashSet<>();
        for (ServiceSpec s : services) {
            require(names.add(s.name()), "services", s.name(), "unique service names");
        }
        Set<String> databaseNames = new LinkedHashSet<>();
        for (DatabaseSpec d : databases) {
            // Both kinds of names become hostnames in one network, so they share one namespace.
            require(names.add(d.name()), "databases", d.name(), "names unique across services and databases");
            databaseNames.add(d.name());
        }
        for (ServiceSpec s : services) {
            s.env().forEach((key, value) -> {
                for (String db : EnvTemplate.databases(value)) {
                    require(databaseNames.contains(db), "services." + s.name() + ".env." + key, value,
                            "references to declared databases: " + databaseNames);
                }
            });
        }
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<DatabaseSpec> database(String name) {
        return databases.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The databases a service's env references, in order of first reference. */
    public List<DatabaseSpec> databasesUsedBy(ServiceSpec service) {
        Set<String> used = new LinkedHashSet<>();
        service.env().values().forEach(v -> used.addAll(EnvTemplate.databases(v)));
        return used.stream().map(n -> database(n).orElseThrow()).toList();
    }

    /**
     * A service's env with every {@code ${<db>.<FIELD>}} replaced from the endpoints and {@code $${}
     * unescaped: what the process runtime hands to an instance.
     *
     * @throws InvalidInputException when a referenced database has no endpoint
     */
    public Map<String, String> resolveEnv(ServiceSpec service, Map<String, DatabaseEndpoint> endpoints) {
        Map<String, String> resolved = new LinkedHashMap<>();
        service.env().forEach((key, value) -> resolved.put(key, EnvTemplate.render(value, text -> text, ref -> {
            DatabaseEndpoint endpoint = endpoints.get(ref.database());
            if (endpoint == null) {
                throw new InvalidInputException("no endpoint for database \"" + ref.database() + "\" (expected: endpoints for "
                        + databasesUsedBy(service).stream().map(DatabaseSpec::name).toList() + ")");
            }
            return endpoint.value(ref.field());
        })));
        return resolved;
    }
}
