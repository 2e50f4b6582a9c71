package io.helixstack.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.helixstack.plugin.api.Resources;
import java.util.LinkedHashMap;
import java.util.Map;

/** The pod a Kubernetes instance or task runs: the stack image on the artifact an init container fetched, env from a Secret. */
final class PodTemplates {
    private final KubernetesSettings settings;

    PodTemplates(KubernetesSettings settings) {
        this.settings = settings;
    }

    PodSpec podSpec(String secret, String command, Resources resources, String healthPath, String restartPolicy) {
        Container fetch = new ContainerBuilder().withName("fetch-artifact").withImage(settings.fetchImage())
                .withCommand("sh", "-c", "wget -q -O - \"$" + KubernetesRuntimeDriver.ARTIFACT_URL + "\" | tar -xzf - -C /app")
                .addNewEnv().withName(KubernetesRuntimeDriver.ARTIFACT_URL).withNewValueFrom().withNewSecretKeyRef(KubernetesRuntimeDriver.ARTIFACT_URL, secret, false)
                .endValueFrom().endEnv()
                .addNewVolumeMount().withName("app").withMountPath("/app").endVolumeMount()
                .build();
        ContainerBuilder app = new ContainerBuilder().withName(KubernetesRuntimeDriver.CONTAINER).withImage(settings.stackImage())
                .withWorkingDir("/app").withCommand("/bin/sh", "-c", command)
                .addNewEnvFrom().withNewSecretRef(secret, false).endEnvFrom()
                .addNewPort().withName("http").withContainerPort(settings.containerPort()).endPort()
                .addNewVolumeMount().withName("app").withMountPath("/app").withReadOnly(true).endVolumeMount()
                .withResources(resources(resources));
        if (healthPath != null) {
            app.withNewReadinessProbe().withNewHttpGet().withPath(healthPath).withNewPort(settings.containerPort()).endHttpGet()
                    .withPeriodSeconds(2).withFailureThreshold(3).endReadinessProbe();
        }
        return new PodSpecBuilder().withRestartPolicy(restartPolicy).withAutomountServiceAccountToken(false)
                .withInitContainers(fetch).withContainers(app.build())
                .addNewVolume().withName("app").withNewEmptyDir().endEmptyDir().endVolume()
                .build();
    }

    static io.fabric8.kubernetes.api.model.ResourceRequirements resources(Resources resources) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
        resources.cpus().ifPresent(c -> {
            Quantity q = new Quantity(Math.round(c * 1000) + "m");
            builder.addToRequests("cpu", q).addToLimits("cpu", q);
        });
        resources.memoryMb().ifPresent(m -> {
            Quantity q = new Quantity(m + "Mi");
            builder.addToRequests("memory", q).addToLimits("memory", q);
        });
        return builder.build();
    }

    static Map<String, String> labels(String app, String service, String deploymentId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubernetesRuntimeDriver.MANAGED_BY, "helixstack");
        labels.put(KubernetesRuntimeDriver.APP, app);
        labels.put(KubernetesRuntimeDriver.SERVICE, service);
        if (deploymentId != null) {
            labels.put(KubernetesRuntimeDriver.DEPLOYMENT, deploymentId);
        }
        return labels;
    }

}
