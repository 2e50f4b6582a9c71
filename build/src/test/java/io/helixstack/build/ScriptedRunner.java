package io.helixstack.build;

import io.helixstack.plugin.api.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A command runner for unit tests: records every command, and plays a scripted effect per command instead of running it
 * (e.g. "npm ci" creates node_modules), so buildpack logic is tested without a network or Node.
 */
final class ScriptedRunner implements CommandRunner {
    /** What a scripted command does to the work directory; returns the exit code. */
    @FunctionalInterface
    interface Effect {
        int apply(Path workDir) throws IOException;
    }

    private record Rule(String prefix, Effect effect) {
    }

    private final List<List<String>> commands = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Set<String> installed;

    ScriptedRunner(Set<String> installed) {
        this.installed = installed;
    }

    /** Commands starting with {@code prefix} (words joined by spaces) have {@code effect}; others exit 0 doing nothing. */
    ScriptedRunner on(String prefix, Effect effect) {
        rules.add(new Rule(prefix, effect));
        return this;
    }

    List<List<String>> commands() {
        return List.copyOf(commands);
    }

    List<String> commandLines() {
        return commands.stream().map(c -> String.join(" ", c)).toList();
    }

    @Override
    public int run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
        commands.add(List.copyOf(command));
        String line = String.join(" ", command);
        for (Rule rule : rules) {
            if (line.startsWith(rule.prefix())) {
                try {
                    return rule.effect().apply(workDir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return 0;
    }

    @Override
    public boolean available(String executable) {
        return installed.contains(executable);
    }
}
