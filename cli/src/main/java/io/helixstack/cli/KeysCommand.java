package io.helixstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code helix keys add|list|remove}: the SSH public keys that may {@code git push} to HelixStack. */
@Command(name = "keys", description = "Manage the SSH keys that may git push (ssh://git@host:2222/<app>.git).",
        subcommands = {KeysCommand.Add.class, KeysCommand.ListKeys.class, KeysCommand.Remove.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    HelpOption help;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed (expected: add, list or remove)");
    }

    @Command(name = "add", description = "Register a public key, e.g. ~/.ssh/id_ed25519.pub.")
    static final class Add extends ApiCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "The public key file (the .pub one).")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "What to call it (default: the key's comment).")
        String name;

        @Override
        public Integer call() {
            String line;
            try {
                line = Files.readString(file).strip();
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage() + " (expected: a public key file like ~/.ssh/id_ed25519.pub)", e);
            }
            Output output = output();
            JsonNode key = api().addSshKey(name, line);
            if (output.json()) {
                output.json(key);
            } else {
                output.line("Added " + key.path("name").asText() + " (" + key.path("fingerprint").asText() + ").");
                output.line("Push with: git push ssh://git@<host>:2222/<app>.git main");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the registered keys.")
    static final class ListKeys extends ApiCommand {
        @Override
        public Integer call() {
            Output output = output();
            JsonNode keys = api().sshKeys();
            if (output.json()) {
                output.json(keys);
                return 0;
            }
            if (keys.isEmpty()) {
                output.line("No SSH keys yet: `helix keys add ~/.ssh/id_ed25519.pub` adds one.");
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode k : keys) {
                rows.add(List.of(k.path("id").asText(), k.path("name").asText(), k.path("fingerprint").asText(),
                        k.path("last_used_at").asText("never")));
            }
            output.table(List.of("ID", "NAME", "FINGERPRINT", "LAST USED"), rows);
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a key by its id.")
    static final class Remove extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The key's id (see helix keys list).")
        String id;

        @Override
        public Integer call() {
            api().removeSshKey(id);
            output().line("Removed key " + id + ".");
            return 0;
        }
    }
}
