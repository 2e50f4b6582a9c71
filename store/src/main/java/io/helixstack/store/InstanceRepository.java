package io.helixstack.store;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Which instances run (or ran) for which deployment: history for users, and what a restarted server must stop caring about. */
public final class InstanceRepository {
    /** A recorded instance. */
    public record InstanceRow(String id, UUID deploymentId, String service, String host, int port, String state) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    InstanceRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Records a running instance; one recorded before (an instance adopted again after a restart) is running again. */
    public void started(String id, UUID deploymentId, String service, String host, int port) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into instances (id, deployment_id, service, host, port, state, started_at)
                        values (:id, :d, :s, :h, :p, 'running', :now)
                        on conflict (id) do update set state = 'running', stopped_at = null""")
                .bind("id", id).bind("d", deploymentId).bind("s", service).bind("h", host).bind("p", port)
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    public void stopped(String id) {
        jdbi.useHandle(h -> h.createUpdate("update instances set state = 'stopped', stopped_at = :now where id = :id and state = 'running'")
                .bind("id", id).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    /** After a crash of the platform, instances it recorded as running are gone with it. */
    public int markAllStopped() {
        return jdbi.withHandle(h -> h.createUpdate("update instances set state = 'stopped', stopped_at = :now where state = 'running'")
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    public List<InstanceRow> forDeployment(UUID deploymentId) {
        return jdbi.withHandle(h -> h.createQuery("select * from instances where deployment_id = :d order by started_at")
                .bind("d", deploymentId)
                .map((rs, c) -> new InstanceRow(rs.getString("id"), rs.getObject("deployment_id", UUID.class), rs.getString("service"),
                        rs.getString("host"), rs.getInt("port"), rs.getString("state")))
                .list());
    }
}
