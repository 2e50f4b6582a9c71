package io.helixstack.delivery;

import static io.helixstack.delivery.ProxyTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests through the proxy to a real upstream and a static site, read back from the registry per deployment. */
class ProxyMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ClientFactory clientFactory;
    private BuiltinProxy proxy;
    private Server upstream;
    private WebClient client;

    @BeforeEach
    void start() {
        clientFactory = ClientFactory.builder().build();
        proxy = new BuiltinProxy(DeliveryConfig.defaults().withBindAddress("127.0.0.1").withPort(0), registry);
        proxy.start();
        client = ProxyTestSupport.client(clientFactory, proxy);
        upstream = ProxyTestSupport.startUpstream((ctx, req) -> switch (ctx.path()) {
            case "/ok" -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, "0123456789");
            case "/boom" -> HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR, MediaType.PLAIN_TEXT_UTF_8, "boom");
            default -> HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8, "nope");
        });
    }

    @AfterEach
    void stop() {
        upstream.stop().join();
        proxy.close();
        clientFactory.close();
    }

    @Test
    void recordsStatusClassesLatencyBytesAndInFlightPerDeployment(@TempDir Path site) throws Exception {
        Route.Upstreams web = ProxyTestSupport.upstreams("web", ProxyTestSupport.endpointOf(upstream));
        Files.writeString(site.resolve("index.html"), "<h1>docs</h1>");
        Route.Static docs = new Route.Static(UUID.randomUUID(), "docs", site, false);
        proxy.publishRoutes(RouteTable.of(Map.of("web.localhost", web, "docs.localhost", docs)));

        for (int i = 0; i < 3; i++) {
            assertThat(get(client, "web.localhost", "/ok").status()).isEqualTo(HttpStatus.OK);
        }
        assertThat(get(client, "web.localhost", "/missing").status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(get(client, "web.localhost", "/boom").status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(get(client, "docs.localhost", "/").status()).isEqualTo(HttpStatus.OK);
        assertThat(get(client, "nobody.localhost", "/").status()).isEqualTo(HttpStatus.NOT_FOUND);

        String webId = ProxyMetrics.shortId(web.deploymentId());
        // The log completes just after the client has the last byte, so wait for the recording rather than assume it.
        await().untilAsserted(() -> {
            assertThat(requests("web", webId, "2xx")).isEqualTo(3);
            assertThat(requests("web", webId, "4xx")).isEqualTo(1);
            assertThat(requests("web", webId, "5xx")).isEqualTo(1);
            assertThat(requests("docs", ProxyMetrics.shortId(docs.deploymentId()), "2xx")).isEqualTo(1);
        });
        assertThat(registry.find(ProxyMetrics.RESPONSE_BYTES).tags("app", "web", "deployment", webId).counter())
                .extracting(Counter::count).isEqualTo(3 * 10.0 + 4 + 4);
        Timer ok = registry.find(ProxyMetrics.REQUESTS).tags("app", "web", "deployment", webId, "status", "2xx").timer();
        assertThat(ok.takeSnapshot().percentileValues()).hasSize(3);
        assertThat(registry.find(ProxyMetrics.IN_FLIGHT).tags("app", "web", "deployment", webId).gauge())
                .extracting(Gauge::value).isEqualTo(0.0);
        assertThat(registry.find(ProxyMetrics.UNROUTED).counter()).extracting(Counter::count).isEqualTo(1.0);
        assertThat(registry.find(ProxyMetrics.REQUESTS).tag("app", "nobody").meters()).isEmpty();

        // The web deployment leaves the table: its series go, the static site's stay.
        proxy.publishRoutes(RouteTable.of(Map.of("docs.localhost", docs)));
        assertThat(registry.find(ProxyMetrics.REQUESTS).tag("app", "web").meters()).isEmpty();
        assertThat(registry.find(ProxyMetrics.RESPONSE_BYTES).tag("app", "web").meters()).isEmpty();
        assertThat(registry.find(ProxyMetrics.IN_FLIGHT).tag("app", "web").meters()).isEmpty();
        assertThat(registry.find(ProxyMetrics.REQUESTS).tag("app", "docs").meters()).hasSize(1);
    }

    @Test
    void countsRequestsInFlightUntilTheyComplete() {
        var release = new CompletableFuture<HttpResponse>();
        Server slow = ProxyTestSupport.startUpstream((ctx, req) -> HttpResponse.of(release));
        try {
            Route.Upstreams web = ProxyTestSupport.upstreams("slow", ProxyTestSupport.endpointOf(slow));
            proxy.publishRoutes(RouteTable.of(Map.of("slow.localhost", web)));
            String[] tags = {"app", "slow", "deployment", ProxyMetrics.shortId(web.deploymentId())};
            var pending = client.execute(RequestHeaders.builder(HttpMethod.GET, "/").authority("slow.localhost").build()).aggregate();
            await().until(() -> inFlight(tags) == 1.0);
            release.complete(HttpResponse.of(HttpStatus.OK));
            assertThat(pending.join().status()).isEqualTo(HttpStatus.OK);
            await().until(() -> inFlight(tags) == 0.0);
        } finally {
            slow.stop().join();
        }
    }

    private double inFlight(String... tags) {
        Gauge gauge = registry.find(ProxyMetrics.IN_FLIGHT).tags(tags).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private long requests(String app, String deployment, String status) {
        Timer timer = registry.find(ProxyMetrics.REQUESTS).tags("app", app, "deployment", deployment, "status", status).timer();
        return timer == null ? 0 : timer.count();
    }
}
