package io.helixstack.manifest;

import static io.helixstack.manifest.YamlOutput.list;
import static io.helixstack.manifest.YamlOutput.map;

import io.helixstack.domain.InvalidInputException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates a manifest into Kubernetes objects for one environment, in apply order: the Namespace
 * {@code helix-<app>-<env>}; per database a Secret with its credentials, a headless Service and a
 * StatefulSet with a volume claim; the release Job; per service a Deployment, and for services with an
 * {@code http_port} a Service and an Ingress (networking.k8s.io/v1).
 *
 * <p>Hosts: the first service with an {@code http_port} answers {@code <app>.<base-domain>} in
 * production and {@code <env>.<app>.<base-domain>} elsewhere; other web services get their name in
 * front, e.g. {@code admin.<app>.<base-domain>}.
 */
public final class KubernetesTranslator {
    static final String PART_OF = "helixstack";
    static final String ENVIRONMENT_LABEL = "helixstack.io/environment";

    /**
     * The objects as ordered maps, ready for an API client.
     *
     * @throws InvalidInputException when the context lacks credentials for a database
     */
    public List<Map<String, Object>> objects(Manifest manifest, TranslationContext context) {
        List<Map<String, Object>> objects = new ArrayList<>();
        objects.add(map("apiVersion", "v1", "kind", "Namespace",
                "metadata", map("name", context.namespace(), "labels", labels(context, null))));
        for (DatabaseSpec db : manifest.databases()) {
            objects.addAll(KubernetesDatabases.objects(db, context));
        }
        manifest.release().ifPresent(release -> objects.add(releaseJob(manifest, release, context)));
        for (ServiceSpec service : manifest.services()) {
            objects.add(deployment(manifest, service, context));
            if (!service.isWorker()) {
                objects.add(service(service, context));
                objects.add(ingress(manifest, service, context));
            }
        }
        return objects;
    }

    /** The objects as one multi-document YAML stream, for {@code kubectl apply -f}. */
    public String translate(Manifest manifest, TranslationContext context) {
        return YamlOutput.writeAll(objects(manifest, context));
    }

    /** The host a web service answers on (see the class comment). */
    static String host(Manifest manifest, ServiceSpec service, TranslationContext context) {
        ServiceSpec primary = manifest.services().stream().filter(s -> !s.isWorker()).findFirst().orElseThrow();
        String prefix = service.equals(primary) ? "" : service.name() + ".";
        String environment = "production".equals(context.environment()) ? "" : context.environment() + ".";
        return prefix + environment + context.app() + "." + context.baseDomain();
    }

    static Map<String, Object> metadata(String name, TranslationContext context, String component) {
        return map("name", name, "namespace", context.namespace(), "labels", labels(context, component));
    }

    static Map<String, Object> labels(TranslationContext context, String component) {
        return map(
                "app.kubernetes.io/name", context.app(),
                "app.kubernetes.io/component", component,
                "app.kubernetes.io/part-of", PART_OF,
                "app.kubernetes.io/managed-by", PART_OF,
                ENVIRONMENT_LABEL, context.environment());
    }

    /** What selects a component's pods: stable across deployments, unlike the other labels it could gain. */
    static Map<String, Object> selector(TranslationContext context, String component) {
        return map("app.kubernetes.io/name", context.app(), "app.kubernetes.io/component", component);
    }

    private Map<String, Object> deployment(Manifest manifest, ServiceSpec service, TranslationContext context) {
        Map<String, Object> extra = map(
                "ports", service.httpPort().isPresent()
                        ? list(map("name", "http", "containerPort", service.httpPort().getAsInt(), "protocol", "TCP")) : null,
                "resources", YamlOutput.nonEmpty(resources(service)));
        service.healthcheck().ifPresentOrElse(check -> {
            Map<String, Object> httpGet = map("path", check.path(), "port", check.port());
            extra.put("readinessProbe", map("httpGet", httpGet, "periodSeconds", 5, "timeoutSeconds", 3, "failureThreshold", 3));
            extra.put("livenessProbe", map("httpGet", httpGet, "initialDelaySeconds", 15, "periodSeconds", 10,
                    "timeoutSeconds", 3, "failureThreshold", 3));
        }, () -> service.httpPort().ifPresent(port ->
                // Without a healthcheck, ready means accepting connections on the http port.
                extra.put("readinessProbe", map("tcpSocket", map("port", port), "periodSeconds", 5))));
        Map<String, Object> pod = KubernetesPods.podSpec(manifest, service, context, service.name(), context.commandOf(service),
                extra, "Always");
        return map(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", metadata(service.name(), context, service.name()),
                "spec", map(
                        "replicas", service.instances(),
                        "selector", map("matchLabels", selector(context, service.name())),
                        // Zero downtime: a new pod must be ready before an old one goes.
                        "strategy", map("type", "RollingUpdate", "rollingUpdate", map("maxUnavailable", 0, "maxSurge", 1)),
                        "template", map("metadata", map("labels", labels(context, service.name())), "spec", pod)));
    }

    private static Map<String, Object> resources(ServiceSpec service) {
        Map<String, Object> amounts = map(
                "cpu", service.cpu().map(KubernetesTranslator::millicores).orElse(null),
                "memory", service.memoryMb().isPresent() ? service.memoryMb().getAsInt() + "Mi" : null);
        return amounts.isEmpty() ? map() : map("requests", amounts, "limits", amounts);
    }

    static String millicores(BigDecimal cores) {
        return cores.movePointRight(3).intValueExact() + "m";
    }

    private Map<String, Object> service(ServiceSpec service, TranslationContext context) {
        return map(
                "apiVersion", "v1",
                "kind", "Service",
                "metadata", metadata(service.name(), context, service.name()),
                "spec", map(
                        "selector", selector(context, service.name()),
                        "ports", list(map("name", "http", "port", service.httpPort().getAsInt(), "targetPort", "http",
                                "protocol", "TCP"))));
    }

    private Map<String, Object> ingress(Manifest manifest, ServiceSpec service, TranslationContext context) {
        Map<String, Object> backend = map("service", map("name", service.name(), "port", map("name", "http")));
        return map(
                "apiVersion", "networking.k8s.io/v1",
                "kind", "Ingress",
                "metadata", metadata(service.name(), context, service.name()),
                "spec", map("rules", list(map(
                        "host", host(manifest, service, context),
                        "http", map("paths", list(map("path", "/", "pathType", "Prefix", "backend", backend)))))));
    }

    private Map<String, Object> releaseJob(Manifest manifest, String release, TranslationContext context) {
        ServiceSpec first = manifest.services().getFirst();
        Map<String, Object> pod = KubernetesPods.podSpec(manifest, first, context, "release", Optional.of(release), map(), "Never");
        return map(
                "apiVersion", "batch/v1",
                "kind", "Job",
                "metadata", metadata(releaseJobName(context), context, "release"),
                "spec", map(
                        "backoffLimit", 0,
                        "template", map("metadata", map("labels", labels(context, "release")), "spec", pod)));
    }

    /**
     * Named after what it runs: a Job's pod template cannot change, so each artifact gets its own Job,
     * and applying the same artifact again leaves the finished one alone (no TTL, so it stays until the
     * driver removes it). The URL's query (its signature, which changes on every request) is left out.
     */
    static String releaseJobName(TranslationContext context) {
        String what = context.image() + "|" + context.artifactUrl().map(u -> {
            String s = u.toString();
            int query = s.indexOf('?');
            return query < 0 ? s : s.substring(0, query);
        }).orElse("");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
            return "helix-release-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
