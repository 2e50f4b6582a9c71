package io.helixstack.bus;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.List;

/** Creates what the NATS bus needs on the server when it is missing, and the server-version-dependent consumer filter. */
final class NatsSetup {
    private static final int NOT_FOUND = 404;

    private NatsSetup() {
    }

    static void stream(JetStreamManagement management, NatsEventBus.Settings settings) throws IOException, JetStreamApiException {
        try {
            management.getStreamInfo(settings.stream());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != NOT_FOUND) {
                throw e;
            }
            management.addStream(StreamConfiguration.builder()
                    .name(settings.stream())
                    .subjects(settings.subjectPrefix() + ".>")
                    .storageType(StorageType.File)
                    .retentionPolicy(RetentionPolicy.Limits)
                    .maxAge(settings.maxAge())
                    .duplicateWindow(NatsEventBus.Settings.DUPLICATE_WINDOW)
                    .build());
        }
    }

    static KeyValue deadLetterBucket(Connection nats, NatsEventBus.Settings settings) throws IOException, JetStreamApiException {
        KeyValueManagement management = nats.keyValueManagement();
        try {
            management.getStatus(settings.deadLetterBucket());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != NOT_FOUND) {
                throw e;
            }
            management.create(KeyValueConfiguration.builder().name(settings.deadLetterBucket()).storageType(StorageType.File).build());
        }
        return nats.keyValue(settings.deadLetterBucket());
    }

    /**
     * One type: its subject. Several: all their subjects from server 2.10 on; before that a consumer has one filter, so it
     * takes the whole prefix and the subscriber acks the types it does not want.
     */
    static void filter(ConsumerConfiguration.Builder config, Connection nats, String prefix, List<String> wireTypes) {
        List<String> subjects = wireTypes.stream().map(t -> prefix + "." + t).toList();
        if (subjects.size() == 1) {
            config.filterSubject(subjects.getFirst());
        } else if (nats.getServerInfo().isSameOrNewerThanVersion("2.10.0")) {
            config.filterSubjects(subjects);
        } else {
            config.filterSubject(prefix + ".>");
        }
    }

    static void closeQuietly(Connection nats) {
        if (nats == null) {
            return;
        }
        try {
            nats.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
