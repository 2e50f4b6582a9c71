package io.helixstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code helix metrics --app NAME [--window 1h]}: per deployment, requests by status class, latency percentiles, bytes
 * sent, in-flight requests, CPU and memory of its instances.
 */
@Command(name = "metrics", description = "Show an application's traffic, latency, CPU and memory per deployment.")
final class MetricsCommand extends AppCommand {
    @Option(names = {"-w", "--window"}, paramLabel = "AGE",
            description = "Sum the stored samples of this much time, e.g. 15m, 1h, 7d (default: since each deployment went up).")
    String window;

    @Override
    public Integer call() {
        Output output = output();
        JsonNode metrics = api().metrics(app, window);
        if (output.json()) {
            output.json(metrics);
            return 0;
        }
        JsonNode deployments = metrics.path("deployments");
        if (deployments.isEmpty()) {
            output.line(window == null ? "No deployment of " + app + " is serving; deploy one, or ask for a --window."
                    : "No samples of " + app + " in the last " + window + ".");
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode d : deployments) {
            JsonNode requests = d.path("requests");
            JsonNode latency = d.path("latency_ms");
            JsonNode resources = d.path("resources");
            rows.add(List.of(d.path("deployment").asText(), d.path("state").asText("-"),
                    Long.toString(d.path("requests_total").asLong()),
                    Long.toString(requests.path("2xx").asLong() + requests.path("3xx").asLong()),
                    Long.toString(requests.path("4xx").asLong()), Long.toString(requests.path("5xx").asLong()),
                    latency.isObject() ? ms(latency.path("p50")) + " / " + ms(latency.path("p95")) + " / " + ms(latency.path("p99")) : "-",
                    Output.size(d.path("response_bytes").asLong()),
                    resources.isObject() ? String.format(Locale.ROOT, "%.1f%%", resources.path("cpu_percent").asDouble()) : "-",
                    resources.isObject() ? Output.size(resources.path("memory_bytes").asLong()) : "-"));
        }
        output.table(List.of("DEPLOYMENT", "STATE", "REQUESTS", "2XX/3XX", "4XX", "5XX", "P50 / P95 / P99", "SENT", "CPU", "MEMORY"),
                rows);
        return 0;
    }

    private static String ms(JsonNode value) {
        return String.format(Locale.ROOT, "%.1fms", value.asDouble());
    }
}
