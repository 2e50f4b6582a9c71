package io.helixstack.runtime;

import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.RuntimeDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default, local target: every instance is a supervised process on 127.0.0.1, started with the app's own start
 * command ({@code sh -c "exec <command>"}, Procfile style) in its read-only artifact directory, sandboxed by bubblewrap
 * when it works here. Each instance gets a free port ({@code PORT}) kept across restarts, and its own writable directory
 * ({@code HOME}) under {@code <workRoot>/instances/<instance-id>/}, deleted when it stops.
 */
public final class ProcessRuntimeDriver implements RuntimeDriver {
    /** Lines of output kept per instance for {@link #collectLogs}. */
    public static final int LOG_LINES_KEPT = 1000;
    /** How long {@link #close()} lets each instance drain before SIGKILL. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    static final String HOST = "127.0.0.1";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Stopped instances remembered for {@code status} and {@code collectLogs}; older ones read as STOPPED with no logs. */
    private static final int STOPPED_KEPT = 256;
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntimeDriver.class);

    private final Path workRoot;
    private final ObservabilitySink sink;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Sandbox sandbox;
    private final HttpClient http;
    private final HealthProbe probe;
    private final PortAllocator ports = new PortAllocator();
    private final Map<String, SupervisedInstance> live = new ConcurrentHashMap<>();
    private final Map<String, SupervisedInstance> stopped = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SupervisedInstance> eldest) {
            return size() > STOPPED_KEPT;
        }
    };

    /** Sandboxes instances with bubblewrap when it works on this machine, and says so in each instance's log when not. */
    public ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink) {
        this(helixHome, workRoot, sink, true);
    }

    /**
     * @param helixHome the platform's home, hidden from instances
     * @param workRoot  where instance directories are created ({@code <workRoot>/instances/<id>})
     * @param sandbox   false to run instances without bubblewrap even where it works
     */
    public ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink, boolean sandbox) {
        this(helixHome, workRoot, sink, sandbox, Clock.systemUTC(),
                Scheduler.of(Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("helix-supervisor")
                        .factory())));
    }

    ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink, boolean sandbox, Clock clock,
                         Scheduler scheduler) {
        Objects.requireNonNull(helixHome, "helixHome");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot").toAbsolutePath().normalize();
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.sandbox = Sandbox.probe(sandbox, helixHome, System.getenv("PATH"));
        this.http = HealthProbe.newClient();
        this.probe = new HealthProbe(http, clock);
        if (this.sandbox.active()) {
            log.atInfo().log("Instances run sandboxed by bubblewrap");
        } else {
            // A warning only when the sandbox was wanted: disabling it is a choice, not a problem.
            (sandbox ? log.atWarn() : log.atInfo()).log(this.sandbox.unavailableReason());
        }
    }

    /** Whether instances run inside bubblewrap. */
    public boolean sandboxed() {
        return sandbox.active();
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public void prepare(Artifact artifact) {
        if (!Files.isDirectory(artifact.dir())) {
            throw new IllegalArgumentException("artifact " + artifact.digest() + ": directory " + artifact.dir()
                    + " does not exist (expected: the unpacked artifact)");
        }
    }

    @Override
    public Instance deploy(InstanceSpec spec) {
        prepare(spec.artifact());
        String id = newId(spec);
        Path artifactDir = spec.artifact().dir().toAbsolutePath().normalize();
        Path instanceDir = createInstanceDir(id);
        int port = ports.allocate();
        Instance instance = new Instance(id, spec.deploymentId(), spec.app(), spec.service(), new Endpoint(HOST, port));
        // Procfile commands are shell syntax; exec makes the app replace the shell, so signals reach it directly.
        List<String> command = List.of("/bin/sh", "-c", "exec " + spec.command());
        SupervisedInstance.Launch launch = new SupervisedInstance.Launch(
                sandbox.wrap(command, artifactDir, instanceDir), environment(spec, instance, instanceDir), artifactDir,
                sandbox.active());
        InstanceLog output = new InstanceLog(spec.deploymentId(), id, sink, clock, LOG_LINES_KEPT);
        if (!sandbox.active()) {
            output.system(sandbox.unavailableReason());
        }
        SupervisedInstance supervised = new SupervisedInstance(instance, launch, spec.health(), output, clock, scheduler, probe);
        live.put(id, supervised);
        supervised.start();
        return instance;
    }

    @Override
    public Readiness awaitReady(Instance instance) {
        return find(instance).awaitReady();
    }

    @Override
    public void promote(List<Instance> instances) {
        // Routing is the proxy's job; a line in each log tells when the instance began taking production traffic.
        instances.forEach(i -> find(i).output().system("promoted"));
    }

    @Override
    public void cleanup(Instance instance, Duration grace) {
        SupervisedInstance supervised = live.get(instance.id());
        if (supervised == null) {
            return;
        }
        supervised.stop(grace);
        if (live.remove(instance.id(), supervised)) {
            synchronized (stopped) {
                stopped.put(instance.id(), supervised);
            }
            ports.release(instance.endpoint().port());
            deleteRecursively(workRoot.resolve("instances").resolve(instance.id()));
        }
    }

    @Override
    public InstanceStatus status(Instance instance) {
        SupervisedInstance supervised = known(instance.id());
        return supervised == null ? InstanceStatus.STOPPED : supervised.status();
    }

    @Override
    public Optional<InstanceStats> stats(Instance instance) {
        SupervisedInstance supervised = live.get(instance.id());
        return supervised == null ? Optional.empty() : supervised.stats();
    }

    @Override
    public List<LogRecord> collectLogs(Instance instance, int limit) {
        SupervisedInstance supervised = known(instance.id());
        return supervised == null ? List.of() : supervised.output().last(limit);
    }

    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (SupervisedInstance supervised : List.copyOf(live.values())) {
            // Platform threads: this runs in a shutdown hook, where nothing else may be left to schedule virtual threads.
            stopping.add(Thread.ofPlatform().start(() -> cleanup(supervised.instance(), CLOSE_GRACE)));
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        scheduler.shutdown();
        http.close();
    }

    private Map<String, String> environment(InstanceSpec spec, Instance instance, Path instanceDir) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        String lang = System.getenv("LANG");
        env.put("PATH", path == null || path.isBlank() ? DEFAULT_PATH : path);
        env.put("LANG", lang == null || lang.isBlank() ? "C.UTF-8" : lang);
        env.putAll(spec.artifact().metadata().env());
        env.putAll(spec.env());
        // Set last: the platform decides these, whatever the app's config says.
        env.put("PORT", Integer.toString(instance.endpoint().port()));
        env.put("HOST", HOST);
        env.put("HOME", instanceDir.toString());
        env.put("HELIX_DEPLOYMENT_ID", spec.deploymentId().toString());
        env.put("HELIX_INSTANCE_ID", instance.id());
        return env;
    }

    private String newId(InstanceSpec spec) {
        String prefix = (safe(spec.app()) + "-" + safe(spec.service()) + "-");
        while (true) {
            String id = prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            if (known(id) == null && !Files.exists(workRoot.resolve("instances").resolve(id))) {
                return id;
            }
        }
    }

    /** Ids become directory names: keep them to DNS-label characters whatever the spec holds. */
    private static String safe(String name) {
        String cleaned = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return cleaned.isEmpty() ? "x" : cleaned;
    }

    private Path createInstanceDir(String id) {
        Path dir = workRoot.resolve("instances").resolve(id);
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the instance directory " + dir, e);
        }
    }

    private SupervisedInstance find(Instance instance) {
        SupervisedInstance supervised = known(instance.id());
        if (supervised == null) {
            throw new IllegalArgumentException("instance " + instance.id() + " (expected: one deployed by this driver)");
        }
        return supervised;
    }

    private SupervisedInstance known(String id) {
        SupervisedInstance supervised = live.get(id);
        if (supervised != null) {
            return supervised;
        }
        synchronized (stopped) {
            return stopped.get(id);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("Could not delete an instance directory");
        }
    }
}
