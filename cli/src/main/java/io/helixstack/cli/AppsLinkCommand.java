package io.helixstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code helix apps link --app NAME --repo URL}: connects an application to its repository, so a push to the branch
 * (reported by the forge's webhook) deploys production. Prints the webhook URLs to configure at the forge, and the
 * webhook secret when the server generated one — it is shown this once.
 */
@Command(name = "link", description = "Link an application to a Git repository; pushes to the branch then deploy it.")
final class AppsLinkCommand extends AppCommand {
    @Option(names = "--repo", required = true, paramLabel = "URL", description = "The repository, e.g. https://github.com/acme/shop.git")
    String repo;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch that deploys production (default: main).")
    String branch;

    @Option(names = "--secret", paramLabel = "SECRET", description = "The webhook secret to use (default: generated).")
    String secret;

    @Option(names = "--access-token", paramLabel = "TOKEN", description = "A token for cloning a private repository.")
    String accessToken;

    @Override
    public Integer call() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("git_repository", repo);
        if (branch != null) {
            body.put("git_branch", branch);
        }
        if (secret != null) {
            body.put("webhook_secret", secret);
        }
        if (accessToken != null) {
            body.put("access_token", accessToken);
        }
        JsonNode link = api().linkRepository(app, body);
        Output output = output();
        if (output.json()) {
            output.json(link);
            return 0;
        }
        output.line("Linked " + app + " to " + link.path("git_repository").asText() + " (branch " + link.path("git_branch").asText()
                + "): a push to that branch deploys production.");
        output.line("Webhook URLs (content type application/json):");
        link.path("webhook_urls").properties().forEach(e -> output.line("  " + e.getKey() + ": " + e.getValue().asText()));
        if (link.hasNonNull("webhook_secret")) {
            output.line("Webhook secret (shown only now): " + link.get("webhook_secret").asText());
        }
        return 0;
    }
}
