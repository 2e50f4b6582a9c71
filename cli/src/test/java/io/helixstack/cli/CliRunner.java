package io.helixstack.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs {@code helix …} in-process the way a user would, with a controlled environment, a fixed clock and a 1 ms
 * poll interval, capturing stdout and stderr.
 */
final class CliRunner {
    static final Instant NOW = FakeApi.T0.plusSeconds(2 * 3600);

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** A command running on another thread, whose output can be read while it runs. */
    record Running(StringWriter out, StringWriter err, CompletableFuture<Integer> exitCode) {
    }

    private final Map<String, String> env = new HashMap<>();
    private final Path userHome;

    CliRunner(Path userHome) {
        this.userHome = userHome;
    }

    /** A runner pointed at the fake API with its token, HELIX_HOME in a directory of its own. */
    static CliRunner against(FakeApi api, Path tempDir) {
        return new CliRunner(tempDir.resolve("user-home"))
                .env("HELIX_API_URL", api.url())
                .env("HELIX_TOKEN", FakeApi.TOKEN)
                .env("HELIX_HOME", tempDir.resolve("helix-home").toString());
    }

    CliRunner env(String key, String value) {
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = cli().execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        HelixCli cli = cli();
        return new Running(out, err, CompletableFuture.supplyAsync(
                () -> cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args)));
    }

    private HelixCli cli() {
        return new HelixCli(env, userHome, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(1));
    }
}
