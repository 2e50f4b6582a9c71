package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.runtime.remote.RemoteRuntimeDriver;
import io.helixstack.runtime.remote.RuntimeAgent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The contract through the runtime plane's RPC: the process runtime served by a {@link RuntimeAgent} on a free port and
 * driven by a {@link RemoteRuntimeDriver}, as a control plane in another process drives it. Closing the driver here closes
 * the whole runtime plane (client, agent, processes), which is what the contract's shutdown means.
 */
class RemoteRuntimeDriverContractTest extends ProcessRuntimeDriverContractTest {
    private static final String TOKEN = "test-runtime-token-0123456789";
    private RuntimeAgent agent;

    @Override
    protected RuntimeDriver createDriver(ObservabilitySink sink) {
        RuntimeDriver local = super.createDriver(sink);
        agent = new RuntimeAgent(new InetSocketAddress("127.0.0.1", 0), local, TOKEN).start();
        RemoteRuntimeDriver remote = new RemoteRuntimeDriver(URI.create("http://127.0.0.1:" + agent.port()), TOKEN);
        return (RuntimeDriver) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RuntimeDriver.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        remote.close();
                        agent.stop(); // not awaited: its event loops take seconds to wind down, the port is closed at once
                        local.close();
                        return null;
                    }
                    try {
                        return method.invoke(remote, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aCallerWithoutTheTokenIsRefusedAndSaysWhy() {
        assertThatThrownBy(() -> new RemoteRuntimeDriver(URI.create("http://127.0.0.1:" + agent.port()), "not-the-token-at-all"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(401)").hasMessageContaining("missing or wrong runtime token");
    }

    @Test
    void anUnknownOperationIsAProblemNamingTheKnownOnes() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port()
                            + "/runtime/v1/reboot")).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("unknown runtime operation \\\"reboot\\\"", "expected: hello, prepare");
        }
    }

    @Test
    void aRuntimeProcessThatStartsAgainIsNoticed() {
        int port = agent.port();
        java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
        RemoteRuntimeDriver watched = new RemoteRuntimeDriver(URI.create("http://127.0.0.1:" + port), TOKEN);
        try {
            watched.watch(java.time.Duration.ofMillis(50), restarts::incrementAndGet);
            agent.close();
            RuntimeDriver fresh = new io.helixstack.plugin.tck.InMemoryRuntimeDriver(new io.helixstack.plugin.tck.InMemoryObservabilitySink());
            agent = new RuntimeAgent(new InetSocketAddress("127.0.0.1", port), fresh, TOKEN).start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> restarts.get() == 1);
            assertThat(watched.name()).isEqualTo("process");
        } finally {
            watched.close();
        }
    }

    @Test
    void anAgentThatIsNotThereIsNamedInTheError() {
        assertThatThrownBy(() -> new RemoteRuntimeDriver(URI.create("http://127.0.0.1:1"), TOKEN))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("runtime plane at http://127.0.0.1:1 did not answer hello");
    }
}
