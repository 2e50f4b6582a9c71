package io.helixstack.manifest;

import static io.helixstack.manifest.YamlOutput.list;
import static io.helixstack.manifest.YamlOutput.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The pod parts shared by a service's Deployment and the release Job: containers, env, artifact volume. */
final class KubernetesPods {
    private KubernetesPods() {}

    /** The kubelet expands {@code $(VAR)} in commands, args and env values; {@code $$} is a literal {@code $}. */
    static String escape(String text) {
        return text.replace("$", "$$");
    }

    static String secretName(String database) {
        return database + "-credentials";
    }

    /**
     * A pod spec running one container (the service's, or the release command's) with the artifact
     * fetched first when the context has one.
     */
    static Map<String, Object> podSpec(Manifest manifest, ServiceSpec service, TranslationContext context, String containerName,
            Optional<String> command, Map<String, Object> extra, String restartPolicy) {
        boolean artifact = context.artifactUrl().isPresent();
        Map<String, Object> container = map(
                "name", containerName,
                "image", context.image(),
                "command", command.map(c -> list("/bin/sh", "-c", escape(c))).orElse(null),
                "workingDir", artifact ? ArtifactFetch.MOUNT_PATH : null,
                "env", YamlOutput.nonEmpty(env(manifest, service)));
        container.putAll(extra);
        if (artifact) {
            container.put("volumeMounts", list(map("name", ArtifactFetch.VOLUME, "mountPath", ArtifactFetch.MOUNT_PATH)));
        }
        return map(
                "restartPolicy", restartPolicy,
                "initContainers", artifact ? list(fetchContainer(context)) : null,
                "containers", list(container),
                "volumes", artifact ? list(map("name", ArtifactFetch.VOLUME, "emptyDir", map())) : null);
    }

    private static Map<String, Object> fetchContainer(TranslationContext context) {
        return map(
                "name", "fetch-artifact",
                "image", ArtifactFetch.IMAGE,
                "command", list("/bin/sh", "-c", escape(ArtifactFetch.SCRIPT)),
                "env", list(map("name", ArtifactFetch.URL_VARIABLE, "value", escape(context.artifactUrl().orElseThrow().toString()))),
                "volumeMounts", list(map("name", ArtifactFetch.VOLUME, "mountPath", ArtifactFetch.MOUNT_PATH)));
    }

    /**
     * The container env: a value that is exactly one reference reads the database's Secret directly; a
     * value that mixes text and references is composed with {@code $(VAR)} from helper variables that
     * read the Secret, listed first because the kubelet only expands variables defined earlier.
     */
    static List<Object> env(Manifest manifest, ServiceSpec service) {
        Map<String, Object> helpers = new LinkedHashMap<>();
        List<Object> own = new ArrayList<>();
        service.env().forEach((name, raw) -> {
            List<EnvTemplate.Part> parts = EnvTemplate.parse(raw).parts();
            if (parts.size() == 1 && parts.getFirst() instanceof EnvTemplate.Reference ref) {
                own.add(map("name", name, "valueFrom", secretRef(ref)));
                return;
            }
            String value = EnvTemplate.render(raw, KubernetesPods::escape, ref -> {
                String helper = helperName(ref);
                helpers.putIfAbsent(helper, map("name", helper, "valueFrom", secretRef(ref)));
                return "$(" + helper + ")";
            });
            own.add(map("name", name, "value", value));
        });
        List<Object> env = new ArrayList<>(helpers.values());
        env.addAll(own);
        return env;
    }

    static Map<String, Object> secretRef(String database, String key) {
        return map("secretKeyRef", map("name", secretName(database), "key", key));
    }

    private static Map<String, Object> secretRef(EnvTemplate.Reference ref) {
        return secretRef(ref.database(), ref.field());
    }

    private static String helperName(EnvTemplate.Reference ref) {
        return "HELIX_DB_" + ref.database().toUpperCase(Locale.ROOT).replace('-', '_') + "_" + ref.field();
    }
}
