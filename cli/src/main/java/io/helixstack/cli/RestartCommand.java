package io.helixstack.cli;

import java.time.Duration;
import java.util.Objects;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code helix restart --app NAME}: new instances of the live artifact with the current config (no build), which is
 * how env changes take effect.
 */
@Command(name = "restart",
        description = "Replace the live deployment's instances, picking up env changes, without rebuilding.")
final class RestartCommand extends AppCommand {
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to wait for the restart to finish (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        Output output = output();
        ApiClient api = api();
        Deployment requested = api.restart(app);
        output.progress("Restarting " + app + " (" + requested.label() + ")…");
        // The deployment stays live while its instances are replaced, so "live" alone does not mean done: wait for
        // the server to record the restart (updated_at moves) or for it to leave and re-enter live.
        boolean[] leftLive = {!requested.isLive()};
        HelixCli cli = cli();
        Deployment end = new DeploymentWatcher(api, output, cli.clock(), cli.pollInterval(), timeout)
                .watch(requested, false, d -> {
                    leftLive[0] |= !d.isLive();
                    return d.isFailed() || (d.isSettled() && !d.isLive())
                            || (d.isLive() && (leftLive[0] || !Objects.equals(d.updatedAt(), requested.updatedAt())));
                });
        if (output.json()) {
            output.json(end.json());
        }
        // A failed restart keeps the old instances serving, so the deployment stays live: the reason is the signal.
        if (end.isFailed() || (end.isLive() && end.failureReason() != null)) {
            output.error("restart of " + end.label() + " failed: "
                    + (end.failureReason() == null ? "the server gave no reason" : end.failureReason()));
            return HelixCli.EXIT_FAILURE;
        }
        output.progress(end.isLive()
                ? "Restarted " + app + ": " + end.label() + " is live → " + end.url()
                : "Restart of " + end.label() + " ended with it " + end.state());
        return 0;
    }
}
