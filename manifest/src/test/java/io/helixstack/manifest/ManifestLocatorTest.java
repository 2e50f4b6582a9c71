package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLocatorTest {

    @Test
    void findsEachAcceptedName(@TempDir Path dir) throws Exception {
        for (String name : ManifestLocator.FILE_NAMES) {
            Path file = Files.writeString(dir.resolve(name), Fixtures.text("minimal.yaml"));
            assertThat(ManifestLocator.find(dir)).contains(file);
            assertThat(ManifestParser.parseDirectory(dir)).hasValueSatisfying(r ->
                    assertThat(r).isInstanceOf(ManifestResult.Valid.class));
            Files.delete(file);
        }
    }

    @Test
    void noManifestMeansZeroConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("package.json"), "{}");
        Files.createDirectory(dir.resolve("helix.yaml")); // a directory is not a manifest
        assertThat(ManifestLocator.find(dir)).isEmpty();
        assertThat(ManifestParser.parseDirectory(dir)).isEmpty();
    }

    @Test
    void twoManifestsAreAnError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("helix.yaml"), Fixtures.text("minimal.yaml"));
        Files.writeString(dir.resolve("Heliosfile.yml"), Fixtures.text("minimal.yaml"));

        assertThatThrownBy(() -> ManifestLocator.find(dir))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("helix.yaml and Heliosfile.yml both exist in ")
                .hasMessageEndingWith("(expected: one manifest; keep helix.yaml or one Heliosfile)");
        assertThat(ManifestParser.parseDirectory(dir)).hasValueSatisfying(r -> assertThat(((ManifestResult.Invalid) r).report())
                .startsWith("helix.yaml:1:1: helix.yaml and Heliosfile.yml both exist in "));
    }
}
