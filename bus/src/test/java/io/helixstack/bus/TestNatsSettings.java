package io.helixstack.bus;

import io.helixstack.testing.TestNats;

/** Bus settings on a test run's own stream, subject prefix and dead-letter bucket. */
final class TestNatsSettings {
    private TestNatsSettings() {
    }

    static NatsEventBus.Settings named(TestNats.Names names, NatsEventBus.Settings settings) {
        return settings.withNames(names.stream(), names.subjectPrefix(), names.deadLetterBucket());
    }
}
