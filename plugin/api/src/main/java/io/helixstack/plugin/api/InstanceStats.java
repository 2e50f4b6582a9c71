package io.helixstack.plugin.api;

/**
 * What an instance has used so far, and how often its supervisor restarted it.
 *
 * @param cpuSeconds  CPU time (user + system) of the instance's current run; it starts again from zero at a restart
 * @param memoryBytes resident memory of the instance's processes now
 * @param restarts    how many times the driver started it again after an unexpected exit
 */
public record InstanceStats(double cpuSeconds, long memoryBytes, int restarts) {
    public InstanceStats {
        if (cpuSeconds < 0 || memoryBytes < 0 || restarts < 0) {
            throw new IllegalArgumentException("instance stats: cpu " + cpuSeconds + "s, memory " + memoryBytes
                    + " bytes, restarts " + restarts + " (expected: none negative)");
        }
    }
}
