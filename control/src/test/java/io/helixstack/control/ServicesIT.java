package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.TaskSpec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * helix.yaml on the runtime: every service and worker as instances, {@code instances: N} behind one route, limits passed to
 * the driver, the release command gating promotion, and managed PostgreSQL (real, a database and role per app and
 * environment; a preview's copied from production's schema and dropped with the preview).
 */
class ServicesIT extends ControlApiSupport {
    private static final String MANIFEST = """
            name: shop
            version: 1
            release: fake-task 0 migrated
            services:
              web:
                command: fake-serve shop-web
                http_port: 3000
                instances: 2
                cpu: 0.5
                memory: 256
                env:
                  DATABASE_URL: ${db.URL}
              admin:
                command: fake-serve shop-admin
                http_port: 3001
              worker:
                command: fake-worker
                env:
                  DATABASE_URL: ${db.URL}
                  QUEUE: orders
            databases:
              db:
                type: postgresql
                preview: schema
            """;

    @Test
    void everyServiceRunsTheWebOnesAreRoutedAndWebAndWorkerShareTheDatabase() throws Exception {
        json("POST", "/applications", "{\"name\":\"shop\"}");
        String id = deploy("shop", MANIFEST);

        JsonNode live = awaitState(id, "live");

        List<Instance> instances = instancesOf(id);
        assertThat(instances).extracting(Instance::service).containsExactlyInAnyOrder("web", "web", "admin", "worker");
        Route.Upstreams web = (Route.Upstreams) delivery.routes().find("shop.localhost").orElseThrow();
        assertThat(web.endpoints()).containsExactlyInAnyOrderElementsOf(instances.stream().filter(i -> i.service().equals("web"))
                .map(Instance::endpoint).toList());
        Route.Upstreams admin = (Route.Upstreams) delivery.routes().find("admin--shop.localhost").orElseThrow();
        assertThat(admin.endpoints()).hasSize(1);
        assertThat(delivery.routes().asMap().keySet()).noneMatch(host -> host.contains("worker"));

        InstanceSpec webSpec = runtime.specOf(service(instances, "web"));
        InstanceSpec workerSpec = runtime.specOf(service(instances, "worker"));
        assertThat(webSpec.resources().cpus()).hasValue(0.5);
        assertThat(webSpec.resources().memoryMb()).hasValue(256);
        assertThat(workerSpec.health().http()).isFalse();
        assertThat(workerSpec.env()).containsEntry("QUEUE", "orders").containsEntry("HELIX_SERVICE", "worker");
        String url = webSpec.env().get("DATABASE_URL");
        assertThat(url).matches("postgresql://" + fixture.dbPrefix + "shop_db_[0-9a-f]{10}:[0-9a-f]+@[^/]+/" + fixture.dbPrefix
                + "shop_db_[0-9a-f]{10}");
        assertThat(workerSpec.env()).containsEntry("DATABASE_URL", url);

        // The worker writes, the web reads: one database.
        try (Connection worker = connect(workerSpec.env().get("DATABASE_URL")); Statement st = worker.createStatement()) {
            st.execute("create table orders (id serial primary key, item text)");
            st.execute("insert into orders (item) values ('tea')");
        }
        try (Connection reader = connect(url); Statement st = reader.createStatement(); ResultSet rs = st.executeQuery("select item from orders")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("tea");
        }

        List<TaskSpec> releases = runtime.tasks().stream().filter(t -> t.deploymentId().toString().equals(id)).toList();
        assertThat(releases).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("release");
            assertThat(t.command()).isEqualTo("fake-task 0 migrated");
            assertThat(t.env()).containsEntry("DATABASE_URL", url).containsEntry("HELIX_SERVICE", "web");
        });
        String password = url.substring(url.indexOf(':', 14) + 1, url.indexOf('@'));
        String log = logsOf("shop");
        assertThat(log).contains("Running the release command", "Created database db", "migrated")
                .doesNotContain(password);
        assertThat(live.get("state").asText()).isEqualTo("live");
    }

    @Test
    void aFailingReleaseCommandStopsThePromotionAndTheLiveDeploymentKeepsServing() throws Exception {
        json("POST", "/applications", "{\"name\":\"gated\"}");
        String first = deploy("gated", MANIFEST);
        awaitState(first, "live");
        int instancesBefore = runtime.instances().size();

        String second = deploy("gated", MANIFEST.replace("release: fake-task 0 migrated", "release: fake-task 3 migration failed"));
        JsonNode failed = awaitState(second, "failed");

        assertThat(failed.get("failure_reason").asText()).contains("release command failed: release exited with code 3");
        assertThat(instancesOf(second)).isEmpty();
        assertThat(runtime.instances()).hasSize(instancesBefore);
        assertThat(delivery.routes().find("gated.localhost").orElseThrow().deploymentId().toString()).isEqualTo(first);
    }

    @Test
    void aRollbackDoesNotRunTheReleaseCommandAgain() throws Exception {
        json("POST", "/applications", "{\"name\":\"rolled\"}");
        String first = deploy("rolled", MANIFEST);
        awaitState(first, "live");
        String second = deploy("rolled", MANIFEST.replace("shop-web", "shop-web-2"));
        awaitState(second, "live");
        int releases = runtime.tasks().size();

        HttpResponse<String> rollback = json("POST", "/applications/rolled/rollback", "{}");

        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(202);
        awaitState(first, "live");
        assertThat(runtime.tasks()).hasSize(releases);
    }

    @Test
    void aPreviewGetsItsOwnDatabaseWithProductionsSchemaAndLosesItWhenTornDown() throws Exception {
        json("POST", "/applications", "{\"name\":\"notes\"}");
        String prodId = deploy("notes", MANIFEST);
        awaitState(prodId, "live");
        String prodUrl = runtime.specOf(service(instancesOf(prodId), "web")).env().get("DATABASE_URL");
        try (Connection prod = connect(prodUrl); Statement st = prod.createStatement()) {
            st.execute("create table notes (id serial primary key, body text)");
            st.execute("insert into notes (body) values ('production only')");
        }
        Application app = store.applications().find(store.tokens().defaultTeam(), "notes").orElseThrow();
        Deployment prod = store.deployments().find(UUID.fromString(prodId)).orElseThrow();

        Deployment preview = fixture.orchestrator.deploy(app, Deployment.previewEnvironment(5), prod.source(), "test");
        awaitState(preview.id().toString(), "live");

        String previewUrl = runtime.specOf(service(instancesOf(preview.id().toString()), "web")).env().get("DATABASE_URL");
        String previewDb = previewUrl.substring(previewUrl.lastIndexOf('/') + 1);
        String prodDb = prodUrl.substring(prodUrl.lastIndexOf('/') + 1);
        assertThat(previewDb).startsWith(fixture.dbPrefix + "notes_db_pr5_").isNotEqualTo(prodDb);
        assertThat(previewUrl).doesNotContain(prodUrl.substring(prodUrl.indexOf(':', 14) + 1, prodUrl.indexOf('@')));
        try (Connection c = connect(previewUrl); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from notes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the schema is copied, not the rows").isZero();
        }
        assertThat(logsOf("notes")).contains("Copied production's schema of db");

        fixture.orchestrator.removePreview(app, 5, "pull request closed");

        await().atMost(Duration.ofSeconds(20)).until(() -> !fixture.cluster.exists(previewDb));
        assertThat(fixture.cluster.exists(prodDb)).as("production's database stays").isTrue();
        assertThat(store.managedDatabases().of(app.id(), Deployment.previewEnvironment(5))).isEmpty();

        // Reopened: the preview gets its database again; a late drop of the old preview's must not take it away.
        Deployment reopened = fixture.orchestrator.deploy(app, Deployment.previewEnvironment(5), prod.source(), "test");
        awaitState(reopened.id().toString(), "live");
        new PostgresManagedDatabases(() -> fixture.cluster, store, logs, fixture.dbPrefix)
                .dropEnvironment(app.id(), Deployment.previewEnvironment(5));
        assertThat(fixture.cluster.exists(previewDb)).as("in use by the reopened preview").isTrue();
    }

    @Test
    void aRestartThatFindsAServiceGoneStartsThemAllAgainThenStopsWhatWasLeft() throws Exception {
        json("POST", "/applications", "{\"name\":\"halved\"}");
        String id = deploy("halved", """
                name: halved
                version: 1
                services:
                  web:
                    command: fake-serve halved-web
                    http_port: 3000
                  worker:
                    command: fake-worker
                """);
        awaitState(id, "live");
        List<Instance> before = instancesOf(id);
        Instance oldWeb = service(before, "web");
        // While the control plane was down, the worker's instance went (a pod evicted, say); the web one still serves.
        runtime.cleanup(service(before, "worker"), Duration.ZERO);

        try (DeploymentOrchestrator restarted = new DeploymentOrchestrator(store, fixture.builds, runtime, delivery, logs,
                fixture.config, java.time.Clock.systemUTC())) {
            restarted.recover();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(restarted.instancesOf(UUID.fromString(id))).extracting(Instance::service)
                        .containsExactlyInAnyOrder("web", "worker");
                assertThat(runtime.status(oldWeb)).as("what was left, stopped once the fresh set serves")
                        .isEqualTo(io.helixstack.plugin.api.InstanceStatus.STOPPED);
            });
            assertThat(restarted.instancesOf(UUID.fromString(id))).doesNotContain(oldWeb);
            Route.Upstreams web = (Route.Upstreams) delivery.routes().find("halved.localhost").orElseThrow();
            assertThat(web.endpoints()).containsExactly(service(restarted.instancesOf(UUID.fromString(id)), "web").endpoint());
        }
    }

    private String deploy(String app, String manifest) throws Exception {
        HttpResponse<String> r = send("POST", "/applications/" + app + "/deployments",
                tarGz(Map.of("cmd.txt", "fake-serve from-buildpack", "helix.yaml", manifest)), "application/gzip", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("id").asText();
    }

    private List<Instance> instancesOf(String deploymentId) {
        return runtime.instances().stream().filter(i -> i.deploymentId().toString().equals(deploymentId)).toList();
    }

    private static Instance service(List<Instance> instances, String name) {
        return instances.stream().filter(i -> i.service().equals(name)).findFirst().orElseThrow();
    }

    private String logsOf(String app) throws Exception {
        return json("GET", "/applications/" + app + "/logs?limit=1000", null).body();
    }

    /** A libpq URL as apps get it, opened with JDBC. */
    private static Connection connect(String url) throws Exception {
        URI u = URI.create(url);
        String[] userInfo = u.getUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(), userInfo[0], userInfo[1]);
    }
}
