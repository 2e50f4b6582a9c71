package io.helixstack.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.domain.Project;
import io.helixstack.domain.Source;
import io.helixstack.testing.TestDatabase;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StoreIT {
    static TestDatabase testDb;
    static Database db;
    static Store store;
    static UUID team;

    @BeforeAll
    static void start() throws Exception {
        testDb = TestDatabase.create();
        db = Database.external(testDb.jdbcUrl());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        store = new Store(db.jdbi(), new SecretBox(key), Clock.systemUTC());
        team = store.tokens().defaultTeam();
    }

    @AfterAll
    static void stop() {
        db.close();
        testDb.close();
    }

    @Test
    void tokensAreStoredHashedAndVerify() {
        String token = store.tokens().create(team, "admin", "owner");
        assertThat(store.tokens().verify(token)).hasValueSatisfying(p -> assertThat(p.role()).isEqualTo("owner"));
        assertThat(store.tokens().verify(token + "x")).isEmpty();
        List<String> stored = store.jdbi().withHandle(h -> h.createQuery("select token_sha256 from api_tokens").mapTo(String.class).list());
        assertThat(stored).doesNotContain(token).contains(io.helixstack.domain.Hashes.sha256Hex(token));

        // The last use is recorded, but not rewritten by every request within the resolution.
        java.util.function.Supplier<java.sql.Timestamp> lastUsed = () -> store.jdbi().withHandle(h -> h.createQuery(
                "select last_used_at from api_tokens where token_sha256 = :h").bind("h", io.helixstack.domain.Hashes.sha256Hex(token))
                .mapTo(java.sql.Timestamp.class).one());
        java.sql.Timestamp first = lastUsed.get();
        assertThat(first).isNotNull();
        store.tokens().verify(token);
        assertThat(lastUsed.get()).isEqualTo(first);
    }

    @Test
    void applicationNamesAreUnique() {
        Project p = store.projects().findOrCreate(team, "default");
        store.applications().create(p.id(), AppName.of("unique-one"), null, null);
        assertThatThrownBy(() -> store.applications().create(p.id(), AppName.of("unique-one"), null, null))
                .isInstanceOf(ConflictException.class).hasMessageContaining("already exists");
    }

    @Test
    void deploymentsAreNumberedAndPromotionWritesEventsInOneTransaction() {
        Project p = store.projects().findOrCreate(team, "default");
        Application app = store.applications().create(p.id(), AppName.of("numbered"), null, null);
        Deployment d1 = store.deployments().create(app, Deployment.PRODUCTION, new Source.Upload("sha256:aa"), "upload");
        Deployment d2 = store.deployments().create(app, Deployment.PRODUCTION, new Source.Upload("sha256:bb"), "upload");
        assertThat(d1.label()).isEqualTo("main/1");
        assertThat(d2.label()).isEqualTo("main/2");

        ArtifactMetadata meta = new ArtifactMetadata("sha256:" + "1".repeat(64), "node", ArtifactKind.SERVER, "node server.js", null,
                new Source.Upload("sha256:aa"), Map.of("NODE_ENV", "production"), Instant.now());
        store.deployments().markBuilt(d1.id(), d1.source(), meta);
        assertThat(store.deployments().artifact(meta.digest())).contains(meta);
        store.deployments().promote(d1.id(), false);
        store.deployments().markBuilt(d2.id(), d2.source(), meta);
        assertThat(store.deployments().promote(d2.id(), false)).contains(d1.id());
        assertThat(store.deployments().find(d1.id()).orElseThrow().state()).isEqualTo(DeploymentState.SUPERSEDED);
        assertThat(store.deployments().markBuilt(d2.id(), d2.source(), meta)).as("a late builder cannot move a live deployment back")
                .isFalse();
        assertThat(store.deployments().find(d2.id()).orElseThrow().state()).isEqualTo(DeploymentState.LIVE);

        // Rollback: d1 again; d2 becomes rolled_back.
        assertThat(store.deployments().promote(d1.id(), true)).contains(d2.id());
        assertThat(store.deployments().find(d2.id()).orElseThrow().state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(store.applications().liveDeployment(app.id(), Deployment.PRODUCTION)).contains(d1.id());

        List<String> types = store.events().after(store.jdbi(), 0, 1000).stream()
                .filter(e -> d1.id().toString().equals(e.deploymentId())).map(EventOutbox.StoredEvent::type).toList();
        assertThat(types).containsSubsequence("deployment.production.requested", "deployment.built", "deploy.promoted",
                "deployment.succeeded", "deploy.promoted", "deployment.rolled_back");
    }

    @Test
    void transitionOnlyFromExpectedStates() {
        Project p = store.projects().findOrCreate(team, "default");
        Application app = store.applications().create(p.id(), AppName.of("transitions"), null, null);
        Deployment d = store.deployments().create(app, Deployment.PRODUCTION, new Source.Upload("sha256:cc"), "upload");
        assertThat(store.deployments().transition(d.id(), Set.of(DeploymentState.LIVE), DeploymentState.FAILED, "x", null)).isFalse();
        assertThat(store.deployments().transition(d.id(), Set.of(DeploymentState.QUEUED), DeploymentState.FAILED, "broke",
                new Event.DeploymentFailed(d.id(), "broke", Instant.now()))).isTrue();
        Deployment failed = store.deployments().find(d.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(DeploymentState.FAILED);
        assertThat(failed.failureReason()).isEqualTo("broke");
    }

    @Test
    void envVarsAreEncryptedAtRest() {
        Project p = store.projects().findOrCreate(team, "default");
        Application app = store.applications().create(p.id(), AppName.of("envs"), null, null);
        UUID env = store.applications().environmentId(app.id(), Deployment.PRODUCTION);
        assertThat(store.envVars().patch(env, Map.of("API_KEY", "s3cret-value", "A", "1"), List.of())).containsEntry("API_KEY", "s3cret-value");
        assertThat(store.envVars().patch(env, Map.of(), List.of("A"))).containsOnlyKeys("API_KEY");
        byte[] raw = store.jdbi().withHandle(h -> h.createQuery("select value_enc from env_vars where environment_id = :e")
                .bind("e", env).mapTo(byte[].class).one());
        assertThat(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("s3cret-value");
    }

    @Test
    void runtimeLogRetentionDropsOldLinesAndCapsEachApp() {
        Project p = store.projects().findOrCreate(team, "default");
        Application app = store.applications().create(p.id(), AppName.of("retained"), null, null);
        UUID dep = UUID.randomUUID();
        Instant now = Instant.now();
        List<RuntimeLogRepository.NewLine> lines = new java.util.ArrayList<>();
        lines.add(new RuntimeLogRepository.NewLine(app.id(), dep, now.minus(java.time.Duration.ofDays(30)), "web.1", "stdout", "ancient"));
        for (int i = 0; i < 5; i++) {
            lines.add(new RuntimeLogRepository.NewLine(app.id(), dep, now, "web.1", "stdout", "line " + i));
        }
        store.runtimeLogs().append(lines);
        assertThat(store.runtimeLogs().prune(now.minus(java.time.Duration.ofDays(7)), 3)).isEqualTo(3);
        assertThat(store.runtimeLogs().tail(app.id(), 100, RuntimeLogRepository.Filter.NONE))
                .extracting(RuntimeLogRepository.Line::line).containsExactly("line 2", "line 3", "line 4");
    }

    @Test
    void parsesLibpqUrls() {
        var t = Database.JdbcTarget.parse("postgresql://helix:p%40ss@db.internal:5433/helix");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/helix");
        assertThat(t.user()).isEqualTo("helix");
        assertThat(t.password()).isEqualTo("p@ss");
        assertThatThrownBy(() -> Database.JdbcTarget.parse("mysql://x:secret@h/db"))
                .hasMessageContaining("expected: postgresql://").hasMessageNotContaining("secret");
    }
}
