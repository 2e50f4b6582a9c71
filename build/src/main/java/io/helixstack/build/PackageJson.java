package io.helixstack.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helixstack.domain.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a package.json the Node buildpack acts on.
 *
 * @param scripts the {@code scripts} object, string values only
 * @param main    the {@code main} field, if it names a file
 * @param hasDevDependencies whether {@code devDependencies} lists anything (then there is something to prune)
 */
record PackageJson(Map<String, String> scripts, Optional<String> main, boolean hasDevDependencies) {
    private static final ObjectMapper JSON = new ObjectMapper();

    PackageJson {
        scripts = Map.copyOf(scripts);
    }

    /** @throws InvalidInputException when package.json is not a JSON object */
    static PackageJson read(Path appDir) {
        JsonNode root;
        try {
            root = JSON.readTree(appDir.resolve("package.json").toFile());
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("package.json is not valid JSON: " + e.getOriginalMessage() + " (expected: a JSON object)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("package.json is not a JSON object (expected: {\"name\": …, \"scripts\": {…}})");
        }
        Map<String, String> scripts = new LinkedHashMap<>();
        root.path("scripts").properties().forEach(field -> {
            if (field.getValue().isTextual() && !field.getValue().asText().isBlank()) {
                scripts.put(field.getKey(), field.getValue().asText());
            }
        });
        JsonNode main = root.path("main");
        return new PackageJson(scripts, main.isTextual() && !main.asText().isBlank() ? Optional.of(main.asText()) : Optional.empty(),
                root.path("devDependencies").isObject() && !root.path("devDependencies").isEmpty());
    }

    Optional<String> script(String name) {
        return Optional.ofNullable(scripts.get(name));
    }
}
