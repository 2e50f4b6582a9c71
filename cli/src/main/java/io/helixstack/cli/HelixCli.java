package io.helixstack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code helix} command: wires the subcommands and maps every failure to one line on stderr and an exit code
 * (1 for failures, 2 for usage errors). It also carries what the subcommands must not read from globals — the
 * environment, the home directory, the clock and the poll interval — so tests run the whole CLI in-process.
 */
@Command(name = "helix", mixinStandardHelpOptions = true, versionProvider = HelixCli.VersionProvider.class,
        description = "Deploy folders to your own HelixStack server and manage what runs there.",
        subcommands = {UpCommand.class, DeployCommand.class, AppsCommand.class, DeploymentsCommand.class,
                RollbackCommand.class, RestartCommand.class, UpgradeCommand.class, LogsCommand.class, EventsCommand.class, KeysCommand.class, ExportCommand.class, MetricsCommand.class, EnvCommand.class, ManifestCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class HelixCli implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(300);

    private final Map<String, String> env;
    private final Path userHome;
    private final Clock clock;
    private final Duration pollInterval;

    @Spec
    CommandSpec spec;

    HelixCli(Map<String, String> env, Path userHome, Clock clock, Duration pollInterval) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.userHome = Objects.requireNonNull(userHome, "userHome");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    public static void main(String[] args) {
        HelixCli cli = new HelixCli(System.getenv(), Path.of(System.getProperty("user.home")), Clock.systemUTC(),
                DEFAULT_POLL_INTERVAL);
        // UTF-8 explicitly: the human output uses → and …, and the platform default may still be ASCII.
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(cli.execute(out, err, args));
    }

    /** Runs one {@code helix …} invocation and returns its exit code; never throws for user or server errors. */
    int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(this)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(usageErrors())
                .setExecutionExceptionHandler(failures());
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** {@code helix} alone: show what exists, but as a usage error so scripts notice the missing subcommand. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    Map<String, String> env() {
        return env;
    }

    Path userHome() {
        return userHome;
    }

    Clock clock() {
        return clock;
    }

    Duration pollInterval() {
        return pollInterval;
    }

    /** The directory the CLI's own classes were loaded from: where {@code helix up} looks for the server jar. */
    static Path codeLocation() {
        try {
            Path location = Path.of(HelixCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? location.getParent() : location;
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    static String version() {
        try (InputStream in = HelixCli.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "dev");
            // Unfiltered (running from an IDE without Maven resources): say so rather than print a placeholder.
            return version.startsWith("${") ? "dev" : version;
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Usage errors on one line, like every other error; {@code --help} has the full usage. */
    private static IParameterExceptionHandler usageErrors() {
        return (ex, args) -> {
            CommandLine command = ex.getCommandLine();
            StringBuilder message = new StringBuilder(oneLine(ex.getMessage()));
            if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
                message.append(" (did you mean: ").append(String.join(", ", unmatched.getSuggestions())).append("?)");
            }
            message.append(" (see '").append(command.getCommandSpec().qualifiedName()).append(" --help')");
            command.getErr().println("helix: " + message);
            return EXIT_USAGE;
        };
    }

    private IExecutionExceptionHandler failures() {
        return (ex, command, parseResult) -> {
            String message = switch (ex) {
                case ApiException api -> subjectOf(command) + api.getMessage();
                case CliException cli -> cli.getMessage();
                default -> "unexpected error: " + ex;
            };
            command.getErr().println("helix: " + oneLine(message));
            // The one-line message is for users; HELIX_DEBUG is for whoever has to fix the CLI.
            if (env.containsKey("HELIX_DEBUG")) {
                ex.printStackTrace(command.getErr());
            }
            return EXIT_FAILURE;
        };
    }

    /** {@code app "hello": } for errors of commands that act on one application, so the user sees what failed. */
    private static String subjectOf(CommandLine command) {
        return command.getCommand() instanceof AppCommand appCommand && appCommand.app != null
                ? "app \"" + appCommand.app + "\": "
                : "";
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"helix " + version()};
        }
    }
}
