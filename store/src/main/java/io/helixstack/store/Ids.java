package io.helixstack.store;

import java.util.UUID;

final class Ids {
    private Ids() {
    }

    static UUID parseOrNull(String s) {
        if (s == null || s.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
