package io.helixstack.cli;

import picocli.CommandLine.Option;

/** {@code -h/--help} for subcommands: picocli's standard mixin would also add a {@code -V} they cannot answer. */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
