package io.helixstack.control;

import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RuntimeDriver;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each application's instances run: the platform's own regions — one runtime (processes on this machine), or
 * several runtime processes each tagged with its region — unless the application was upgraded to a cluster, whose
 * driver then takes its deployments, restarts and rollbacks in the cluster's region. A release starts an application's
 * instances in every one of its regions; a rollback may be scoped to some of them.
 */
public final class RuntimeTargets implements AutoCloseable {
    /** The region of a platform whose runtime was given no name. */
    public static final String DEFAULT_REGION = "local";

    /**
     * A runtime in a region and, for a cluster, where its ingress takes HTTP traffic: then the built-in proxy forwards
     * the app's hosts there instead of to the instances' own endpoints.
     */
    public record Target(RuntimeDriver driver, Optional<Endpoint> ingress, String region) {
        public Target {
            Objects.requireNonNull(driver, "driver");
            Objects.requireNonNull(ingress, "ingress");
            Objects.requireNonNull(region, "region");
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region: \"" + region + "\" (expected: 1-32 lowercase letters, digits or"
                        + " '-', e.g. eu-west or nyc3)");
            }
        }

        public Target(RuntimeDriver driver, Optional<Endpoint> ingress) {
            this(driver, ingress, DEFAULT_REGION);
        }
    }

    /** What a region name may look like. */
    public static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    private final List<Target> platform;
    private final Map<UUID, Target> byApplication = new ConcurrentHashMap<>();

    public RuntimeTargets(RuntimeDriver local) {
        this(List.of(new Target(local, Optional.empty())));
    }

    /** @param platform the platform's own regions, each with its runtime; the first is where one-off work goes */
    public RuntimeTargets(List<Target> platform) {
        if (platform.isEmpty()) {
            throw new IllegalArgumentException("runtime targets: none (expected: at least one region)");
        }
        if (platform.stream().map(Target::region).distinct().count() != platform.size()) {
            throw new IllegalArgumentException("runtime targets: a region is named twice in "
                    + platform.stream().map(Target::region).toList() + " (expected: one runtime per region)");
        }
        this.platform = List.copyOf(platform);
    }

    /** Every region the application runs in, the first one first. */
    public List<Target> of(UUID applicationId) {
        Target moved = byApplication.get(applicationId);
        return moved != null ? List.of(moved) : platform;
    }

    /** The application's region of that name, if it runs there. */
    public Optional<Target> of(UUID applicationId, String region) {
        return of(applicationId).stream().filter(t -> t.region().equals(region)).findFirst();
    }

    /** The platform's first region: where instances whose driver is not recorded are asked about. */
    public Target local() {
        return platform.getFirst();
    }

    /** From now on the application's instances run on {@code target} alone; a cluster driver it replaces is closed. */
    public void move(UUID applicationId, Target target) {
        Target previous = byApplication.put(applicationId, target);
        if (previous != null && previous.driver() != target.driver() && !isPlatform(previous.driver()) && !inUse(previous.driver())) {
            previous.driver().close();
        }
    }

    private boolean isPlatform(RuntimeDriver driver) {
        return platform.stream().anyMatch(t -> t.driver() == driver);
    }

    private boolean inUse(RuntimeDriver driver) {
        return byApplication.values().stream().anyMatch(t -> t.driver() == driver);
    }

    /** Closes the clusters' drivers (their clients); the platform's runtimes are the server's to close. Pods keep running. */
    @Override
    public void close() {
        byApplication.values().stream().map(Target::driver).filter(d -> !isPlatform(d)).distinct().forEach(RuntimeDriver::close);
        byApplication.clear();
    }
}
