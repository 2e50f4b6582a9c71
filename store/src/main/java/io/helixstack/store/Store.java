package io.helixstack.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** The repositories over one database. */
public final class Store {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Jdbi jdbi;
    private final TokenRepository tokens;
    private final ProjectRepository projects;
    private final ApplicationRepository applications;
    private final DeploymentRepository deployments;
    private final BuildRepository builds;
    private final EnvVarRepository envVars;
    private final RuntimeLogRepository runtimeLogs;
    private final InstanceRepository instances;
    private final EventOutbox events;
    private final WebhookRepository webhooks;
    private final MetricRepository metrics;
    private final AlertRepository alerts;
    private final NotificationHookRepository hooks;
    private final SshKeyRepository sshKeys;
    private final ManagedDatabaseRepository managedDatabases;
    private final UpgradeRepository upgrades;

    private final SecretBox secrets;

    public Store(Jdbi jdbi, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.events = new EventOutbox();
        this.tokens = new TokenRepository(jdbi, clock);
        this.projects = new ProjectRepository(jdbi);
        this.applications = new ApplicationRepository(jdbi);
        this.deployments = new DeploymentRepository(jdbi, events, clock);
        this.builds = new BuildRepository(jdbi, events, clock);
        this.envVars = new EnvVarRepository(jdbi, secrets);
        this.runtimeLogs = new RuntimeLogRepository(jdbi);
        this.instances = new InstanceRepository(jdbi, clock);
        this.webhooks = new WebhookRepository(jdbi, secrets, clock);
        this.metrics = new MetricRepository(jdbi);
        this.alerts = new AlertRepository(jdbi, secrets, clock);
        this.hooks = new NotificationHookRepository(jdbi, secrets, clock);
        this.sshKeys = new SshKeyRepository(jdbi, clock);
        this.managedDatabases = new ManagedDatabaseRepository(jdbi, clock);
        this.upgrades = new UpgradeRepository(jdbi, events, secrets, clock);
    }

    /** Values derived from the platform key (signed URLs, generated credentials); see {@link SecretBox#derive}. */
    public byte[] derive(String purpose) {
        return secrets.derive(purpose);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public TokenRepository tokens() {
        return tokens;
    }

    public ProjectRepository projects() {
        return projects;
    }

    public ApplicationRepository applications() {
        return applications;
    }

    public DeploymentRepository deployments() {
        return deployments;
    }

    public BuildRepository builds() {
        return builds;
    }

    public EnvVarRepository envVars() {
        return envVars;
    }

    public UpgradeRepository upgrades() {
        return upgrades;
    }

    public ManagedDatabaseRepository managedDatabases() {
        return managedDatabases;
    }

    public SshKeyRepository sshKeys() {
        return sshKeys;
    }

    public NotificationHookRepository hooks() {
        return hooks;
    }

    public AlertRepository alerts() {
        return alerts;
    }

    public MetricRepository metrics() {
        return metrics;
    }

    public RuntimeLogRepository runtimeLogs() {
        return runtimeLogs;
    }

    public InstanceRepository instances() {
        return instances;
    }

    public EventOutbox events() {
        return events;
    }

    public WebhookRepository webhooks() {
        return webhooks;
    }
}
