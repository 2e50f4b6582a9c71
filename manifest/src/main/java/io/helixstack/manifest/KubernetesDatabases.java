package io.helixstack.manifest;

import static io.helixstack.manifest.YamlOutput.list;
import static io.helixstack.manifest.YamlOutput.map;

import java.util.List;
import java.util.Map;

/** A database as Kubernetes objects: a Secret with its credentials, a headless Service and a StatefulSet with a volume claim. */
final class KubernetesDatabases {
    private static final String POSTGRES_DATA = "/var/lib/postgresql/data";

    private KubernetesDatabases() {}

    static List<Map<String, Object>> objects(DatabaseSpec db, TranslationContext context) {
        DatabaseEndpoint endpoint = context.endpoint(db);
        Map<String, Object> secret = map(
                "apiVersion", "v1",
                "kind", "Secret",
                "metadata", KubernetesTranslator.metadata(KubernetesPods.secretName(db.name()), context, db.name()),
                "type", "Opaque",
                // The keys are the manifest's reference fields, so ${postgres.URL} reads key URL.
                "stringData", map(
                        "URL", endpoint.url(),
                        "HOST", endpoint.host(),
                        "PORT", Integer.toString(endpoint.port()),
                        "USER", endpoint.credentials().user(),
                        "PASSWORD", endpoint.credentials().password(),
                        "DATABASE", endpoint.credentials().database()));
        String portName = db.type().urlScheme();
        Map<String, Object> service = map(
                "apiVersion", "v1",
                "kind", "Service",
                "metadata", KubernetesTranslator.metadata(db.name(), context, db.name()),
                "spec", map(
                        // Headless: the StatefulSet's pod gets a stable DNS name, and there is one pod.
                        "clusterIP", "None",
                        "selector", KubernetesTranslator.selector(context, db.name()),
                        "ports", list(map("name", portName, "port", db.type().port(), "targetPort", portName,
                                "protocol", "TCP"))));
        return List.of(secret, service, statefulSet(db, context, portName));
    }

    private static Map<String, Object> statefulSet(DatabaseSpec db, TranslationContext context, String portName) {
        Map<String, Object> container = switch (db.type()) {
            case POSTGRESQL -> map(
                    "name", "postgresql",
                    "image", db.image(),
                    "env", list(
                            map("name", "POSTGRES_USER", "valueFrom", KubernetesPods.secretRef(db.name(), "USER")),
                            map("name", "POSTGRES_PASSWORD", "valueFrom", KubernetesPods.secretRef(db.name(), "PASSWORD")),
                            map("name", "POSTGRES_DB", "valueFrom", KubernetesPods.secretRef(db.name(), "DATABASE")),
                            // A subdirectory: the volume's root holds lost+found, which initdb refuses.
                            map("name", "PGDATA", "value", POSTGRES_DATA + "/pgdata")),
                    "volumeMounts", list(map("name", "data", "mountPath", POSTGRES_DATA)));
            case REDIS -> map(
                    "name", "redis",
                    "image", db.image(),
                    "command", list("/bin/sh", "-c",
                            KubernetesPods.escape("exec redis-server --appendonly yes --requirepass \"$REDIS_PASSWORD\"")),
                    "env", list(
                            map("name", "REDIS_PASSWORD", "valueFrom", KubernetesPods.secretRef(db.name(), "PASSWORD")),
                            // Lets the probes' redis-cli authenticate without a password argument.
                            map("name", "REDISCLI_AUTH", "valueFrom", KubernetesPods.secretRef(db.name(), "PASSWORD"))),
                    "volumeMounts", list(map("name", "data", "mountPath", "/data")));
        };
        // Exec probes are not expanded by the kubelet: the shell reads the variables.
        List<Object> check = switch (db.type()) {
            case POSTGRESQL -> list("/bin/sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\"");
            case REDIS -> list("redis-cli", "ping");
        };
        container.put("ports", list(map("name", portName, "containerPort", db.type().port(), "protocol", "TCP")));
        container.put("readinessProbe", map("exec", map("command", check), "periodSeconds", 5, "timeoutSeconds", 5));
        container.put("livenessProbe", map("exec", map("command", check), "initialDelaySeconds", 30, "periodSeconds", 10,
                "timeoutSeconds", 5));
        return map(
                "apiVersion", "apps/v1",
                "kind", "StatefulSet",
                "metadata", KubernetesTranslator.metadata(db.name(), context, db.name()),
                "spec", map(
                        "serviceName", db.name(),
                        "replicas", 1,
                        "selector", map("matchLabels", KubernetesTranslator.selector(context, db.name())),
                        "template", map(
                                "metadata", map("labels", KubernetesTranslator.labels(context, db.name())),
                                "spec", map("containers", list(container))),
                        "volumeClaimTemplates", list(map(
                                "apiVersion", "v1",
                                "kind", "PersistentVolumeClaim",
                                "metadata", map("name", "data", "labels", KubernetesTranslator.labels(context, db.name())),
                                "spec", map(
                                        "accessModes", list("ReadWriteOnce"),
                                        "resources", map("requests", map("storage", db.storageGb() + "Gi")))))));
    }
}
