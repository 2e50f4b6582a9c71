package io.helixstack.server;

import io.helixstack.build.LocalBuildService;
import io.helixstack.control.ControlConfig;
import io.helixstack.control.ControlPlane;
import io.helixstack.bus.PostgresEventBus;
import io.helixstack.control.DeployNotifier;
import io.helixstack.control.ArtifactLinks;
import io.helixstack.control.DeploymentOrchestrator;
import io.helixstack.control.RuntimeTargets;
import io.helixstack.control.Upgrader;
import io.helixstack.plugin.api.Provider;
import io.helixstack.runtime.BuildLimits;
import io.helixstack.runtime.kubernetes.KubeconfigProvider;
import io.helixstack.runtime.kubernetes.KubernetesSettings;
import io.helixstack.control.ManagedDatabases;
import io.helixstack.control.PostgresManagedDatabases;
import io.helixstack.control.ForgeStatusReporter;
import io.helixstack.control.GitSshServer;
import io.helixstack.control.MetricsSampler;
import io.helixstack.control.StoreLogSink;
import io.helixstack.delivery.BuiltinProxy;
import io.helixstack.delivery.DeliveryConfig;
import io.helixstack.observability.OtlpSink;
import io.helixstack.source.BitbucketStatuses;
import io.helixstack.source.GitHubStatuses;
import io.helixstack.source.GitLabStatuses;
import io.helixstack.runtime.ProcessRuntimeDriver;
import io.helixstack.store.Database;
import io.helixstack.store.SecretBox;
import io.helixstack.store.Store;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: reads the configuration and wires every plane by hand, top to bottom, in one JVM (the embedded
 * default of {@code helix up}). Stops in reverse order.
 */
