package io.helixstack.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code helix version}: the CLI's version and the Java running it. Needs no server. */
@Command(name = "version", description = "Print the CLI version.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        String java = Runtime.version().toString();
        if (json) {
            new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), true).json(
                    Json.MAPPER.createObjectNode().put("version", HelixCli.version()).put("java", java));
        } else {
            spec.commandLine().getOut().println("helix " + HelixCli.version() + " (Java " + java + ")");
        }
        return 0;
    }
}
