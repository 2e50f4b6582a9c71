package io.helixstack.control;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the control plane.
 *
 * @param baseDomain      apps are served at {@code <app>.<baseDomain>}
 * @param publicHttpPort  the port users reach the proxy on (shown in URLs; omitted when 80)
 * @param uploadLimit     largest accepted source upload, in bytes
 * @param drainTimeout    how long in-flight requests to old instances may take to finish after a switch
 * @param stopGrace       time between SIGTERM and SIGKILL when stopping an instance
 * @param healthTimeout   how long a new instance may take to answer its health check before the deployment fails
 */
public record ControlConfig(String baseDomain, int publicHttpPort, long uploadLimit, Duration drainTimeout, Duration stopGrace,
                            Duration healthTimeout) {
    public static final long DEFAULT_UPLOAD_LIMIT = 200L * 1024 * 1024;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(30);

    public ControlConfig {
        Objects.requireNonNull(baseDomain, "baseDomain");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(stopGrace, "stopGrace");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
    }

    /** Production host of an app, e.g. {@code hello.localhost}. */
    public String productionHost(String app) {
        return app + "." + baseDomain;
    }

    /**
     * Where an environment's live deployment answers: production at {@code <app>.<base>}, pull request n's preview at
     * {@code pr-<n>.<app>.<base>}, a pushed branch's ({@code branch/<name>}) at {@code <name>.<app>.<base>}.
     */
    public String environmentHost(String app, String environment) {
        if (io.helixstack.domain.Deployment.PRODUCTION.equals(environment)) {
            return productionHost(app);
        }
        int pullRequest = io.helixstack.domain.Deployment.pullRequestOf(environment);
        String branch = io.helixstack.domain.Deployment.branchOf(environment);
        String label = pullRequest > 0 ? "pr-" + pullRequest : branch != null ? branch : environment.replace('/', '-');
        return label + "." + app + "." + baseDomain;
    }

    /** The immutable host of one deployment, e.g. {@code d-1a2b3c4d.hello.localhost}. */
    public String deploymentHost(String app, String shortId) {
        return "d-" + shortId + "." + app + "." + baseDomain;
    }

    public String url(String host) {
        return "http://" + host + (publicHttpPort == 80 ? "" : ":" + publicHttpPort);
    }
}
