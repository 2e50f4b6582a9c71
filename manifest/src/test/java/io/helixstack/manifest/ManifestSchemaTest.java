package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The published JSON Schema is valid, accepts every example, and agrees with the parser on what is allowed. */
class ManifestSchemaTest {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema SCHEMA = FACTORY.getSchema(ManifestSchema.json());
    private static final YAMLMapper YAML = new YAMLMapper();

    static List<String> examples = Fixtures.VALID_EXAMPLES;

    /** Each is rejected by the parser and by the schema: the two state the same rules. */
    static List<String> rejectedByBoth = List.of(
            "services: {web: {}}",
            "name: shop\n",
            "name: shop\nservices: {}",
            "name: shop\nextra: 1\nservices: {web: {}}",
            "name: Shop\nservices: {web: {}}",
            "name: helix-shop\nservices: {web: {}}",
            "name: shop\nversion: 2\nservices: {web: {}}",
            "name: shop\nbuild: {builder: a, dockerfile: b}\nservices: {web: {}}",
            "name: shop\nbuild: {buildpack: a}\nservices: {web: {}}",
            "name: shop\nrelease: \"\"\nservices: {web: {}}",
            "name: shop\nservices: {web: {comand: x}}",
            "name: shop\nservices: {web: {command: \"\"}}",
            "name: shop\nservices: {web: {http_port: abc}}",
            "name: shop\nservices: {web: {http_port: 0}}",
            "name: shop\nservices: {web: {http_port: 65536}}",
            "name: shop\nservices: {web: {cpu: 0}}",
            "name: shop\nservices: {web: {cpu: 0.0005}}",
            "name: shop\nservices: {web: {cpu: 257}}",
            "name: shop\nservices: {web: {cpu: \"1\"}}",
            "name: shop\nservices: {web: {memory: 0}}",
            "name: shop\nservices: {web: {memory: 1.5}}",
            "name: shop\nservices: {web: {instances: 0}}",
            "name: shop\nservices: {web: {instances: 1001}}",
            "name: shop\nservices: {web: {healthcheck: {port: 80}}}",
            "name: shop\nservices: {web: {healthcheck: {path: health, port: 80}}}",
            "name: shop\nservices: {web: {healthcheck: {path: /h, port: 80, timeout: 5}}}",
            "name: shop\nservices: {web: {env: {1X: a}}}",
            "name: shop\nservices: {web: {env: {A: [1]}}}",
            "name: shop\nservices: {web: {env: {A: {b: c}}}}",
            "name: shop\nservices: {Web: {}}",
            "name: shop\nservices: {web: []}",
            "name: shop\nservices: {web: {}}\ndatabases: {pg: {version: \"16\"}}",
            "name: shop\nservices: {web: {}}\ndatabases: {pg: {type: mysql}}",
            "name: shop\nservices: {web: {}}\ndatabases: {pg: {type: postgresql, storage: 0}}",
            "name: shop\nservices: {web: {}}\ndatabases: {pg: {type: postgresql, version: \"a b\"}}",
            "name: shop\nservices: {web: {}}\ndatabases: {pg: {type: postgresql, size: 1}}",
            "name: shop\nservices: {web: {}}\ndatabases: {pg_1: {type: postgresql}}");

    @Test
    void isAValidDraft202012Schema() throws Exception {
        JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        JsonNode schema = new ObjectMapper().readTree(ManifestSchema.json());

        assertThat(metaSchema.validate(schema)).isEmpty();
        assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @ParameterizedTest
    @FieldSource("examples")
    void everyExampleValidates(String example) throws Exception {
        Set<ValidationMessage> errors = SCHEMA.validate(YAML.readTree(Fixtures.text(example)));
        assertThat(errors).as("schema errors for %s", example).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("rejectedByBoth")
    void parserAndSchemaRejectTheSameMistakes(String yaml) throws Exception {
        assertThat(ManifestParser.parse("helix.yaml", yaml)).as("parser on:\n%s", yaml).isInstanceOf(ManifestResult.Invalid.class);
        assertThat(SCHEMA.validate(YAML.readTree(yaml))).as("schema on:\n%s", yaml).isNotEmpty();
    }

    /**
     * The parser takes its allowed keys from the schema ({@link ManifestSchema#KEYS}); this proves that the parser also
     * understands each of them: full.yaml uses every key at every level, parses as valid (no "unknown key"), and
     * {@code ManifestParserTest.readsEveryKeyIntoTheModel} checks each value arrived in the model.
     */
    @Test
    void theFullExampleUsesEverySchemaKey() throws Exception {
        JsonNode full = YAML.readTree(Fixtures.text("full.yaml"));
        ManifestSchema.Keys keys = ManifestSchema.KEYS;

        assertThat(names(full)).containsExactlyInAnyOrderElementsOf(keys.root());
        assertThat(names(full.get("build"))).containsAnyElementsOf(keys.build());
        assertThat(keys.build()).containsExactly("builder", "dockerfile"); // exclusive: full.yaml can hold only one
        assertThat(names(full.at("/services/web"))).containsExactlyInAnyOrderElementsOf(keys.service());
        assertThat(names(full.at("/services/web/healthcheck"))).containsExactlyInAnyOrderElementsOf(keys.healthcheck());
        assertThat(names(full.at("/databases/postgres"))).containsExactlyInAnyOrderElementsOf(keys.database());
        assertThat(Fixtures.manifest("dockerfile-worker-only.yaml").build().dockerfile()).contains("./Dockerfile.prod");
    }

    @Test
    void namePatternIsTheParsersRule() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(ManifestSchema.json());
        assertThat(schema.at("/$defs/name/pattern").asText()).isEqualTo("^" + ManifestRules.NAME.pattern() + "$");
        assertThat(schema.at("/$defs/service/properties/env/propertyNames/pattern").asText())
                .isEqualTo("^" + ManifestRules.ENV_NAME.pattern() + "$");
        assertThat(schema.at("/$defs/healthcheck/properties/path/pattern").asText())
                .isEqualTo("^" + ManifestRules.HEALTH_PATH.pattern() + "$");
        assertThat(schema.at("/$defs/database/properties/version/pattern").asText())
                .isEqualTo("^" + ManifestRules.IMAGE_TAG.pattern() + "$");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
