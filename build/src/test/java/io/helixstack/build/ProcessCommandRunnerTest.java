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

    @Test
    void argumentsAreNeverInterpretedByAShell() {
        runner.run(List.of("echo", "$HOME; rm -rf / && `id`"), work, Map.of(), Duration.ofSeconds(30));
        assertThat(lines).containsExactly("       $HOME; rm -rf / && `id`");
    }

    @Test
    void environmentHoldsOnlyWhatTheBuildPasses() {
        runner.run(List.of("env"), work, Map.of("PATH", "/usr/bin:/bin", "GREETING", "hi"), Duration.ofSeconds(30));
        assertThat(lines).containsExactlyInAnyOrder("       PATH=/usr/bin:/bin", "       GREETING=hi");
    }

    @Test
    void runsInTheWorkDirectory() {
        runner.run(List.of("pwd"), work, Map.of(), Duration.ofSeconds(30));
        assertThat(lines).containsExactly("       " + work.toAbsolutePath());
    }

    @Test
    void timeoutKillsTheWholeProcessTree() {
        Instant start = Instant.now();
        int code = runner.run(List.of("sh", "-c", "sleep 60 & echo $!; wait"), work, Map.of(), Duration.ofMillis(500));

        assertThat(code).isEqualTo(ProcessCommandRunner.TIMED_OUT);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(lines).anyMatch(l -> l.contains("timed out"));
        long child = Long.parseLong(lines.getFirst().strip());
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
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
