package io.helixstack.plugin.api;

/** Where a build writes its log, one line at a time, as it happens. Implementations are thread-safe. */
@FunctionalInterface
public interface BuildLog {
    void line(String line);

    BuildLog DISCARD = line -> { };
}
