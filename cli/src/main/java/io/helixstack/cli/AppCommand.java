package io.helixstack.cli;

import picocli.CommandLine.Option;

/** A subcommand about one application; {@link HelixCli} names the app in front of the server's error message. */
abstract class AppCommand extends ApiCommand {
    @Option(names = {"-a", "--app"}, required = true, paramLabel = "NAME", description = "The application's name.")
    String app;
}
