package io.helixstack.build;

import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.Detection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Asks the buildpacks in order which one builds a source. The first {@link Detection.Match} wins; when none matches, the
 * first {@link Detection.Unusable} explains why (its buildpack recognised the source but cannot build it), else the answer
 * lists what was found and what was expected.
 */
final class Detector {
    private final List<Buildpack> buildpacks;

    Detector(List<Buildpack> buildpacks) {
        this.buildpacks = List.copyOf(buildpacks);
        if (this.buildpacks.isEmpty()) {
            throw new IllegalArgumentException("buildpacks: empty (expected: at least one, e.g. node and static)");
        }
    }

    sealed interface Result {
    }

    record Found(Buildpack buildpack, String description) implements Result {
    }

    record NotFound(String reason) implements Result {
    }

    Result detect(Path appDir) {
        String unusable = null;
        for (Buildpack buildpack : buildpacks) {
            switch (buildpack.detect(appDir)) {
                case Detection.Match m -> {
                    return new Found(buildpack, m.description());
                }
                case Detection.Unusable u -> unusable = unusable == null ? u.reason() : unusable;
                case Detection.NoMatch n -> { }
            }
        }
        if (unusable != null) {
            return new NotFound(unusable);
        }
        return new NotFound("no buildpack detected this source: " + topLevel(appDir) + " (expected: a package.json, or an index.html"
                + " at the root or in dist/, build/, out/, public/)");
    }

    private static String topLevel(Path appDir) {
        try (Stream<Path> children = Files.list(appDir)) {
            List<String> names = children.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
            if (names.isEmpty()) {
                return "it is empty";
            }
            String shown = String.join(", ", names.subList(0, Math.min(10, names.size())));
            return "found " + shown + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
