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
    private final SecretMasker masker = new SecretMasker();

    /** @param secrets values of the build's environment that must not appear in the log */
    BuildLogWriter(BuildRepository builds, UUID buildId, Clock clock, java.util.Collection<String> secrets) {
        this.builds = builds;
        this.buildId = buildId;
        this.clock = clock;
        masker.protect(buildId, secrets);
    }

    @Override
    public synchronized void line(String line) {
        builds.appendLog(buildId, seq.incrementAndGet(), clock.instant(), masker.mask(buildId, line));
    }
}
