package io.helixstack.runtime.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How apps run on a cluster without a container registry: each pod runs the {@code stackImage} (a language runtime, e.g.
 * {@code node:20-slim}) on the artifact an init container of {@code fetchImage} downloaded from the control plane by a
 * signed, expiring URL, the way Heroku runs slugs.
 *
 * @param stackImage     the image the app's command runs in
 * @param fetchImage     an image with {@code wget} and {@code tar} for the init container
 * @param containerPort  where every app listens inside its pod ({@code PORT})
 * @param ingressClass   the IngressClass of the Ingresses, or null for the cluster's default
 * @param minRollout     the least time a rollout gets before it is called not ready (images are pulled, artifacts
 *                       downloaded first), whatever the health check's own timeout
 */
public record KubernetesSettings(String stackImage, String fetchImage, int containerPort, String ingressClass, Duration minRollout) {
    public static final Duration DEFAULT_MIN_ROLLOUT = Duration.ofMinutes(3);
    public static final String DEFAULT_STACK_IMAGE = "node:20-slim";
    public static final String DEFAULT_FETCH_IMAGE = "busybox:1.36";
    public static final int DEFAULT_CONTAINER_PORT = 8080;

    public KubernetesSettings {
        Objects.requireNonNull(stackImage, "stackImage");
        Objects.requireNonNull(fetchImage, "fetchImage");
        Objects.requireNonNull(minRollout, "minRollout");
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("container port: " + containerPort + " (expected: 1-65535)");
        }
    }

    public static KubernetesSettings defaults() {
        return new KubernetesSettings(DEFAULT_STACK_IMAGE, DEFAULT_FETCH_IMAGE, DEFAULT_CONTAINER_PORT, null, DEFAULT_MIN_ROLLOUT);
    }
}
