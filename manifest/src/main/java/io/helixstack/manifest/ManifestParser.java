package io.helixstack.manifest;

import io.helixstack.domain.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses and validates {@code helix.yaml}. Never throws for any input: every problem, however many,
 * comes back in {@link ManifestResult.Invalid} as {@code file:line:column: path: value (expected: ...)}.
 */
public final class ManifestParser {
    private ManifestParser() {}

    /**
     * @param fileName how errors name the file, e.g. {@code helix.yaml}
     * @param text     the manifest's content
     */
    public static ManifestResult parse(String fileName, String text) {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(text, "text");
        List<ManifestError> errors = new ArrayList<>();
        Optional<Manifest> manifest = Optional.empty();
        try {
            Checks checks = new Checks(fileName, errors);
            manifest = YamlReader.read(fileName, text, errors).flatMap(root -> new ManifestReader(checks).read(root));
        } catch (RuntimeException | StackOverflowError e) {
            // A bug here must not take a deploy down with a stack trace; it is reported like a finding.
            errors.add(new ManifestError(fileName, 1, 1, "", "internal error while reading the manifest: " + e
                    + " (expected: this not to happen; please report it with the manifest)"));
        }
        if (manifest.isPresent() && errors.isEmpty()) {
            return new ManifestResult.Valid(manifest.get());
        }
        if (errors.isEmpty()) {
            errors.add(new ManifestError(fileName, 1, 1, "", "internal error: no manifest and no reason"
                    + " (expected: this not to happen; please report it with the manifest)"));
        }
        errors.sort(Comparator.comparingInt(ManifestError::line).thenComparingInt(ManifestError::column));
        return new ManifestResult.Invalid(errors);
    }

    /** Reads a manifest file (UTF-8); errors name it by its file name. */
    public static ManifestResult parse(Path file) {
        Objects.requireNonNull(file, "file");
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        try {
            long size = Files.size(file);
            if (size > YamlReader.MAX_CHARS * 4L) {
                return invalid(name, "the file has " + size + " bytes (expected: a manifest of at most " + YamlReader.MAX_CHARS
                        + " characters)");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return parse(name, text);
        } catch (CharacterCodingException e) {
            return invalid(name, "not UTF-8 text (expected: a UTF-8 encoded YAML file)");
        } catch (IOException | RuntimeException e) {
            return invalid(name, "cannot be read: " + e.getMessage() + " (expected: a readable file)");
        }
    }

    /**
     * Parses the manifest at the root of an application's source, if there is one.
     *
     * @return empty when the directory has no manifest (zero-config detection applies); Invalid when it
     *     has more than one
     */
    public static Optional<ManifestResult> parseDirectory(Path appDir) {
        try {
            return ManifestLocator.find(appDir).map(ManifestParser::parse);
        } catch (InvalidInputException e) {
            return Optional.of(invalid(ManifestLocator.FILE_NAMES.getFirst(), e.getMessage()));
        }
    }

    private static ManifestResult invalid(String file, String message) {
        return new ManifestResult.Invalid(List.of(new ManifestError(file, 1, 1, "", message)));
    }
}
