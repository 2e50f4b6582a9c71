package io.helixstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code helix upgrade --app NAME --kubeconfig FILE [--ingress HOST:PORT]}: moves the application to an existing
 * Kubernetes/K3s cluster ({@code POST /applications/{app}/upgrade}) and follows it until traffic has moved or the upgrade
 * failed (the application then keeps running where it was).
 */
@Command(name = "upgrade", description = "Move an application to a Kubernetes or K3s cluster; traffic moves once it is healthy there.")
final class UpgradeCommand extends AppCommand {
    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "kubeconfig",
            description = "The infrastructure provider (default: ${DEFAULT-VALUE}, an existing cluster).")
    String provider;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The cluster's kubeconfig, e.g. ~/.kube/config or /etc/rancher/k3s/k3s.yaml.")
    Path kubeconfig;

    @Option(names = "--ingress", paramLabel = "HOST:PORT", description = "The cluster's ingress controller, where the app's hosts are forwarded.")
    String ingress;

    @Option(names = "--region", paramLabel = "REGION", description = "A region tag for the cluster.")
    String region;

    @Option(names = "--setting", paramLabel = "KEY=VALUE", description = "Another provider setting; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--no-wait", description = "Return once the upgrade is requested.")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15m", converter = DurationConverter.class,
            description = "How long to follow the upgrade (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        Output output = output();
        ObjectNode request = Json.MAPPER.createObjectNode().put("provider", provider);
        if (region != null) {
            request.put("region", region);
        }
        ObjectNode given = request.putObject("settings");
        settings.forEach(given::put);
        if (kubeconfig != null) {
            try {
                given.put("kubeconfig", Files.readString(kubeconfig, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException("cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
            }
        }
        if (ingress != null) {
            given.put("ingress", ingress);
        }
        ApiClient api = api();
        JsonNode upgrade = api.upgrade(app, request);
        output.progress("Upgrade of " + app + " requested (" + provider + "): provisioning, then starting it on the cluster…");
        if (!noWait) {
            HelixCli cli = cli();
            long polls = Math.max(1, timeout.toMillis() / Math.max(1, cli.pollInterval().toMillis()));
            String last = upgrade.path("state").asText();
            for (long i = 0; i < polls && !settled(upgrade); i++) {
                sleep(cli.pollInterval());
                upgrade = api.upgradeOf(app);
                String state = upgrade.path("state").asText();
                if (!state.equals(last) && state.equals("deploying")) {
                    output.progress("Cluster " + upgrade.path("cluster_id").asText() + " answers; starting " + app + " there…");
                }
                last = state;
            }
        }
        if (output.json()) {
            output.json(upgrade);
        }
        String state = upgrade.path("state").asText();
        if (state.equals("failed")) {
            output.error("upgrade of " + app + " failed: " + upgrade.path("reason").asText() + " (it keeps running where it was)");
            return HelixCli.EXIT_FAILURE;
        }
        if (state.equals("completed")) {
            output.progress(app + " now runs on " + upgrade.path("backend").asText() + " (cluster " + upgrade.path("cluster_id").asText()
                    + "); traffic moved once it was healthy there.");
        } else if (!noWait) {
            output.error("upgrade of " + app + " is still " + state + " after " + timeout.toMinutes() + " min"
                    + " (follow it with GET /applications/" + app + "/upgrade)");
            return HelixCli.EXIT_FAILURE;
        }
        return 0;
    }

    private static boolean settled(JsonNode upgrade) {
        String state = upgrade.path("state").asText();
        return state.equals("completed") || state.equals("failed");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }
}
