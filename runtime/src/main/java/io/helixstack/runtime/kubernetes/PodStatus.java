package io.helixstack.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the pods of an instance or a Job say about themselves: stuck, phase, restarts, exit. */
final class PodStatus {
    private final KubernetesClient client;

    PodStatus(KubernetesClient client) {
        this.client = client;
    }

    List<Pod> pods(String namespace, String instanceId) {
        return client.pods().inNamespace(namespace).withLabel(KubernetesRuntimeDriver.INSTANCE, instanceId).list().getItems();
    }

    /** A pod that cannot get going by itself: a crash loop, an image that cannot be pulled, a bad configuration. */
    Optional<String> stuckReason(String namespace, String instanceId) {
        for (Pod pod : pods(namespace, instanceId)) {
            if (pod.getStatus() == null) {
                continue;
            }
            List<ContainerStatus> statuses = new ArrayList<>();
            Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).ifPresent(statuses::addAll);
            Optional.ofNullable(pod.getStatus().getContainerStatuses()).ifPresent(statuses::addAll);
            for (ContainerStatus status : statuses) {
                if (status.getState() != null && status.getState().getWaiting() != null) {
                    String reason = status.getState().getWaiting().getReason();
                    if (List.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
                            "InvalidImageName").contains(reason)) {
                        String message = status.getState().getWaiting().getMessage();
                        return Optional.of("pod " + pod.getMetadata().getName() + ", container " + status.getName() + ": " + reason
                                + (message == null || message.isBlank() ? "" : " (" + message + ")"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    Optional<String> podPhase(String namespace, String instanceId) {
        return pods(namespace, instanceId).stream().filter(p -> p.getStatus() != null && p.getStatus().getPhase() != null)
                .map(p -> "pod " + p.getMetadata().getName() + " " + p.getStatus().getPhase()).findFirst();
    }

    int restarts(String namespace, String instanceId) {
        return pods(namespace, instanceId).stream().filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).sum();
    }

    Optional<String> jobExit(String namespace, String job) {
        for (Pod pod : client.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems()) {
            if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
                for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
                    if (s.getState() != null && s.getState().getTerminated() != null) {
                        var t = s.getState().getTerminated();
                        return Optional.of("exited with code " + t.getExitCode() + (t.getReason() == null ? "" : " (" + t.getReason() + ")"));
                    }
                }
            }
        }
        return Optional.empty();
    }

}
