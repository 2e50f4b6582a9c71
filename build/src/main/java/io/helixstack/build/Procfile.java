package io.helixstack.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code web:} line of a Heroku-style Procfile: the one way a user overrides every guess about how to start. */
final class Procfile {
    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+)\\s*:\\s*(.*?)\\s*$");

    private Procfile() {
    }

    /** The command of the {@code web} process, if the directory has a Procfile with one. */
    static Optional<String> web(Path appDir) {
        Path file = appDir.resolve("Procfile");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (m.matches() && m.group(1).equals("web") && !m.group(2).isEmpty()) {
                    return Optional.of(m.group(2));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
