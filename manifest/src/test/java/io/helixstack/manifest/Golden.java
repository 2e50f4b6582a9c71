package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated output with a checked-in file under {@code src/test/resources/golden/}.
 * Regenerate after an intended change with
 * {@code ./mvnw -o -pl manifest test -Dtest='*TranslatorTest' -Dgolden.update=true}, then review the diff.
 */
final class Golden {
    static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {}

    static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            assertThat(file).as("golden file %s is missing; create it with -Dgolden.update=true", file).exists();
            assertThat(actual)
                    .as("output differs from %s; if the change is intended, regenerate with -Dgolden.update=true and review"
                            + " the diff", file)
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
