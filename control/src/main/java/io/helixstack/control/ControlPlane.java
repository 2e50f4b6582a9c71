package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/** The control plane's HTTP API on its own port: routes, token auth, problem+json errors, the OpenAPI document. */
public final class ControlPlane implements AutoCloseable {
    private final Server server;

    /** A control plane with a registry of its own: {@code /metrics} then shows no proxy traffic. */
    public ControlPlane(InetSocketAddress bind, Store store, BuildService builds, DeploymentOrchestrator orchestrator, ControlConfig config,
                        java.time.Clock clock) {
        this(bind, store, builds, orchestrator, config, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * @param metrics the server's registry, which the proxy records into: read by {@code /applications/{app}/metrics}, and
     *                served at {@code /metrics} when it is a {@link PrometheusMeterRegistry}
     */
    public ControlPlane(InetSocketAddress bind, Store store, BuildService builds, DeploymentOrchestrator orchestrator, ControlConfig config,
                        java.time.Clock clock, MeterRegistry metrics) {
        this(bind, store, builds, orchestrator, config, clock, metrics, null);
    }

    /** @param sampler the metrics sampler whose latest CPU and memory readings the metrics API shows, or null */
    public ControlPlane(InetSocketAddress bind, Store store, BuildService builds, DeploymentOrchestrator orchestrator, ControlConfig config,
                        java.time.Clock clock, MeterRegistry metrics, MetricsSampler sampler) {
        ApiContext api = new ApiContext(store, orchestrator, config, clock);
        if (sampler != null) {
            AlertMonitor alerts = new AlertMonitor(store, sampler.platformLog(), clock);
            sampler.afterEachSample(alerts::check);
        }
        byte[] openApi = openApiDocument();
        ServerBuilder sb = Server.builder()
                .http(bind)
                // Uploads are streamed into memory up to the limit; a little headroom for the multipart-free gzip framing.
                .maxRequestLength(config.uploadLimit() + 1024 * 1024)
                .requestTimeout(Duration.ofMinutes(10))
                .errorHandler(new ProblemHandler())
                .annotatedService(new ProjectsApi(api))
                .annotatedService(new DeploymentsApi(api, builds))
                .annotatedService(new LogsApi(api))
                .annotatedService(new MetricsApi(api, Objects.requireNonNull(metrics, "metrics"), sampler))
                .annotatedService(new AlertsApi(api))
                .annotatedService(new EventsApi(api))
                .annotatedService(new RepositoryLinksApi(api)).annotatedService(new WebhooksApi(api))
                .service("/openapi.json", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, openApi))
                .decorator(new TokenAuth(store.tokens()));
        this.server = sb.build();
    }

    public void start() {
        server.start().join();
    }

    public int port() {
        return server.activeLocalPort();
    }

    @Override
    public void close() {
        server.stop().join();
    }

    static byte[] openApiDocument() {
        try (InputStream in = Objects.requireNonNull(ControlPlane.class.getResourceAsStream("openapi.json"), "openapi.json resource")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
