package io.helixstack.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Polls one deployment until a condition holds, printing its build log and a line per phase it enters
 * ({@code Building…}, {@code Deploying…}). Shared by deploy, rollback and restart, which differ only in when they
 * consider the deployment done.
 */
final class DeploymentWatcher {
    private final ApiClient api;
    private final Output output;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration timeout;

    DeploymentWatcher(ApiClient api, Output output, Clock clock, Duration pollInterval, Duration timeout) {
        this.api = api;
        this.output = output;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    /**
     * @param buildLog whether to stream the build log (deploy builds; rollback and restart do not)
     * @param done     when to stop; checked on every fresh read of the deployment
     * @return the deployment as last read
     */
    Deployment watch(Deployment start, boolean buildLog, Predicate<Deployment> done) {
        Instant deadline = clock.instant().plus(timeout);
        long after = 0;
        boolean logDone = !buildLog;
        String phase = phase(start.state());
        while (true) {
            // The deployment first, then the log: a build that is over by now has its whole log readable below.
            Deployment current = api.deployment(start.id());
            String nextPhase = phase(current.state());
            boolean entered = nextPhase != null && !nextPhase.equals(phase);
            phase = nextPhase == null ? phase : nextPhase;
            // Build lines belong to the building phase: announce "Building…" before them, anything later after them.
            boolean building = "queued".equals(current.state()) || "building".equals(current.state());
            if (entered && building) {
                output.progress(nextPhase);
            }
            if (!logDone) {
                BuildLogPage page = api.buildLog(start.id(), after);
                page.lines().forEach(output::progress);
                after = page.lastSeq();
                logDone = page.done();
            }
            if (entered && !building) {
                output.progress(nextPhase);
            }
            if (done.test(current)) {
                // The log is paged: a long build can still have pages left once the deployment has settled.
                while (!logDone) {
                    BuildLogPage page = api.buildLog(start.id(), after);
                    page.lines().forEach(output::progress);
                    after = page.lastSeq();
                    logDone = page.done() || page.lines().isEmpty();
                }
                return current;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new CliException("deployment " + current.label() + " is still \"" + current.state() + "\" after "
                        + Output.age(timeout) + " (see `helix deployments --app " + (current.app() == null ? "NAME" : current.app())
                        + "`; --timeout waits longer)");
            }
            pause();
        }
    }

    /** The progress line for entering a state, or null for states that are not a phase of their own. */
    private static String phase(String state) {
        return switch (state) {
            case "queued" -> "Queued…";
            case "building" -> "Building…";
            case "built", "deploying" -> "Deploying…";
            default -> null;
        };
    }

    private void pause() {
        try {
            Thread.sleep(pollInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }
}
