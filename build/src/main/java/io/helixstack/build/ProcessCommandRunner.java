package io.helixstack.build;

import io.helixstack.plugin.api.BuildLog;
import io.helixstack.plugin.api.CommandRunner;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs build commands as child processes: an argument list, never a shell string; a clean environment holding only what
 * the build passes (the server's own variables, database URL included, never leak into a build); stdout and stderr merged
 * and streamed line by line into the build log, indented the Heroku way; at lower CPU priority ({@code nice -n 10}) when
 * {@code nice} exists, so a build cannot starve the running applications; and killed with its whole process tree when the
 * timeout passes, so a hung {@code npm} never holds a build slot forever.
 *
 * <p>Exit codes: the command's own, {@value #TIMED_OUT} when it timed out (as coreutils' {@code timeout}),
 * {@value #NOT_FOUND} when the executable is not on the PATH.
 */
public final class ProcessCommandRunner implements CommandRunner {
    static final int TIMED_OUT = 124;
    static final int NOT_FOUND = 127;
    private static final String INDENT = "       ";
    private static final int MAX_LINE = 4000;
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private final BuildLog log;
    private final String path;
    private final Optional<Path> nice;
    private final Optional<BuildSandbox> sandbox;
    private final java.util.function.UnaryOperator<List<String>> limits;
    private boolean unsandboxedNoted;

    /** A runner for one build, using this JVM's PATH to find executables, sandboxed when bubblewrap works here. */
    public ProcessCommandRunner(BuildLog log) {
        this(log, Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"), true);
    }

    /**
     * @param path    the PATH searched for executables, and given to commands whose environment has none
     * @param sandbox run commands in bubblewrap when it is available (see {@link BuildSandbox})
     */
    public ProcessCommandRunner(BuildLog log, String path, boolean sandbox) {
        this(log, path, sandbox, java.util.function.UnaryOperator.identity());
    }

    /**
     * A runner for one build whose every command line goes through {@code limits} last, e.g. to join a memory-capped
     * control group before it execs (see the server's {@code HELIX_BUILD_MEMORY}).
     */
    public ProcessCommandRunner(BuildLog log, java.util.function.UnaryOperator<List<String>> limits) {
        this(log, Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"), true, limits);
    }

    ProcessCommandRunner(BuildLog log, String path, boolean sandbox, java.util.function.UnaryOperator<List<String>> limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.log = Objects.requireNonNull(log, "log");
        this.path = Objects.requireNonNull(path, "path");
        this.nice = find("nice");
        this.sandbox = sandbox ? BuildSandboxes.shared(find("bwrap")) : Optional.empty();
    }

    /** Unsandboxed, with the given PATH (tests that script the environment). */
    public ProcessCommandRunner(BuildLog log, String path) {
        this(log, path, false);
    }

    @Override
    public boolean available(String executable) {
        return find(executable).isPresent();
    }

    @Override
    public int run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: empty (expected: an executable and its arguments)");
        }
        Optional<Path> executable = find(command.getFirst());
        if (executable.isEmpty()) {
            log.line(INDENT + "! " + command.getFirst() + ": command not found on PATH");
            return NOT_FOUND;
        }
        List<String> plain = new ArrayList<>();
        nice.ifPresent(n -> plain.addAll(List.of(n.toString(), "-n", "10")));
        plain.add(executable.get().toString());
        plain.addAll(command.subList(1, command.size()));
        List<String> argv = limits.apply(sandbox.map(s -> s.wrap(plain, workDir, writable(workDir, env))).orElse(plain));
        if (sandbox.isEmpty() && !unsandboxedNoted) {
            unsandboxedNoted = true;
            log.line(INDENT + "(bubblewrap is not available: build commands run without a sandbox; install bubblewrap)");
        }

        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putIfAbsent("PATH", path);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            log.line(INDENT + "! " + command.getFirst() + ": could not start: " + e.getMessage());
            return NOT_FOUND;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // stdin is closed so that a command asking a question fails instead of waiting; nothing to do if it already is.
        }
        // A platform thread: a blocking read on a process pipe would pin a virtual thread's carrier.
        Thread pump = Thread.ofPlatform().daemon().name("build-output-" + process.pid()).start(() -> pump(process));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                process.waitFor();
                pump.join(OUTPUT_DRAIN);
                log.line(INDENT + "! " + String.join(" ", command) + " timed out after " + timeout.toSeconds() + " s and was stopped");
                return TIMED_OUT;
            }
            // A background child still holding stdout must not hold the build: drain briefly, then move on.
            pump.join(OUTPUT_DRAIN);
            return process.exitValue();
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            log.line(INDENT + "! " + String.join(" ", command) + " was interrupted");
            return 130;
        }
    }

    /** What a build command may write: its working tree, the build's HOME and the app's npm cache. */
    private static List<Path> writable(Path workDir, Map<String, String> env) {
        List<Path> dirs = new ArrayList<>(List.of(workDir));
        for (String key : List.of("HOME", "npm_config_cache")) {
            String dir = env.get(key);
            if (dir != null && Files.isDirectory(Path.of(dir))) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs;
    }

    private void pump(Process process) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                log.line(line.isBlank() ? "" : INDENT + (line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line));
            }
        } catch (IOException e) {
            // The pipe broke because the process was killed: what it printed so far is in the log already.
        }
    }

    private static void killTree(Process process) {
        // Children first: once the parent is gone they are re-parented and no longer listed as its descendants.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private Optional<Path> find(String executable) {
        if (executable.contains("/")) {
            Path p = Path.of(executable);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
