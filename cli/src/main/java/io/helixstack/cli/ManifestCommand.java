package io.helixstack.cli;

import io.helixstack.manifest.ManifestError;
import io.helixstack.manifest.ManifestParser;
import io.helixstack.manifest.ManifestResult;
import io.helixstack.manifest.ManifestSchema;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code helix manifest schema|check}: work with {@code helix.yaml} locally, no server needed. */
@Command(name = "manifest", description = "Check a helix.yaml, or print its JSON Schema for editors.",
        subcommands = {ManifestCommand.Schema.class, ManifestCommand.Check.class})
final class ManifestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return HelixCli.EXIT_USAGE;
    }

    /** Prints the schema, e.g. to wire into an editor: {@code helix manifest schema > helix.schema.json}. */
    @Command(name = "schema", description = "Print the JSON Schema of helix.yaml.")
    static final class Schema implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ManifestSchema.json());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Validates the manifest of a folder and lists every error with its file:line:column. */
    @Command(name = "check", description = "Validate the helix.yaml (or Heliosfile.yml) of DIR.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The app's folder (default: .).")
        Path dir = Path.of(".");

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) {
                throw new CliException(dir + ": not a directory (expected: the folder holding helix.yaml)");
            }
            PrintWriter out = spec.commandLine().getOut();
            Optional<ManifestResult> result = ManifestParser.parseDirectory(dir);
            if (result.isEmpty()) {
                throw new CliException(dir + ": no helix.yaml, Heliosfile.yml or Heliosfile.yaml (without one, HelixStack"
                        + " detects how to build and run the app)");
            }
            return switch (result.get()) {
                case ManifestResult.Valid valid -> {
                    if (json) {
                        new Output(out, spec.commandLine().getErr(), true).json(Json.MAPPER.createObjectNode().put("valid", true)
                                .put("name", valid.manifest().name()).put("services", valid.manifest().services().size())
                                .put("databases", valid.manifest().databases().size()));
                    } else {
                        out.println("ok: " + valid.manifest().name() + " (" + valid.manifest().services().size() + " services, "
                                + valid.manifest().databases().size() + " databases)");
                    }
                    yield 0;
                }
                case ManifestResult.Invalid invalid -> {
                    if (json) {
                        var errors = Json.MAPPER.createArrayNode();
                        invalid.errors().forEach(e -> errors.addObject().put("file", e.file()).put("line", e.line())
                                .put("column", e.column()).put("path", e.path()).put("message", e.message()));
                        new Output(out, spec.commandLine().getErr(), true).json(Json.MAPPER.createObjectNode().put("valid", false)
                                .set("errors", errors));
                    } else {
                        PrintWriter err = spec.commandLine().getErr();
                        for (ManifestError e : invalid.errors()) {
                            err.println(e);
                        }
                        err.println("helix: " + invalid.errors().size() + " problem" + (invalid.errors().size() == 1 ? "" : "s")
                                + " in the manifest");
                    }
                    yield HelixCli.EXIT_FAILURE;
                }
            };
        }
    }
}
