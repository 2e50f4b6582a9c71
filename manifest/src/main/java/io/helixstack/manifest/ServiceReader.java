package io.helixstack.manifest;

import io.helixstack.manifest.YamlNode.Entry;
import io.helixstack.manifest.YamlNode.Kind;
import io.helixstack.manifest.YamlNode.Mapping;
import io.helixstack.manifest.YamlNode.Scalar;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads one {@code services.<name>} entry, reporting every problem through {@link Checks}. */
final class ServiceReader {
    private static final ManifestSchema.Keys KEYS = ManifestSchema.KEYS;

    private final Checks checks;
    private final Set<String> databases;

    /** @param databases the names declared under {@code databases}, which env values may reference */
    ServiceReader(Checks checks, Set<String> databases) {
        this.checks = checks;
        this.databases = databases;
    }

    Optional<ServiceSpec> read(String name, YamlNode node) {
        String path = "services." + name;
        Optional<Mapping> maybe = checks.mapping(node, path, "a mapping with keys such as command and http_port,"
                + " e.g. {command: \"npm start\", http_port: 3000}, or {} for the defaults");
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        Mapping service = maybe.get();
        checks.onlyKeys(service, path, KEYS.service());
        boolean ok = true;

        Optional<String> command = Optional.empty();
        Optional<Entry> e = service.entry("command");
        if (e.isPresent()) {
            command = checks.string(e.get().value(), path + ".command", "a command, e.g. \"npm start\"");
            ok &= command.isPresent();
        }
        OptionalInt httpPort = OptionalInt.empty();
        e = service.entry("http_port");
        if (e.isPresent()) {
            Optional<Integer> port = checks.integer(e.get().value(), path + ".http_port", 1, 65535, ManifestRules.PORT_EXPECTED);
            httpPort = port.map(OptionalInt::of).orElse(OptionalInt.empty());
            ok &= port.isPresent();
        }
        Optional<BigDecimal> cpu = Optional.empty();
        e = service.entry("cpu");
        if (e.isPresent()) {
            YamlNode value = e.get().value();
            cpu = checks.decimal(value).filter(ManifestRules::isCpu);
            if (cpu.isEmpty()) {
                checks.bad(value, path + ".cpu", ManifestRules.CPU_EXPECTED);
                ok = false;
            }
        }
        OptionalInt memory = OptionalInt.empty();
        e = service.entry("memory");
        if (e.isPresent()) {
            Optional<Integer> mb = checks.integer(e.get().value(), path + ".memory", 1, ManifestRules.MEMORY_MAX_MB,
                    ManifestRules.MEMORY_EXPECTED);
            memory = mb.map(OptionalInt::of).orElse(OptionalInt.empty());
            ok &= mb.isPresent();
        }
        int instances = 1;
        e = service.entry("instances");
        if (e.isPresent()) {
            Optional<Integer> n = checks.integer(e.get().value(), path + ".instances", 1, ManifestRules.INSTANCES_MAX,
                    ManifestRules.INSTANCES_EXPECTED);
            instances = n.orElse(1);
            ok &= n.isPresent();
        }
        Optional<HealthcheckSpec> healthcheck = Optional.empty();
        e = service.entry("healthcheck");
        if (e.isPresent()) {
            // A bad http_port was reported already; don't also blame the healthcheck's missing port for it.
            boolean httpPortGiven = service.entry("http_port").isPresent();
            healthcheck = readHealthcheck(e.get().value(), path + ".healthcheck", httpPort, httpPortGiven);
            ok &= healthcheck.isPresent();
        }
        Map<String, String> env = Map.of();
        e = service.entry("env");
        if (e.isPresent()) {
            Optional<Map<String, String>> read = readEnv(e.get().value(), path + ".env");
            env = read.orElse(Map.of());
            ok &= read.isPresent();
        }
        if (!ok || !ManifestRules.isName(name)) { // a bad name was reported by the caller
            return Optional.empty();
        }
        return Optional.of(new ServiceSpec(name, command, httpPort, cpu, memory, healthcheck, env, instances));
    }

    private Optional<HealthcheckSpec> readHealthcheck(YamlNode node, String path, OptionalInt httpPort, boolean httpPortGiven) {
        Optional<Mapping> maybe = checks.mapping(node, path, "a mapping with path and port, e.g. {path: /healthz}");
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        Mapping check = maybe.get();
        checks.onlyKeys(check, path, KEYS.healthcheck());
        Optional<String> checkPath = check.entry("path").flatMap(e -> checks.string(e.value(), path + ".path",
                ManifestRules.HEALTH_PATH_EXPECTED).filter(p -> {
                    boolean ok = ManifestRules.HEALTH_PATH.matcher(p).matches();
                    if (!ok) {
                        checks.bad(e.value(), path + ".path", ManifestRules.HEALTH_PATH_EXPECTED);
                    }
                    return ok;
                }));
        if (check.entry("path").isEmpty()) {
            checks.missing(check, path + ".path", ManifestRules.HEALTH_PATH_EXPECTED);
        }
        Optional<Integer> port;
        if (check.entry("port").isPresent()) {
            port = checks.integer(check.entry("port").get().value(), path + ".port", 1, 65535, ManifestRules.PORT_EXPECTED);
        } else if (httpPort.isPresent()) {
            port = Optional.of(httpPort.getAsInt());
        } else {
            if (!httpPortGiven) {
                checks.missing(check, path + ".port", "a port, since the service has no http_port to default to");
            }
            port = Optional.empty();
        }
        if (checkPath.isEmpty() || port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HealthcheckSpec(checkPath.get(), port.get()));
    }

    private Optional<Map<String, String>> readEnv(YamlNode node, String path) {
        Optional<Mapping> maybe = checks.mapping(node, path, "a mapping of variable names to values, e.g. {NODE_ENV: production}");
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> env = new LinkedHashMap<>();
        boolean ok = true;
        for (Entry entry : maybe.get().entries()) {
            String keyPath = path + "." + entry.key();
            if (!ManifestRules.ENV_NAME.matcher(entry.key()).matches()) {
                checks.bad(new Scalar(entry.keyLocation(), Kind.STRING, entry.key(), null), keyPath,
                        ManifestRules.ENV_NAME_EXPECTED);
                ok = false;
                continue;
            }
            if (!(entry.value() instanceof Scalar value) || value.kind() == Kind.NULL) {
                checks.bad(entry.value(), keyPath, "a string, number or boolean; write \"\" for an empty value");
                ok = false;
                continue;
            }
            ok &= checkReferences(value, keyPath);
            env.put(entry.key(), value.text());
        }
        return ok ? Optional.of(env) : Optional.empty();
    }

    private boolean checkReferences(Scalar value, String path) {
        EnvTemplate.Parsed parsed = EnvTemplate.parse(value.text());
        if (!parsed.ok()) {
            checks.error(value.location(), path, value.describe() + " " + parsed.problem());
            return false;
        }
        for (EnvTemplate.Part part : parsed.parts()) {
            if (part instanceof EnvTemplate.Reference ref && !databases.contains(ref.database())) {
                checks.error(value.location(), path, value.describe() + " references undeclared database "
                        + YamlNode.quote(ref.database()) + " (expected: " + declared(ref.database()) + ")");
                return false;
            }
        }
        return true;
    }

    private String declared(String missing) {
        if (databases.isEmpty()) {
            return "a database declared under databases, and none is";
        }
        List<String> names = List.copyOf(databases);
        String hint = DidYouMean.suggest(missing, names).map(s -> "; did you mean \"" + s + "\"?").orElse("");
        return "one of the declared databases " + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "))
                + hint;
    }
}
