package io.helixstack.control;

import io.helixstack.plugin.api.BuildLog;
import io.helixstack.store.BuildRepository;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps a build's log line by line, numbered, as the build produces it. */
final class BuildLogWriter implements BuildLog {
    private final BuildRepository builds;
    private final UUID buildId;
    private final Clock clock;
    private final AtomicInteger seq = new AtomicInteger();

    BuildLogWriter(BuildRepository builds, UUID buildId, Clock clock) {
        this.builds = builds;
        this.buildId = buildId;
        this.clock = clock;
    }

    @Override
    public synchronized void line(String line) {
        builds.appendLog(buildId, seq.incrementAndGet(), clock.instant(), line);
    }
}
