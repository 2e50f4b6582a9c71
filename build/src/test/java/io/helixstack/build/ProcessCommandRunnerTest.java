package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {
    @TempDir
    Path work;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ProcessCommandRunner runner = new ProcessCommandRunner(lines::add);

    @Test
    void streamsStdoutAndStderrIntoTheLogAndReturnsTheExitCode() {
        int code = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), work, Map.of(), Duration.ofSeconds(30));
        assertThat(code).isEqualTo(3);
        assertThat(lines).containsExactlyInAnyOrder("       out", "       err");
    }

    /** Build scripts are the app's code: they must not see the platform's files, only their own working dirs. */
    @Test
    void sandboxedCommandsSeeOnlyTheirOwnDirectories(@TempDir Path platformHome) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BuildSandboxes.shared(java.util.Optional.of(Path.of("/usr/bin/bwrap"))).isPresent(),
                "bubblewrap is not usable here: the sandbox is not tested (install bubblewrap)");
        java.nio.file.Files.writeString(platformHome.resolve("secret.key"), "top secret");
        int read = runner.run(List.of("cat", platformHome.resolve("secret.key").toString()), work, Map.of(), Duration.ofSeconds(30));
        assertThat(read).isNotZero();
        assertThat(lines).noneMatch(l -> l.contains("top secret"));
        int write = runner.run(List.of("sh", "-c", "echo built > out.txt"), work, Map.of(), Duration.ofSeconds(30));
        assertThat(write).isZero();
        assertThat(work.resolve("out.txt")).hasContent("built");
    }

    @Test
    void theLimitsWrapperGetsTheFinalCommandLine() {
        java.util.List<java.util.List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProcessCommandRunner limited = new ProcessCommandRunner(lines::add, "/usr/bin:/bin", false, argv -> {
            seen.add(argv);
            java.util.List<String> wrapped = new java.util.ArrayList<>(java.util.List.of("/usr/bin/env", "LIMITED=yes"));
            wrapped.addAll(argv);
            return wrapped;
        });

        int code = limited.run(List.of("sh", "-c", "echo $LIMITED"), work, Map.of(), Duration.ofSeconds(30));

        assertThat(code).isZero();
        assertThat(lines).contains("       yes");
        assertThat(seen).singleElement().satisfies(argv -> {
            assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("-c", "echo $LIMITED");
            assertThat(argv.get(argv.size() - 3)).endsWith("/sh");
        });
    }

    @Test
    void argumentsAreNeverInterpretedByAShell() {
        runner.run(List.of("echo", "$HOME; rm -rf / && `id`"), work, Map.of(), Duration.ofSeconds(30));
        assertThat(lines).containsExactly("       $HOME; rm -rf / && `id`");
    }

    @Test
    void environmentHoldsOnlyWhatTheBuildPasses() {
        runner.run(List.of("env"), work, Map.of("PATH", "/usr/bin:/bin", "GREETING", "hi"), Duration.ofSeconds(30));
        // PWD is set by the sandbox's --chdir; it reveals nothing of the platform.
        assertThat(lines).filteredOn(l -> !l.strip().startsWith("PWD="))
                .containsExactlyInAnyOrder("       PATH=/usr/bin:/bin", "       GREETING=hi");
    }

    @Test
    void runsInTheWorkDirectory() {
        runner.run(List.of("pwd"), work, Map.of(), Duration.ofSeconds(30));
        assertThat(lines).containsExactly("       " + work.toAbsolutePath());
    }

    @Test
    void timeoutKillsTheWholeProcessTree() {
        Instant start = Instant.now();
        // A marker argument finds the grandchild from outside, whatever PID namespace the sandbox gave it.
        String marker = "61." + ProcessHandle.current().pid();
        int code = runner.run(List.of("sh", "-c", "sleep " + marker + " & wait"), work, Map.of(), Duration.ofMillis(500));

        assertThat(code).isEqualTo(ProcessCommandRunner.TIMED_OUT);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(lines).anyMatch(l -> l.contains("timed out"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(h -> h.info().commandLine().map(c -> c.contains("sleep " + marker)).orElse(false)));
    }

    @Test
    void missingExecutableIsReportedNotThrown() {
        assertThat(runner.run(List.of("no-such-command-helix"), work, Map.of(), Duration.ofSeconds(5)))
                .isEqualTo(ProcessCommandRunner.NOT_FOUND);
        assertThat(lines).anyMatch(l -> l.contains("no-such-command-helix: command not found"));
    }

    @Test
    void availableLooksAtThePath() {
        assertThat(runner.available("sh")).isTrue();
        assertThat(runner.available("no-such-command-helix")).isFalse();
        assertThat(new ProcessCommandRunner(lines::add, "/nonexistent").available("sh")).isFalse();
    }
}
