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
import io.helixstack.control.BuildWorker;
import io.helixstack.bus.NatsEventBus;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.runtime.remote.RemoteRuntimeDriver;
import io.helixstack.runtime.remote.RuntimeAgent;
import io.helixstack.plugin.api.Provider;
import io.helixstack.runtime.BuildLimits;
import io.helixstack.runtime.kubernetes.KubeconfigProvider;
import io.helixstack.runtime.kubernetes.KubernetesSettings;
import io.helixstack.control.ManagedDatabases;
import io.helixstack.control.PostgresManagedDatabases;
import io.helixstack.control.ForgeStatusReporter;
import io.helixstack.control.GitSshServer;
import io.helixstack.control.MetricsSampler;
import io.helixstack.control.ProxyRequests;
import io.helixstack.control.StoreLogSink;
import io.helixstack.delivery.BuiltinProxy;
import io.helixstack.delivery.DeliveryAgent;
import io.helixstack.delivery.DeliveryConfig;
import io.helixstack.delivery.RemoteDeliveryProvider;
import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.observability.OtlpSink;
import io.helixstack.source.BitbucketStatuses;
import io.helixstack.source.GitHubStatuses;
import io.helixstack.source.GitLabStatuses;
import io.helixstack.runtime.ProcessRuntimeDriver;
import io.helixstack.runtime.Sealer;
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

    /** How often a control plane asks its runtime process whether it is still the same one. */
    private static final java.time.Duration RUNTIME_WATCH_INTERVAL = java.time.Duration.ofSeconds(2);
    /** How often a control plane makes sure its delivery process serves the last table (it may have started again). */
    private static final java.time.Duration DELIVERY_WATCH_INTERVAL = java.time.Duration.ofMillis(500);
    /** How long a control process waits at start for its runtime and delivery processes to answer, and how often it asks. */
    private static final java.time.Duration AGENT_CONNECT_WAIT = java.time.Duration.ofSeconds(60);
    private static final java.time.Duration AGENT_CONNECT_RETRY = java.time.Duration.ofMillis(500);
    /** The delivery agent's query for its proxy's live request figures of one app. */
    private static final String PROXY_REQUESTS = "requests";
    /** The delivery agent's query for its proxy's series in Prometheus text. */
    private static final String PROXY_SERIES = "series";

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final Topology topology;
    private ControlPlane api;
    private BuiltinProxy proxy;
    private GitSshServer ssh;
    private RuntimeAgent agent;
    private DeliveryAgent deliveryAgent;
    private int appsPort = -1;

    /** Every plane in this process: the embedded default. */
    public HelixServer(HelixConfig config, Clock clock) {
        this(config, Topology.allInOne(), clock);
    }

    /** The planes {@code topology} names, in this process; the others are reached over the bus and the runtime agent. */
    public HelixServer(HelixConfig config, Topology topology, Clock clock) {
        this.topology = topology;
        try {
            Files.createDirectories(config.home());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create HELIX_HOME " + config.home() + ": " + e.getMessage(), e);
        }
        try {
            Database db = config.databaseUrl() == null ? Database.embedded(config.home().resolve("postgres"))
                    : Database.external(config.databaseUrl());
            toClose.push(db);
            SecretBox secrets = SecretBox.fromKeyFile(config.home().resolve("secret.key"));
            Store store = new Store(db.jdbi(), secrets, clock);
            // The outbox every state change writes its event into, delivered to the bus consumers below: by PostgreSQL
            // itself, or relayed to NATS JetStream when planes run on several machines.
            EventBus bus = topology.natsUrl() == null
                    ? PostgresEventBus.start(db.dataSource(), PostgresEventBus.Settings.defaults().withLease(topology.busLease()))
                    : NatsEventBus.start(topology.natsUrl(), db.dataSource(), NatsEventBus.Settings.defaults().withNames(
                            topology.natsStream(), topology.natsStream().toLowerCase(java.util.Locale.ROOT),
                            topology.natsStream().toLowerCase(java.util.Locale.ROOT) + "-dead-letters")
                            .withAckWait(topology.busLease()));
            toClose.push(bus);

            // Logs and metrics are kept in the store (secrets masked) and, when a collector is configured, sent on by OTLP.
            OtlpSink otlp = config.otlpEndpoint() == null ? null : new OtlpSink(config.otlpEndpoint());
            StoreLogSink logs = new StoreLogSink(store, clock, config.logRetention(), config.logMaxLinesPerApp(), otlp);
            toClose.push(logs);
            // The runtime agent's token: derived from the platform key every process of one installation shares.
            String runtimeToken = java.util.HexFormat.of().formatHex(secrets.derive("runtime-agent"));

            LocalBuildService builds = null;
            if (topology.has(Topology.Plane.BUILD) || topology.has(Topology.Plane.CONTROL)) {
                // Builds run niced, a few at a time, and together under one memory cap: a build cannot take the apps down.
                BuildLimits buildLimits = config.buildMemoryMb() > 0 ? BuildLimits.memoryCap(config.buildMemoryMb()) : BuildLimits.none();
                if (topology.has(Topology.Plane.BUILD)) {
                    log.atInfo().log(buildLimits.description());
                }
                // Uploads and artifacts live under HELIX_HOME/build, shared by the control plane and the build workers.
                builds = new LocalBuildService(config.home().resolve("build"), LocalBuildService.defaultBuildpacks(clock),
                        buildLog -> new io.helixstack.build.ProcessCommandRunner(buildLog, buildLimits.wrapper()), clock,
                        config.buildConcurrency());
            }
            if (topology.has(Topology.Plane.BUILD) && !topology.has(Topology.Plane.CONTROL)) {
                // A build worker: takes requested deployments off the bus, competing with the other workers.
                BuildWorker worker = new BuildWorker(store, builds, clock);
                toClose.push(bus instanceof NatsEventBus nats
                        ? nats.subscribe(BuildWorker.CONSUMER, BuildWorker.EVENTS, worker::handle, BuildWorker.MAX_IN_FLIGHT)
                        : worker.subscribe(bus));
            }

            // Apps' databases: closed after the runtime (pushed before it), so instances stop before their database does.
            ManagedPostgres managed = !topology.has(Topology.Plane.CONTROL)
                    || HelixConfig.MANAGED_POSTGRES_OFF.equals(config.managedPostgres()) ? null
                    : new ManagedPostgres(config.managedPostgres(), config.home().resolve("managed-postgres/data"));
            if (managed != null) {
                toClose.push(managed);
                managed.resumeIfStartedBefore();
            }
            List<RuntimeTargets.Target> regions = new java.util.ArrayList<>();
            if (topology.has(Topology.Plane.RUNTIME)) {
                // Instance directories per region: runtime processes of several regions may share one HELIX_HOME.
                // Instances outlive a killed runtime process; their saved launches (env, secrets) are sealed with a key of
                // their own, derived from the platform's.
                SecretBox launches = new SecretBox(secrets.derive("runtime-launches"));
                ProcessRuntimeDriver local = new ProcessRuntimeDriver(config.home(), Topology.DEFAULT_REGION.equals(topology.region())
                        ? config.home().resolve("run") : config.home().resolve("run-" + topology.region()), logs,
                        Sealer.of(launches::seal, launches::open), config.sandbox());
                toClose.push(local::close);
                regions.add(new RuntimeTargets.Target(local, java.util.Optional.empty(), topology.region()));
                if (!topology.has(Topology.Plane.CONTROL)) {
                    // The runtime plane on its own: control planes drive its instances through the agent.
                    agent = new RuntimeAgent(new InetSocketAddress(config.bind(), topology.runtimePort()), local, runtimeToken).start();
                    toClose.push(agent);
                }
            } else if (topology.has(Topology.Plane.CONTROL)) {
                // Runtime processes, one per region: every application runs in each of them.
                topology.runtimes().forEach((region, url) -> {
                    RemoteRuntimeDriver remote = connect("runtime", url, () -> new RemoteRuntimeDriver(url, runtimeToken));
                    toClose.push(remote::close);
                    regions.add(new RuntimeTargets.Target(remote, java.util.Optional.empty(), region));
                });
            }
            // One registry per process: the proxy records into it; the control plane reads and exposes it.
            Metrics serverMetrics = new Metrics();
            toClose.push(serverMetrics);
            String deliveryToken = java.util.HexFormat.of().formatHex(secrets.derive("delivery-agent"));
            if (topology.has(Topology.Plane.DELIVERY)) {
                DeliveryConfig delivery = new DeliveryConfig(config.bind(), config.httpPort(), config.baseDomain(),
                        DeliveryConfig.DEFAULT_CONNECT_TIMEOUT, DeliveryConfig.DEFAULT_UPSTREAM_RESPONSE_TIMEOUT);
                // Apart from the control plane, the proxy's meters get a registry of their own: its series are handed to
                // the control plane's /metrics, where this process's JVM series would clash with the control process's.
                PrometheusMeterRegistry proxyMeters = topology.has(Topology.Plane.CONTROL) ? serverMetrics.registry
                        : new PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
                if (proxyMeters != serverMetrics.registry) {
                    toClose.push(proxyMeters::close);
                }
                proxy = config.proxyMetrics() ? new BuiltinProxy(delivery, proxyMeters) : BuiltinProxy.withoutMetrics(delivery);
                proxy.start();
                toClose.push(proxy);
                if (!topology.has(Topology.Plane.CONTROL)) {
                    // The delivery plane on its own: the control plane publishes its routes through the agent, and the
                    // proxy keeps serving the last ones while the control plane is down. Its request metrics are stored
                    // from here, as the control plane would.
                    deliveryAgent = new DeliveryAgent(new InetSocketAddress(config.bind(), topology.deliveryPort()), proxy,
                            proxy::port, deliveryToken, config.home().resolve("delivery/routes.json"),
                            Map.of(PROXY_REQUESTS, requestsOf(ProxyRequests.of(proxyMeters)),
                                    PROXY_SERIES, args -> proxyMeters.scrape())).start();
                    toClose.push(deliveryAgent);
                    toClose.push(MetricsSampler.ofRoutes(proxyMeters, proxy::routes, logs, clock,
                            config.metricsInterval()).start());
                }
            }
            if (topology.has(Topology.Plane.CONTROL)) {
                startControl(config, topology, clock, store, bus, logs, builds, managed, regions, serverMetrics.registry,
                        deliveryToken);
            }
            log.atInfo().addKeyValue("planes", topology.describe()).addKeyValue("bus", topology.natsUrl() == null ? "postgresql"
                    : topology.natsUrl()).addKeyValue("home", config.home()).log("HelixStack planes up");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startControl(HelixConfig config, Topology topology, Clock clock, Store store, EventBus bus, StoreLogSink logs,
                              LocalBuildService builds, ManagedPostgres managed, List<RuntimeTargets.Target> regions,
                              PrometheusMeterRegistry metrics, String deliveryToken) {
        DeliveryProvider delivery = proxy;
        RemoteDeliveryProvider remoteDelivery = null;
        if (proxy == null) {
            // The delivery process: it serves users while this process starts, stops or restarts.
            remoteDelivery = connect("delivery", topology.delivery(),
                    () -> new RemoteDeliveryProvider(topology.delivery(), deliveryToken));
            toClose.push(remoteDelivery);
            delivery = remoteDelivery;
        }
        appsPort = proxy != null ? proxy.port() : remoteDelivery.proxyPort();
        ControlConfig control = new ControlConfig(config.baseDomain(), appsPort, config.uploadLimit(),
                ControlConfig.DEFAULT_DRAIN_TIMEOUT, ControlConfig.DEFAULT_STOP_GRACE, config.healthTimeout());
        ManagedDatabases databases = managed == null ? ManagedDatabases.NONE : new PostgresManagedDatabases(managed, store, logs);
        RuntimeTargets targets = new RuntimeTargets(regions);
        toClose.push(targets);
        boolean buildsHere = topology.has(Topology.Plane.BUILD);
        DeploymentOrchestrator orchestrator = new DeploymentOrchestrator(store, builds, targets, delivery, logs, control, clock,
                databases, buildsHere ? DeploymentOrchestrator.Builds.HERE : DeploymentOrchestrator.Builds.ON_THE_BUS);
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
        // What a runtime ran for the control plane before this one (a launch its death interrupted) is stopped unless
        // recovery adopts it.
        for (RuntimeTargets.Target region : regions) {
            try {
                region.driver().expectAdoption();
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("region", region.region()).log("Could not tell the runtime plane a control plane"
                        + " started: {}", e.getMessage());
            }
        }
        // Recover before the API takes requests: recovery fails what was in flight, and must not catch new work.
        orchestrator.recover();
        for (RuntimeTargets.Target region : regions) {
            if (region.driver() instanceof RemoteRuntimeDriver remote) {
                // A runtime process that starts again has lost its instances: what it ran starts there again.
                remote.watch(RUNTIME_WATCH_INTERVAL, () -> orchestrator.instancesLost(remote));
            }
        }
        if (remoteDelivery != null) {
            // A delivery process that starts again (with no routes) or missed a publish gets the table again.
            remoteDelivery.watch(DELIVERY_WATCH_INTERVAL);
        }
        if (!buildsHere) {
            // What the build workers built is released here (after recovery, which resumed what was mid-release).
            toClose.push(orchestrator.releaseBuilt(bus));
        }
        MetricsSampler sampler = new MetricsSampler(metrics, orchestrator, logs, clock, config.metricsInterval()).start();
        toClose.push(sampler);
        // With the proxy in another process, its live request figures are asked of it.
        ProxyRequests.Source requests = remoteDelivery == null ? null : requestsFrom(remoteDelivery);
        api = new ControlPlane(new InetSocketAddress(config.bind(), config.apiPort()), store, builds, orchestrator, control, clock,
                metrics, new ControlPlane.Options(sampler, config.home().resolve("git"), config.tls(), providers, requests));
        api.start();
        toClose.push(api);

        String scheme = config.tls() == null ? "http" : "https";
        Credentials.ensure(config.home(), store.tokens(), store.tokens().defaultTeam(), scheme + "://" + config.bind() + ":" + api.port());
        if (config.sshPort() >= 0) {
            ssh = GitSshServer.start(config.bind(), config.sshPort(), config.home().resolve("ssh_host_key"), store, api);
            toClose.push(ssh);
        }
        log.atInfo().addKeyValue("api", scheme + "://" + config.bind() + ":" + api.port())
                .addKeyValue("apps", "http://<app>." + config.baseDomain() + ":" + appsPort)
                .addKeyValue("git", scheme + "://" + config.bind() + ":" + api.port() + "/git/<app>.git"
                        + (ssh == null ? "" : ", ssh://git@" + config.bind() + ":" + ssh.port() + "/<app>.git"))
                .addKeyValue("home", config.home()).log("HelixStack is up");
    }

    /**
     * Connects to another plane's agent, waiting up to {@link #AGENT_CONNECT_WAIT} for it to answer: processes started
     * together need not start in order. A refusal (a wrong token) fails at once.
     */
    private static <T> T connect(String plane, java.net.URI address, java.util.function.Supplier<T> connect) {
        long deadline = System.nanoTime() + AGENT_CONNECT_WAIT.toNanos();
        boolean told = false;
        while (true) {
            try {
                return connect.get();
            } catch (IllegalStateException e) {
                if (!String.valueOf(e.getMessage()).contains("did not answer") || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                if (!told) {
                    told = true;
                    log.atInfo().addKeyValue("plane", plane).addKeyValue("address", address)
                            .log("Waiting for the {} plane to answer", plane);
                }
                try {
                    Thread.sleep(AGENT_CONNECT_RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The delivery process's answer to {@code requests {"app": …}}: its proxy's live request figures of the app. */
    private static java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, Object> requestsOf(ProxyRequests.Source source) {
        return args -> {
            String app = args == null ? "" : args.path("app").asText("");
            if (app.isBlank()) {
                throw new IllegalArgumentException("app: missing (expected: {\"app\": \"<name>\"})");
            }
            return source.of(app);
        };
    }

    /** The live request figures and Prometheus series of the proxy in a delivery process; none while it does not answer. */
    private static ProxyRequests.Source requestsFrom(RemoteDeliveryProvider delivery) {
        return new ProxyRequests.Source() {
            @Override
            public Map<String, ProxyRequests.Figures> of(String app) {
                try {
                    return delivery.query(PROXY_REQUESTS, Map.of("app", app),
                            new com.fasterxml.jackson.core.type.TypeReference<Map<String, ProxyRequests.Figures>>() { });
                } catch (IllegalStateException e) {
                    log.atWarn().addKeyValue("app", app).log("No live request figures: {}", e.getMessage());
                    return Map.of();
                }
            }

            @Override
            public String prometheusText() {
                try {
                    return delivery.query(PROXY_SERIES, null, new com.fasterxml.jackson.core.type.TypeReference<String>() { });
                } catch (IllegalStateException e) {
                    log.atWarn().log("No proxy series for /metrics: {}", e.getMessage());
                    return "";
                }
            }
        };
    }

    /** The API's port; -1 in a process without the control plane. */
    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    /** The proxy's port: this process's, or its delivery process's; -1 in a process with neither. */
    public int httpPort() {
        return proxy != null ? proxy.port() : appsPort;
    }

    /** The delivery agent's port; -1 unless this process runs the delivery plane without the control plane. */
    public int deliveryPort() {
        return deliveryAgent == null ? -1 : deliveryAgent.port();
    }

    /** The runtime agent's port; -1 unless this process runs the runtime plane without the control plane. */
    public int runtimePort() {
        return agent == null ? -1 : agent.port();
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
        String planes = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i == 0 && (arg.equals("up") || arg.equals("server"))) {
                continue;
            }
            if (arg.equals("--planes") && i + 1 < args.length) {
                planes = args[++i];
            } else if (arg.startsWith("--planes=")) {
                planes = arg.substring("--planes=".length());
            } else {
                System.err.println("helix-server: unexpected argument \"" + arg + "\" (expected: up, or server [--planes"
                        + " <planes>], planes a comma-separated list of control, delivery, build, runtime)");
                System.exit(2);
                return;
            }
        }
        HelixServer server;
        try {
            Map<String, String> env = Map.copyOf(System.getenv());
            HelixConfig config = HelixConfig.fromEnv(env);
            server = new HelixServer(config, Topology.from(env, planes, config), Clock.systemUTC());
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
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(server::close));
        if (server.apiPort() > 0) {
            System.out.println("HelixStack is up. API: http://127.0.0.1:" + server.apiPort() + "  apps: http://<app>.localhost:"
                    + server.httpPort() + "  (Ctrl-C stops)");
        } else if (server.deliveryPort() > 0) {
            System.out.println("HelixStack delivery plane is up. Apps: http://<app>.localhost:" + server.httpPort() + "  agent: port "
                    + server.deliveryPort() + "  (Ctrl-C stops)");
        } else if (server.runtimePort() > 0) {
            System.out.println("HelixStack runtime plane is up. Agent: port " + server.runtimePort() + "  (Ctrl-C stops)");
        } else {
            System.out.println("HelixStack build worker is up, taking builds off the bus  (Ctrl-C stops)");
        }
    }
}
