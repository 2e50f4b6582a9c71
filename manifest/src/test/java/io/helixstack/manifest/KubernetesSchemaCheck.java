package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.gson.JsonElement;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates generated Kubernetes objects offline, three ways:
 * <ol>
 *   <li>the official Java client's models (client-java-api, generated from the Kubernetes OpenAPI document of its
 *       release) check each object with {@code validateJsonElement}: unknown fields, missing required fields and wrong
 *       JSON types all fail;</li>
 *   <li>fabric8's typed model (what the kubernetes driver applies with) reads each object with nothing left over in
 *       {@code additionalProperties}, and writes it back unchanged;</li>
 *   <li>the API server's own name rules that no schema states: DNS names, label values, port names.</li>
 * </ol>
 */
final class KubernetesSchemaCheck {
    private record Kind(String apiVersion, Class<?> officialModel, Class<? extends KubernetesResource> fabric8Model) {}

    private static final Map<String, Kind> KINDS = Map.of(
            "Namespace", new Kind("v1", io.kubernetes.client.openapi.models.V1Namespace.class,
                    io.fabric8.kubernetes.api.model.Namespace.class),
            "Secret", new Kind("v1", io.kubernetes.client.openapi.models.V1Secret.class,
                    io.fabric8.kubernetes.api.model.Secret.class),
            "Service", new Kind("v1", io.kubernetes.client.openapi.models.V1Service.class,
                    io.fabric8.kubernetes.api.model.Service.class),
            "Deployment", new Kind("apps/v1", io.kubernetes.client.openapi.models.V1Deployment.class,
                    io.fabric8.kubernetes.api.model.apps.Deployment.class),
            "StatefulSet", new Kind("apps/v1", io.kubernetes.client.openapi.models.V1StatefulSet.class,
                    io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            "Ingress", new Kind("networking.k8s.io/v1", io.kubernetes.client.openapi.models.V1Ingress.class,
                    io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            "Job", new Kind("batch/v1", io.kubernetes.client.openapi.models.V1Job.class,
                    io.fabric8.kubernetes.api.model.batch.v1.Job.class));

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");
    private static final Pattern PORT_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

    private KubernetesSchemaCheck() {}

    static void validate(List<Map<String, Object>> objects) {
        for (Map<String, Object> object : objects) {
            String kindName = String.valueOf(object.get("kind"));
            Kind kind = KINDS.get(kindName);
            assertThat(kind).as("a kind this check knows: %s", kindName).isNotNull();
            String where = kindName + "/" + ((Map<?, ?>) object.get("metadata")).get("name");
            assertThat(object.get("apiVersion")).as("%s apiVersion", where).isEqualTo(kind.apiVersion());
            validateAgainstOpenApi(where, object, kind.officialModel());
            validateWithFabric8(where, object, kind.fabric8Model());
            validateNames(where, JSON.valueToTree(object));
        }
    }

    private static void validateAgainstOpenApi(String where, Map<String, Object> object, Class<?> model) {
        try {
            JsonElement json = com.google.gson.JsonParser.parseString(JSON.writeValueAsString(object));
            Method validate = model.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
        } catch (InvocationTargetException e) {
            fail(where + " does not match the Kubernetes OpenAPI schema: " + e.getCause().getMessage());
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new AssertionError(where + ": cannot run the OpenAPI check", e);
        }
    }

    private static void validateWithFabric8(String where, Map<String, Object> object, Class<? extends KubernetesResource> model) {
        KubernetesResource typed = JSON.convertValue(object, model);
        assertNoAdditionalProperties(where, typed);
        JsonNode original = JSON.valueToTree(object);
        JsonNode roundTrip = JSON.valueToTree(typed);
        assertThat(roundTrip).as("%s read by fabric8 and written back", where).isEqualTo(original);
    }

    /** fabric8 keeps unknown fields in additionalProperties instead of failing: any there is a misspelt field. */
    private static void assertNoAdditionalProperties(String where, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            items.forEach(item -> assertNoAdditionalProperties(where, item));
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(item -> assertNoAdditionalProperties(where, item));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) child).as("%s: fields fabric8's %s does not know", where,
                        value.getClass().getSimpleName()).isNullOrEmpty();
            } else {
                assertNoAdditionalProperties(where, child);
            }
        }
    }

    /** Rules the API server applies beyond the schema. */
    private static void validateNames(String where, JsonNode object) {
        assertThat(object.at("/metadata/name").asText()).as("%s name", where).matches(DNS_LABEL);
        object.findParents("labels").forEach(parent -> parent.get("labels").properties().forEach(label ->
                assertThat(label.getValue().asText()).as("%s label %s", where, label.getKey()).matches(LABEL_VALUE)));
        object.findValues("ports").forEach(ports -> ports.forEach(port -> {
            if (port.has("name")) {
                assertThat(port.get("name").asText()).as("%s port name", where).matches(PORT_NAME);
            }
        }));
        object.findValues("containers").forEach(containers -> containers.forEach(container ->
                assertThat(container.get("name").asText()).as("%s container name", where).matches(DNS_LABEL)));
    }
}
