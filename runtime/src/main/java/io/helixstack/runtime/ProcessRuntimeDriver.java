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
import io.helixstack.plugin.api.Resources;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
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
 *
 * <p>Instances outlive the runtime process that started them when it is killed: each runs in its own session, writes its
 * output to files, and its launch is saved (sealed) in {@code <workRoot>/supervised/<instance-id>/}. A driver created on
 * the same work root takes them over — supervision, output, port — and {@link #adopt} hands them to the control plane;
 * what a control plane that announced itself ({@link #expectAdoption}) does not claim within {@link #UNCLAIMED_GRACE}
 * (instances of a launch the kill interrupted) is stopped. While no control plane has come, nothing is stopped: the apps
 * keep serving through a long outage of the control plane.
 * {@link #close()}, an orderly stop, stops them all.
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
    /** How long a control plane that announced itself has to {@link #adopt} the instances it still wants. */
    public static final Duration UNCLAIMED_GRACE = Duration.ofMinutes(5);
    /** How often the instances' output files are read into their logs. */
    private static final Duration OUTPUT_POLL = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntimeDriver.class);

    private final Path workRoot;
    private final ObservabilitySink sink;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Sandbox sandbox;
    private final HttpClient http;
    private final HealthProbe probe;
    private final Cgroups cgroups;
    private final Sealer sealer;
    private final Duration unclaimedGrace;
    private final Optional<Path> setsid;
    private final java.util.concurrent.ScheduledExecutorService outputPoller;
    private final java.util.Set<String> unclaimed = ConcurrentHashMap.newKeySet();
    /** {@link System#nanoTime()} after which unclaimed instances are stopped; a later {@link #expectAdoption} moves it. */
    private volatile long claimDeadline;
    private final PortAllocator ports = new PortAllocator();
    private final Map<String, Cgroups.Placement> placements = new ConcurrentHashMap<>();
    private final Map<String, SupervisedInstance> live = new ConcurrentHashMap<>();
    private final Map<String, SupervisedInstance> stopped = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SupervisedInstance> eldest) {
            return size() > STOPPED_KEPT;
        }
    };

    /** Sandboxes instances with bubblewrap when it works on this machine, and says so in each instance's log when not. */
    public ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink, Sealer sealer) {
        this(helixHome, workRoot, sink, sealer, true);
    }

    /**
     * Takes over the instances an earlier driver on {@code workRoot} left running (its process was killed).
     *
     * @param helixHome the platform's home, hidden from instances
     * @param workRoot  where instance directories are created ({@code <workRoot>/instances/<id>})
     * @param sealer    seals the saved launches (they hold the apps' environments)
     * @param sandbox   false to run instances without bubblewrap even where it works
     */
    public ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink, Sealer sealer, boolean sandbox) {
        this(helixHome, workRoot, sink, sealer, sandbox, Clock.systemUTC(), newScheduler());
    }

    ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink, Sealer sealer, boolean sandbox, Clock clock,
                         Scheduler scheduler) {
        this(helixHome, workRoot, sink, sealer, sandbox, clock, scheduler, Cgroups.probe(Path.of("/sys/fs/cgroup")),
                UNCLAIMED_GRACE);
    }

    ProcessRuntimeDriver(Path helixHome, Path workRoot, ObservabilitySink sink, Sealer sealer, boolean sandbox, Clock clock,
                         Scheduler scheduler, Cgroups cgroups, Duration unclaimedGrace) {
        Objects.requireNonNull(helixHome, "helixHome");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot").toAbsolutePath().normalize();
        this.sink = Objects.requireNonNull(sink, "sink");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.unclaimedGrace = Objects.requireNonNull(unclaimedGrace, "unclaimedGrace");
        this.sandbox = Sandbox.probe(sandbox, helixHome, System.getenv("PATH"));
        this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
        // Its own session: Ctrl-C in the terminal of `helix up` signals the platform, which stops its instances in order,
        // not the instances behind its back. setsid execs in place (a child of the JVM leads no process group).
        this.setsid = Sandbox.onPath("setsid", System.getenv("PATH"));
        if (!cgroups.active()) {
            log.atInfo().log("cpu and memory limits of services are not applied: {}", cgroups.unavailableReason());
        }
        this.http = HealthProbe.newClient();
        this.probe = new HealthProbe(http, clock);
        if (this.sandbox.active()) {
            log.atInfo().log("Instances run sandboxed by bubblewrap");
        } else {
            // A warning only when the sandbox was wanted: disabling it is a choice, not a problem.
            (sandbox ? log.atWarn() : log.atInfo()).log(this.sandbox.unavailableReason());
        }
        this.outputPoller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("helix-output").factory());
        resumeEarlierInstances();
        outputPoller.scheduleWithFixedDelay(this::pollOutput, OUTPUT_POLL.toMillis(), OUTPUT_POLL.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static Scheduler newScheduler() {
        return Scheduler.of(Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("helix-supervisor")
                .factory()));
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
        int port = ports.allocate();
        Instance instance = new Instance(id, spec.deploymentId(), spec.app(), spec.service(), new Endpoint(HOST, port));
        Path instanceDir = workRoot.resolve("instances").resolve(id);
        try {
            createInstanceDir(id);
            return deploy(spec, instance, artifactDir, instanceDir);
        } catch (RuntimeException e) {
            // Nothing half-created: no port, directory or control group outlives a launch that could not be set up.
            SupervisedInstance started = live.remove(id);
            if (started != null) {
                started.stop(Duration.ZERO);
            }
            ports.release(port);
            Cgroups.Placement placement = placements.remove(id);
            if (placement != null) {
                placement.remove();
            }
            deleteRecursively(instanceDir);
            deleteRecursively(workRoot.resolve(SupervisionDir.ROOT).resolve(id));
            throw e;
        }
    }

    private Instance deploy(InstanceSpec spec, Instance instance, Path artifactDir, Path instanceDir) {
        String id = instance.id();
        SupervisionDir files = SupervisionDir.create(workRoot, id);
        InstanceLog output = new InstanceLog(spec.deploymentId(), id, sink, clock, LOG_LINES_KEPT);
        if (!sandbox.active()) {
            output.system(sandbox.unavailableReason());
        }
        Optional<Cgroups.Placement> placement = limit(id, spec.resources(), output);
        placement.ifPresent(p -> placements.put(id, p));
        // Procfile commands are shell syntax; exec makes the app replace the shell, so signals reach it directly.
        List<String> command = List.of("/bin/sh", "-c", "exec " + spec.command());
        List<String> line = sandbox.wrapDetached(command, artifactDir, instanceDir);
        List<String> limited = placement.map(p -> Cgroups.wrap(line, p)).orElse(line);
        SupervisedInstance.Launch launch = new SupervisedInstance.Launch(ownSession(limited), environment(spec, instance, instanceDir),
                artifactDir, sandbox.active(), placement.map(p -> new SupervisedInstance.Limits(p,
                        spec.resources().memoryMb().orElse(0))).orElse(null));
        files.saveLaunch(SupervisionDir.Saved.of(instance, launch, spec.health()), sealer);
        SupervisedInstance supervised = new SupervisedInstance(instance, launch, spec.health(), output, files, clock, scheduler,
                probe);
        live.put(id, supervised);
        supervised.start();
        return instance;
    }

    @Override
    public Readiness awaitReady(Instance instance) {
        SupervisedInstance supervised = find(instance);
        claim(instance); // a control plane waiting for it owns it
        return supervised.awaitReady();
    }

    @Override
    public TaskResult run(TaskSpec task) {
        prepare(task.artifact());
        String id = newId(task.app(), task.name());
        Path artifactDir = task.artifact().dir().toAbsolutePath().normalize();
        Path taskDir = createInstanceDir(id);
        InstanceLog output = new InstanceLog(task.deploymentId(), id, sink, clock, LOG_LINES_KEPT);
        Optional<Cgroups.Placement> placement = Optional.empty();
        Process process = null;
        try {
            if (!sandbox.active()) {
                output.system(sandbox.unavailableReason());
            }
            placement = limit(id, task.resources(), output);
            List<String> line = sandbox.wrap(List.of("/bin/sh", "-c", task.command()), artifactDir, taskDir);
            ProcessBuilder builder = new ProcessBuilder(placement.isPresent() ? Cgroups.wrap(line, placement.get()) : line)
                    .directory(artifactDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(baseEnvironment(task.artifact(), task.env(), taskDir, task.deploymentId()));
            java.time.Instant started = clock.instant();
            output.system("running " + task.name() + ": " + task.command());
            process = Spawner.start(builder);
            Process running = process;
            Thread stdout = Thread.ofPlatform().daemon().name("helix-stdout-" + id)
                    .start(() -> output.pump(running.getInputStream(), InstanceLog.STDOUT));
            Thread stderr = Thread.ofPlatform().daemon().name("helix-stderr-" + id)
                    .start(() -> output.pump(running.getErrorStream(), InstanceLog.STDERR));
            boolean exited = process.waitFor(task.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!exited) {
                ProcessTree.kill(process.toHandle());
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            stdout.join(2000);
            stderr.join(2000);
            Duration took = Duration.between(started, clock.instant());
            if (!exited) {
                String reason = task.name() + " still running after " + HealthProbe.describe(task.timeout()) + ": killed";
                output.system(reason);
                return new TaskResult.Failed(reason);
            }
            int code = process.exitValue();
            String how = SupervisedInstance.describeExit(code);
            if (code == 137 && placement.isPresent() && placement.get().oomKills() > 0) {
                how += ": it went over its memory limit of " + task.resources().memoryMb().orElse(0) + " MB";
            }
            output.system(task.name() + " " + how.replace("process ", "") + " after " + HealthProbe.describe(took));
            return code == 0 ? new TaskResult.Succeeded(took) : new TaskResult.Failed(task.name() + " " + how.replace("process ", ""));
        } catch (IOException e) {
            output.system("could not start " + task.name() + ": " + e.getMessage());
            return new TaskResult.Failed("could not start " + task.name() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                ProcessTree.kill(process.toHandle());
            }
            return new TaskResult.Failed(task.name() + " interrupted");
        } finally {
            placement.ifPresent(Cgroups.Placement::remove);
            deleteRecursively(taskDir);
        }
    }

    @Override
    public void promote(List<Instance> instances) {
        // Routing is the proxy's job; a line in each log tells when the instance began taking production traffic.
        instances.forEach(i -> find(i).output().system("promoted"));
        instances.forEach(this::claim);
    }

    private void claim(Instance instance) {
        synchronized (unclaimed) {
            unclaimed.remove(instance.id());
        }
    }

    @Override
    public void cleanup(Instance instance, Duration grace) {
        SupervisedInstance supervised = live.get(instance.id());
        if (supervised == null) {
            return;
        }
        try {
            supervised.files().markStopping();
        } catch (java.io.UncheckedIOException e) {
            log.atWarn().addKeyValue("instance", instance.id()).log("Could not mark the instance as stopping: {}", e.getMessage());
        }
        supervised.stop(grace);
        if (live.remove(instance.id(), supervised)) {
            synchronized (stopped) {
                stopped.put(instance.id(), supervised);
            }
            ports.release(instance.endpoint().port());
            Cgroups.Placement placement = placements.remove(instance.id());
            if (placement != null) {
                placement.remove();
            }
            deleteRecursively(workRoot.resolve("instances").resolve(instance.id()));
            supervised.files().delete();
        }
        unclaimed.remove(instance.id());
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

    /**
     * The deployment's instances this driver runs — those it started, and those an earlier runtime process on the same
     * work root started and it took over; they are claimed and no longer stopped as unclaimed.
     */
    @Override
    public List<Instance> adopt(java.util.UUID deploymentId) {
        synchronized (unclaimed) {
            // One being stopped (asked to, or left unclaimed past the grace) is no longer anyone's to adopt.
            List<Instance> instances = live.values().stream().filter(i -> !i.stopping()).map(SupervisedInstance::instance)
                    .filter(i -> i.deploymentId().equals(deploymentId)).toList();
            instances.forEach(i -> unclaimed.remove(i.id()));
            return instances;
        }
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
        outputPoller.shutdownNow();
        scheduler.shutdown();
        http.close();
    }

    /** Every instance counts as unclaimed until a control plane adopts it, for {@link #UNCLAIMED_GRACE} from now. */
    @Override
    public void expectAdoption() {
        synchronized (unclaimed) {
            live.keySet().forEach(unclaimed::add);
        }
        scheduleClaimDeadline();
    }

    /** The instance ids taken over from an earlier runtime process that no control plane has adopted yet. */
    java.util.Set<String> unclaimed() {
        return java.util.Set.copyOf(unclaimed);
    }

    /**
     * Takes over what an earlier driver on this work root left: each instance is supervised again (or started again when
     * its process is gone); one whose launch cannot be read back is stopped, as nothing could supervise it.
     */
    private void resumeEarlierInstances() {
        for (SupervisionDir files : SupervisionDir.existing(workRoot)) {
            String id = files.instanceId();
            Optional<SupervisionDir.Saved> saved = files.loadLaunch(sealer);
            Optional<SupervisionDir.ProcessRecord> record = files.loadProcess();
            if (saved.isEmpty() || record.isEmpty() || files.stopping()) {
                // Not to be run again: asked to stop before the kill, or nothing could supervise it.
                record.flatMap(SupervisionDir.ProcessRecord::find).ifPresent(ProcessTree::kill);
                int strays = ProcessTree.killStrays(id);
                saved.map(SupervisionDir.Saved::launch).map(SupervisedInstance.Launch::limits)
                        .ifPresent(limits -> limits.placement().remove());
                log.atWarn().addKeyValue("instance", id).addKeyValue("strays", strays).log("Stopped an instance an earlier runtime"
                        + " process started: {}", files.stopping() ? "it was being stopped"
                        : saved.isEmpty() ? "its saved launch does not open (another secret key?) or is missing"
                        : "its process was never recorded");
                files.delete();
                deleteRecursively(workRoot.resolve("instances").resolve(id));
                continue;
            }
            Instance instance = saved.get().instance();
            SupervisedInstance.Launch launch = saved.get().launch();
            ports.reserve(instance.endpoint().port());
            if (launch.limits() != null) {
                placements.put(id, launch.limits().placement());
            }
            InstanceLog output = new InstanceLog(instance.deploymentId(), id, sink, clock, LOG_LINES_KEPT);
            SupervisedInstance supervised = new SupervisedInstance(instance, launch, saved.get().health(), output, files, clock,
                    scheduler, probe);
            live.put(id, supervised);
            unclaimed.add(id);
            supervised.resume(record.get());
        }
        if (!unclaimed.isEmpty()) {
            // No deadline yet: only a control plane knows which of them still serve; it announces itself first.
            log.atInfo().addKeyValue("instances", unclaimed.size()).log("Took over the instances an earlier runtime process"
                    + " started; those the next control plane does not claim within {} are stopped",
                    HealthProbe.describe(unclaimedGrace));
        }
    }

    private void scheduleClaimDeadline() {
        claimDeadline = System.nanoTime() + unclaimedGrace.toNanos();
        outputPoller.schedule(this::stopUnclaimed, unclaimedGrace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void stopUnclaimed() {
        if (System.nanoTime() - claimDeadline < 0) {
            return; // the deadline moved: its own run comes later
        }
        List<SupervisedInstance> abandoned = new ArrayList<>();
        synchronized (unclaimed) {
            for (String id : List.copyOf(unclaimed)) {
                SupervisedInstance supervised = live.get(id);
                unclaimed.remove(id);
                if (supervised != null) {
                    // Marked under the lock: an adopt from now on does not hand it out.
                    supervised.beginStopping();
                    abandoned.add(supervised);
                }
            }
        }
        for (SupervisedInstance supervised : abandoned) {
            supervised.output().system("no control plane claimed this instance within " + HealthProbe.describe(unclaimedGrace)
                    + ": stopping it (a launch interrupted by a restart left it)");
            Thread.ofVirtual().name("helix-unclaimed-" + supervised.instance().id())
                    .start(() -> cleanup(supervised.instance(), CLOSE_GRACE));
        }
    }

    private void pollOutput() {
        for (SupervisedInstance supervised : live.values()) {
            try {
                supervised.pollOutput();
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("instance", supervised.instance().id()).setCause(e).log("Could not read an instance's output");
            }
        }
    }

    private List<String> ownSession(List<String> line) {
        if (setsid.isEmpty()) {
            return line;
        }
        List<String> detached = new ArrayList<>(line.size() + 1);
        detached.add(setsid.get().toString());
        detached.addAll(line);
        return List.copyOf(detached);
    }

    private Map<String, String> environment(InstanceSpec spec, Instance instance, Path instanceDir) {
        Map<String, String> env = baseEnvironment(spec.artifact(), spec.env(), instanceDir, spec.deploymentId());
        env.put("PORT", Integer.toString(instance.endpoint().port()));
        env.put("HOST", HOST);
        env.put("HELIX_INSTANCE_ID", instance.id());
        return env;
    }

    private static Map<String, String> baseEnvironment(Artifact artifact, Map<String, String> specEnv, Path home,
                                                       java.util.UUID deploymentId) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        String lang = System.getenv("LANG");
        env.put("PATH", path == null || path.isBlank() ? DEFAULT_PATH : path);
        env.put("LANG", lang == null || lang.isBlank() ? "C.UTF-8" : lang);
        env.putAll(artifact.metadata().env());
        env.putAll(specEnv);
        // Set last: the platform decides these, whatever the app's config says.
        env.put("HOME", home.toString());
        env.put("HELIX_DEPLOYMENT_ID", deploymentId.toString());
        return env;
    }

    /** Applies the limits where cgroups work; says in the log when they were asked for and cannot be. */
    private Optional<Cgroups.Placement> limit(String id, Resources resources, InstanceLog output) {
        if (!resources.limited()) {
            return Optional.empty();
        }
        if (!cgroups.active()) {
            output.system(resources.describe() + " not applied: " + cgroups.unavailableReason());
            return Optional.empty();
        }
        try {
            Optional<Cgroups.Placement> placement = cgroups.create(id, resources);
            output.system("limits: " + resources.describe());
            return placement;
        } catch (IOException e) {
            output.system(resources.describe() + " not applied: cannot create its control group (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private String newId(InstanceSpec spec) {
        return newId(spec.app(), spec.service());
    }

    private String newId(String app, String service) {
        String prefix = (safe(app) + "-" + safe(service) + "-");
        while (true) {
            String id = prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            if (known(id) == null && !Files.exists(workRoot.resolve("instances").resolve(id))
                    && !SupervisionDir.exists(workRoot, id)) {
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

    static void deleteRecursively(Path dir) {
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
