package io.helixstack.control;

import io.helixstack.domain.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A time in a query: an ISO-8601 instant ({@code 2026-11-23T10:00:00Z}) or an age ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}). */
final class TimeParam {
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeParam() {
    }

    static Instant parse(String name, String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = AGE.matcher(value.strip());
        if (m.matches()) {
            return clock.instant().minus(age(m));
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name + ": \"" + value + "\" (expected: an ISO-8601 time like 2026-11-23T10:00:00Z,"
                    + " or an age like 15m, 2h, 7d)");
        }
    }

    /** A length of time like {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}; null when absent. */
    static Duration duration(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = AGE.matcher(value.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new InvalidInputException(name + ": \"" + value + "\" (expected: a length of time like 90s, 15m, 2h, 7d)");
        }
        return age(m);
    }

    private static Duration age(Matcher m) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
