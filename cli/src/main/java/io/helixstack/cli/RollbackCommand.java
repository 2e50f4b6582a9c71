package io.helixstack.cli;

import java.time.Duration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code helix rollback --app NAME [DEPLOYMENT] [--region R]...}: promotes an earlier artifact again (no build) and waits
 * for it — everywhere, or only in the regions named, the others staying on what they serve.
 */
@Command(name = "rollback",
        description = "Make an earlier deployment live again, without rebuilding it.")
final class RollbackCommand extends AppCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT",
            description = "A label (main/2), a number, an id or a short id (default: the one live before the current).")
    String deployment;

    @Option(names = {"-e", "--env"}, paramLabel = "ENVIRONMENT",
            description = "production (default), or a pull request's preview: preview/7 or pr-7.")
    String environment;

    @Option(names = "--region", paramLabel = "REGION",
            description = "Roll back only this region (repeatable); the others keep the latest release.")
    java.util.List<String> regions = new java.util.ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to wait for it to be live (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        Output output = output();
        ApiClient api = api();
        Deployment target = api.rollback(app, deployment, environment, regions);
        HelixCli cli = cli();
        if (!regions.isEmpty()) {
            return regional(api, output, cli, target);
        }
        output.progress("Rolling back " + app + " to " + target.label() + " (" + target.shortId() + ")…");
        // A failed rollback does not end in "failed": the server puts the target back in its earlier state (superseded,
        // rolled_back) with a failure_reason. So once the target has been seen in flight, settling anywhere but live
        // is the failure. Until then an old settled state only means the server has not started on it yet.
        boolean[] started = {!target.isSettled()};
        Deployment end = new DeploymentWatcher(api, output, cli.clock(), cli.pollInterval(), timeout)
                .watch(target, false, d -> {
                    started[0] |= !d.isSettled();
                    return d.isLive() || d.isFailed() || (started[0] && d.isSettled());
                });
        if (output.json()) {
            output.json(end.json());
        }
        if (!end.isLive()) {
            output.error("rollback to " + end.label() + " failed: "
                    + (end.failureReason() == null ? "it is " + end.state() + ", not live" : end.failureReason()));
            return HelixCli.EXIT_FAILURE;
        }
        output.progress("Rolled back " + app + " to " + end.label() + " → " + end.url());
        return 0;
    }

    /** Waits until every named region serves the target, or the server records that the rollback failed. */
    private Integer regional(ApiClient api, Output output, HelixCli cli, Deployment target) {
        String where = String.join(", ", regions);
        output.progress("Rolling " + where + " of " + app + " back to " + target.label() + " (" + target.shortId() + ")…");
        java.time.Instant deadline = cli.clock().instant().plus(timeout);
        while (true) {
            java.util.Map<String, String> serving = api.regions(app, environment);
            if (regions.stream().allMatch(r -> target.label().equals(serving.get(r)))) {
                if (output.json()) {
                    output.json(Json.MAPPER.valueToTree(serving));
                }
                output.progress("Rolled " + where + " back to " + target.label() + "; " + serving.entrySet().stream()
                        .filter(e -> !regions.contains(e.getKey())).map(e -> e.getKey() + " serves " + e.getValue())
                        .reduce((a, b) -> a + ", " + b).orElse("no other region"));
                return 0;
            }
            Deployment now = api.deployment(target.id());
            if (now.failureReason() != null && !now.failureReason().equals(target.failureReason())
                    && now.failureReason().startsWith("rollback")) {
                output.error(now.failureReason());
                return HelixCli.EXIT_FAILURE;
            }
            if (cli.clock().instant().isAfter(deadline)) {
                output.error("rollback of " + where + " to " + target.label() + " did not finish within " + timeout
                        + " (expected: those regions serving it)");
                return HelixCli.EXIT_FAILURE;
            }
            try {
                Thread.sleep(cli.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HelixCli.EXIT_FAILURE;
            }
        }
    }
}
