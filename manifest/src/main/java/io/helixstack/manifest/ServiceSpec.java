package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One process of the application ({@code services.<name>}). With an {@code http_port} it is a web
 * service and gets routed; without, it is a worker.
 *
 * @param command     run by {@code /bin/sh -c}; empty means the buildpack's start command
 * @param cpu         cores, reserved and limited
 * @param memoryMb    megabytes, reserved and limited
 * @param healthcheck gates promotion; its port is resolved (defaults to the http_port)
 * @param env         in manifest order; values may hold {@code ${<database>.<FIELD>}} references
 */
public record ServiceSpec(String name, Optional<String> command, OptionalInt httpPort, Optional<BigDecimal> cpu,
        OptionalInt memoryMb, Optional<HealthcheckSpec> healthcheck, Map<String, String> env, int instances) {

    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(httpPort, "httpPort");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memoryMb, "memoryMb");
        Objects.requireNonNull(healthcheck, "healthcheck");
        Objects.requireNonNull(env, "env");
        ManifestRules.requireName("service name", name);
        String at = "services." + name;
        command.ifPresent(c -> require(!c.isBlank(), at + ".command", c, "a command, e.g. \"npm start\""));
        httpPort.ifPresent(p -> require(ManifestRules.isPort(p), at + ".http_port", p, ManifestRules.PORT_EXPECTED));
        cpu.ifPresent(c -> require(ManifestRules.isCpu(c), at + ".cpu", c, ManifestRules.CPU_EXPECTED));
        memoryMb.ifPresent(m -> require(m >= 1 && m <= ManifestRules.MEMORY_MAX_MB, at + ".memory", m,
                ManifestRules.MEMORY_EXPECTED));
        require(instances >= 1 && instances <= ManifestRules.INSTANCES_MAX, at + ".instances", instances,
                ManifestRules.INSTANCES_EXPECTED);
        env.forEach((key, value) -> {
            require(ManifestRules.ENV_NAME.matcher(key).matches(), at + ".env", key, ManifestRules.ENV_NAME_EXPECTED);
            Objects.requireNonNull(value, () -> at + ".env." + key);
            EnvTemplate.Parsed parsed = EnvTemplate.parse(value);
            require(parsed.ok(), at + ".env." + key, value, parsed.ok() ? "" : parsed.problem());
        });
        // Ordered and unmodifiable: env order is the user's, and generated files keep it.
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** A service with only a name and a command: a worker, one instance. */
    public static ServiceSpec worker(String name, String command) {
        return new ServiceSpec(name, Optional.of(command), OptionalInt.empty(), Optional.empty(), OptionalInt.empty(),
                Optional.empty(), Map.of(), 1);
    }

    /** No http_port: not routed. */
    public boolean isWorker() {
        return httpPort.isEmpty();
    }
}
