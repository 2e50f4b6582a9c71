package io.helixstack.manifest;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Suggests the closest allowed word for a misspelt one: Levenshtein distance <= 2, ignoring letter case. */
final class DidYouMean {
    static final int MAX_DISTANCE = 2;
    // Longer input is not a typo of a manifest key; this also bounds the quadratic work.
    private static final int MAX_LENGTH = 64;

    private DidYouMean() {}

    static Optional<String> suggest(String input, Collection<String> candidates) {
        if (input.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String lower = input.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : candidates) {
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
