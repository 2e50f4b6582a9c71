package io.helixstack.runtime;

import io.helixstack.plugin.api.Resources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * One control group, {@code helix/builds}, shared by every build command and capped in memory: however many builds run
 * and whatever they do, together they cannot take more than the cap from the running applications. The build plane gets
 * it as a command-line wrapper ({@link #wrapper()}), so it needs nothing of this module.
 */
public final class BuildLimits {
    static final String GROUP = "builds";

    private final Cgroups.Placement placement;
    private final String description;

    private BuildLimits(Cgroups.Placement placement, String description) {
        this.placement = placement;
        this.description = description;
    }

    /**
     * The cap where cgroups can be used here, else no cap and why.
     *
     * @param memoryMb what all builds together may use
     */
    public static BuildLimits memoryCap(long memoryMb) {
        return memoryCap(memoryMb, Cgroups.probe(Path.of("/sys/fs/cgroup")));
    }

    static BuildLimits memoryCap(long memoryMb, Cgroups cgroups) {
        if (!cgroups.active()) {
            return new BuildLimits(null, "builds are not memory-capped: " + cgroups.unavailableReason());
        }
        try {
            Optional<Cgroups.Placement> placement = cgroups.create(GROUP, new Resources(OptionalDouble.empty(), OptionalLong.of(memoryMb)));
            return placement.map(p -> new BuildLimits(p, "builds share a memory cap of " + memoryMb + " MB"))
                    .orElseGet(() -> new BuildLimits(null, "builds are not memory-capped"));
        } catch (IOException e) {
            return new BuildLimits(null, "builds are not memory-capped: cannot create their control group (" + e.getMessage() + ")");
        }
    }

    /** No cap at all (HELIX_BUILD_MEMORY=off). */
    public static BuildLimits none() {
        return new BuildLimits(null, "builds are not memory-capped (turned off)");
    }

    public boolean capped() {
        return placement != null;
    }

    /** For the platform's log at start. */
    public String description() {
        return description;
    }

    /** Puts a command line into the builds' group before it execs; the identity when there is no cap. */
    public UnaryOperator<List<String>> wrapper() {
        return placement == null ? UnaryOperator.identity() : command -> Cgroups.wrap(command, placement);
    }
}
