package io.helixstack.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;

/** {@code helix apps}: every application with its URL, its live deployment and the state of its newest one. */
@Command(name = "apps", description = "List applications.", subcommands = AppsLinkCommand.class)
final class AppsCommand extends ApiCommand {
    @Override
    public Integer call() {
        Output output = output();
        ApiClient api = api();
        List<Application> applications = api.applications();
        if (output.json()) {
            output.json(Json.MAPPER.valueToTree(applications.stream().map(Application::json).toList()));
            return 0;
        }
        if (applications.isEmpty()) {
            output.line("No applications yet: `helix deploy --app NAME` creates one.");
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Application application : applications) {
            // The Application object has the live deployment's id only; its label and the newest state need the list.
            List<Deployment> deployments = api.deployments(application.name());
            String live = deployments.stream()
                    .filter(d -> d.id() != null && d.id().equals(application.liveDeploymentId()))
                    .map(Deployment::label).findFirst().orElse(null);
            String state = deployments.isEmpty() ? "no deployments" : deployments.getFirst().state();
            rows.add(List.of(application.name(), nullToDash(application.url()), nullToDash(live), state));
        }
        output.table(List.of("NAME", "URL", "LIVE", "STATE"), rows);
        return 0;
    }

    private static String nullToDash(String value) {
        return value == null ? "-" : value;
    }
}
