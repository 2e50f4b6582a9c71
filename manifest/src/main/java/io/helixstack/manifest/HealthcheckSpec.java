package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import java.util.Objects;

/**
 * The HTTP check that gates promotion: an instance is ready when {@code GET <path>} on {@code port}
 * answers 2xx or 3xx. In the manifest the port defaults to the service's {@code http_port}; here it is
 * always resolved.
 */
public record HealthcheckSpec(String path, int port) {
    public HealthcheckSpec {
        Objects.requireNonNull(path, "path");
        require(ManifestRules.HEALTH_PATH.matcher(path).matches(), "healthcheck.path", path, ManifestRules.HEALTH_PATH_EXPECTED);
        require(ManifestRules.isPort(port), "healthcheck.port", port, ManifestRules.PORT_EXPECTED);
    }
}
