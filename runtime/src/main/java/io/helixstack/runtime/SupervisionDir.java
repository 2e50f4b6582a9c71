package io.helixstack.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the supervision of one instance keeps on disk, in {@code <workRoot>/supervised/<instance-id>/} (mode 0700, never
 * visible to apps), so that a runtime process started again takes its instances over instead of losing them:
 * <ul>
 *   <li>{@code launch.sealed}: the instance, its command line, environment and health check, sealed (the environment
 *       holds the app's secrets);</li>
 *   <li>{@code process}: the running process — pid, start time (a reused pid has another), restarts so far;</li>
 *   <li>{@code stopping}: present once the instance was asked to stop (it is not started again);</li>
 *   <li>{@code stdout.log}, {@code stderr.log}: the app's output, appended to by the app itself, so it never writes into
 *       a pipe nobody reads; {@code offsets}: how far the log has read them.</li>
 * </ul>
 */
final class SupervisionDir {
    static final String ROOT = "supervised";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** What a runtime needs to run the instance again; paths as strings, limits as the groups' paths. */
    record Saved(Instance instance, List<String> commandLine, Map<String, String> env, String workDir, boolean wrapped,
                 List<String> groups, String memoryGroup, long memoryMb, String healthPath, java.time.Duration healthTimeout) {

        static Saved of(Instance instance, SupervisedInstance.Launch launch, HealthCheck health) {
            SupervisedInstance.Limits limits = launch.limits();
            return new Saved(instance, launch.commandLine(), launch.env(), launch.workDir().toString(), launch.wrapped(),
                    limits == null ? List.of() : limits.placement().groups().stream().map(Path::toString).toList(),
                    limits == null ? null : limits.placement().memoryGroup().toString(),
                    limits == null ? 0 : limits.memoryMb(), health.path(), health.timeout());
        }

        SupervisedInstance.Launch launch() {
            SupervisedInstance.Limits limits = groups.isEmpty() ? null : new SupervisedInstance.Limits(
                    new Cgroups.Placement(groups.stream().map(Path::of).toList(), Path.of(memoryGroup)), memoryMb);
            return new SupervisedInstance.Launch(commandLine, env, Path.of(workDir), wrapped, limits);
        }

        HealthCheck health() {
            return new HealthCheck(healthPath, healthTimeout);
        }
    }

    /** The process of an instance's current run, as its supervisor started it. */
    record ProcessRecord(long pid, long startMillis, int restarts) {
        static ProcessRecord of(ProcessHandle handle, int restarts) {
            return new ProcessRecord(handle.pid(), startMillis(handle), restarts);
        }

        /** The process, when it still runs: same pid and same start time, and not a zombie nobody reaped. */
        Optional<ProcessHandle> find() {
            return ProcessHandle.of(pid).filter(h -> h.isAlive() && startMillis(h) == startMillis && !zombie(pid));
        }

        static long startMillis(ProcessHandle handle) {
            return handle.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
        }

        /** State Z in {@code /proc/<pid>/stat}: exited, waiting for a parent that may never reap it. */
        static boolean zombie(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                int nameEnd = stat.lastIndexOf(')');
                return nameEnd >= 0 && nameEnd + 2 < stat.length() && stat.charAt(nameEnd + 2) == 'Z';
            } catch (IOException e) {
                return false;
            }
        }
    }

    private final Path dir;

    private SupervisionDir(Path dir) {
        this.dir = dir;
    }

    static SupervisionDir create(Path workRoot, String instanceId) {
        Path dir = workRoot.resolve(ROOT).resolve(instanceId);
        try {
            Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return new SupervisionDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the supervision directory " + dir, e);
        }
    }

    /** The directories a previous runtime process left, one per instance it had not stopped. */
    static List<SupervisionDir> existing(Path workRoot) {
        Path root = workRoot.resolve(ROOT);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (var dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().map(SupervisionDir::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    static boolean exists(Path workRoot, String instanceId) {
        return Files.exists(workRoot.resolve(ROOT).resolve(instanceId));
    }

    String instanceId() {
        return dir.getFileName().toString();
    }

    Path stdout() {
        return dir.resolve("stdout.log");
    }

    Path stderr() {
        return dir.resolve("stderr.log");
    }

    void saveLaunch(Saved saved, Sealer sealer) {
        try {
            write("launch.sealed", sealer.seal(JSON.writeValueAsString(saved)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the launch of instance " + instanceId(), e);
        }
    }

    /** The saved launch; empty when there is none or it does not open (sealed with another key, damaged). */
    Optional<Saved> loadLaunch(Sealer sealer) {
        try {
            Path file = dir.resolve("launch.sealed");
            return Files.exists(file) ? Optional.of(JSON.readValue(sealer.open(Files.readAllBytes(file)), Saved.class))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void saveProcess(ProcessRecord record) {
        write("process", (record.pid() + " " + record.startMillis() + " " + record.restarts()).getBytes(StandardCharsets.UTF_8));
    }

    Optional<ProcessRecord> loadProcess() {
        return readLongs("process", 3).map(v -> new ProcessRecord(v[0], v[1], (int) v[2]));
    }

    /** Written before the instance is asked to stop: a runtime killed meanwhile leaves it to the next to finish the stop. */
    void markStopping() {
        write("stopping", new byte[0]);
    }

    boolean stopping() {
        return Files.exists(dir.resolve("stopping"));
    }

    void saveOffsets(long stdout, long stderr) {
        write("offsets", (stdout + " " + stderr).getBytes(StandardCharsets.UTF_8));
    }

    /** How far stdout and stderr were read; zeros when never saved. */
    long[] loadOffsets() {
        return readLongs("offsets", 2).orElse(new long[]{0, 0});
    }

    void delete() {
        ProcessRuntimeDriver.deleteRecursively(dir);
    }

    private Optional<long[]> readLongs(String name, int count) {
        try {
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String[] parts = Files.readString(file).strip().split(" ");
            if (parts.length != count) {
                return Optional.empty();
            }
            long[] values = new long[count];
            for (int i = 0; i < count; i++) {
                values[i] = Long.parseLong(parts[i]);
            }
            return Optional.of(values);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Written whole or not at all: a runtime killed mid-write leaves the previous content. */
    private void write(String name, byte[] content) {
        Path target = dir.resolve(name);
        Path temp = dir.resolve(name + ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
