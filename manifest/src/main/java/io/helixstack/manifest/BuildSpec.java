package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import java.util.Objects;
import java.util.Optional;

/**
 * How an application is built: a buildpack builder image, a Dockerfile, or neither (the build plane's
 * own buildpack detection). The two are mutually exclusive.
 */
public record BuildSpec(Optional<String> builder, Optional<String> dockerfile) {
    public static final BuildSpec DETECT = new BuildSpec(Optional.empty(), Optional.empty());

    public BuildSpec {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(dockerfile, "dockerfile");
        builder.ifPresent(b -> require(!b.isBlank(), "build.builder", b, "a builder image, e.g. \"paketo-buildpacks/builder:base\""));
        dockerfile.ifPresent(d -> require(!d.isBlank(), "build.dockerfile", d, "a path, e.g. \"./Dockerfile\""));
        if (builder.isPresent() && dockerfile.isPresent()) {
            require(false, "build.dockerfile", dockerfile.get(), "either build.builder or build.dockerfile, not both");
        }
    }

    /** Whether the build plane detects how to build (no builder, no Dockerfile). */
    public boolean detects() {
        return builder.isEmpty() && dockerfile.isEmpty();
    }
}
