package io.helixstack.runtime;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.Readiness;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance and its supervisor: starts the process, its output going to files in its {@link SupervisionDir} that an
 * {@link OutputTail} reads into the {@link InstanceLog}, and when it exits without being asked to, marks it CRASHED and
 * starts it again on the same port after a {@link Backoff}. Each start is a numbered run; an exit or a readiness result of
 * an earlier run never changes the state of a later one.
 *
 * <p>The process does not depend on the runtime process that started it: no pipe to it, its own session. When that
 * runtime is killed, the app keeps serving, and the next runtime process {@link #resume resumes} its supervision.
 */
final class SupervisedInstance {
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);
    /** How often the exit of a process started by an earlier runtime (not a child: no exit notice) is looked for. */
    private static final Duration ADOPTED_EXIT_POLL = Duration.ofMillis(250);
    private static final Logger log = LoggerFactory.getLogger(SupervisedInstance.class);

    /** What to run, fixed for the instance's life: every restart runs the same command line on the same port. */
    record Launch(List<String> commandLine, Map<String, String> env, Path workDir, boolean wrapped, Limits limits) {
        Launch {
            commandLine = List.copyOf(commandLine);
            env = Map.copyOf(env);
        }

        Launch(List<String> commandLine, Map<String, String> env, Path workDir, boolean wrapped) {
            this(commandLine, env, workDir, wrapped, null);
        }
    }

    /** The control groups an instance runs in and its memory limit, to tell an out-of-memory kill from other exits. */
    record Limits(Cgroups.Placement placement, long memoryMb) {
    }

    private final Instance instance;
    private final Launch launch;
    private final HealthCheck health;
    private final InstanceLog output;
    private final SupervisionDir files;
    private final OutputTail tail;
    private final Clock clock;
    private final Scheduler scheduler;
    private final HealthProbe probe;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    // All below guarded by this.
    private InstanceStatus status = InstanceStatus.STARTING;
    private ProcessHandle process;
    private int run;
    private Instant startedAt;
    private CompletableFuture<Void> runEnded = CompletableFuture.completedFuture(null);
    private int endedRun;
    private String notReadyReason;
    private boolean stopping;
    private boolean abandoned;
    private boolean everReady;
    private Backoff backoff = Backoff.none();
    private Scheduler.Cancellable pendingRestart;
    private int restarts;
    private long oomKillsSeen;

    SupervisedInstance(Instance instance, Launch launch, HealthCheck health, InstanceLog output, SupervisionDir files,
                       Clock clock, Scheduler scheduler, HealthProbe probe) {
        this.instance = instance;
        this.launch = launch;
        this.health = health;
        this.output = output;
        this.files = files;
        this.tail = new OutputTail(files, output);
        this.clock = clock;
        this.scheduler = scheduler;
        this.probe = probe;
    }

    Instance instance() {
        return instance;
    }

    InstanceLog output() {
        return output;
    }

    SupervisionDir files() {
        return files;
    }

    /** Reads the app's new output lines into the log. */
    void pollOutput() {
        tail.poll();
    }

    /** Whether it was asked to stop (and is stopping or stopped). */
    synchronized boolean stopping() {
        return stopping || abandoned;
    }

    /** Marks it as about to be stopped, before {@link #stop} runs (so nobody adopts it in between). */
    synchronized void beginStopping() {
        abandoned = true;
    }

    synchronized InstanceStatus status() {
        return status;
    }

    /** Usage of the current run's processes and the restarts so far; empty once stopped. */
    Optional<InstanceStats> stats() {
        ProcessHandle current;
        int restartsSoFar;
        synchronized (this) {
            if (stopping || status == InstanceStatus.STOPPED) {
                return Optional.empty();
            }
            current = process;
            restartsSoFar = restarts;
        }
        // Read outside the lock: /proc reads are quick but the supervisor must never wait on them.
        ProcUsage.Usage usage = current == null || !current.isAlive() ? new ProcUsage.Usage(0, 0) : ProcUsage.of(current);
        return Optional.of(new InstanceStats(usage.cpuSeconds(), usage.memoryBytes(), restartsSoFar));
    }

    synchronized void start() {
        launch();
    }

    /**
     * Takes over an instance that an earlier runtime process started: watches its process again — or, when it exited
     * while no runtime was watching, starts it again now — and marks it RUNNING once its health check answers.
     */
    synchronized void resume(SupervisionDir.ProcessRecord record) {
        restarts = record.restarts();
        everReady = true;
        Optional<ProcessHandle> running = record.find();
        if (running.isEmpty()) {
            // A run the old runtime started but had not written down yet would hold the port: gone first.
            ProcessTree.killStrays(instance.id());
            restarts++;
            output.system("not running when the runtime started again (pid " + record.pid() + " is gone): starting it again"
                    + " (restart #" + restarts + ")");
            launch();
        } else {
            CompletableFuture<Void> ended = beginRun();
            int thisRun = run;
            ProcessHandle adopted = running.get();
            process = adopted;
            output.system("the runtime started again: supervising pid " + adopted.pid() + " on " + instance.endpoint() + " again");
            Thread.ofVirtual().name("helix-watch-" + instance.id()).start(() -> {
                awaitExit(adopted);
                tail.poll();
                ended(thisRun, "process exited (its exit code is unknown: an earlier runtime process started it)");
                ended.complete(null);
            });
        }
        watchReadiness();
    }

    /** Polls the health check for the current run; a crash, start failure or stop ends the wait early. */
    Readiness awaitReady() {
        int awaited;
        synchronized (this) {
            awaited = run;
        }
        Readiness readiness = probe.await(instance.endpoint(), health, () -> giveUpReason(awaited));
        if (readiness instanceof Readiness.Ready) {
            markReady(awaited);
        }
        return readiness;
    }

    /**
     * SIGTERM to the app, SIGKILL after {@code grace}; supervision ends. Concurrent and repeated calls all return once
     * the instance is stopped.
     */
    void stop(Duration grace) {
        ProcessHandle current;
        CompletableFuture<Void> ended;
        synchronized (this) {
            if (stopping) {
                current = null;
                ended = null;
            } else {
                stopping = true;
                if (pendingRestart != null) {
                    pendingRestart.cancel();
                    pendingRestart = null;
                }
                current = process;
                ended = runEnded;
            }
        }
        if (ended == null) {
            stopped.join();
            return;
        }
        try {
            if (current != null && !ended.isDone()) {
                output.system("stopping: SIGTERM, then SIGKILL after " + HealthProbe.describe(grace));
                ProcessTree.terminate(current, launch.wrapped());
                if (!await(ended, grace)) {
                    output.system("still running " + HealthProbe.describe(grace) + " after SIGTERM: SIGKILL");
                    ProcessTree.kill(current);
                    await(ended, AFTER_KILL);
                }
            }
            synchronized (this) {
                status = InstanceStatus.STOPPED;
            }
            output.system("stopped");
        } finally {
            stopped.complete(null);
        }
    }

    // Called with the lock held: a new numbered run, STARTING; the future completes when it has ended.
    private CompletableFuture<Void> beginRun() {
        run++;
        CompletableFuture<Void> ended = new CompletableFuture<>();
        runEnded = ended;
        startedAt = clock.instant();
        status = InstanceStatus.STARTING;
        return ended;
    }

    // Called with the lock held.
    private void launch() {
        CompletableFuture<Void> ended = beginRun();
        int thisRun = run;
        Process started;
        try {
            // Output to files the app appends to: a pipe would tie the app to this runtime process (a write into a pipe
            // nobody reads any more kills it with SIGPIPE).
            ProcessBuilder builder = new ProcessBuilder(launch.commandLine())
                    .directory(launch.workDir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.stdout().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(files.stderr().toFile()));
            // Nothing of the platform's own environment reaches the app: the map is replaced, not extended.
            builder.environment().clear();
            builder.environment().putAll(launch.env());
            started = Spawner.start(builder);
        } catch (IOException e) {
            process = null;
            output.system("could not start: " + e.getMessage());
            ended(thisRun, "process could not start: " + e.getMessage());
            ended.complete(null);
            return;
        }
        process = started.toHandle();
        try {
            files.saveProcess(SupervisionDir.ProcessRecord.of(process, restarts));
        } catch (java.io.UncheckedIOException e) {
            // A process no record points at could not be taken over, nor told from a stray: it does not run.
            output.system("could not record the process (" + e.getMessage() + "): stopping it");
            ProcessTree.kill(process);
        }
        output.system("started " + (thisRun == 1 ? "" : "again ") + "on " + instance.endpoint() + " (pid " + started.pid() + ")");
        log.atInfo().addKeyValue("instance", instance.id()).addKeyValue("run", thisRun).addKeyValue("pid", started.pid())
                .log("Started");
        Thread.ofVirtual().name("helix-watch-" + instance.id()).start(() -> {
            int code = waitFor(started);
            // The last words first ("got SIGTERM, draining"), then the exit.
            tail.poll();
            ended(thisRun, describeExit(code));
            ended.complete(null);
        });
    }

    private synchronized void ended(int endedRun, String exit) {
        String how = exit;
        if (launch.limits() != null) {
            long oomKills = launch.limits().placement().oomKills();
            if (oomKills > oomKillsSeen) {
                oomKillsSeen = oomKills;
                how = exit + ": it went over its memory limit of " + launch.limits().memoryMb() + " MB";
            }
        }
        this.endedRun = endedRun;
        this.notReadyReason = how + " before it was ready";
        if (stopping) {
            output.system(how);
            return;
        }
        Duration ranFor = Duration.between(startedAt, clock.instant());
        backoff = backoff.afterCrash(ranFor);
        Duration delay = backoff.delay();
        status = InstanceStatus.CRASHED;
        output.system(how + " after " + HealthProbe.describe(ranFor)
                + "; restarting in " + HealthProbe.describe(delay) + " (restart #" + (restarts + 1) + ")");
        log.atWarn().addKeyValue("instance", instance.id()).addKeyValue("delay", delay).log("Crashed: {}", how);
        pendingRestart = scheduler.schedule(delay, this::restart);
    }

    private synchronized void restart() {
        if (stopping) {
            return;
        }
        pendingRestart = null;
        restarts++;
        output.system("restarting (restart #" + restarts + ")");
        launch();
        if (everReady) {
            watchReadiness();
        }
    }

    // Called with the lock held. Nobody awaits a restarted or resumed instance: its health is watched here, so it shows
    // RUNNING again once it answers.
    private void watchReadiness() {
        if (process == null) {
            return;
        }
        Thread.ofVirtual().name("helix-ready-" + instance.id()).start(() -> {
            if (awaitReady() instanceof Readiness.NotReady notReady) {
                output.system("not ready after restart: " + notReady.reason());
            }
        });
    }

    private synchronized void markReady(int readyRun) {
        if (readyRun == run && !stopping && endedRun < readyRun) {
            status = InstanceStatus.RUNNING;
            everReady = true;
            output.system(health.http() ? "ready: GET " + health.path() + " answered"
                    : "ready: still running after " + HealthProbe.describe(health.timeout()));
        }
    }

    private synchronized Optional<String> giveUpReason(int awaitedRun) {
        if (stopping) {
            return Optional.of("instance was stopped before it was ready");
        }
        return endedRun >= awaitedRun ? Optional.of(notReadyReason) : Optional.empty();
    }

    /** Java reports a process killed by signal N as 128+N, like a shell; say so, it explains most such exits. */
    static String describeExit(int code) {
        String text = "process exited with code " + code;
        return code > 128 && code < 128 + 32 ? text + " (killed by signal " + (code - 128) + ")" : text;
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // Watching the process is the only thing this thread does; an interrupt must not lose its exit.
                Thread.interrupted();
            }
        }
    }

    /** Until a process that is not this JVM's child has exited (or is a zombie its new parent does not reap). */
    private static void awaitExit(ProcessHandle process) {
        while (process.isAlive() && !SupervisionDir.ProcessRecord.zombie(process.pid())) {
            try {
                Thread.sleep(ADOPTED_EXIT_POLL);
            } catch (InterruptedException e) {
                // Watching the process is the only thing this thread does.
                Thread.interrupted();
            }
        }
    }

    private static boolean await(CompletableFuture<Void> future, Duration timeout) {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
