package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A managed backing service ({@code databases.<name>}): its kind, image version and persistent
 * storage. Services reach it through {@code ${<name>.URL}} and the other fields in their env.
 */
public record DatabaseSpec(String name, Type type, String version, int storageGb, PreviewData preview) {
    public static final int DEFAULT_STORAGE_GB = 1;

    /** What a preview's own copy of the database starts with. */
    public enum PreviewData {
        /** A new, empty database. */
        EMPTY,
        /** Production's schema (tables, indexes, functions), none of its rows. */
        SCHEMA;

        public String manifestName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<PreviewData> fromManifestName(String name) {
            return Arrays.stream(values()).filter(p -> p.manifestName().equals(name)).findFirst();
        }
    }

    public DatabaseSpec(String name, Type type, String version, int storageGb) {
        this(name, type, version, storageGb, PreviewData.EMPTY);
    }

    public enum Type {
        POSTGRESQL("postgres", "17", 5432, "postgresql"),
        REDIS("redis", "7", 6379, "redis");

        private final String imageName;
        private final String defaultVersion;
        private final int port;
        private final String urlScheme;

        Type(String imageName, String defaultVersion, int port, String urlScheme) {
            this.imageName = imageName;
            this.defaultVersion = defaultVersion;
            this.port = port;
            this.urlScheme = urlScheme;
        }

        /** As written in the manifest: {@code postgresql}, {@code redis}. */
        public String manifestName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String defaultVersion() {
            return defaultVersion;
        }

        /** The port the database listens on. */
        public int port() {
            return port;
        }

        public String urlScheme() {
            return urlScheme;
        }

        /** The official image for a version, e.g. {@code postgres:16}. */
        public String image(String version) {
            return imageName + ":" + version;
        }

        public static Optional<Type> fromManifestName(String name) {
            return Arrays.stream(values()).filter(t -> t.manifestName().equals(name)).findFirst();
        }
    }

    public DatabaseSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(preview, "preview");
        ManifestRules.requireName("database name", name);
        require(ManifestRules.IMAGE_TAG.matcher(version).matches(), "databases." + name + ".version", version,
                ManifestRules.IMAGE_TAG_EXPECTED);
        require(storageGb >= 1 && storageGb <= ManifestRules.STORAGE_MAX_GB, "databases." + name + ".storage", storageGb,
                ManifestRules.STORAGE_EXPECTED);
        require(preview == PreviewData.EMPTY || type == Type.POSTGRESQL, "databases." + name + ".preview", preview.manifestName(),
                "\"empty\" for a " + type.manifestName() + " database (a schema copy is for postgresql)");
    }

    /** The image that runs this database, e.g. {@code postgres:16}. */
    public String image() {
        return type.image(version);
    }
}
