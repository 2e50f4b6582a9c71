package io.helixstack.manifest;

import io.helixstack.domain.InvalidInputException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The value rules of the manifest and how each one is explained, shared by the parser (which reports
 * them with a location) and the model's compact constructors (which guard programmatic use). The JSON
 * Schema states the same rules for editors; {@code ManifestSchemaTest} keeps the two in step.
 */
final class ManifestRules {
    // Names become hostnames, compose service names and Kubernetes object names (<= 63 characters
    // with the suffixes added there); "helix-" is kept for the services the translators add.
    static final Pattern NAME = Pattern.compile("(?!helix-)(?!.*--)[a-z]([a-z0-9-]{0,38}[a-z0-9])?");
    static final String NAME_EXPECTED = "1-40 lowercase letters, digits and single dashes, starting with a letter and not"
            + " ending with a dash, not starting with \"helix-\"";
    static final String PORT_EXPECTED = "integer 1-65535";
    static final BigDecimal CPU_MAX = BigDecimal.valueOf(256);
    static final String CPU_EXPECTED = "cores as a number > 0 and <= 256 in steps of 0.001, e.g. 0.5";
    static final int MEMORY_MAX_MB = 1_048_576;
    static final String MEMORY_EXPECTED = "integer megabytes 1-" + MEMORY_MAX_MB + ", e.g. 512";
    static final int STORAGE_MAX_GB = 65_536;
    static final String STORAGE_EXPECTED = "integer gigabytes 1-" + STORAGE_MAX_GB + ", e.g. 10";
    static final int INSTANCES_MAX = 1000;
    static final String INSTANCES_EXPECTED = "integer 1-" + INSTANCES_MAX;
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final String ENV_NAME_EXPECTED = "letters, digits and underscores, not starting with a digit";
    static final Pattern HEALTH_PATH = Pattern.compile("/\\S*");
    static final String HEALTH_PATH_EXPECTED = "a path starting with \"/\" without spaces, e.g. \"/healthz\"";
    static final Pattern IMAGE_TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String IMAGE_TAG_EXPECTED = "an image tag such as \"16\" or \"7.2-alpine\"";

    private ManifestRules() {}

    static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    static boolean isPort(long port) {
        return port >= 1 && port <= 65535;
    }

    static boolean isCpu(BigDecimal cores) {
        return cores.signum() > 0 && cores.compareTo(CPU_MAX) <= 0 && cores.stripTrailingZeros().scale() <= 3;
    }

    static void require(boolean ok, String what, Object value, String expected) {
        if (!ok) {
            String shown = value instanceof String s ? YamlNode.quote(s) : String.valueOf(value);
            throw new InvalidInputException(what + ": " + shown + " (expected: " + expected + ")");
        }
    }

    static void requireName(String what, String name) {
        require(isName(name), what, name, NAME_EXPECTED);
    }
}
