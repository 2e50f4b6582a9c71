package io.helixstack.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.Resources;
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes driver against fabric8's mock API server in CRUD mode. No controllers run there, so the tests play the
 * cluster's part where it matters: they mark rollouts ready, jobs finished, and pods stuck.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRuntimeDriverTest {
    private static final String DIGEST = "sha256:" + "cd".repeat(32);

    KubernetesClient client;
    KubernetesMockServer server;
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private KubernetesRuntimeDriver driver;

    @BeforeEach
    void createDriver() {
        driver = new KubernetesRuntimeDriver(client, KubernetesSettings.defaults(),
                artifact -> URI.create("https://helix.example/artifacts/" + artifact.digest().substring(7) + ".tar.gz?expires=1&sig=abc"),
                sink, Clock.systemUTC());
    }

    @Test
    void anInstanceIsADeploymentInItsEnvironmentsNamespaceRunningTheStackImageOnTheDownloadedArtifact() {
        Instance instance = driver.deploy(web("shop", "production", Duration.ofSeconds(5)));

        String ns = "helix-shop-production";
        assertThat(client.namespaces().withName(ns).get()).isNotNull();
        Deployment d = client.apps().deployments().inNamespace(ns).withName(instance.id()).get();
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> {
            assertThat(init.getImage()).isEqualTo("busybox:1.36");
            assertThat(init.getEnv()).singleElement().satisfies(e -> {
                assertThat(e.getValue()).as("the signed URL is not in the spec").isNull();
                assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(instance.id());
            });
        });
        var app = pod.getContainers().getFirst();
        assertThat(app.getImage()).isEqualTo("node:20-slim");
        assertThat(app.getCommand()).containsExactly("/bin/sh", "-c", "exec node server.js");
        assertThat(app.getEnvFrom()).singleElement().satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo(instance.id()));
        String spec = io.fabric8.kubernetes.client.utils.Serialization.asJson(d);
        assertThat(spec).as("no variable or signed URL in the Deployment").doesNotContain("GREETING").doesNotContain("sig=abc");
        var secret = client.secrets().inNamespace(ns).withName(instance.id()).get();
        Map<String, String> values = new java.util.HashMap<>(secret.getStringData() == null ? Map.of() : secret.getStringData());
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k, new String(java.util.Base64.getDecoder().decode(v))));
        }
        assertThat(values).containsEntry("GREETING", "hi").containsEntry("PORT", "8080")
                .hasEntrySatisfying("HELIX_ARTIFACT_URL", url -> assertThat(url).startsWith("https://helix.example/artifacts/" + "cd".repeat(32)));
        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(app.getResources().getLimits()).containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"))
                .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"));
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(instance.endpoint().host()).isEqualTo(instance.id() + "." + ns + ".svc");
        assertThat(client.services().inNamespace(ns).withName(instance.id()).get()).isNotNull();

        Instance preview = driver.deploy(web("shop", "preview/7", Duration.ofSeconds(5)));
        assertThat(client.apps().deployments().inNamespace("helix-shop-pr-7").withName(preview.id()).get()).isNotNull();
    }

    @Test
    void awaitReadyWaitsForTheRolloutAndGivesUpWithTheLastPhaseAfterTheTimeout() throws Exception {
        Instance instance = driver.deploy(web("shop", "production", Duration.ofSeconds(20)));
        CompletableFuture<Readiness> readiness = CompletableFuture.supplyAsync(() -> driver.awaitReady(instance));

        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STARTING);
        markReady("helix-shop-production", instance.id());

        assertThat(readiness.get()).isEqualTo(new Readiness.Ready());
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.RUNNING);

        KubernetesRuntimeDriver quick = new KubernetesRuntimeDriver(client, new KubernetesSettings("node:20-slim", "busybox:1.36",
                8080, null, Duration.ofMillis(900)), a -> URI.create("https://x/a.tar.gz"), sink, Clock.systemUTC());
        Instance slow = quick.deploy(new InstanceSpec(UUID.randomUUID(), "shop", "worker", artifact(), "node worker.js",
                Map.of(InstanceSpec.ENVIRONMENT, "production"), HealthCheck.processUp(Duration.ofMillis(100))));
        long started = System.nanoTime();
        assertThat(quick.awaitReady(slow)).isInstanceOfSatisfying(Readiness.NotReady.class,
                n -> assertThat(n.reason()).contains("rollout of " + slow.id() + " not ready within"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a worker's settle time is not its rollout deadline")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));

        Instance gone = driver.deploy(web("shop", "production", Duration.ofSeconds(30)));
        java.util.concurrent.Future<Readiness> waiting = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()
                .submit(() -> driver.awaitReady(gone));
        client.apps().deployments().inNamespace("helix-shop-production").withName(gone.id()).delete();
        assertThat(waiting.get()).isEqualTo(new Readiness.NotReady("Deployment " + gone.id() + " is gone"));
    }

    @Test
    void aCrashLoopingPodEndsTheWaitAtOnceWithItsReason() {
        Instance instance = driver.deploy(web("shop", "production", Duration.ofSeconds(30)));
        client.pods().inNamespace("helix-shop-production").resource(new PodBuilder()
                .withNewMetadata().withName(instance.id() + "-abc").withNamespace("helix-shop-production")
                .addToLabels(KubernetesRuntimeDriver.INSTANCE, instance.id()).endMetadata()
                .withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder().withName("app")
                        .withRestartCount(4).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off 40s restarting failed container").endWaiting().endState().build())
                .endStatus().build()).create();

        long started = System.nanoTime();
        Readiness readiness = driver.awaitReady(instance);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(readiness).isEqualTo(new Readiness.NotReady("pod " + instance.id() + "-abc, container app: CrashLoopBackOff"
                + " (back-off 40s restarting failed container)"));
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.CRASHED);
        assertThat(driver.stats(instance)).hasValueSatisfying(s -> assertThat(s.restarts()).isEqualTo(4));
    }

    @Test
    void promoteSwitchesTheAppsServiceAndIngressSoARollbackIsASwitchBack() {
        Instance v1 = driver.deploy(web("shop", "production", Duration.ofSeconds(5)));
        driver.promote(List.of(v1));
        String ns = "helix-shop-production";

        Service service = client.services().inNamespace(ns).withName("shop-web").get();
        assertThat(service.getSpec().getSelector()).containsEntry(KubernetesRuntimeDriver.DEPLOYMENT, v1.deploymentId().toString());
        Ingress ingress = client.network().v1().ingresses().inNamespace(ns).withName("shop-web").get();
        assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getHost()).isEqualTo("shop.example.com");
            assertThat(rule.getHttp().getPaths().getFirst().getBackend().getService().getName()).isEqualTo("shop-web");
        });

        Instance v2 = driver.deploy(web("shop", "production", Duration.ofSeconds(5)));
        driver.promote(List.of(v2));
        assertThat(client.services().inNamespace(ns).withName("shop-web").get().getSpec().getSelector())
                .containsEntry(KubernetesRuntimeDriver.DEPLOYMENT, v2.deploymentId().toString());

        driver.promote(List.of(v1));
        assertThat(client.services().inNamespace(ns).withName("shop-web").get().getSpec().getSelector())
                .containsEntry(KubernetesRuntimeDriver.DEPLOYMENT, v1.deploymentId().toString());

        InstanceSpec worker = new InstanceSpec(UUID.randomUUID(), "shop", "worker", artifact(), "node worker.js",
                Map.of(InstanceSpec.ENVIRONMENT, "production"), HealthCheck.processUp(Duration.ofSeconds(2)));
        Instance w = driver.deploy(worker);
        driver.promote(List.of(w));
        assertThat(client.network().v1().ingresses().inNamespace(ns).withName("shop-worker").get()).as("no ingress for a worker").isNull();
        assertThat(client.apps().deployments().inNamespace(ns).withName(w.id()).get().getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getReadinessProbe()).isNull();
    }

    @Test
    void cleanupDeletesTheInstanceAndIsIdempotent() {
        Instance instance = driver.deploy(web("shop", "production", Duration.ofSeconds(5)));

        driver.cleanup(instance, Duration.ofSeconds(10));
        driver.cleanup(instance, Duration.ofSeconds(10));

        assertThat(client.apps().deployments().inNamespace("helix-shop-production").withName(instance.id()).get()).isNull();
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
        assertThat(driver.stats(instance)).isEmpty();
    }

    @Test
    void anInstanceFromBeforeAPlatformRestartIsFoundByItsLabel() {
        Instance instance = driver.deploy(web("shop", "production", Duration.ofSeconds(5)));
        markReady("helix-shop-production", instance.id());
        KubernetesRuntimeDriver restarted = new KubernetesRuntimeDriver(client, KubernetesSettings.defaults(),
                a -> URI.create("https://x/a.tar.gz"), sink, Clock.systemUTC());

        assertThat(restarted.status(instance)).isEqualTo(InstanceStatus.RUNNING);
        assertThat(restarted.adopt(instance.deploymentId())).containsExactly(instance);
        restarted.promote(restarted.adopt(instance.deploymentId()));
        assertThat(client.network().v1().ingresses().inNamespace("helix-shop-production").withName("shop-web").get().getSpec()
                .getRules().getFirst().getHost()).as("the adopted instance keeps its public host").isEqualTo("shop.example.com");
        assertThat(restarted.adopt(UUID.randomUUID())).isEmpty();
        restarted.cleanup(instance, Duration.ofSeconds(1));
        assertThat(client.apps().deployments().inNamespace("helix-shop-production").withName(instance.id()).get()).isNull();
    }

    @Test
    void aTaskIsAJobThatMustSucceed() throws Exception {
        TaskSpec task = new TaskSpec(UUID.randomUUID(), "shop", "release", artifact(), "npm run migrate",
                Map.of(InstanceSpec.ENVIRONMENT, "production"), Duration.ofSeconds(20), Resources.NONE);
        CompletableFuture<TaskResult> result = CompletableFuture.supplyAsync(() -> driver.run(task));

        Job job = await().until(() -> client.batch().v1().jobs().inNamespace("helix-shop-production").list().getItems(),
                jobs -> !jobs.isEmpty()).getFirst();
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getCommand())
                .containsExactly("/bin/sh", "-c", "npm run migrate");
        finish(job, true);

        assertThat(result.get()).isInstanceOf(TaskResult.Succeeded.class);

        TaskSpec failing = new TaskSpec(UUID.randomUUID(), "shop", "release", artifact(), "false",
                Map.of(InstanceSpec.ENVIRONMENT, "production"), Duration.ofSeconds(20), Resources.NONE);
        CompletableFuture<TaskResult> failed = CompletableFuture.supplyAsync(() -> driver.run(failing));
        Job second = await().until(() -> client.batch().v1().jobs().inNamespace("helix-shop-production").list().getItems(),
                jobs -> jobs.size() == 2).stream().filter(j -> !j.getMetadata().getName().equals(job.getMetadata().getName()))
                .findFirst().orElseThrow();
        finish(second, false);
        assertThat(failed.get()).isEqualTo(new TaskResult.Failed("release failed"));

        TaskResult timedOut = driver.run(new TaskSpec(UUID.randomUUID(), "shop", "release", artifact(), "sleep 600",
                Map.of(InstanceSpec.ENVIRONMENT, "production"), Duration.ofSeconds(1), Resources.NONE));
        assertThat(timedOut).isInstanceOfSatisfying(TaskResult.Failed.class, f -> assertThat(f.reason()).contains("killed"));
    }

    @Test
    void logsComeFromThePodLogApiWithTheirTimestamps() {
        Instance instance = driver.deploy(web("shop", "production", Duration.ofSeconds(5)));
        String ns = "helix-shop-production";
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(instance.id() + "-p1").withNamespace(ns)
                .addToLabels(KubernetesRuntimeDriver.INSTANCE, instance.id()).endMetadata().build()).create();
        server.expect().get().withPath("/api/v1/namespaces/" + ns + "/pods/" + instance.id() + "-p1/log?pretty=false&container=app"
                        + "&tailLines=50&timestamps=true")
                .andReturn(200, "2026-11-23T10:00:01.000000000Z listening on 8080\n2026-11-23T10:00:02.500000000Z GET / 200\n")
                .always();

        List<io.helixstack.plugin.api.LogRecord> logs = driver.collectLogs(instance, 50);

        assertThat(logs).extracting(io.helixstack.plugin.api.LogRecord::line).containsExactly("listening on 8080", "GET / 200");
        assertThat(logs.getFirst().at()).isEqualTo(Instant.parse("2026-11-23T10:00:01Z"));
        assertThat(logs).allSatisfy(r -> assertThat(r.source()).isEqualTo(instance.id()));
    }

    @Test
    void namesAreValidDnsLabels() {
        assertThat(KubernetesRuntimeDriver.namespace("shop", "branch/Feature_X")).isEqualTo("helix-shop-br-feature-x");
        assertThat(KubernetesRuntimeDriver.dnsLabel("a".repeat(80) + "-")).hasSize(63);
        assertThat(KubernetesRuntimeDriver.dnsLabel("--x--")).isEqualTo("x");
        String a = KubernetesRuntimeDriver.uniqueName("a".repeat(80));
        String b = KubernetesRuntimeDriver.uniqueName("a".repeat(80));
        assertThat(a).hasSizeLessThanOrEqualTo(63).matches("a+-[0-9a-f]{8}").isNotEqualTo(b);
        assertThatThrownBy(() -> driver.awaitReady(new Instance("unknown", UUID.randomUUID(), "shop", "web",
                new io.helixstack.plugin.api.Endpoint("x", 80)))).hasMessageContaining("expected: one deployed by this driver");
    }

    private void markReady(String ns, String name) {
        client.apps().deployments().inNamespace(ns).withName(name)
                .edit(d -> new DeploymentBuilder(d).editOrNewStatus().withReplicas(1).withReadyReplicas(1).endStatus().build());
    }

    private void finish(Job job, boolean succeeded) {
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .edit(j -> succeeded ? new JobBuilder(j).editOrNewStatus().withSucceeded(1).endStatus().build()
                        : new JobBuilder(j).editOrNewStatus().withFailed(1).endStatus().build());
    }

    private static InstanceSpec web(String app, String environment, Duration healthTimeout) {
        return new InstanceSpec(UUID.randomUUID(), app, "web", artifact(), "node server.js",
                Map.of("GREETING", "hi", InstanceSpec.ENVIRONMENT, environment, InstanceSpec.ROUTE_HOST, app + ".example.com"),
                new HealthCheck("/healthz", healthTimeout),
                new Resources(OptionalDouble.of(0.5), OptionalLong.of(256)));
    }

    private static Artifact artifact() {
        ArtifactMetadata metadata = new ArtifactMetadata(DIGEST, "node", ArtifactKind.SERVER, "node server.js", null,
                new Source.Upload(DIGEST), Map.of(), Instant.parse("2025-01-01T00:00:00Z"));
        return new Artifact(metadata, Path.of("/nonexistent"));
    }
}
