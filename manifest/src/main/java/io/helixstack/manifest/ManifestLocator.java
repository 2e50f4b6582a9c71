package io.helixstack.manifest;

import io.helixstack.domain.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Finds an application's manifest at the root of its source: {@code helix.yaml}, or the seed's {@code Heliosfile.yml}/{@code .yaml}. */
public final class ManifestLocator {
    /** The names read as a manifest, all the same way. */
    public static final List<String> FILE_NAMES = List.of("helix.yaml", "Heliosfile.yml", "Heliosfile.yaml");

    private ManifestLocator() {}

    /**
     * The manifest in {@code appDir}, or empty when there is none (zero-config detection applies then).
     *
     * @throws InvalidInputException when more than one of {@link #FILE_NAMES} exists: which one wins would be a guess
     */
    public static Optional<Path> find(Path appDir) {
        Objects.requireNonNull(appDir, "appDir");
        List<Path> present = FILE_NAMES.stream().map(appDir::resolve).filter(Files::isRegularFile).toList();
        if (present.size() > 1) {
            throw new InvalidInputException(String.join(" and ", present.stream().map(p -> p.getFileName().toString()).toList())
                    + " both exist in " + appDir + " (expected: one manifest; keep helix.yaml or one Heliosfile)");
        }
        return present.stream().findFirst();
    }
}
