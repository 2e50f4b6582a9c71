package io.helixstack.control;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Masks the values of environment variables HelixStack injected into a deployment wherever they show up in its logs,
 * so an app that prints its config does not leak it into the log store. Values shorter than {@link #MIN_LENGTH} are
 * left alone: masking "1" or "true" would garble every line while protecting nothing.
 */
final class SecretMasker {
    static final int MIN_LENGTH = 6;
    static final String MASK = "********";

    private final Map<UUID, List<String>> secrets = new ConcurrentHashMap<>();

    void protect(UUID deploymentId, Collection<String> values) {
        List<String> sorted = values.stream().filter(v -> v != null && v.length() >= MIN_LENGTH).distinct()
                // Longest first, so a secret containing another is masked whole.
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        if (!sorted.isEmpty()) {
            secrets.put(deploymentId, sorted);
        }
    }

    String mask(UUID deploymentId, String line) {
        List<String> values = secrets.get(deploymentId);
        if (values == null) {
            return line;
        }
        String out = line;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
