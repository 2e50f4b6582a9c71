package io.helixstack.store;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

public final class ApplicationRepository {
    private static final String SELECT = "select a.* from applications a join projects p on p.id = a.project_id ";
    private final Jdbi jdbi;

    ApplicationRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates the application and its production environment together. */
    public Application create(UUID projectId, AppName name, String gitRepository, String gitBranch) {
        return jdbi.inTransaction(h -> {
            boolean taken = h.createQuery("select exists (select 1 from applications where name = :n)")
                    .bind("n", name.value()).mapTo(Boolean.class).one();
            if (taken) {
                throw new ConflictException("application \"" + name + "\" already exists (expected: a name not yet in use;"
                        + " names are unique because each is a host name)");
            }
            Application app = h.createQuery("""
                            insert into applications (id, project_id, name, git_repository, git_branch)
                            values (:id, :p, :n, :repo, :branch) returning *""")
                    .bind("id", UUID.randomUUID()).bind("p", projectId).bind("n", name.value())
                    .bind("repo", gitRepository).bind("branch", gitBranch)
                    .map((rs, ctx) -> map(rs)).one();
            h.createUpdate("insert into environments (id, application_id, name) values (:id, :a, :n)")
                    .bind("id", UUID.randomUUID()).bind("a", app.id()).bind("n", Deployment.PRODUCTION).execute();
            return app;
        });
    }

    public List<Application> list(UUID teamId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "where p.team_id = :t order by a.name")
                .bind("t", teamId).map((rs, ctx) -> map(rs)).list());
    }

    /** Every application of every team: the server uses it to restore routes and instances at start. */
    public List<Application> all() {
        return jdbi.withHandle(h -> h.createQuery("select * from applications order by name").map((rs, ctx) -> map(rs)).list());
    }

    public List<Application> listByProject(UUID projectId) {
        return jdbi.withHandle(h -> h.createQuery("select * from applications where project_id = :p order by name")
                .bind("p", projectId).map((rs, ctx) -> map(rs)).list());
    }

    /** By id or by name, within the team. */
    public Optional<Application> find(UUID teamId, String idOrName) {
        UUID id = Ids.parseOrNull(idOrName);
        return jdbi.withHandle(h -> h.createQuery(SELECT + "where p.team_id = :t and " + (id != null ? "a.id = :id" : "a.name = :name"))
                .bind("t", teamId).bind("id", id).bind("name", idOrName).map((rs, ctx) -> map(rs)).findOne());
    }

    public Optional<Application> byId(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from applications where id = :id").bind("id", id)
                .map((rs, ctx) -> map(rs)).findOne());
    }

    /** The id of the application's environment of that name, created on first use (e.g. {@code preview}). */
    public UUID environmentId(UUID applicationId, String environment) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into environments (id, application_id, name) values (:id, :a, :n) on conflict do nothing")
                    .bind("id", UUID.randomUUID()).bind("a", applicationId).bind("n", environment).execute();
            return h.createQuery("select id from environments where application_id = :a and name = :n")
                    .bind("a", applicationId).bind("n", environment).mapTo(UUID.class).one();
        });
    }

    /** The deployment now serving the environment, if any. */
    public Optional<UUID> liveDeployment(UUID applicationId, String environment) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select live_deployment_id from environments where application_id = :a and name = :n and live_deployment_id is not null")
                .bind("a", applicationId).bind("n", environment).mapTo(UUID.class).findOne());
    }

    static Application map(ResultSet rs) throws SQLException {
        return new Application(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class),
                AppName.of(rs.getString("name")), rs.getString("git_repository"), rs.getString("git_branch"),
                rs.getString("current_backend"), rs.getString("health_path"), rs.getTimestamp("created_at").toInstant());
    }
}
