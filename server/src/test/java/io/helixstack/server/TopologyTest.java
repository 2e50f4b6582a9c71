package io.helixstack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {
    private static final Map<String, String> SHARED_DB = Map.of("HELIX_DATABASE_URL", "postgresql://helix@db/helix");

    private static Topology from(Map<String, String> env, String planes) {
        return Topology.from(env, planes, HelixConfig.fromEnv(env));
    }

    @Test
    void byDefaultOneProcessRunsEveryPlaneOnThePostgresBus() {
        Topology t = from(Map.of(), null);
        assertThat(t.everyPlane()).isTrue();
        assertThat(t.describe()).isEqualTo("control,delivery,build,runtime");
        assertThat(t.natsUrl()).isNull();
        assertThat(t.runtimePort()).isEqualTo(7420);
    }

    @Test
    void planesComeFromTheArgumentBeforeTheEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(SHARED_DB);
        env.put("HELIX_PLANES", "runtime");
        env.put("HELIX_RUNTIME_URL", "http://127.0.0.1:7420/");
        assertThat(from(env, null).describe()).isEqualTo("runtime");
        Topology control = from(env, "control, delivery");
        assertThat(control.has(Topology.Plane.CONTROL)).isTrue();
        assertThat(control.has(Topology.Plane.BUILD)).isFalse();
        assertThat(control.runtimes()).containsExactly(Map.entry("local", URI.create("http://127.0.0.1:7420")));
        assertThat(from(SHARED_DB, "build").describe()).isEqualTo("build");
    }

    @Test
    void runtimesOfSeveralRegionsKeepTheirOrder() {
        Map<String, String> env = new java.util.HashMap<>(SHARED_DB);
        env.put("HELIX_RUNTIME_URL", "eu=http://10.0.0.1:7420, us=http://10.0.0.2:7420");
        Topology t = from(env, "control,delivery");
        assertThat(t.runtimes().keySet()).containsExactly("eu", "us");
        assertThat(t.runtimes().get("us")).isEqualTo(URI.create("http://10.0.0.2:7420"));
        env.put("HELIX_RUNTIME_URL", "eu=http://a:7420,eu=http://b:7420");
        assertThatThrownBy(() -> from(env, "control,delivery")).hasMessageStartingWith("HELIX_RUNTIME_URL: region \"eu\"");
        env.put("HELIX_RUNTIME_URL", "http://a:7420");
        env.put("HELIX_REGION", "nyc3");
        assertThat(from(env, "control,delivery").runtimes()).containsOnlyKeys("nyc3");
        env.put("HELIX_REGION", "New York");
        assertThatThrownBy(() -> from(env, "control,delivery")).hasMessageStartingWith("HELIX_REGION: \"New York\" (expected:");
    }

    @Test
    void theControlPlaneFindsADeliveryProcessByItsAgentsUrl() {
        Map<String, String> env = new java.util.HashMap<>(SHARED_DB);
        env.put("HELIX_RUNTIME_URL", "http://127.0.0.1:7420");
        env.put("HELIX_DELIVERY_URL", "http://10.0.0.9:7430/");
        Topology control = from(env, "control");
        assertThat(control.delivery()).isEqualTo(URI.create("http://10.0.0.9:7430"));
        assertThat(control.has(Topology.Plane.DELIVERY)).isFalse();

        Topology delivery = from(Map.of("HELIX_DATABASE_URL", SHARED_DB.get("HELIX_DATABASE_URL"), "HELIX_DELIVERY_PORT", "0"),
                "delivery");
        assertThat(delivery.describe()).isEqualTo("delivery");
        assertThat(delivery.deliveryPort()).isZero();
        assertThat(from(SHARED_DB, "runtime").deliveryPort()).isEqualTo(7430);
    }

    @Test
    void natsSettingsAreChecked() {
        Map<String, String> env = Map.of("HELIX_NATS_URL", "nats://127.0.0.1:4222", "HELIX_NATS_STREAM", "HELIX_E2E");
        Topology t = from(env, null);
        assertThat(t.natsUrl()).isEqualTo("nats://127.0.0.1:4222");
        assertThat(t.natsStream()).isEqualTo("HELIX_E2E");
        assertThatThrownBy(() -> from(Map.of("HELIX_NATS_URL", "http://127.0.0.1:4222"), null))
                .hasMessage("HELIX_NATS_URL: \"http://127.0.0.1:4222\" (expected: nats://host:4222)");
        assertThatThrownBy(() -> from(Map.of("HELIX_NATS_STREAM", "a.b"), null))
                .hasMessageStartingWith("HELIX_NATS_STREAM: \"a.b\" (expected:");
    }

    @Test
    void impossibleSplitsSayWhatWasExpected() {
        assertThatThrownBy(() -> from(SHARED_DB, "build,gpu"))
                .isInstanceOf(HelixConfig.ConfigException.class)
                .hasMessage("--planes: \"gpu\" in \"build,gpu\" (expected: a comma-separated list of control, delivery, build,"
                        + " runtime, or all)");
        Map<String, String> withRuntime = new java.util.HashMap<>(SHARED_DB);
        withRuntime.put("HELIX_RUNTIME_URL", "http://127.0.0.1:7420");
        assertThatThrownBy(() -> from(withRuntime, "control"))
                .hasMessage("planes: control without the delivery plane needs its agent (expected:"
                        + " HELIX_DELIVERY_URL=http://host:7430, where --planes delivery listens)");
        withRuntime.put("HELIX_DELIVERY_URL", "127.0.0.1:7430");
        assertThatThrownBy(() -> from(withRuntime, "control"))
                .hasMessage("HELIX_DELIVERY_URL: \"127.0.0.1:7430\" (expected: the delivery agent's base URL, e.g."
                        + " http://127.0.0.1:7430)");
        assertThatThrownBy(() -> from(SHARED_DB, " , "))
                .hasMessageStartingWith("planes: none (expected:");
        assertThatThrownBy(() -> from(Map.of(), "build"))
                .hasMessage("planes: build runs part of HelixStack: the processes share one database (expected:"
                        + " HELIX_DATABASE_URL=postgresql://… for every process)");
        assertThatThrownBy(() -> from(SHARED_DB, "control,delivery,build"))
                .hasMessageStartingWith("planes: control,delivery,build without the runtime plane needs its agent");
        assertThatThrownBy(() -> from(Map.of("HELIX_RUNTIME_URL", "http://host:7420/agent"), null))
                .hasMessageStartingWith("HELIX_RUNTIME_URL: \"http://host:7420/agent\" (expected:");
        assertThat(from(Map.of("HELIX_BUS_LEASE", "10s"), null).busLease()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThatThrownBy(() -> from(Map.of("HELIX_BUS_LEASE", "1s"), null))
                .hasMessage("HELIX_BUS_LEASE: \"1s\" (expected: a duration from 3s to 30m, e.g. 30s)");
        assertThatThrownBy(() -> from(Map.of("HELIX_RUNTIME_PORT", "70000"), null))
                .hasMessage("HELIX_RUNTIME_PORT: \"70000\" (expected: a port number 0-65535)");
    }
}
