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
import java.util.Map;
import java.util.Objects;

/** The control plane's HTTP API on its own port: routes, token auth, problem+json errors, the OpenAPI document. */
public final class ControlPlane implements AutoCloseable {
    private static final Duration GIT_DEPLOY_TIMEOUT = Duration.ofMinutes(15);
    private final Server server;
    private final GitPushes pushes;

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
        this(bind, store, builds, orchestrator, config, clock, metrics, Options.none());
    }

    /**
     * What a control plane serves beyond the API, all optional.
     *
     * @param sampler the metrics sampler whose latest CPU and memory readings the metrics API shows (and whose samples
     *                the alert rules are checked after), or null
     * @param gitRoot where applications' bare repositories live for {@code git push} over HTTP(S) ({@code /git/}); null
     *                serves no git endpoint
     * @param tls     a PEM certificate chain and private key: the API (and git) is then served over HTTPS; null for HTTP
     * @param providers the infrastructure providers {@code POST /applications/{app}/upgrade} can move applications to, by name
     */
    /**
     * @param requests the proxy's live request figures when the proxy runs in another process; null: from the registry
     */
    public record Options(MetricsSampler sampler, java.nio.file.Path gitRoot, Tls tls,
                          Map<String, io.helixstack.plugin.api.Provider> providers, ProxyRequests.Source requests) {
        public Options {
            providers = providers == null ? Map.of() : Map.copyOf(providers);
        }

        public Options(MetricsSampler sampler, java.nio.file.Path gitRoot, Tls tls, Map<String, io.helixstack.plugin.api.Provider> providers) {
            this(sampler, gitRoot, tls, providers, null);
        }

        public Options(MetricsSampler sampler, java.nio.file.Path gitRoot, Tls tls) {
            this(sampler, gitRoot, tls, Map.of());
        }

        public static Options none() {
            return new Options(null, null, null);
        }
    }

    /** PEM files: the certificate chain and its (unencrypted PKCS#8) private key. */
    public record Tls(java.nio.file.Path certificateChain, java.nio.file.Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    public ControlPlane(InetSocketAddress bind, Store store, BuildService builds, DeploymentOrchestrator orchestrator, ControlConfig config,
                        java.time.Clock clock, MeterRegistry metrics, Options options) {
        MetricsSampler sampler = options.sampler();
        java.nio.file.Path gitRoot = options.gitRoot();
        ApiContext api = new ApiContext(store, orchestrator, config, clock);
        if (sampler != null) {
            AlertMonitor alerts = new AlertMonitor(store, sampler.platformLog(), clock);
            sampler.afterEachSample(alerts::check);
        }
        byte[] openApi = openApiDocument();
        ServerBuilder sb = Server.builder();
        if (options.tls() == null) {
            sb.http(bind);
        } else {
            sb.https(bind).tls(options.tls().certificateChain().toFile(), options.tls().privateKey().toFile());
        }
        sb
                // Uploads are streamed into memory up to the limit; a little headroom for the multipart-free gzip framing.
                .maxRequestLength(config.uploadLimit() + 1024 * 1024)
                .requestTimeout(Duration.ofMinutes(10))
                .errorHandler(new ProblemHandler())
                .annotatedService(new ProjectsApi(api))
                .annotatedService(new DeploymentsApi(api, builds))
                .annotatedService(new LogsApi(api))
                .annotatedService(new MetricsApi(api, Objects.requireNonNull(metrics, "metrics"),
                        options.requests() != null ? options.requests() : ProxyRequests.of(metrics), sampler))
                .annotatedService(new AlertsApi(api))
                .annotatedService(new EventsApi(api))
                .annotatedService(new HooksApi(api))
                .annotatedService(new SshKeysApi(api))
                .annotatedService(new ExportApi(api, builds))
                .annotatedService(new UpgradesApi(api, options.providers()))
                .annotatedService(new RepositoryLinksApi(api)).annotatedService(new WebhooksApi(api))
                .service("/openapi.json", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, openApi))
                .decorator(new TokenAuth(store.tokens()));
        Console.serve(sb);
        if (gitRoot != null) {
            this.pushes = new GitPushes(store, orchestrator, config, gitRoot, clock, GIT_DEPLOY_TIMEOUT);
            sb.serviceUnder("/git/", new GitHttpService(api, pushes));
        } else {
            this.pushes = null;
        }
        this.server = sb.build();
    }

    /** The pushes the git endpoints deploy (shared with the SSH server), or null without a git root. */
    GitPushes pushes() {
        return pushes;
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
