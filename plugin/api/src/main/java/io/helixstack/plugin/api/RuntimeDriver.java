package io.helixstack.plugin.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs instances of artifacts on a target (seed hooks {@code prepare()}, {@code deploy()}, {@code promote()},
 * {@code cleanup()}, {@code collectLogs()}). Instances' output goes to the {@link ObservabilitySink} the driver was built
 * with; a crashed instance is restarted by the driver with backoff, on the same endpoint.
 */
public interface RuntimeDriver {
    String name();

    /** Makes the artifact runnable on this target; idempotent. */
    void prepare(Artifact artifact);

    /**
     * Starts one instance and returns once it is started (not yet ready). Its id is unique among every driver's (the
     * platform runs several, one per region, and keys instances by id): make it random in part.
     */
    Instance deploy(InstanceSpec spec);

    /** Waits, up to the spec's health-check timeout, until the instance answers its health check. */
    Readiness awaitReady(Instance instance);

    /**
     * Runs a one-off command from the artifact to completion, e.g. the release command before a promotion: the same
     * sandbox and kind of environment an instance gets, output to the sink under a source naming the task, killed once it
     * has run for the spec's timeout. Never throws for the task's own failure: that is a {@link TaskResult.Failed}.
     */
    TaskResult run(TaskSpec task);

    /** The instances now take production traffic (a no-op where routing is the proxy's job). */
    void promote(List<Instance> instances);

    /** Stops the instance for good: a polite signal, then a forced stop after {@code grace}. Idempotent. */
    void cleanup(Instance instance, Duration grace);

    InstanceStatus status(Instance instance);

    /**
     * CPU, memory and restarts of an instance that is not stopped; empty once it is stopped or for an instance this driver
     * does not know. Cheap enough to call every few seconds for every instance.
     */
    Optional<InstanceStats> stats(Instance instance);

    /** The instance's recent log lines, oldest first (at most {@code limit}). */
    List<LogRecord> collectLogs(Instance instance, int limit);

    /**
     * The deployment's instances this target runs now, taken under this driver's management: its own, and on a target
     * whose instances outlive the platform (a cluster) those started before a restart, so they are served again instead of
     * started twice. Empty for a deployment with no instances here.
     */
    List<Instance> adopt(java.util.UUID deploymentId);

    /**
     * A control plane is about to {@link #adopt} what it serves (it is starting, or found the target started again): on a
     * target whose instances outlive the control plane, those nobody adopts within the target's grace period (what a
     * launch interrupted by a death left) are stopped. A no-op where nothing outlives the control plane unowned.
     */
    default void expectAdoption() {
    }

    /** Stops everything (platform shutdown). */
    void close();
}
