package io.helixstack.plugin.tck;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RuntimeDriver} whose instances are HTTP servers inside this JVM, on 127.0.0.1: real sockets, no processes. What
 * an instance does is read from the spec's command:
 * <ul>
 *   <li>{@code fake-serve <body>}: answers every request with 200 and {@code <body>};</li>
 *   <li>{@code fake-unhealthy}: answers every request with 500, so it never becomes ready;</li>
 *   <li>{@code fake-crash}: "exits" with code 1 at start and never listens;</li>
 *   <li>{@code fake-worker}: runs without listening (a worker);</li>
 *   <li>any other command: treated as {@code fake-serve ok} (with a {@code system} log line saying so), so tests of other
 *   planes can deploy real-looking artifacts through this driver.</li>
 * </ul>
 * {@link #crash(Instance)} simulates a crash of a running instance; the fake restarts it at once, on the same port,
 * without the backoff of real drivers. A {@code fake-crash} instance is "restarted" every {@value #CRASH_LOOP_MILLIS} ms
 * until it is stopped, crashing each time, so its restart count grows like a real crash loop's. Instances use no CPU or
 * memory unless a test says otherwise ({@link #setUsage}).
 *
 * <p>Tasks ({@link #run}): {@code fake-task <code> <line>} prints the line and exits with the code; {@code fake-task-hang}
 * runs until its timeout kills it; any other command succeeds. {@link #tasks()} lists what ran.
 */
public final class InMemoryRuntimeDriver implements RuntimeDriver {
    public static final String SERVE = "fake-serve";
    public static final String UNHEALTHY = "fake-unhealthy";
    public static final String CRASH = "fake-crash";
    public static final String WORKER = "fake-worker";
    public static final String TASK = "fake-task";
    public static final String TASK_HANG = "fake-task-hang";

    private static final int LOG_LINES_KEPT = 1000;
    static final long CRASH_LOOP_MILLIS = 100;

    private final ObservabilitySink sink;
    private final Clock clock;
    private final Map<String, FakeInstance> instances = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<TaskSpec> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .daemon().name("in-memory-supervisor").unstarted(r));

    /** Tells this driver's instance ids from another's. */
    private final String nonce = java.util.HexFormat.of().toHexDigits((short) new java.util.Random().nextInt());

    public InMemoryRuntimeDriver(ObservabilitySink sink) {
        this(sink, Clock.systemUTC());
    }

    public InMemoryRuntimeDriver(ObservabilitySink sink, Clock clock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public void prepare(Artifact artifact) {
        Objects.requireNonNull(artifact, "artifact");
    }

    @Override
    public Instance deploy(InstanceSpec spec) {
        // Unique beyond this driver too: the platform keys instances by id across all its regions' runtimes.
        String id = spec.app() + "-" + spec.service() + "-" + sequence.incrementAndGet() + "-" + nonce;
        Behaviour behaviour = Behaviour.of(spec.command());
        FakeInstance fake = new FakeInstance(id, spec, behaviour);
        int port = behaviour.kind == Kind.CRASH || behaviour.kind == Kind.WORKER ? freePort() : fake.listen(0);
        Instance instance = new Instance(id, spec.deploymentId(), spec.app(), spec.service(), new Endpoint("127.0.0.1", port));
        fake.instance = instance;
        instances.put(id, fake);
        if (behaviour.kind == Kind.UNKNOWN) {
            fake.log("system", "in-memory driver: unknown command \"" + spec.command() + "\", serving 200 \"ok\"");
        }
        fake.log("system", "started " + spec.command() + " on " + instance.endpoint());
        if (behaviour.kind == Kind.CRASH) {
            fake.log("stderr", "fake-crash: exiting at start");
            fake.log("system", "exited with code 1");
            fake.status = InstanceStatus.CRASHED;
            supervisor.scheduleWithFixedDelay(() -> crashAgain(fake), CRASH_LOOP_MILLIS, CRASH_LOOP_MILLIS, TimeUnit.MILLISECONDS);
        }
        return instance;
    }

    @Override
    public Readiness awaitReady(Instance instance) {
        FakeInstance fake = find(instance);
        Duration timeout = fake.spec.health().timeout();
        switch (fake.behaviour.kind) {
            case CRASH -> {
                return new Readiness.NotReady("process exited with code 1 before it was ready");
            }
            case UNHEALTHY -> {
                // Like a real driver, keep "polling" until the timeout, unless the instance is stopped meanwhile.
                awaitStopped(fake, timeout);
                return new Readiness.NotReady("GET " + fake.spec.health().path() + " did not answer 2xx/3xx within "
                        + describe(timeout) + " (last: answered 500)");
            }
            default -> {
                if (!fake.spec.health().http()) {
                    // A worker is ready once it has stayed up for the settle time, as with a real driver.
                    awaitStopped(fake, timeout);
                }
                synchronized (fake) {
                    if (fake.status == InstanceStatus.STOPPED) {
                        return new Readiness.NotReady("instance was stopped before it was ready");
                    }
                    fake.status = InstanceStatus.RUNNING;
                }
                return new Readiness.Ready();
            }
        }
    }

    @Override
    public TaskResult run(TaskSpec task) {
        tasks.add(task);
        String id = task.app() + "-" + task.name() + "-" + sequence.incrementAndGet() + "-" + nonce;
        String command = task.command().strip();
        java.util.function.Consumer<String> log = line -> sink.ingestLogs(List.of(
                new LogRecord(clock.instant(), task.deploymentId(), id, "system", line)));
        log.accept("running " + task.name() + ": " + command);
        if (command.equals(TASK_HANG)) {
            try {
                Thread.sleep(task.timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new TaskResult.Failed(task.name() + " interrupted");
            }
            String reason = task.name() + " still running after " + describe(task.timeout()) + ": killed";
            log.accept(reason);
            return new TaskResult.Failed(reason);
        }
        if (command.startsWith(TASK + " ")) {
            String[] parts = command.split(" ", 3);
            int code = Integer.parseInt(parts[1]);
            if (parts.length > 2) {
                sink.ingestLogs(List.of(new LogRecord(clock.instant(), task.deploymentId(), id, "stdout", parts[2])));
            }
            log.accept(task.name() + " exited with code " + code);
            return code == 0 ? new TaskResult.Succeeded(Duration.ZERO)
                    : new TaskResult.Failed(task.name() + " exited with code " + code);
        }
        log.accept(task.name() + " exited with code 0");
        return new TaskResult.Succeeded(Duration.ZERO);
    }

    @Override
    public List<Instance> adopt(java.util.UUID deploymentId) {
        return instances().stream().filter(i -> i.deploymentId().equals(deploymentId)).toList();
    }

    /** Every task run so far, oldest first. */
    public List<TaskSpec> tasks() {
        return List.copyOf(tasks);
    }

    @Override
    public void promote(List<Instance> instances) {
        instances.forEach(i -> find(i).log("system", "promoted"));
    }

    @Override
    public void cleanup(Instance instance, Duration grace) {
        FakeInstance fake = instances.get(instance.id());
        if (fake == null) {
            return;
        }
        synchronized (fake) {
            if (fake.status == InstanceStatus.STOPPED) {
                return;
            }
            fake.stopServer();
            fake.status = InstanceStatus.STOPPED;
            fake.stopped.countDown();
        }
        fake.log("system", "stopped");
    }

    @Override
    public InstanceStatus status(Instance instance) {
        FakeInstance fake = instances.get(instance.id());
        return fake == null ? InstanceStatus.STOPPED : fake.status;
    }

    @Override
    public Optional<InstanceStats> stats(Instance instance) {
        FakeInstance fake = instances.get(instance.id());
        if (fake == null) {
            return Optional.empty();
        }
        synchronized (fake) {
            return fake.status == InstanceStatus.STOPPED ? Optional.empty()
                    : Optional.of(new InstanceStats(fake.cpuSeconds, fake.memoryBytes, fake.restarts));
        }
    }

    /** The environment the instance was started with, as a real driver would hand it to the process. */
    public Map<String, String> environmentOf(Instance instance) {
        return find(instance).spec.env();
    }

    /** The spec the instance was deployed with. */
    public InstanceSpec specOf(Instance instance) {
        return find(instance).spec;
    }

    /** What {@link #stats} reports for a live instance from now on. */
    public void setUsage(Instance instance, double cpuSeconds, long memoryBytes) {
        FakeInstance fake = find(instance);
        synchronized (fake) {
            fake.cpuSeconds = cpuSeconds;
            fake.memoryBytes = memoryBytes;
        }
    }

    private void crashAgain(FakeInstance fake) {
        synchronized (fake) {
            if (fake.status == InstanceStatus.STOPPED) {
                throw new IllegalStateException("stopped"); // ends this instance's crash loop
            }
            fake.restarts++;
        }
        fake.log("system", "restarting (restart #" + fake.restarts + ")");
        fake.log("system", "exited with code 1");
    }

    @Override
    public List<LogRecord> collectLogs(Instance instance, int limit) {
        FakeInstance fake = instances.get(instance.id());
        return fake == null ? List.of() : fake.lastLogs(limit);
    }

    @Override
    public void close() {
        instances.values().forEach(f -> cleanup(f.instance, Duration.ZERO));
        supervisor.shutdownNow();
        handlers.close();
    }

    /** Simulates an unexpected exit of a running instance: it goes down, is CRASHED, and comes back on the same port. */
    public void crash(Instance instance) {
        FakeInstance fake = find(instance);
        synchronized (fake) {
            if (fake.status == InstanceStatus.STOPPED || fake.server == null) {
                throw new IllegalStateException("instance " + instance.id() + " is " + fake.status + " (expected: listening)");
            }
            fake.stopServer();
            fake.status = InstanceStatus.CRASHED;
            fake.restarts++;
            fake.log("system", "exited with code 1; restarting");
            fake.listen(instance.endpoint().port());
            fake.status = InstanceStatus.RUNNING;
            fake.log("system", "restarted on " + instance.endpoint());
        }
    }

    /** The instances not stopped yet, in no particular order. */
    public List<Instance> instances() {
        return instances.values().stream().filter(f -> f.status != InstanceStatus.STOPPED).map(f -> f.instance).toList();
    }

    private FakeInstance find(Instance instance) {
        FakeInstance fake = instances.get(instance.id());
        if (fake == null) {
            throw new IllegalArgumentException("instance " + instance.id() + " (expected: one deployed by this driver)");
        }
        return fake;
    }

    private static void awaitStopped(FakeInstance fake, Duration timeout) {
        try {
            fake.stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private enum Kind { SERVE, UNHEALTHY, CRASH, WORKER, UNKNOWN }

    private record Behaviour(Kind kind, String body) {
        static Behaviour of(String command) {
            String trimmed = command.strip();
            if (trimmed.equals(SERVE) || trimmed.startsWith(SERVE + " ")) {
                return new Behaviour(Kind.SERVE, trimmed.substring(SERVE.length()).strip());
            }
            if (trimmed.equals(UNHEALTHY)) {
                return new Behaviour(Kind.UNHEALTHY, "unhealthy");
            }
            if (trimmed.equals(CRASH)) {
                return new Behaviour(Kind.CRASH, "");
            }
            if (trimmed.equals(WORKER)) {
                return new Behaviour(Kind.WORKER, "");
            }
            return new Behaviour(Kind.UNKNOWN, "ok");
        }

        int statusCode() {
            return kind == Kind.UNHEALTHY ? 500 : 200;
        }
    }

    private final class FakeInstance {
        final String id;
        final InstanceSpec spec;
        final Behaviour behaviour;
        final CountDownLatch stopped = new CountDownLatch(1);
        private final Deque<LogRecord> logs = new ArrayDeque<>();
        volatile Instance instance;
        volatile InstanceStatus status = InstanceStatus.STARTING;
        HttpServer server;
        int restarts;
        double cpuSeconds;
        long memoryBytes;

        FakeInstance(String id, InstanceSpec spec, Behaviour behaviour) {
            this.id = id;
            this.spec = spec;
            this.behaviour = behaviour;
        }

        /** Starts listening on {@code port} (0: any free one) and returns the port. */
        synchronized int listen(int port) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
            }
            server.setExecutor(handlers);
            server.createContext("/", this::handle);
            server.start();
            return server.getAddress().getPort();
        }

        synchronized void stopServer() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = behaviour.body.getBytes(StandardCharsets.UTF_8);
                int code = behaviour.statusCode();
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                log("stdout", exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + code);
            }
        }

        void log(String stream, String line) {
            LogRecord record;
            synchronized (logs) {
                // Stamped under the lock so the kept lines are oldest first by time as well as by order.
                record = new LogRecord(clock.instant(), spec.deploymentId(), id, stream, line);
                logs.addLast(record);
                if (logs.size() > LOG_LINES_KEPT) {
                    logs.removeFirst();
                }
            }
            sink.ingestLogs(List.of(record));
        }

        List<LogRecord> lastLogs(int limit) {
            synchronized (logs) {
                List<LogRecord> all = new ArrayList<>(logs);
                return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
            }
        }
    }
}
