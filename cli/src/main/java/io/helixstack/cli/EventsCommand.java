package io.helixstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code helix events [--app NAME] [-f] [--lines N]}: the platform's recent events (deployments requested, built,
 * promoted, failed, rolled back, previews removed), then with {@code -f} new ones as they happen, until interrupted.
 */
@Command(name = "events", description = "Show the platform's events: deployments, promotions, rollbacks, previews.")
final class EventsCommand extends ApiCommand {
    @Option(names = {"-a", "--app"}, paramLabel = "NAME", description = "Only this application's events.")
    String app;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events as they happen, until interrupted.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "20",
            description = "How many recent events to show first (default: ${DEFAULT-VALUE}).")
    int lines;

    @Override
    public Integer call() {
        if (lines < 0 || lines > 1000) {
            throw new ParameterException(spec.commandLine(), "--lines: " + lines + " (expected: 0 to 1000)");
        }
        Output output = output();
        ApiClient api = api();
        // Pages run oldest first: read them through to find the newest, keep the last N.
        java.util.ArrayDeque<JsonNode> recent = new java.util.ArrayDeque<>();
        long last = 0;
        while (true) {
            JsonNode page = api.events(app, last, 1000);
            for (JsonNode e : page) {
                recent.addLast(e);
                if (recent.size() > lines) {
                    recent.removeFirst();
                }
                last = Math.max(last, e.path("id").asLong());
            }
            if (page.size() < 1000) {
                break;
            }
        }
        if (output.json() && !follow) {
            output.json(Json.MAPPER.valueToTree(recent));
            return 0;
        }
        recent.forEach(e -> print(output, e));
        if (follow) {
            api.followEvents(app, last, e -> print(output, e));
        }
        return 0;
    }

    private static void print(Output output, JsonNode e) {
        if (output.json()) {
            output.jsonLine(e);
            return;
        }
        JsonNode data = e.path("data");
        String detail = data.hasNonNull("reason") ? data.path("reason").asText()
                : data.hasNonNull("label") ? data.path("label").asText()
                : data.hasNonNull("artifact_digest") ? data.path("artifact_digest").asText()
                : "";
        output.line(String.join("  ", e.path("at").asText(), e.path("app").asText(), e.path("environment").asText(),
                e.path("type").asText(), e.path("deployment_id").asText().substring(0, Math.min(8, e.path("deployment_id").asText().length())),
                detail).stripTrailing());
    }
}
