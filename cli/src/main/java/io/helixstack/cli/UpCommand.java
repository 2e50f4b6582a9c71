package io.helixstack.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code helix up [--home DIR] [--planes LIST] [-- server args]} (also {@code helix server}): runs {@code helix-server.jar} in the foreground with this JVM's
 * java, sharing the terminal, and exits with the server's exit code. The server writes
 * {@code $HELIX_HOME/credentials}, which the other commands read.
 */
@Command(name = "up", aliases = "server",
        description = {"Run the HelixStack server in the foreground (Ctrl-C stops it).",
                "Arguments after -- go to the server."})
final class UpCommand implements Callable<Integer> {
    static final String SERVER_JAR = "helix-server.jar";
    // The server stops its apps and its embedded PostgreSQL on SIGTERM; give that time before SIGKILL.
    private static final long STOP_GRACE_SECONDS = 30;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--home", paramLabel = "DIR", description = "Where the server keeps its data (sets HELIX_HOME; default: ~/.helix).")
    Path home;

    @Option(names = "--planes", paramLabel = "LIST", description = {
            "Run only these planes in this process, any of: control, delivery, build, runtime (default: all).",
            "Separate processes share HELIX_DATABASE_URL and HELIX_HOME; see the README."})
    String planes;

    @Parameters(paramLabel = "SERVER_ARGS", description = "Arguments for the server, after --.")
    List<String> serverArgs = new ArrayList<>();

    @Override
    public Integer call() {
        HelixCli cli = (HelixCli) spec.root().userObject();
        Map<String, String> env = cli.env();
        List<Path> candidates = serverJarCandidates(env, HelixCli.codeLocation());
        Path jar = candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new CliException(
                "cannot find " + SERVER_JAR + " (looked at: "
                        + String.join(", ", candidates.stream().map(Path::toString).toList())
                        + "; set HELIX_SERVER_JAR to its path)"));

        List<String> command = new ArrayList<>(List.of(javaCommand(), "-jar", jar.toString()));
        if (planes != null) {
            command.addAll(List.of("server", "--planes", planes));
        }
        command.addAll(serverArgs);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        // The child sees exactly the environment this command was given (the real one outside tests).
        builder.environment().clear();
        builder.environment().putAll(env);
        if (home != null) {
            builder.environment().put("HELIX_HOME", home.toAbsolutePath().normalize().toString());
        }
        Process server;
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new CliException("cannot start " + jar + ": " + e.getMessage(), e);
        }
        // Ctrl-C or a kill of this JVM must not leave an orphaned server holding the ports and the database.
        Thread stopServer = new Thread(() -> stop(server), "helix-up-stop-server");
        Runtime.getRuntime().addShutdownHook(stopServer);
        try {
            return server.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(server);
            throw new CliException("interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopServer);
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the hook runs and stops the server.
            }
        }
    }

    /**
     * Where the server jar may be, in order: {@code HELIX_SERVER_JAR} (alone, when set); {@code ../server/target/}
     * from the CLI jar's directory; the source tree's {@code server/target/} when the CLI runs from
     * {@code cli/target/helix-cli.jar}; beside the CLI jar (an install with both jars in one directory).
     */
    static List<Path> serverJarCandidates(Map<String, String> env, Path cliJarDirectory) {
        String explicit = env.get("HELIX_SERVER_JAR");
        if (explicit != null && !explicit.isBlank()) {
            // Explicit wins alone: silently falling back to another jar would run a server the user did not ask for.
            return List.of(Path.of(explicit).toAbsolutePath());
        }
        Path dir = cliJarDirectory.toAbsolutePath().normalize();
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(dir.getParent())
                .ifPresent(parent -> candidates.add(parent.resolve("server").resolve("target").resolve(SERVER_JAR)));
        Optional.ofNullable(dir.getParent()).map(Path::getParent)
                .ifPresent(tree -> candidates.add(tree.resolve("server").resolve("target").resolve(SERVER_JAR)));
        candidates.add(dir.resolve(SERVER_JAR));
        return List.copyOf(candidates);
    }

    /** The java running this CLI, so the server gets the same (already checked to be >= 21) JDK. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void stop(Process server) {
        if (!server.isAlive()) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
