package io.helixstack.store;

import io.helixstack.domain.Project;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

public final class ProjectRepository {
    private final Jdbi jdbi;

    ProjectRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** @throws ConflictException when the team already has a project of that name */
    public Project create(UUID teamId, String name) {
        return jdbi.withHandle(h -> {
            boolean taken = h.createQuery("select exists (select 1 from projects where team_id = :t and name = :n)")
                    .bind("t", teamId).bind("n", name).mapTo(Boolean.class).one();
            if (taken) {
                throw new ConflictException("project \"" + name + "\" already exists (expected: a new name)");
            }
            return h.createQuery("insert into projects (id, team_id, name) values (:id, :t, :n) returning *")
                    .bind("id", UUID.randomUUID()).bind("t", teamId).bind("n", name)
                    .map((rs, ctx) -> map(rs)).one();
        });
    }

    public Project findOrCreate(UUID teamId, String name) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into projects (id, team_id, name) values (:id, :t, :n) on conflict (team_id, name) do nothing")
                    .bind("id", UUID.randomUUID()).bind("t", teamId).bind("n", name).execute();
            return h.createQuery("select * from projects where team_id = :t and name = :n").bind("t", teamId).bind("n", name)
                    .map((rs, ctx) -> map(rs)).one();
        });
    }

    public List<Project> list(UUID teamId) {
        return jdbi.withHandle(h -> h.createQuery("select * from projects where team_id = :t order by created_at, name")
                .bind("t", teamId).map((rs, ctx) -> map(rs)).list());
    }

    public Optional<Project> find(UUID teamId, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from projects where team_id = :t and id = :id")
                .bind("t", teamId).bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    static Project map(ResultSet rs) throws SQLException {
        return new Project(rs.getObject("id", UUID.class), rs.getObject("team_id", UUID.class), rs.getString("name"),
                rs.getTimestamp("created_at").toInstant());
    }
}
