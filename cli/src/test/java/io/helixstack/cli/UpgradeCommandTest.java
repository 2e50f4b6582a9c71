package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helix upgrade} against a stand-in of the two upgrade routes, which plays the states of one upgrade. */
class UpgradeCommandTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final Deque<String> states = new ArrayDeque<>();
    private String reason = "";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/applications/shop/upgrade", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void sendsTheKubeconfigAndFollowsTheUpgradeUntilTrafficMoved() throws Exception {
        Path kubeconfig = Files.writeString(tmp.resolve("k3s.yaml"), "apiVersion: v1\nkind: Config\n");
        states.addAll(List.of("requested", "deploying", "deploying", "completed"));

        CliRunner.Result r = runner().run("upgrade", "--app", "shop", "--kubeconfig", kubeconfig.toString(), "--ingress", "10.0.0.5:80",
                "--region", "home-lab");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(posted).singleElement().satisfies(body -> {
            assertThat(body.path("provider").asText()).isEqualTo("kubeconfig");
            assertThat(body.path("region").asText()).isEqualTo("home-lab");
            assertThat(body.path("settings").path("kubeconfig").asText()).isEqualTo("apiVersion: v1\nkind: Config\n");
            assertThat(body.path("settings").path("ingress").asText()).isEqualTo("10.0.0.5:80");
        });
        assertThat(r.err() + r.out()).contains("Cluster kube-1 answers; starting shop there",
                "shop now runs on k3s (cluster kube-1); traffic moved once it was healthy there.");
    }

    @Test
    void aFailedUpgradeIsOneLineAndANonZeroExit() {
        states.addAll(List.of("requested", "failed"));
        reason = "the cluster at https://10.0.0.5:6443 does not answer";

        CliRunner.Result r = runner().run("upgrade", "--app", "shop", "--setting", "kubeconfig=x");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).contains("helix: upgrade of shop failed: the cluster at https://10.0.0.5:6443 does not answer"
                + " (it keeps running where it was)");
    }

    @Test
    void anUnreadableKubeconfigIsOneLineAndNothingIsSent() {
        CliRunner.Result r = runner().run("upgrade", "--app", "shop", "--kubeconfig", tmp.resolve("missing.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().startsWith("helix: cannot read the kubeconfig");
        assertThat(posted).isEmpty();
    }

    private CliRunner runner() {
        return new CliRunner(tmp.resolve("user-home")).env("HELIX_API_URL", "http://127.0.0.1:" + server.getAddress().getPort())
                .env("HELIX_TOKEN", "t").env("HELIX_HOME", tmp.resolve("helix-home").toString());
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            if (exchange.getRequestMethod().equals("POST")) {
                posted.add(Json.MAPPER.readTree(exchange.getRequestBody()));
                status = 202;
            }
            String state = states.size() > 1 ? states.poll() : states.isEmpty() ? "requested" : states.peek();
            String body = Json.MAPPER.createObjectNode().put("id", "u-1").put("state", state).put("reason", reason)
                    .put("cluster_id", "kube-1").put("backend", "k3s").toString();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
