package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class KubernetesTranslatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesTranslator translator = new KubernetesTranslator();

    static List<String> examples = Fixtures.VALID_EXAMPLES;

    @Test
    void matchesGoldenFiles() {
        Manifest full = Fixtures.manifest("full.yaml");
        Golden.assertMatches("full.artifact-production.k8s.yaml", translator.translate(full, Fixtures.artifactContext()));
        Golden.assertMatches("full.image-staging.k8s.yaml", translator.translate(full, Fixtures.imageContext()));
    }

    @ParameterizedTest
    @FieldSource("examples")
    void passesKubernetesSchemaValidation(String example) {
        for (TranslationContext context : Fixtures.contexts()) {
            KubernetesSchemaCheck.validate(translator.objects(Fixtures.manifest(example), context));
        }
    }

    @Test
    void theSchemaChecksRejectBrokenObjects() {
        Map<String, Object> deployment = find(translator.objects(Fixtures.manifest("full.yaml"), Fixtures.imageContext()),
                "Deployment", "web");

        Map<String, Object> unknownField = copy(deployment);
        container(unknownField).put("cpuLimit", "1");
        assertThatThrownBy(() -> KubernetesSchemaCheck.validate(List.of(unknownField)))
                .hasMessageContaining("cpuLimit").hasMessageContaining("V1Container");

        Map<String, Object> missingRequired = copy(deployment);
        container(missingRequired).remove("name");
        assertThatThrownBy(() -> KubernetesSchemaCheck.validate(List.of(missingRequired)))
                .hasMessageContaining("required field `name` is not found");

        Map<String, Object> wrongType = copy(deployment);
        container(wrongType).put("image", List.of("shop:1"));
        assertThatThrownBy(() -> KubernetesSchemaCheck.validate(List.of(wrongType)))
                .hasMessageContaining("Expected the field `image` to be a primitive type");

        Map<String, Object> badName = copy(deployment);
        metadata(badName).put("name", "Web_1");
        assertThatThrownBy(() -> KubernetesSchemaCheck.validate(List.of(badName))).hasMessageContaining("Deployment/Web_1 name");
    }

    @Test
    void everyObjectIsLabelledAndNamespaced() {
        List<Map<String, Object>> objects = translator.objects(Fixtures.manifest("full.yaml"), Fixtures.artifactContext());

        assertThat(objects).extracting(o -> o.get("kind") + "/" + ((Map<?, ?>) o.get("metadata")).get("name")).containsExactly(
                "Namespace/helix-shop-production",
                "Secret/postgres-credentials", "Service/postgres", "StatefulSet/postgres",
                "Secret/cache-credentials", "Service/cache", "StatefulSet/cache",
                "Job/" + KubernetesTranslator.releaseJobName(Fixtures.artifactContext()),
                "Deployment/web", "Service/web", "Ingress/web",
                "Deployment/worker");
        for (Map<String, Object> object : objects) {
            JsonNode metadata = JSON.valueToTree(object).get("metadata");
            assertThat(metadata.at("/labels/app.kubernetes.io~1name").asText()).isEqualTo("shop");
            assertThat(metadata.at("/labels/app.kubernetes.io~1part-of").asText()).isEqualTo("helixstack");
            assertThat(metadata.at("/labels/helixstack.io~1environment").asText()).isEqualTo("production");
            if (!"Namespace".equals(object.get("kind"))) {
                assertThat(metadata.get("namespace").asText()).isEqualTo("helix-shop-production");
            }
        }
    }

    @Test
    void deploymentsCarryReplicasResourcesProbesEnvAndTheArtifact() {
        List<Map<String, Object>> objects = translator.objects(Fixtures.manifest("full.yaml"), Fixtures.artifactContext());
        JsonNode web = JSON.valueToTree(find(objects, "Deployment", "web"));
        JsonNode pod = web.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");

        assertThat(web.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(container.get("resources")).isEqualTo(JSON.valueToTree(Map.of(
                "requests", Map.of("cpu", "500m", "memory", "512Mi"), "limits", Map.of("cpu", "500m", "memory", "512Mi"))));
        assertThat(container.at("/readinessProbe/httpGet")).isEqualTo(JSON.valueToTree(Map.of("path", "/healthz", "port", 3000)));
        assertThat(container.at("/livenessProbe/httpGet")).isEqualTo(JSON.valueToTree(Map.of("path", "/healthz", "port", 3000)));
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(3000);
        assertThat(container.get("workingDir").asText()).isEqualTo("/app");
        assertThat(pod.at("/initContainers/0/env/0/value").asText())
                .isEqualTo("https://helix.example.com/artifacts/sha256-9f86d081/download?expires=1767225600&signature=abc123");
        assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
        assertThat(container.at("/env/1")).isEqualTo(JSON.valueToTree(Map.of("name", "DATABASE_URL",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "postgres-credentials", "key", "URL")))));
        // $ doubled: the kubelet would otherwise expand $(...) and $$ in env values.
        assertThat(container.at("/env/3")).isEqualTo(JSON.valueToTree(Map.of("name", "PRICE_FORMAT", "value", "$${amount} $$")));

        JsonNode worker = JSON.valueToTree(find(objects, "Deployment", "worker"));
        assertThat(worker.at("/spec/template/spec/containers/0/ports").isMissingNode()).isTrue();
        assertThat(worker.at("/spec/template/spec/containers/0/readinessProbe").isMissingNode()).isTrue();
        assertThat(worker.at("/spec/template/spec/containers/0/resources/limits/cpu").asText()).isEqualTo("250m");
    }

    @Test
    void mixedEnvValuesAreComposedFromSecretBackedVariables() {
        JsonNode site = JSON.valueToTree(find(translator.objects(Fixtures.manifest("two-web-services.yaml"),
                Fixtures.imageContext()), "Deployment", "site"));
        List<String> names = new ArrayList<>();
        site.at("/spec/template/spec/containers/0/env").forEach(e -> names.add(e.get("name").asText()));

        assertThat(names).containsExactly("HELIX_DB_MAIN_DB_USER", "HELIX_DB_MAIN_DB_PASSWORD", "HELIX_DB_MAIN_DB_HOST",
                "HELIX_DB_MAIN_DB_PORT", "HELIX_DB_MAIN_DB_DATABASE", "MAIN_DB", "GREETING");
        assertThat(site.at("/spec/template/spec/containers/0/env/5/value").asText()).isEqualTo("postgres://$(HELIX_DB_MAIN_DB_USER):"
                + "$(HELIX_DB_MAIN_DB_PASSWORD)@$(HELIX_DB_MAIN_DB_HOST):$(HELIX_DB_MAIN_DB_PORT)/$(HELIX_DB_MAIN_DB_DATABASE)"
                + "?sslmode=disable");
        assertThat(site.at("/spec/template/spec/containers/0/env/6/value").asText()).isEqualTo("it costs $$5, or $$(echo free)");
        assertThat(site.at("/spec/template/spec/containers/0/readinessProbe/tcpSocket/port").asInt()).isEqualTo(8080);
    }

    @Test
    void webServicesGetAServiceAndAnIngressOnTheirHost() {
        Manifest portal = Fixtures.manifest("two-web-services.yaml");
        TranslationContext production = TranslationContext.ofImage("portal", "production", "apps.example.com", "portal:1",
                Fixtures.CREDENTIALS);
        List<Map<String, Object>> objects = translator.objects(portal, production);

        assertThat(JSON.valueToTree(find(objects, "Ingress", "site")).at("/spec/rules/0/host").asText())
                .isEqualTo("portal.apps.example.com");
        assertThat(JSON.valueToTree(find(objects, "Ingress", "admin")).at("/spec/rules/0/host").asText())
                .isEqualTo("admin.portal.apps.example.com");
        assertThat(KubernetesTranslator.host(portal, portal.services().getFirst(), Fixtures.imageContext()))
                .isEqualTo("staging.shop.apps.example.com");
        JsonNode service = JSON.valueToTree(find(objects, "Service", "admin"));
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
        assertThat(service.at("/spec/selector")).isEqualTo(JSON.valueToTree(Map.of(
                "app.kubernetes.io/name", "portal", "app.kubernetes.io/component", "admin")));
        assertThat(JSON.valueToTree(find(objects, "Deployment", "admin")).at("/spec/template/spec/containers/0/resources/limits/cpu")
                .asText()).isEqualTo("2000m");
    }

    @Test
    void databasesBecomeSecretsHeadlessServicesAndStatefulSets() {
        List<Map<String, Object>> objects = translator.objects(Fixtures.manifest("full.yaml"), Fixtures.imageContext());

        JsonNode secret = JSON.valueToTree(find(objects, "Secret", "postgres-credentials"));
        assertThat(secret.get("stringData")).isEqualTo(JSON.valueToTree(Map.of(
                "URL", "postgresql://shop:pg%24ecret-1@postgres:5432/shop", "HOST", "postgres", "PORT", "5432",
                "USER", "shop", "PASSWORD", "pg$ecret-1", "DATABASE", "shop")));
        assertThat(JSON.valueToTree(find(objects, "Service", "postgres")).at("/spec/clusterIP").asText()).isEqualTo("None");
        JsonNode postgres = JSON.valueToTree(find(objects, "StatefulSet", "postgres"));
        assertThat(postgres.at("/spec/serviceName").asText()).isEqualTo("postgres");
        assertThat(postgres.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("postgres:15");
        assertThat(postgres.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("10Gi");
        assertThat(postgres.at("/spec/template/spec/containers/0/readinessProbe/exec/command/2").asText())
                .startsWith("pg_isready");
        JsonNode redis = JSON.valueToTree(find(objects, "StatefulSet", "cache"));
        assertThat(redis.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("redis:7.2");
        assertThat(redis.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("1Gi");
        assertThat(JSON.valueToTree(find(objects, "Secret", "cache-credentials")).at("/stringData/URL").asText())
                .isEqualTo("redis://default:redis%24ecret-2@cache:6379/0");
    }

    @Test
    void theReleaseJobIsNamedAfterTheArtifactNotItsSignature() {
        TranslationContext first = Fixtures.artifactContext();
        TranslationContext resigned = TranslationContext.ofArtifact("shop", "production", "apps.example.com", "node:22-slim",
                URI.create("https://helix.example.com/artifacts/sha256-9f86d081/download?expires=1767229999&signature=zzz"),
                "node server.js", Fixtures.CREDENTIALS);
        TranslationContext other = TranslationContext.ofArtifact("shop", "production", "apps.example.com", "node:22-slim",
                URI.create("https://helix.example.com/artifacts/sha256-00000000/download?expires=1767225600&signature=abc123"),
                "node server.js", Fixtures.CREDENTIALS);

        assertThat(KubernetesTranslator.releaseJobName(resigned)).isEqualTo(KubernetesTranslator.releaseJobName(first));
        assertThat(KubernetesTranslator.releaseJobName(other)).isNotEqualTo(KubernetesTranslator.releaseJobName(first))
                .matches("helix-release-[0-9a-f]{8}");
        JsonNode job = JSON.valueToTree(find(translator.objects(Fixtures.manifest("full.yaml"), first), "Job",
                KubernetesTranslator.releaseJobName(first)));
        assertThat(job.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
        assertThat(job.at("/spec/template/spec/containers/0/command/2").asText()).isEqualTo("npm run migrate");
    }

    @Test
    void theYamlStreamHoldsTheSameObjects() throws Exception {
        List<Map<String, Object>> objects = translator.objects(Fixtures.manifest("full.yaml"), Fixtures.artifactContext());
        String yaml = translator.translate(Fixtures.manifest("full.yaml"), Fixtures.artifactContext());

        List<Map<String, Object>> read = new YAMLMapper().readerFor(new TypeReference<Map<String, Object>>() {})
                .<Map<String, Object>>readValues(yaml).readAll();
        JsonNode fromYaml = JSON.valueToTree(read);
        assertThat(fromYaml).isEqualTo(JSON.valueToTree(objects));
    }

    @Test
    void contextsAreValidated() {
        assertThatThrownBy(() -> TranslationContext.ofImage("shop", "preview/12", "localhost", "shop:1", Map.of()))
                .hasMessage("environment: \"preview/12\" (expected: lowercase letters, digits and dashes, e.g. \"production\" or"
                        + " \"pr-12\")");
        assertThatThrownBy(() -> TranslationContext.ofImage("shop", "e".repeat(60), "localhost", "shop:1", Map.of()))
                .hasMessageContaining("(expected: at most 63 characters");
        assertThatThrownBy(() -> TranslationContext.ofImage("shop", "production", "localhost", "shop 1", Map.of()))
                .hasMessageContaining("image: \"shop 1\"");
    }

    private static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(((Map<?, ?>) o.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> object) {
        return (Map<String, Object>) object.get("metadata");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> object) {
        return JSON.convertValue(object, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> deployment) {
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        Map<String, Object> template = (Map<String, Object>) spec.get("template");
        Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
        return ((List<Map<String, Object>>) podSpec.get("containers")).getFirst();
    }
}
