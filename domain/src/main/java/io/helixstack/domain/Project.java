package io.helixstack.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A group of applications owned by a team. */
public record Project(UUID id, UUID teamId, String name, Instant createdAt) {
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Project names are free text for people, but bounded: 1-100 characters, no control characters. */
    public static String validName(String name) {
        if (name == null || name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("project name: " + (name == null ? "missing" : "\"" + name + "\"")
                    + " (expected: 1-100 printable characters)");
        }
        return name.strip();
    }
}
