package io.helixstack.runtime;

import io.helixstack.plugin.api.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and memory limits through the kernel's control groups, where the platform may create them: a group per instance
 * under {@code helix/} in the cgroup v2 hierarchy, or in the v1 {@code memory} and {@code cpu} hierarchies. The process is
 * placed in its groups by the command line itself ({@link #wrap}) before it execs the app, so nothing runs unlimited.
 */
final class Cgroups {
    static final long CPU_PERIOD_MICROS = 100_000;
    private static final int REMOVE_ATTEMPTS = 20;
    private static final java.time.Duration REMOVE_RETRY = java.time.Duration.ofMillis(50);
    private static final String PARENT = "helix";
    private static final Logger log = LoggerFactory.getLogger(Cgroups.class);

    private enum Version { V1, V2 }

    private final Version version;
    private final Path memoryRoot;
    private final Path cpuRoot;
    private final String unavailableReason;

    private Cgroups(Version version, Path memoryRoot, Path cpuRoot, String unavailableReason) {
        this.version = version;
        this.memoryRoot = memoryRoot;
        this.cpuRoot = cpuRoot;
        this.unavailableReason = unavailableReason;
    }

    /** Looks under {@code mount} (normally {@code /sys/fs/cgroup}) for a hierarchy the platform can create groups in. */
    static Cgroups probe(Path mount) {
        return probe(mount, PARENT);
    }

    /** As {@link #probe(Path)} with the groups under {@code parent} instead of {@code helix/} (tests keep to their own). */
    static Cgroups probe(Path mount, String parentName) {
        Path unified = mount.resolve("cgroup.controllers");
        try {
            if (Files.isRegularFile(unified)) {
                String controllers = Files.readString(unified);
                if (!controllers.contains("memory") || !controllers.contains("cpu")) {
                    return unavailable("cgroup v2 without the memory and cpu controllers");
                }
                Path parent = mount.resolve(parentName);
                Files.createDirectories(parent);
                // Children of helix/ get the controllers only when helix/ delegates them.
                Files.writeString(mount.resolve("cgroup.subtree_control"), "+memory +cpu");
                Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +cpu");
                return new Cgroups(Version.V2, parent, parent, null);
            }
            Path memory = mount.resolve("memory");
            Path cpu = mount.resolve("cpu");
            if (Files.isRegularFile(memory.resolve("memory.limit_in_bytes")) && Files.isRegularFile(cpu.resolve("cpu.cfs_quota_us"))) {
                Files.createDirectories(memory.resolve(parentName));
                Files.createDirectories(cpu.resolve(parentName));
                return new Cgroups(Version.V1, memory.resolve(parentName), cpu.resolve(parentName), null);
            }
            return unavailable("no cgroup hierarchy with memory and cpu controllers under " + mount);
        } catch (IOException | SecurityException e) {
            return unavailable("cannot create control groups under " + mount + " (" + e.getMessage() + ")");
        }
    }

    /** Removes the (empty) parent group and its empty children: tests clean up after themselves. */
    void removeEmptyGroups() {
        for (Path root : new java.util.LinkedHashSet<>(java.util.Arrays.asList(memoryRoot, cpuRoot))) {
            if (root == null || !Files.isDirectory(root)) {
                continue;
            }
            try (var children = Files.list(root)) {
                for (Path child : children.filter(Files::isDirectory).toList()) {
                    Files.deleteIfExists(child);
                }
                Files.deleteIfExists(root);
            } catch (IOException e) {
                log.atWarn().addKeyValue("group", root).log("Could not remove a control group: {}", e.getMessage());
            }
        }
    }

    static Cgroups unavailable(String reason) {
        return new Cgroups(null, null, null, reason);
    }

    boolean active() {
        return version != null;
    }

    /** Why limits are not applied here; null when {@link #active()}. */
    String unavailableReason() {
        return unavailableReason;
    }

    /** The groups of one instance or task; {@link #remove()} once its processes are gone. */
    record Placement(List<Path> groups, Path memoryGroup) {
        /** Files a process writes its pid to, to join the groups. */
        List<Path> procsFiles() {
            return groups.stream().map(g -> g.resolve("cgroup.procs")).toList();
        }

        /** Times the kernel killed a process of the group for going over the memory limit. */
        long oomKills() {
            Path events = memoryGroup.resolve("memory.events");
            Path control = memoryGroup.resolve("memory.oom_control");
            Path file = Files.isRegularFile(events) ? events : control;
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith("oom_kill ")) {
                        return Long.parseLong(line.substring("oom_kill ".length()).strip());
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
            return 0;
        }

        void remove() {
            // A process that outlived the instance (it left the session, or a sandbox's processes still dying after its
            // init exited) keeps the group busy: it goes first, and is waited for, so neither it nor the group leaks.
            List<ProcessHandle> leftovers = new ArrayList<>();
            for (Path procs : procsFiles()) {
                try {
                    for (String pid : Files.readAllLines(procs)) {
                        if (!pid.isBlank()) {
                            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(leftovers::add);
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // the group is gone already, or unreadable: removing it below says so
                }
            }
            ProcessTree.killAndAwait(leftovers, ProcessTree.KILL_EXIT);
            for (Path group : groups) {
                removeGroup(group);
            }
        }

        /** A group whose last process just exited can still read as busy for a moment: a few tries, then a warning. */
        private static void removeGroup(Path group) {
            for (int attempt = 1; ; attempt++) {
                try {
                    Files.deleteIfExists(group);
                    return;
                } catch (IOException e) {
                    if (attempt == REMOVE_ATTEMPTS) {
                        log.atWarn().addKeyValue("group", group).log("Could not remove a control group: {}", e.getMessage());
                        return;
                    }
                }
                try {
                    Thread.sleep(REMOVE_RETRY.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Creates the groups for {@code id} with the limits; empty when there are no limits or cgroups are not usable here.
     *
     * @throws IOException when the groups cannot be created or limited
     */
    Optional<Placement> create(String id, Resources resources) throws IOException {
        if (!active() || !resources.limited()) {
            return Optional.empty();
        }
        List<Path> groups = new ArrayList<>();
        Path memoryGroup = Files.createDirectories(memoryRoot.resolve(id));
        groups.add(memoryGroup);
        Path cpuGroup = memoryGroup;
        if (version == Version.V1) {
            cpuGroup = Files.createDirectories(cpuRoot.resolve(id));
            groups.add(cpuGroup);
        }
        Placement placement = new Placement(List.copyOf(groups), memoryGroup);
        try {
            if (resources.memoryMb().isPresent()) {
                long bytes = resources.memoryMb().getAsLong() * 1024 * 1024;
                if (version == Version.V2) {
                    write(memoryGroup.resolve("memory.max"), Long.toString(bytes));
                    writeIfPresent(memoryGroup.resolve("memory.swap.max"), "0");
                } else {
                    write(memoryGroup.resolve("memory.limit_in_bytes"), Long.toString(bytes));
                }
            }
            if (resources.cpus().isPresent()) {
                long quota = Math.max(1000, Math.round(resources.cpus().getAsDouble() * CPU_PERIOD_MICROS));
                if (version == Version.V2) {
                    write(cpuGroup.resolve("cpu.max"), quota + " " + CPU_PERIOD_MICROS);
                } else {
                    write(cpuGroup.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
                    write(cpuGroup.resolve("cpu.cfs_quota_us"), Long.toString(quota));
                }
            }
        } catch (IOException e) {
            placement.remove();
            throw e;
        }
        return Optional.of(placement);
    }

    /**
     * A command line that joins the groups, then execs {@code command}: {@code sh -c} writes its own pid into each group's
     * {@code cgroup.procs} and exits with 125 (not running the command) when it cannot.
     */
    static List<String> wrap(List<String> command, Placement placement) {
        List<String> line = new ArrayList<>(List.of("/bin/sh", "-c",
                "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"", "helix-cgroup"));
        placement.procsFiles().forEach(f -> line.add(f.toString()));
        line.add("--");
        line.addAll(command);
        return List.copyOf(line);
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    /** For knobs a kernel may lack (memory.swap.max without swap accounting): the other limits still apply. */
    private static void writeIfPresent(Path file, String value) throws IOException {
        if (Files.exists(file)) {
            Files.writeString(file, value);
        }
    }
}