public final class HelixServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HelixServer.class);
    /** Pods download their artifact again whenever they are rescheduled: the URL must outlive a release for a while. */
    private static final java.time.Duration CLUSTER_ARTIFACT_URL_LIFETIME = java.time.Duration.ofDays(30);

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final ControlPlane api;
    private final BuiltinProxy proxy;
    private final GitSshServer ssh;

    public HelixServer(HelixConfig config, Clock clock) {
        try {
            Files.createDirectories(config.home());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create HELIX_HOME " + config.home() + ": " + e.getMessage(), e);
        }
        try {
            Database db = config.databaseUrl() == null ? Database.embedded(config.home().resolve("postgres"))
                    : Database.external(config.databaseUrl());
            toClose.push(db);
            Store store = new Store(db.jdbi(), SecretBox.fromKeyFile(config.home().resolve("secret.key")), clock);
            // The outbox every state change writes its event into, delivered to the bus consumers below.
            PostgresEventBus bus = PostgresEventBus.start(db.dataSource(), PostgresEventBus.Settings.defaults());
            toClose.push(bus);

            // Logs and metrics are kept in the store (secrets masked) and, when a collector is configured, sent on by OTLP.
            OtlpSink otlp = config.otlpEndpoint() == null ? null : new OtlpSink(config.otlpEndpoint());
            StoreLogSink logs = new StoreLogSink(store, clock, config.logRetention(), config.logMaxLinesPerApp(), otlp);
            toClose.push(logs);
            // Builds run niced, a few at a time, and together under one memory cap: a build cannot take the apps down.
            BuildLimits buildLimits = config.buildMemoryMb() > 0 ? BuildLimits.memoryCap(config.buildMemoryMb()) : BuildLimits.none();
            log.atInfo().log(buildLimits.description());
            LocalBuildService builds = new LocalBuildService(config.home().resolve("build"), LocalBuildService.defaultBuildpacks(clock),
                    buildLog -> new io.helixstack.build.ProcessCommandRunner(buildLog, buildLimits.wrapper()), clock,
                    config.buildConcurrency());
            // Apps' databases: closed after the runtime (pushed before it), so instances stop before their database does.
            ManagedPostgres managed = HelixConfig.MANAGED_POSTGRES_OFF.equals(config.managedPostgres()) ? null
                    : new ManagedPostgres(config.managedPostgres(), config.home().resolve("managed-postgres/data"));
            if (managed != null) {
                toClose.push(managed);
            }
            ProcessRuntimeDriver runtime = new ProcessRuntimeDriver(config.home(), config.home().resolve("run"), logs, config.sandbox());
            toClose.push(runtime::close);

            // One registry for the whole server: the proxy records into it, the control plane reads and exposes it.
            Metrics serverMetrics = new Metrics();
            toClose.push(serverMetrics);
            PrometheusMeterRegistry metrics = serverMetrics.registry;
            DeliveryConfig delivery = new DeliveryConfig(config.bind(), config.httpPort(), config.baseDomain(),
                    DeliveryConfig.DEFAULT_CONNECT_TIMEOUT, DeliveryConfig.DEFAULT_UPSTREAM_RESPONSE_TIMEOUT);
            proxy = config.proxyMetrics() ? new BuiltinProxy(delivery, metrics) : BuiltinProxy.withoutMetrics(delivery);
            proxy.start();
            toClose.push(proxy);

            ControlConfig control = new ControlConfig(config.baseDomain(), proxy.port(), config.uploadLimit(),
                    ControlConfig.DEFAULT_DRAIN_TIMEOUT, ControlConfig.DEFAULT_STOP_GRACE, config.healthTimeout());
            ManagedDatabases databases = managed == null ? ManagedDatabases.NONE : new PostgresManagedDatabases(managed, store, logs);
            RuntimeTargets targets = new RuntimeTargets(runtime);
            toClose.push(targets);
            DeploymentOrchestrator orchestrator = new DeploymentOrchestrator(store, builds, targets, proxy, logs, control, clock,
                    databases);
            toClose.push(orchestrator);
            // Commit statuses back to the forge a webhook came from.
            toClose.push(new ForgeStatusReporter(store, control, List.of(
                    new ForgeStatusReporter.Forge("github", GitHubStatuses.DEFAULT_API, GitHubStatuses::new),
                    new ForgeStatusReporter.Forge("gitlab", GitLabStatuses.DEFAULT_API, GitLabStatuses::new),
                    new ForgeStatusReporter.Forge("bitbucket", BitbucketStatuses.DEFAULT_API, BitbucketStatuses::new)))
                    .subscribe(bus));
            // Deployment events to the applications' notification hooks.
            toClose.push(new DeployNotifier(store, control).subscribe(bus));
            // Infrastructure applications can be upgraded to: an existing cluster, adopted from a kubeconfig. Its pods fetch
            // artifacts by signed URL from the API as HELIX_PUBLIC_URL names it; without that address (the API listens on
            // 127.0.0.1 by default, which no pod reaches) no provider is offered.
            ArtifactLinks links = new ArtifactLinks(store, clock);
            String publicUrl = config.publicUrl();
            Map<String, Provider> providers = publicUrl == null ? Map.of() : Map.of(KubeconfigProvider.NAME,
                    new KubeconfigProvider(KubernetesSettings.defaults(),
                            artifact -> links.signed(publicUrl, artifact.digest(), CLUSTER_ARTIFACT_URL_LIFETIME), clock));
            // Apps' databases on the embedded server listen on 127.0.0.1: a cluster's pods could not reach them.
            boolean databasesReachable = !HelixConfig.MANAGED_POSTGRES_EMBEDDED.equals(config.managedPostgres());
            Upgrader upgrader = new Upgrader(store, providers, orchestrator, logs, logs, databasesReachable);
            upgrader.restore();
            toClose.push(upgrader.subscribe(bus));
            // Recover before the API takes requests: recovery fails what was in flight, and must not catch new work.
            orchestrator.recover();
            MetricsSampler sampler = new MetricsSampler(metrics, orchestrator, logs, clock, config.metricsInterval()).start();
            toClose.push(sampler);
            api = new ControlPlane(new InetSocketAddress(config.bind(), config.apiPort()), store, builds, orchestrator, control, clock,
                    metrics, new ControlPlane.Options(sampler, config.home().resolve("git"), config.tls(), providers));
            api.start();
            toClose.push(api);

            String scheme = config.tls() == null ? "http" : "https";
            Credentials.ensure(config.home(), store.tokens(), store.tokens().defaultTeam(), scheme + "://" + config.bind() + ":" + api.port());
            if (config.sshPort() >= 0) {
                ssh = GitSshServer.start(config.bind(), config.sshPort(), config.home().resolve("ssh_host_key"), store, api);
                toClose.push(ssh);
            } else {
                ssh = null;
            }
            log.atInfo().addKeyValue("api", scheme + "://" + config.bind() + ":" + api.port())
                    .addKeyValue("apps", "http://<app>." + config.baseDomain() + ":" + proxy.port())
                    .addKeyValue("git", scheme + "://" + config.bind() + ":" + api.port() + "/git/<app>.git"
                            + (ssh == null ? "" : ", ssh://git@" + config.bind() + ":" + ssh.port() + "/<app>.git"))
                    .addKeyValue("home", config.home()).log("HelixStack is up");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int apiPort() {
        return api.port();
    }

    public int httpPort() {
        return proxy.port();
    }

    /** The git-over-SSH port, or -1 when it is off. */
    public int sshPort() {
        return ssh == null ? -1 : ssh.port();
    }

    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                log.atWarn().addKeyValue("error", e.toString()).log("Error while stopping");
            }
        }
    }

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].equals("up") && !args[0].equals("server")) {
            System.err.println("helix-server: unknown command \"" + args[0] + "\" (expected: up)");
            System.exit(2);
        }
        HelixServer server;
        try {
            server = new HelixServer(HelixConfig.fromEnv(Map.copyOf(System.getenv())), Clock.systemUTC());
        } catch (HelixConfig.ConfigException e) {
            System.err.println("helix: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("helix: could not start: " + e.getMessage());
            log.atDebug().setCause(e).log("Start-up failed");
            System.exit(1);
            return;
        }
        System.out.println("HelixStack is up. API: http://127.0.0.1:" + server.apiPort() + "  apps: http://<app>.localhost:"
                + server.httpPort() + "  (Ctrl-C stops)");
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(server::close));
    }
}
