package io.helixstack.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs instances on a Kubernetes (or K3s) cluster through the fabric8 client. A namespace per application and environment
 * ({@code helix-<app>-<env>}); each instance is a one-replica Deployment plus a Service of its own; {@link #promote}
 * switches the app's Service for that service (and its Ingress, for services with a public host) to the promoted
 * deployment's pods, so a rollback is the earlier release applied again and switched to. Pods run the stack image on the
 * artifact that an init container downloaded by a signed URL: no registry needed. Logs come from the pod log API.
 *
 * <p>Pods keep running when the platform stops: {@link #close()} closes the client only.
 */
public final class KubernetesRuntimeDriver implements RuntimeDriver {
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String APP = "helixstack.io/app";
    static final String SERVICE = "helixstack.io/service";
    static final String DEPLOYMENT = "helixstack.io/deployment";
    static final String INSTANCE = "helixstack.io/instance";
    static final String CONTAINER = "app";
    static final String ARTIFACT_URL = "HELIX_ARTIFACT_URL";
    /** On a Deployment: the public host its Ingress serves, so an adopted instance keeps it. */
    static final String ROUTE_HOST_ANNOTATION = "helixstack.io/route-host";
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Logger log = LoggerFactory.getLogger(KubernetesRuntimeDriver.class);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final ArtifactUrls artifactUrls;
    private final ObservabilitySink sink;
    private final Clock clock;
    private final Map<String, String> namespaceLabels;
    private final PodTemplates templates;
    private final PodStatus pods;
    /** What each instance was deployed with: namespace, spec. */
    private final Map<String, Placed> placed = new ConcurrentHashMap<>();

    /**
     * @param routeHost the public host of an http service (its Ingress), null for a worker
     */
    private record Placed(String namespace, String routeHost, Duration healthTimeout) {
    }

    public KubernetesRuntimeDriver(KubernetesClient client, KubernetesSettings settings, ArtifactUrls artifactUrls,
                                   ObservabilitySink sink, Clock clock) {
        this(client, settings, artifactUrls, sink, clock, Map.of());
    }

    /** @param namespaceLabels put on every namespace it creates, e.g. the cluster's id, so a provider can find its own */
    public KubernetesRuntimeDriver(KubernetesClient client, KubernetesSettings settings, ArtifactUrls artifactUrls,
                                   ObservabilitySink sink, Clock clock, Map<String, String> namespaceLabels) {
        this.namespaceLabels = Map.copyOf(namespaceLabels);
        this.templates = new PodTemplates(settings);
        this.pods = new PodStatus(client);
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.artifactUrls = Objects.requireNonNull(artifactUrls, "artifactUrls");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public void prepare(Artifact artifact) {
        Objects.requireNonNull(artifact, "artifact");
    }

    /** {@code helix-<app>-<environment>} with the environment as a DNS label: production, pr-7, br-feature. */
    static String namespace(String app, String environment) {
        String env = environment == null || environment.isBlank() ? "production" : environment;
        String label = env.startsWith("preview/") ? "pr-" + env.substring("preview/".length())
                : env.startsWith("branch/") ? "br-" + env.substring("branch/".length()) : env;
        return dnsLabel("helix-" + app + "-" + label);
    }

    @Override
    public Instance deploy(InstanceSpec spec) {
        String namespace = namespace(spec.app(), spec.env().get(InstanceSpec.ENVIRONMENT));
        ensureNamespace(namespace, spec.app());
        String id = uniqueName(spec.app() + "-" + spec.service());
        Map<String, String> labels = PodTemplates.labels(spec.app(), spec.service(), spec.deploymentId().toString());
        labels.put(INSTANCE, id);
        String routeHost = spec.health().http() ? spec.env().get(InstanceSpec.ROUTE_HOST) : null;
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName(id).withNamespace(namespace).withLabels(labels)
                .withAnnotations(routeHost == null ? Map.of() : Map.of(ROUTE_HOST_ANNOTATION, routeHost)).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels(INSTANCE, id).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(templates.podSpec(secretFor(namespace, id, labels, spec.artifact(), spec.env()), "exec " + spec.command(),
                        spec.resources(), spec.health().http() ? spec.health().path() : null, "Always"))
                .endTemplate().endSpec().build();
        Service own = new ServiceBuilder()
                .withNewMetadata().withName(id).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().addToSelector(INSTANCE, id)
                .addNewPort().withName("http").withPort(80).withNewTargetPort(settings.containerPort()).endPort()
                .endSpec().build();
        try {
            client.apps().deployments().inNamespace(namespace).resource(deployment).create();
            client.services().inNamespace(namespace).resource(own).createOr(NonDeletingOperation::update);
        } catch (KubernetesClientException e) {
            // Nothing half-created: what was applied goes again.
            deleteInstance(namespace, id, Duration.ZERO);
            throw e;
        }
        placed.put(id, new Placed(namespace, spec.health().http() ? spec.env().get(InstanceSpec.ROUTE_HOST) : null,
                spec.health().timeout()));
        Instance instance = new Instance(id, spec.deploymentId(), spec.app(), spec.service(),
                new Endpoint(id + "." + namespace + ".svc", 80));
        system(spec.deploymentId(), id, "applied Deployment " + namespace + "/" + id + " (" + settings.stackImage() + ")");
        return instance;
    }

    @Override
    public Readiness awaitReady(Instance instance) {
        Placed p = find(instance);
        // Pulling images and downloading the artifact come first on a cluster: a worker's short settle time or a tight
        // health timeout is not a rollout deadline.
        Duration timeout = p.healthTimeout().compareTo(settings.minRollout()) > 0 ? p.healthTimeout() : settings.minRollout();
        Instant deadline = clock.instant().plus(timeout);
        String last = "no pod yet";
        while (clock.instant().isBefore(deadline)) {
            Deployment d = client.apps().deployments().inNamespace(p.namespace()).withName(instance.id()).get();
            if (d == null) {
                return new Readiness.NotReady("Deployment " + instance.id() + " is gone");
            }
            if (d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() >= 1) {
                system(instance.deploymentId(), instance.id(), "ready: rollout of " + p.namespace() + "/" + instance.id() + " complete");
                return new Readiness.Ready();
            }
            Optional<String> stuck = pods.stuckReason(p.namespace(), instance.id());
            if (stuck.isPresent()) {
                return new Readiness.NotReady(stuck.get());
            }
            last = pods.podPhase(p.namespace(), instance.id()).orElse(last);
            if (!pause()) {
                return new Readiness.NotReady("interrupted while waiting for the rollout");
            }
        }
        return new Readiness.NotReady("rollout of " + instance.id() + " not ready within " + timeout.toSeconds() + "s (last: " + last + ")");
    }

    /**
     * Points the app's Service for each promoted service at the promoted deployment's pods, and its Ingress (services with a
     * public host) at that Service: one update of a selector switches the traffic.
     */
    @Override
    public void promote(List<Instance> instances) {
        Map<String, Instance> byService = new LinkedHashMap<>();
        instances.forEach(i -> byService.putIfAbsent(i.service(), i));
        for (Instance instance : byService.values()) {
            Placed p = find(instance);
            String name = dnsLabel(instance.app() + "-" + instance.service());
            Map<String, String> selector = PodTemplates.labels(instance.app(), instance.service(), instance.deploymentId().toString());
            Service service = new ServiceBuilder()
                    .withNewMetadata().withName(name).withNamespace(p.namespace())
                    .withLabels(PodTemplates.labels(instance.app(), instance.service(), null)).endMetadata()
                    .withNewSpec().withSelector(selector)
                    .addNewPort().withName("http").withPort(80).withNewTargetPort(settings.containerPort()).endPort()
                    .endSpec().build();
            client.services().inNamespace(p.namespace()).resource(service).createOr(NonDeletingOperation::update);
            String host = p.routeHost();
            if (host != null) {
                io.fabric8.kubernetes.api.model.networking.v1.IngressSpec spec =
                        new io.fabric8.kubernetes.api.model.networking.v1.IngressSpecBuilder()
                        .withIngressClassName(settings.ingressClass())
                        .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                        .withNewBackend().withNewService().withName(name).withNewPort().withNumber(80).endPort().endService()
                        .endBackend().endPath().endHttp().endRule().build();
                Ingress built = new IngressBuilder()
                        .withNewMetadata().withName(name).withNamespace(p.namespace())
                        .withLabels(PodTemplates.labels(instance.app(), instance.service(), null)).endMetadata()
                        .withSpec(spec).build();
                client.network().v1().ingresses().inNamespace(p.namespace()).resource(built).createOr(NonDeletingOperation::update);
            }
            system(instance.deploymentId(), instance.id(), "promoted: Service " + p.namespace() + "/" + name + " now selects "
                    + "deployment " + instance.deploymentId() + (host == null ? "" : ", Ingress " + host));
        }
    }

    @Override
    public void cleanup(Instance instance, Duration grace) {
        Placed p = placed.get(instance.id());
        String namespace = p != null ? p.namespace() : locate(instance.id()).orElse(null);
        if (namespace == null) {
            return;
        }
        deleteInstance(namespace, instance.id(), grace);
        placed.remove(instance.id());
        system(instance.deploymentId(), instance.id(), "deleted Deployment " + namespace + "/" + instance.id());
    }

    @Override
    public InstanceStatus status(Instance instance) {
        Optional<String> namespace = namespaceOf(instance);
        if (namespace.isEmpty()) {
            return InstanceStatus.STOPPED;
        }
        Deployment d = client.apps().deployments().inNamespace(namespace.get()).withName(instance.id()).get();
        if (d == null) {
            return InstanceStatus.STOPPED;
        }
        if (d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() >= 1) {
            return InstanceStatus.RUNNING;
        }
        return pods.stuckReason(namespace.get(), instance.id()).isPresent() || pods.restarts(namespace.get(), instance.id()) > 0
                ? InstanceStatus.CRASHED : InstanceStatus.STARTING;
    }

    /** Restarts from the pods' container statuses; CPU and memory need the metrics API, which a cluster may lack: 0. */
    @Override
    public Optional<InstanceStats> stats(Instance instance) {
        Optional<String> namespace = namespaceOf(instance);
        if (namespace.isEmpty() || client.apps().deployments().inNamespace(namespace.get()).withName(instance.id()).get() == null) {
            return Optional.empty();
        }
        return Optional.of(new InstanceStats(0, 0, pods.restarts(namespace.get(), instance.id())));
    }

    @Override
    public List<LogRecord> collectLogs(Instance instance, int limit) {
        Optional<String> namespace = namespaceOf(instance);
        if (namespace.isEmpty()) {
            return List.of();
        }
        List<LogRecord> records = new ArrayList<>();
        for (Pod pod : pods.pods(namespace.get(), instance.id())) {
            String text;
            try {
                text = client.pods().inNamespace(namespace.get()).withName(pod.getMetadata().getName()).inContainer(CONTAINER)
                        .usingTimestamps().tailingLines(limit).getLog();
            } catch (KubernetesClientException e) {
                continue; // a pod still starting has no log yet
            }
            if (text == null) {
                continue;
            }
            text.lines().filter(l -> !l.isBlank()).forEach(line -> records.add(timestamped(instance, line)));
        }
        records.sort(java.util.Comparator.comparing(LogRecord::at));
        return List.copyOf(records.subList(Math.max(0, records.size() - limit), records.size()));
    }

    /** Runs the task as a Job of one pod that is never restarted; waits for it to succeed, fail or run out of time. */
    @Override
    public TaskResult run(TaskSpec task) {
        try {
            return runJob(task);
        } catch (KubernetesClientException e) {
            return new TaskResult.Failed(task.name() + ": the cluster refused the Job (" + e.getMessage() + ")");
        }
    }

    private TaskResult runJob(TaskSpec task) {
        String namespace = namespace(task.app(), task.env().get(InstanceSpec.ENVIRONMENT));
        ensureNamespace(namespace, task.app());
        String name = uniqueName(task.app() + "-" + task.name());
        try {
            return runJob(task, namespace, name);
        } finally {
            // The Job stays a while for its logs; the secrets it was given go at once.
            client.secrets().inNamespace(namespace).withName(name).delete();
        }
    }

    private TaskResult runJob(TaskSpec task, String namespace, String name) {
        Map<String, String> labels = PodTemplates.labels(task.app(), task.name(), task.deploymentId().toString());
        secretFor(namespace, name, labels, task.artifact(), task.env());
        Job job = new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(Math.max(1, task.timeout().toSeconds()))
                .withTtlSecondsAfterFinished(3600)
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(templates.podSpec(name, task.command(), task.resources(), null, "Never"))
                .endTemplate().endSpec().build();
        client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        system(task.deploymentId(), name, "running " + task.name() + " as Job " + namespace + "/" + name + ": " + task.command());
        Instant started = clock.instant();
        Instant deadline = started.plus(task.timeout());
        while (clock.instant().isBefore(deadline)) {
            Job current = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (current == null) {
                return new TaskResult.Failed(task.name() + ": Job " + name + " was deleted");
            }
            if (current.getStatus() != null && current.getStatus().getSucceeded() != null && current.getStatus().getSucceeded() > 0) {
                system(task.deploymentId(), name, task.name() + " exited with code 0");
                return new TaskResult.Succeeded(Duration.between(started, clock.instant()));
            }
            if (current.getStatus() != null && current.getStatus().getFailed() != null && current.getStatus().getFailed() > 0) {
                String reason = task.name() + " failed" + pods.jobExit(namespace, name).map(e -> ": " + e).orElse("");
                system(task.deploymentId(), name, reason);
                return new TaskResult.Failed(reason);
            }
            if (!pause()) {
                return new TaskResult.Failed(task.name() + " interrupted");
            }
        }
        client.batch().v1().jobs().inNamespace(namespace).withName(name).delete();
        String reason = task.name() + " still running after " + task.timeout().toSeconds() + "s: killed (Job deleted)";
        system(task.deploymentId(), name, reason);
        return new TaskResult.Failed(reason);
    }

    /**
     * Pods outlive the platform: the deployment's Deployments (found by label in any namespace) are managed by this driver
     * again, so a restarted platform serves them instead of starting them twice.
     */
    @Override
    public List<Instance> adopt(java.util.UUID deploymentId) {
        List<Instance> adopted = new ArrayList<>();
        for (Deployment d : client.apps().deployments().inAnyNamespace().withLabel(DEPLOYMENT, deploymentId.toString()).list().getItems()) {
            Map<String, String> labels = d.getMetadata().getLabels();
            String id = labels.get(INSTANCE);
            if (id == null) {
                continue;
            }
            String host = Optional.ofNullable(d.getMetadata().getAnnotations()).map(a -> a.get(ROUTE_HOST_ANNOTATION)).orElse(null);
            String namespace = d.getMetadata().getNamespace();
            placed.putIfAbsent(id, new Placed(namespace, host, Duration.ofMinutes(5)));
            adopted.add(new Instance(id, deploymentId, labels.get(APP), labels.get(SERVICE), new Endpoint(id + "." + namespace + ".svc", 80)));
        }
        return List.copyOf(adopted);
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * The app's variables (secrets among them: passwords, database URLs) and the signed artifact URL go into a Secret of
     * the instance's own, never into the Deployment's spec where anyone who may read Deployments would see them.
     */
    private String secretFor(String namespace, String name, Map<String, String> labels, Artifact artifact, Map<String, String> env) {
        Map<String, String> data = new java.util.TreeMap<>(env);
        data.put("PORT", Integer.toString(settings.containerPort()));
        data.put("HOST", "0.0.0.0");
        data.put("HOME", "/tmp");
        data.put(ARTIFACT_URL, artifactUrls.urlFor(artifact).toString());
        client.secrets().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withType("Opaque").withStringData(data).build()).createOr(NonDeletingOperation::update);
        return name;
    }

    private void ensureNamespace(String namespace, String app) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels(MANAGED_BY, "helixstack").addToLabels(APP, app).addToLabels(namespaceLabels).endMetadata().build())
                    .createOr(NonDeletingOperation::update);
        }
    }

    private void deleteInstance(String namespace, String id, Duration grace) {
        client.apps().deployments().inNamespace(namespace).withName(id).withGracePeriod(grace.toSeconds()).delete();
        client.services().inNamespace(namespace).withName(id).delete();
        client.secrets().inNamespace(namespace).withName(id).delete();
    }

    private Optional<String> namespaceOf(Instance instance) {
        Placed p = placed.get(instance.id());
        return p != null ? Optional.of(p.namespace()) : locate(instance.id());
    }

    /** An instance deployed before a platform restart: found by its label in any namespace. */
    private Optional<String> locate(String instanceId) {
        return client.apps().deployments().inAnyNamespace().withLabel(INSTANCE, instanceId).list().getItems().stream()
                .map(HasMetadata::getMetadata).map(m -> m.getNamespace()).findFirst();
    }

    private Placed find(Instance instance) {
        Placed p = placed.get(instance.id());
        if (p == null) {
            throw new IllegalArgumentException("instance " + instance.id() + " (expected: one deployed by this driver)");
        }
        return p;
    }

    private LogRecord timestamped(Instance instance, String line) {
        int space = line.indexOf(' ');
        if (space > 0) {
            try {
                return new LogRecord(Instant.parse(line.substring(0, space)), instance.deploymentId(), instance.id(), "stdout",
                        line.substring(space + 1));
            } catch (java.time.format.DateTimeParseException e) {
                // not timestamped: keep the whole line
            }
        }
        return new LogRecord(clock.instant(), instance.deploymentId(), instance.id(), "stdout", line);
    }

    private void system(java.util.UUID deploymentId, String source, String line) {
        sink.ingestLogs(List.of(new LogRecord(clock.instant(), deploymentId, source, "system", line)));
        log.atInfo().addKeyValue("source", source).log(line);
    }

    private static boolean pause() {
        try {
            Thread.sleep(POLL);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code <prefix>-<8 hex>}, the prefix shortened so the random part always survives the 63-character limit. */
    static String uniqueName(String prefix) {
        String head = dnsLabel(prefix);
        head = head.substring(0, Math.min(head.length(), 54)).replaceAll("-+$", "");
        return head + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** Lower case, [a-z0-9-], at most 63 characters, no dash at either end: a valid name and namespace. */
    static String dnsLabel(String text) {
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
        if (cleaned.length() > 63) {
            cleaned = cleaned.substring(0, 63);
        }
        cleaned = cleaned.replaceAll("^-+|-+$", "");
        return cleaned.isEmpty() ? "x" : cleaned;
    }
}
