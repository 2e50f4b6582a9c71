package io.helixstack.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code helix env list|set|unset --app NAME}: the app's environment variables. Changes apply at the next deploy
 * or restart, which is why set and unset end with that hint.
 */
@Command(name = "env", description = "Show or change an application's environment variables.",
        subcommands = {EnvCommand.EnvList.class, EnvCommand.EnvSet.class, EnvCommand.EnvUnset.class})
final class EnvCommand implements Runnable {
    /** Portable shell variable names: what every runtime and buildpack can read back. */
    static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String KEY_EXPECTED = "expected: a letter or _ followed by letters, digits or _, e.g. DATABASE_URL";

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    /** {@code helix env} alone: the subcommand is missing, which is a usage error like any other. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: list, set or unset");
    }

    static void checkKey(CommandSpec spec, String argument, String key) {
        if (!KEY.matcher(key).matches()) {
            throw new ParameterException(spec.commandLine(), argument.equals(key)
                    ? "key \"" + key + "\" (" + KEY_EXPECTED + ")"
                    : "\"" + argument + "\": key \"" + key + "\" (" + KEY_EXPECTED + ")");
        }
    }

    /** The variables of production (default) or of {@code preview}, which every pull request's preview gets. */
    abstract static class EnvScoped extends AppCommand {
        @picocli.CommandLine.Option(names = {"-e", "--env"}, paramLabel = "ENVIRONMENT", defaultValue = "production",
                description = "production (default) or preview: the variables every pull request's preview gets.")
        String environment;
    }

    @Command(name = "list", description = "Print KEY=value lines.")
    static final class EnvList extends EnvScoped {
        @Override
        public Integer call() {
            Output output = output();
            Map<String, String> env = api().env(app, environment);
            if (output.json()) {
                output.json(Json.MAPPER.createObjectNode().set("env", Json.MAPPER.valueToTree(env)));
            } else if (env.isEmpty()) {
                output.line("No environment variables on " + app + ".");
            } else {
                env.forEach((key, value) -> output.line(key + "=" + value));
            }
            return 0;
        }
    }

    @Command(name = "set", description = "Set variables (applied at the next restart or deploy).")
    static final class EnvSet extends EnvScoped {
        @Parameters(arity = "1..*", paramLabel = "KEY=VALUE")
        List<String> assignments = new ArrayList<>();

        @Override
        public Integer call() {
            // Checked before anything is sent: a typo must not half-apply a batch of variables.
            Map<String, String> values = new LinkedHashMap<>();
            for (String assignment : assignments) {
                int equals = assignment.indexOf('=');
                if (equals < 0) {
                    throw new ParameterException(spec.commandLine(),
                            "\"" + assignment + "\" (expected: KEY=VALUE, e.g. PORT=3000)");
                }
                String key = assignment.substring(0, equals);
                checkKey(spec, assignment, key);
                values.put(key, assignment.substring(equals + 1));
            }
            Output output = output();
            Map<String, String> env = api().patchEnv(app, environment, values, List.of());
            if (output.json()) {
                output.json(Json.MAPPER.createObjectNode().set("env", Json.MAPPER.valueToTree(env)));
            } else {
                output.line("Set " + String.join(", ", values.keySet()) + " on " + app + ".");
                output.line("Run `helix restart --app " + app + "` to apply it (or deploy again).");
            }
            return 0;
        }
    }

    @Command(name = "unset", description = "Remove variables (applied at the next restart or deploy).")
    static final class EnvUnset extends EnvScoped {
        @Parameters(arity = "1..*", paramLabel = "KEY")
        List<String> keys = new ArrayList<>();

        @Override
        public Integer call() {
            keys.forEach(key -> checkKey(spec, key, key));
            Output output = output();
            Map<String, String> env = api().patchEnv(app, environment, Map.of(), keys);
            if (output.json()) {
                output.json(Json.MAPPER.createObjectNode().set("env", Json.MAPPER.valueToTree(env)));
            } else {
                output.line("Unset " + String.join(", ", keys) + " on " + app + ".");
                output.line("Run `helix restart --app " + app + "` to apply it (or deploy again).");
            }
            return 0;
        }
    }
}
