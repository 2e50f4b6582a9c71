package io.helixstack.control;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Parses Prometheus text exposition with the Prometheus project's own parser ({@code prometheus_client.parser} in
 * Python, Debian's python3-prometheus-client, installed by {@code .ci/run}), so the check is the reference one, not ours.
 * Returns the metric families as JSON: {@code [{"name", "type", "samples": [{"name", "labels", "value"}]}]}.
 */
final class PrometheusTextParser {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for f in text_string_to_metric_families(sys.stdin.read()):
                out.append({"name": f.name, "type": f.type,
                            "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
            print(json.dumps(out))
            """;

    private PrometheusTextParser() {
    }

    static JsonNode parse(String exposition) throws IOException, InterruptedException {
        assumeTrue(available(), "the Prometheus text parser is missing: install python3-prometheus-client (.ci/run does)");
        Process p = new ProcessBuilder(PYTHON, "-c", SCRIPT).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("the Prometheus parser rejected the exposition: " + err);
        }
        return new ObjectMapper().readTree(out);
    }

    private static boolean available() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
