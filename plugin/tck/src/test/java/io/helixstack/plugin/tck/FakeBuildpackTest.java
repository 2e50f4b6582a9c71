package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.BuildLog;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The fake passes the same suite as the real buildpacks. */
class FakeBuildpackTest extends BuildpackContract {
    @TempDir
    Path fixtures;

    @Override
    protected Buildpack buildpack() {
        return new FakeBuildpack();
    }

    @Override
    protected Path matchingFixture() {
        try {
            Path dir = Files.createDirectories(fixtures.resolve("fake-app"));
            Files.writeString(dir.resolve(FakeBuildpack.MARKER), "hello fake\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected CommandRunner commandRunner(BuildLog log) {
        return new CommandRunner() {
            @Override
            public int run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
                throw new AssertionError("the fake buildpack runs no commands, yet ran " + command);
            }

            @Override
            public boolean available(String executable) {
                return false;
            }
        };
    }
}
