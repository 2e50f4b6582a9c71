package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.BuildOutcome;
import io.helixstack.plugin.api.BuildRequest;
import io.helixstack.plugin.api.CommandRunner;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real npm build of examples/express-app, twice: the first installs (from the npm registry, or npm's cache), the second
 * restores node_modules from the dependency cache and runs no install at all. npm's download cache is kept in
 * {@code target/npm-cache}, so after one run with network the test also passes offline.
 */
class ExpressBuildTest {
    @TempDir
    Path root;

    private final List<List<String>> commands = new CopyOnWriteArrayList<>();
    private final Map<String, String> env = Map.of("npm_config_cache", Path.of("target", "npm-cache").toAbsolutePath().toString());

    /** The real runner, recording each command it is asked to run. */
    private CommandRunner recording(CommandRunner real) {
        return new CommandRunner() {
            @Override
            public int run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
                commands.add(List.copyOf(command));
                return real.run(command, workDir, env, timeout);
            }

            @Override
            public boolean available(String executable) {
                return real.available(executable);
            }
        };
    }

    @Test
    void secondBuildRestoresNodeModulesFromTheCacheInsteadOfRunningNpmCi() {
        Clock clock = Clock.systemUTC();
        LocalBuildService service = new LocalBuildService(root, LocalBuildService.defaultBuildpacks(clock),
                log -> recording(new ProcessCommandRunner(log)), clock);
        Source.Upload source = service.acceptUpload(new ByteArrayInputStream(Tarballs.of(Examples.dir("express-app"))), 50_000_000);

        List<String> firstLog = new CopyOnWriteArrayList<>();
        BuildOutcome first = service.build(new BuildRequest(UUID.randomUUID(), "express-app", source, env, firstLog::add));

        assertThat(first).as(String.join("\n", firstLog)).isInstanceOf(BuildOutcome.Succeeded.class);
        assertThat(firstLog).contains("-----> Detected Node.js app (npm, package-lock.json)", "-----> Installing dependencies",
                "-----> Release: web: node app.js");
        assertThat(commands).contains(List.of("npm", "ci", "--include=dev"));
        Artifact artifact = ((BuildOutcome.Succeeded) first).artifact();
        assertThat(artifact.metadata().kind()).isEqualTo(ArtifactKind.SERVER);
        assertThat(artifact.dir().resolve("node_modules/express/package.json")).exists();
        assertThat(root.resolve("cache/express-app/node")).isDirectoryContaining(p -> p.getFileName().toString().matches("[0-9a-f]{64}"));

        commands.clear();
        List<String> secondLog = new CopyOnWriteArrayList<>();
        BuildOutcome second = service.build(new BuildRequest(UUID.randomUUID(), "express-app", source, env, secondLog::add));

        assertThat(second).as(String.join("\n", secondLog)).isInstanceOf(BuildOutcome.Succeeded.class);
        assertThat(secondLog).contains(NodeBuildpack.RESTORE_LINE).doesNotContain("-----> Installing dependencies");
        assertThat(commands).noneMatch(c -> c.contains("ci") || c.contains("install"));
        assertThat(((BuildOutcome.Succeeded) second).artifact()).as("restored tree is identical: artifact reused").isEqualTo(artifact);
    }
}
