package io.helixstack.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged jars the way a user does: {@code helix-server.jar up} and {@code helix-cli.jar <command>}. */
final class HelixProcesses {
    static final Path ROOT = Path.of(System.getProperty("helix.root", "..")).toAbsolutePath().normalize();
    static final Path SERVER_JAR = ROOT.resolve("server/target/helix-server.jar");
    static final Path CLI_JAR = ROOT.resolve("cli/target/helix-cli.jar");
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    /** The outcome of one CLI run. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private HelixProcesses() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Process startServer(Path home, int apiPort, int httpPort, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", SERVER_JAR.toString(), "up");
        pb.environment().put("HELIX_HOME", home.toString());
        pb.environment().put("HELIX_API_PORT", String.valueOf(apiPort));
        pb.environment().put("HELIX_HTTP_PORT", String.valueOf(httpPort));
        pb.environment().remove("HELIX_DATABASE_URL");
        pb.environment().putAll(extraEnv);
        pb.redirectErrorStream(true);
        Files.createDirectories(home);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()));
        return pb.start();
    }

    static Result cli(Path home, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", CLI_JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = new HashMap<>(pb.environment());
        pb.environment().clear();
        pb.environment().put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", env.getOrDefault("HOME", "/root"));
        pb.environment().put("HELIX_HOME", home.toString());
        try {
            Path out = Files.createTempFile("helix-cli", ".out");
            Path err = Files.createTempFile("helix-cli", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("helix " + String.join(" ", args) + " did not finish within " + timeout
                        + "\n" + Files.readString(out) + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Copies an example into a temp dir so a test can change it (v2, v3) without touching the repository. */
    static Path copyExample(String name, Path into) throws IOException {
        Path src = ROOT.resolve("examples").resolve(name);
        Path dst = into.resolve(name);
        try (var walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.toString().contains("node_modules")) {
                    continue;
                }
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }
}
