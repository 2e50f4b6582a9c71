package io.helixstack.manifest;

import io.helixstack.domain.InvalidInputException;
import io.helixstack.manifest.YamlNode.Entry;
import io.helixstack.manifest.YamlNode.Kind;
import io.helixstack.manifest.YamlNode.Mapping;
import io.helixstack.manifest.YamlNode.Scalar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a {@link YamlNode} tree into a {@link Manifest}, checking every rule and reporting every
 * violation (not just the first) through {@link Checks}. Services are read by {@link ServiceReader}.
 */
final class ManifestReader {
    private static final ManifestSchema.Keys KEYS = ManifestSchema.KEYS;
    private static final List<String> TYPES = Arrays.stream(DatabaseSpec.Type.values())
            .map(DatabaseSpec.Type::manifestName).toList();

    private final Checks checks;

    ManifestReader(Checks checks) {
        this.checks = checks;
    }

    /** The manifest, or empty when any error was recorded. */
    Optional<Manifest> read(YamlNode document) {
        Optional<Mapping> maybeRoot = checks.mapping(document, "", "a mapping with \"name\" and \"services\","
                + " e.g. name: my-app");
        if (maybeRoot.isEmpty()) {
            return Optional.empty();
        }
        Mapping root = maybeRoot.get();
        checks.onlyKeys(root, "", KEYS.root());

        Optional<String> name = root.entry("name")
                .flatMap(e -> checks.string(e.value(), "name", ManifestRules.NAME_EXPECTED))
                .filter(n -> checkName(root.entry("name").orElseThrow().value(), "name", n));
        if (root.entry("name").isEmpty()) {
            checks.missing(root, "name", "the application's name, e.g. name: my-app");
        }
        root.entry("version").ifPresent(e -> checks.integer(e.value(), "version", Manifest.CURRENT_VERSION,
                Manifest.CURRENT_VERSION, Integer.toString(Manifest.CURRENT_VERSION)));
        BuildSpec build = root.entry("build").map(e -> readBuild(e.value())).orElse(BuildSpec.DETECT);
        Optional<String> release = root.entry("release")
                .flatMap(e -> checks.string(e.value(), "release", "a command, e.g. \"npm run migrate\""));

        Map<String, Entry> databaseEntries = entries(root, "databases",
                "a mapping of database names to databases, e.g. postgres: {type: postgresql}");
        Map<String, Entry> serviceEntries = entries(root, "services",
                "a mapping of service names to services, e.g. web: {command: \"npm start\", http_port: 3000}");
        if (root.entry("services").isPresent() && root.entry("services").get().value() instanceof Mapping m
                && m.entries().isEmpty() && m.complete()) {
            checks.bad(m, "services", "at least one service");
        } else if (root.entry("services").isEmpty()) {
            checks.missing(root, "services", "a mapping of service names to services, e.g. web: {http_port: 3000}");
        }

        List<DatabaseSpec> databases = new ArrayList<>();
        databaseEntries.forEach((dbName, entry) -> {
            String path = "databases." + dbName;
            if (serviceEntries.containsKey(dbName)) {
                checks.error(entry.keyLocation(), path, "name also used by services." + dbName
                        + " (expected: names unique across services and databases; both become hostnames)");
            }
            readDatabase(dbName, entry.value(), path).ifPresent(databases::add);
        });
        ServiceReader services = new ServiceReader(checks, databaseEntries.keySet());
        List<ServiceSpec> serviceSpecs = new ArrayList<>();
        serviceEntries.forEach((serviceName, entry) ->
                services.read(serviceName, entry.value()).ifPresent(serviceSpecs::add));

        if (checks.hasErrors() || name.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Manifest(name.get(), Manifest.CURRENT_VERSION, build, release, serviceSpecs, databases));
        } catch (InvalidInputException e) {
            // The checks above are meant to be complete; if the model still disagrees, say so with a location.
            checks.error(root.location(), "", "internal error: the manifest passed every check but " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Named entries of a mapping-valued key, each name checked; empty when the key is absent or bad.
     * Badly named entries stay in, so that the problems inside them are reported too.
     */
    private Map<String, Entry> entries(Mapping root, String key, String expected) {
        Map<String, Entry> named = new LinkedHashMap<>();
        root.entry(key).flatMap(e -> checks.mapping(e.value(), key, expected)).ifPresent(m -> {
            for (Entry entry : m.entries()) {
                checkName(new Scalar(entry.keyLocation(), Kind.STRING, entry.key(), null), key + "." + entry.key(), entry.key());
                named.put(entry.key(), entry);
            }
        });
        return named;
    }

    private boolean checkName(YamlNode node, String path, String name) {
        if (ManifestRules.isName(name)) {
            return true;
        }
        checks.bad(node, path, ManifestRules.NAME_EXPECTED);
        return false;
    }

    private BuildSpec readBuild(YamlNode node) {
        Optional<Mapping> maybe = checks.mapping(node, "build", "a mapping with builder or dockerfile, e.g."
                + " {builder: \"paketo-buildpacks/builder:base\"}");
        if (maybe.isEmpty()) {
            return BuildSpec.DETECT;
        }
        Mapping build = maybe.get();
        checks.onlyKeys(build, "build", KEYS.build());
        Optional<String> builder = build.entry("builder").flatMap(e -> checks.string(e.value(), "build.builder",
                "a builder image, e.g. \"paketo-buildpacks/builder:base\""));
        Optional<String> dockerfile = build.entry("dockerfile").flatMap(e -> checks.string(e.value(), "build.dockerfile",
                "a path, e.g. \"./Dockerfile\""));
        if (build.entry("builder").isPresent() && build.entry("dockerfile").isPresent()) {
            Entry builderEntry = build.entry("builder").get();
            Entry dockerfileEntry = build.entry("dockerfile").get();
            Entry later = builderEntry.keyLocation().line() > dockerfileEntry.keyLocation().line() ? builderEntry : dockerfileEntry;
            checks.bad(later.value(), "build." + later.key(), "either build.builder or build.dockerfile, not both");
            return BuildSpec.DETECT;
        }
        return new BuildSpec(builder, dockerfile);
    }

    private Optional<DatabaseSpec> readDatabase(String name, YamlNode node, String path) {
        Optional<Mapping> maybe = checks.mapping(node, path, "a mapping with type, version and storage, e.g."
                + " {type: postgresql, version: \"16\", storage: 10}");
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        Mapping db = maybe.get();
        checks.onlyKeys(db, path, KEYS.database());
        String typesExpected = "one of " + TYPES.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
        Optional<DatabaseSpec.Type> type = db.entry("type").flatMap(e -> {
            Optional<DatabaseSpec.Type> t = e.value() instanceof Scalar s && s.kind() == Kind.STRING
                    ? DatabaseSpec.Type.fromManifestName(s.text()) : Optional.empty();
            if (t.isEmpty()) {
                String hint = e.value() instanceof Scalar s
                        ? DidYouMean.suggest(s.text(), TYPES).map(x -> "; did you mean \"" + x + "\"?").orElse("") : "";
                checks.bad(e.value(), path + ".type", typesExpected + hint);
            }
            return t;
        });
        if (db.entry("type").isEmpty()) {
            checks.missing(db, path + ".type", typesExpected);
        }
        Optional<String> version = db.entry("version").flatMap(e -> checks.scalarText(e.value(), path + ".version",
                ManifestRules.IMAGE_TAG_EXPECTED).filter(v -> {
                    boolean ok = !(e.value() instanceof Scalar s && s.kind() == Kind.BOOLEAN)
                            && ManifestRules.IMAGE_TAG.matcher(v).matches();
                    if (!ok) {
                        checks.bad(e.value(), path + ".version", ManifestRules.IMAGE_TAG_EXPECTED);
                    }
                    return ok;
                }));
        Optional<Integer> storage = db.entry("storage").flatMap(e -> checks.integer(e.value(), path + ".storage", 1,
                ManifestRules.STORAGE_MAX_GB, ManifestRules.STORAGE_EXPECTED));
        String previewExpected = "one of " + Arrays.stream(DatabaseSpec.PreviewData.values())
                .map(p -> "\"" + p.manifestName() + "\"").collect(Collectors.joining(", "));
        Optional<DatabaseSpec.PreviewData> preview = db.entry("preview").flatMap(e -> {
            Optional<DatabaseSpec.PreviewData> p = e.value() instanceof Scalar s && s.kind() == Kind.STRING
                    ? DatabaseSpec.PreviewData.fromManifestName(s.text()) : Optional.empty();
            if (p.isEmpty()) {
                checks.bad(e.value(), path + ".preview", previewExpected);
            } else if (p.get() != DatabaseSpec.PreviewData.EMPTY && type.isPresent() && type.get() != DatabaseSpec.Type.POSTGRESQL) {
                checks.bad(e.value(), path + ".preview", "\"empty\" for a " + type.get().manifestName()
                        + " database (a schema copy is for postgresql)");
                return Optional.<DatabaseSpec.PreviewData>empty();
            }
            return p;
        });
        boolean complete = ManifestRules.isName(name) && type.isPresent() && (db.entry("version").isEmpty() || version.isPresent())
                && (db.entry("storage").isEmpty() || storage.isPresent()) && (db.entry("preview").isEmpty() || preview.isPresent());
        if (!complete) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseSpec(name, type.get(), version.orElse(type.get().defaultVersion()),
                storage.orElse(DatabaseSpec.DEFAULT_STORAGE_GB), preview.orElse(DatabaseSpec.PreviewData.EMPTY)));
    }
}
