package io.helixstack.build;

import java.util.Locale;

/** Byte counts for people: {@code 3.1 MB}. Decimal units, as npm and browsers print them. */
final class Sizes {
    private Sizes() {
    }

    static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
