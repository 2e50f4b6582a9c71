package io.helixstack.runtime.remote;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.TaskResult;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What the runtime plane's RPC sends: the contract's own records as JSON (durations as ISO-8601, a source tagged by its
 * kind), plus a record for each call's arguments and for the two sealed results. One operation per path under
 * {@link #PREFIX}, each a POST of its arguments answered with its result; an error is a problem document.
 */
final class RuntimeWire {
    static final String PREFIX = "/runtime/v1/";
    /** Answers the driver's name and the agent's boot id (a new one after every start of the runtime process). */
    static final String HELLO = "hello";

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .addMixIn(Source.class, SourceMixin.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RuntimeWire() {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = Source.Upload.class, name = "upload"),
            @JsonSubTypes.Type(value = Source.Git.class, name = "git")})
    private interface SourceMixin {
    }

    record Hello(String name, UUID bootId) {
    }

    record Cleanup(Instance instance, Duration grace) {
    }

    record CollectLogs(Instance instance, int limit) {
    }

    record Adopt(UUID deploymentId) {
    }

    record Promote(List<Instance> instances) {
    }

    record Prepare(Artifact artifact) {
    }

    record ReadinessWire(boolean ready, String reason) {
        static ReadinessWire of(Readiness readiness) {
            return switch (readiness) {
                case Readiness.Ready r -> new ReadinessWire(true, null);
                case Readiness.NotReady n -> new ReadinessWire(false, n.reason());
            };
        }

        Readiness readiness() {
            return ready ? new Readiness.Ready() : new Readiness.NotReady(reason);
        }
    }

    record TaskResultWire(boolean succeeded, Duration took, String reason) {
        static TaskResultWire of(TaskResult result) {
            return switch (result) {
                case TaskResult.Succeeded s -> new TaskResultWire(true, s.took(), null);
                case TaskResult.Failed f -> new TaskResultWire(false, null, f.reason());
            };
        }

        TaskResult result() {
            return succeeded ? new TaskResult.Succeeded(took) : new TaskResult.Failed(reason);
        }
    }
}
