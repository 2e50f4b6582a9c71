package io.helixstack.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent and its client over real HTTP: results, every kind of refusal as a readable error, and restarts noticed. */
class AgentTest {
    private static final String TOKEN = "agent-token-for-tests-0123456789";
    private static final String PREFIX = "/test/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Sum(int a, int b) {
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private AgentServer start(int port, UUID boot) {
        AgentServer[] self = new AgentServer[1];
        self[0] = new AgentServer(new InetSocketAddress("127.0.0.1", port), PREFIX, "test", TOKEN, JSON, (String op, JsonNode args) -> {
            return switch (op) {
                case "hello" -> boot;
                case "sum" -> {
                    Sum s = self[0].read(args, Sum.class);
                    yield s.a() + s.b();
                }
                case "fail" -> throw new IllegalStateException("the disk is full");
                default -> throw new AgentServer.UnknownOperation("test", op, "hello, sum or fail");
            };
        }).start();
        toClose.add(() -> self[0].stop()); // in the background: the event loops wind down on their own
        return self[0];
    }

    private AgentClient client(int port, String token) {
        AgentClient client = new AgentClient(URI.create("http://127.0.0.1:" + port), PREFIX, "test", token, JSON);
        toClose.add(client);
        return client;
    }

    @Test
    void answersAnOperationWithItsResult() {
        AgentServer server = start(0, UUID.randomUUID());
        assertThat(client(server.port(), TOKEN).call("sum", new Sum(2, 3), Integer.class, Duration.ofSeconds(10))).isEqualTo(5);
    }

    @Test
    void refusalsAreErrorsThatSayWhatWasExpected() {
        AgentServer server = start(0, UUID.randomUUID());
        AgentClient client = client(server.port(), TOKEN);
        String at = "test plane at http://127.0.0.1:" + server.port();

        assertThatIllegalStateException().isThrownBy(() -> client(server.port(), "wrong-token-0123456789")
                        .call("sum", new Sum(1, 1), Integer.class, Duration.ofSeconds(10)))
                .withMessage(at + " (401): missing or wrong test token (expected: Authorization: Bearer <the token derived from"
                        + " the platform key>)");
        assertThatIllegalStateException().isThrownBy(() -> client.call("divide", new Sum(1, 1), Integer.class, Duration.ofSeconds(10)))
                .withMessage(at + " (404): unknown test operation \"divide\" (expected: hello, sum or fail)");
        assertThatIllegalStateException().isThrownBy(() -> client.call("sum", null, Integer.class, Duration.ofSeconds(10)))
                .withMessage(at + " (400): sum: no arguments (expected: a JSON Sum)");
        assertThatIllegalStateException().isThrownBy(() -> client.call("fail", null, Integer.class, Duration.ofSeconds(10)))
                .withMessage(at + " (500): fail failed: the disk is full");
    }

    @Test
    void onlyPostIsServed() throws Exception {
        AgentServer server = start(0, UUID.randomUUID());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + PREFIX + "sum"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(get.body()).contains("(expected: POST)");
        }
    }

    @Test
    void aShortTokenIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AgentServer(new InetSocketAddress("127.0.0.1", 0), PREFIX, "test",
                "short", JSON, (op, args) -> null)).withMessage("test agent token: too short (expected: at least 16 characters)");
    }

    @Test
    void aClientThatGetsNoAnswerSaysSo() throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int nobody = port;
        assertThatIllegalStateException().isThrownBy(() -> client(nobody, TOKEN).call("sum", new Sum(1, 1), Integer.class,
                Duration.ofSeconds(10))).withMessageStartingWith("test plane at http://127.0.0.1:" + nobody + " did not answer sum");
    }

    @Test
    void theWatchRunsOnceForEachStartOfTheAgentsProcess() {
        UUID first = UUID.randomUUID();
        AgentServer server = start(0, first);
        int port = server.port();
        AgentClient client = client(port, TOKEN);
        AtomicInteger restarts = new AtomicInteger();
        client.watch(Duration.ofMillis(50), first, () -> client.call("hello", null, UUID.class, Duration.ofSeconds(5)),
                restarts::incrementAndGet);

        server.close();
        await().atMost(Duration.ofSeconds(10)).until(client::unreachable);
        assertThat(restarts).hasValue(0);
        start(port, UUID.randomUUID());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(restarts).hasValue(1));
        await().until(() -> !client.unreachable());
        assertThat(restarts).hasValue(1);
    }
}
