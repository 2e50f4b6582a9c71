package io.helixstack.build;

import java.nio.file.Files;
import java.nio.file.Path;

/** The fixture apps in the repository's examples/ directory. */
final class Examples {
    private Examples() {
    }

    static Path dir(String name) {
        Path dir = Path.of("..", "examples", name).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("examples/" + name + " not found at " + dir + " (expected: tests run from build/)");
        }
        return dir;
    }
}
