package io.helixstack.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;

/** {@code helix deployments --app NAME}: the app's deployments, newest first, the live one marked with {@code *}. */
@Command(name = "deployments", description = "List an application's deployments.")
final class DeploymentsCommand extends AppCommand {
    @Override
    public Integer call() {
        Output output = output();
        List<Deployment> deployments = api().deployments(app);
        if (output.json()) {
            output.json(Json.MAPPER.valueToTree(deployments.stream().map(Deployment::json).toList()));
            return 0;
        }
        if (deployments.isEmpty()) {
            output.line("No deployments of " + app + " yet: `helix deploy --app " + app + "` makes one.");
            return 0;
        }
        Instant now = cli().clock().instant();
        List<List<String>> rows = new ArrayList<>();
        for (Deployment d : deployments) {
            String age = d.createdAt() == null ? null : Output.age(Duration.between(d.createdAt(), now));
            List<String> row = new ArrayList<>(List.of(d.isLive() ? "*" : "", d.label(), d.state()));
            row.add(d.source());
            row.add(age);
            row.add(d.shortId());
            row.add(d.url());
            rows.add(row);
        }
        output.table(List.of("", "LABEL", "STATE", "SOURCE", "AGE", "ID", "URL"), rows);
        return 0;
    }
}
