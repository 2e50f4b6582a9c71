package io.helixstack.plugin.api;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Limits of one instance or task: CPU in cores (0.5 is half a core's time) and memory in megabytes. A driver applies what
 * its target can enforce and says in the instance's log what it could not.
 */
public record Resources(OptionalDouble cpus, OptionalLong memoryMb) {
    public static final Resources NONE = new Resources(OptionalDouble.empty(), OptionalLong.empty());

    public Resources {
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(memoryMb, "memoryMb");
        cpus.ifPresent(c -> {
            if (!(c > 0) || c > 1024) {
                throw new IllegalArgumentException("cpus: " + c + " (expected: more than 0 and at most 1024 cores)");
            }
        });
        memoryMb.ifPresent(m -> {
            if (m < 1) {
                throw new IllegalArgumentException("memoryMb: " + m + " (expected: at least 1)");
            }
        });
    }

    public boolean limited() {
        return cpus.isPresent() || memoryMb.isPresent();
    }

    /** {@code cpu 0.5, memory 256 MB}, or {@code no limits}: how logs name them. */
    public String describe() {
        if (!limited()) {
            return "no limits";
        }
        StringBuilder text = new StringBuilder();
        cpus.ifPresent(c -> text.append("cpu ").append(c % 1 == 0 ? Long.toString((long) c) : Double.toString(c)));
        memoryMb.ifPresent(m -> text.append(text.isEmpty() ? "" : ", ").append("memory ").append(m).append(" MB"));
        return text.toString();
    }
}
