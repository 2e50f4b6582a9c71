package io.helixstack.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Wraps an instance's command in bubblewrap: the app sees the system's programs and libraries read-only, its artifact
 * read-only, its own instance directory writable, a private /tmp, and nothing else of the machine — neither the
 * platform's home nor other apps' directories. The network is shared: the proxy reaches the app on 127.0.0.1.
 *
 * <p>When bubblewrap is missing or cannot create namespaces here (some containers forbid it), instances run without a
 * sandbox and {@link #unavailableReason()} says why, for the instance's log.
 */
final class Sandbox {
    /** Bound read-only where they are directories, recreated as symlinks where they are symlinks (merged /usr). */
    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr"), Path.of("/bin"), Path.of("/sbin"),
            Path.of("/lib"), Path.of("/lib32"), Path.of("/lib64"), Path.of("/etc"));
    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private final Path bwrap;
    private final Path helixHome;
    private final String unavailableReason;

    private Sandbox(Path bwrap, Path helixHome, String unavailableReason) {
        this.bwrap = bwrap;
        this.helixHome = helixHome;
        this.unavailableReason = unavailableReason;
    }

    /** Finds bubblewrap on {@code path} and checks once that it can really build this sandbox here. */
    static Sandbox probe(boolean enabled, Path helixHome, String path) {
        if (!enabled) {
            return new Sandbox(null, helixHome, "sandbox disabled by configuration: instance runs without a sandbox");
        }
        Optional<Path> found = onPath("bwrap", path);
        if (found.isEmpty()) {
            return new Sandbox(null, helixHome,
                    "bubblewrap not available: instance runs without a sandbox (install bubblewrap)");
        }
        Sandbox candidate = new Sandbox(found.get(), helixHome, null);
        Optional<String> failure = candidate.tryRun();
        return failure.map(reason -> new Sandbox(null, helixHome, "bubblewrap not usable here (" + reason
                        + "): instance runs without a sandbox"))
                .orElse(candidate);
    }

    /** A sandbox that trusts {@code bwrap} to work, for tests of the command line. */
    static Sandbox unprobed(Path bwrap, Path helixHome) {
        return new Sandbox(bwrap, helixHome, null);
    }

    boolean active() {
        return bwrap != null;
    }

    /** Why instances run unsandboxed; null when {@link #active()}. */
    String unavailableReason() {
        return unavailableReason;
    }

    /**
     * The command line that runs {@code command} (an argument list) sandboxed, or {@code command} itself when inactive; the
     * sandbox dies with the platform (a task: a release command).
     */
    List<String> wrap(List<String> command, Path artifactDir, Path instanceDir) {
        return wrap(command, artifactDir, instanceDir, true);
    }

    /**
     * As {@link #wrap(List, Path, Path)}, for an instance: it outlives the runtime process that started it, which a runtime
     * started again takes over.
     */
    List<String> wrapDetached(List<String> command, Path artifactDir, Path instanceDir) {
        return wrap(command, artifactDir, instanceDir, false);
    }

    private List<String> wrap(List<String> command, Path artifactDir, Path instanceDir, boolean dieWithParent) {
        if (!active()) {
            return List.copyOf(command);
        }
        List<String> line = new ArrayList<>(baseArguments(dieWithParent));
        // The artifact and the instance directory come after the tmpfs mounts, which would otherwise hide them.
        line.addAll(List.of("--ro-bind", artifactDir.toString(), artifactDir.toString()));
        line.addAll(List.of("--bind", instanceDir.toString(), instanceDir.toString()));
        line.addAll(List.of("--chdir", artifactDir.toString(), "--"));
        line.addAll(command);
        return List.copyOf(line);
    }

    private List<String> baseArguments(boolean dieWithParent) {
        List<String> line = new ArrayList<>(List.of(bwrap.toString(),
                // Own PID namespace, so the app's children die with it; own session, so it cannot push input into the
                // terminal of `helix up`.
                "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts"));
        if (dieWithParent) {
            line.add(1, "--die-with-parent");
        }
        for (Path dir : SYSTEM_DIRS) {
            if (Files.isSymbolicLink(dir)) {
                line.addAll(List.of("--symlink", readLink(dir), dir.toString()));
            } else if (Files.isDirectory(dir)) {
                line.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
            }
        }
        resolverTarget().ifPresent(target -> line.addAll(List.of("--ro-bind-try", target, target)));
        line.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        // Only what is bound is visible, so the platform's home is hidden already — unless it lies inside a system
        // directory bound above (HELIX_HOME=/usr/local/helix): then a tmpfs covers it.
        Path home = helixHome.toAbsolutePath().normalize();
        if (SYSTEM_DIRS.stream().anyMatch(dir -> home.startsWith(dir) && !home.equals(dir))) {
            line.addAll(List.of("--tmpfs", home.toString()));
        }
        return line;
    }

    /** Runs {@code true} in the sandbox; the failure reason when it does not work. */
    private Optional<String> tryRun() {
        List<String> line = new ArrayList<>(baseArguments(true));
        line.addAll(List.of("--", "/bin/sh", "-c", "exit 0"));
        try {
            Process process = new ProcessBuilder(line)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("no answer within " + PROBE_TIMEOUT_SECONDS + "s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of(output.isEmpty() ? "exit code " + process.exitValue() : output.lines().findFirst().orElseThrow());
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /**
     * Where {@code /etc/resolv.conf} really is when it points outside /etc (systemd-resolved keeps it under /run, which
     * the sandbox does not show): without it, name resolution fails inside the sandbox.
     */
    private static Optional<String> resolverTarget() {
        Path resolvConf = Path.of("/etc/resolv.conf");
        if (!Files.isSymbolicLink(resolvConf)) {
            return Optional.empty();
        }
        try {
            Path target = resolvConf.toRealPath();
            return target.startsWith("/etc") ? Optional.empty() : Optional.of(target.toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the symlink " + link, e);
        }
    }

    static Optional<Path> onPath(String executable, String path) {
        if (path == null) {
            return Optional.empty();
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
