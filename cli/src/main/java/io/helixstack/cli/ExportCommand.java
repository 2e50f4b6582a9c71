package io.helixstack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code helix export compose|k8s --app NAME [--env production] [-o FILE]}: the live deployment as a docker-compose file
 * or Kubernetes manifests, to take the app elsewhere (the containers download the artifact from a URL valid 24 hours).
 */
@Command(name = "export", description = "Write an application's live deployment as docker-compose.yml or Kubernetes YAML.")
final class ExportCommand extends AppCommand {
    @Parameters(index = "0", paramLabel = "FORMAT", description = "compose or k8s")
    String format;

    @Option(names = {"-e", "--env"}, paramLabel = "ENVIRONMENT", defaultValue = "production",
            description = "production (default) or a pull request's preview, e.g. pr-7.")
    String environment;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path file;

    @Override
    public Integer call() {
        if (!format.equals("compose") && !format.equals("k8s")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "format: \"" + format + "\" (expected: compose or k8s)");
        }
        String text = api().export(app, format, environment);
        if (file == null) {
            output().raw(text);
            return 0;
        }
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
        output().progress("Wrote " + file + " (the artifact URL in it is valid for 24 hours).");
        return 0;
    }
}
