package io.helixstack.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A subcommand that talks to the API: it gets {@code --api-url}, {@code --json} and a configured client. */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--api-url", paramLabel = "URL",
            description = "HelixStack API address (default: $HELIX_API_URL, else api_url in $HELIX_HOME/credentials, "
                    + "else " + CliConfig.DEFAULT_API_URL + ")")
    String apiUrl;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /** The root command: the environment, clock and poll interval the commands must use instead of globals. */
    HelixCli cli() {
        return (HelixCli) spec.root().userObject();
    }

    ApiClient api() {
        CliConfig config = CliConfig.resolve(apiUrl, cli().env(), cli().userHome());
        return new ApiClient(config.apiUrl(), config.requireToken());
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
    }
}
