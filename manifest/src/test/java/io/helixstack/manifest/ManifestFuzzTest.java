package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds the parser mutated examples and random YAML-ish documents from a seeded generator (reproducible;
 * a failure names the seed and the input). Properties: the parser never throws; every rejection has
 * located, non-empty messages and no internal error; whatever it accepts also passes the JSON Schema and
 * translates to Kubernetes objects that pass the schema checks.
 */
class ManifestFuzzTest {
    private static final long SEED = 0x4E11C5L;
    private static final int MUTATIONS = 2500;
    private static final int GENERATED = 2500;
    private static final String[] KEYS = {"name", "version", "build", "builder", "dockerfile", "release", "services",
        "databases", "web", "worker", "postgres", "cache", "command", "http_port", "cpu", "memory", "healthcheck", "path",
        "port", "env", "instances", "type", "storage", "DATABASE_URL", "comand", "Web", "helix-x", "a--b", "x".repeat(45)};
    private static final String[] SCALARS = {"1", "0", "-1", "3000", "65536", "0.5", "0.0001", "1e3", ".inf", ".nan", "0x1F",
        "1_000", "true", "no", "~", "null", "\"\"", "''", "\"15\"", "postgresql", "redis", "mysql", "/healthz", "healthz",
        "${postgres.URL}", "${cache.PASSWORD}", "${nope.URL}", "${postgres.url}", "$${x}", "${", "npm start", "\"a\\tb\"",
        "!!binary aGVsbG8=", "!!str 3000", "!custom x", "&a 1", "*a", "|\n  block\n  text", ">-\n  folded", "é漢字", "\"\\u0000\"",
        "99999999999999999999999999", "[1, 2]", "{}", "{a: 1}", "[]", "- x", "? a", "@x", "`x`", "%x"};
    private static final String NOISE = ":-{}[]&*!|>'\"\t\n #%@`$.,?0123456789abcxyz_é\u0000\uFFFD\r\\";

    private final Random random = new Random(SEED);
    private final JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(ManifestSchema.json());
    private int accepted;

    @Test
    void mutatedExamplesNeverCrashTheParser() {
        List<String> examples = Fixtures.VALID_EXAMPLES.stream().map(Fixtures::text).toList();
        for (int i = 0; i < MUTATIONS; i++) {
            String input = mutate(examples.get(random.nextInt(examples.size())), 1 + random.nextInt(4));
            check(i, input);
        }
        assertThat(accepted).as("some mutations stay valid, so the accepting side is exercised too").isPositive();
    }

    @Test
    void generatedDocumentsNeverCrashTheParser() {
        for (int i = 0; i < GENERATED; i++) {
            StringBuilder out = new StringBuilder();
            if (random.nextInt(10) == 0) {
                out.append("---\n");
            }
            document(out, 0, 1 + random.nextInt(3));
            check(i, out.toString());
        }
    }

    private void check(int iteration, String input) {
        String context = "seed " + SEED + ", iteration " + iteration + ", input:\n" + input;
        ManifestResult[] result = new ManifestResult[1];
        assertThatCode(() -> result[0] = ManifestParser.parse("helix.yaml", input)).as(context).doesNotThrowAnyException();
        assertThat(result[0]).as(context).isNotNull();
        long lines = input.lines().count() + 2;
        switch (result[0]) {
            case ManifestResult.Invalid invalid -> {
                assertThat(invalid.errors()).as(context).isNotEmpty();
                for (ManifestError error : invalid.errors()) {
                    assertThat(error.file()).as(context).isEqualTo("helix.yaml");
                    assertThat(error.line()).as(context).isBetween(1, (int) lines);
                    assertThat(error.column()).as(context).isPositive();
                    assertThat(error.message()).as(context).isNotBlank().doesNotContain("internal error");
                    assertThat(error.toString()).as(context).startsWith("helix.yaml:" + error.line() + ":" + error.column() + ": ");
                }
            }
            case ManifestResult.Valid valid -> {
                accepted++;
                assertThat(schemaErrors(input)).as("schema on a manifest the parser accepted; " + context).isEmpty();
                Map<String, DatabaseCredentials> credentials = new HashMap<>();
                valid.manifest().databases().forEach(db -> credentials.put(db.name(), db.type() == DatabaseSpec.Type.REDIS
                        ? DatabaseCredentials.forRedis("pw-" + db.name()) : DatabaseCredentials.forPostgresql("u", "pw", "d")));
                TranslationContext ctx = TranslationContext.ofImage("fuzz", "test", "example.com", "app:1", credentials);
                assertThat(new ComposeTranslator().translate(valid.manifest(), ctx)).as(context).isNotBlank();
                KubernetesSchemaCheck.validate(new KubernetesTranslator().objects(valid.manifest(), ctx));
            }
        }
    }

    /** Schema errors, or none when Jackson's tree reader cannot load the input (.inf in an env value) to check it. */
    private List<?> schemaErrors(String input) {
        JsonNode tree;
        try {
            tree = new YAMLMapper().readTree(input);
        } catch (Exception e) {
            return List.of();
        }
        return new ArrayList<>(schema.validate(tree));
    }

    private String mutate(String text, int times) {
        StringBuilder s = new StringBuilder(text);
        for (int t = 0; t < times && !s.isEmpty(); t++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(8)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
                case 2 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20)));
                case 3 -> s.insert(at, pick(SCALARS));
                case 4 -> s.insert(at, "\n" + "  ".repeat(random.nextInt(4)) + pick(KEYS) + ": " + pick(SCALARS) + "\n");
                case 5 -> s.setCharAt(at, NOISE.charAt(random.nextInt(NOISE.length())));
                case 6 -> { // replace a whole value after a colon
                    int colon = s.indexOf(": ", at);
                    int end = colon < 0 ? -1 : s.indexOf("\n", colon);
                    if (end > colon) {
                        s.replace(colon + 2, end, pick(SCALARS));
                    }
                }
                default -> { // duplicate a line
                    int start = s.lastIndexOf("\n", at) + 1;
                    int end = s.indexOf("\n", at);
                    if (end > start) {
                        s.insert(start, s.substring(start, end + 1));
                    }
                }
            }
        }
        return s.toString();
    }

    private void document(StringBuilder out, int depth, int entries) {
        String indent = "  ".repeat(depth);
        for (int i = 0; i < entries; i++) {
            out.append(indent).append(pick(KEYS)).append(':');
            int kind = depth >= 4 ? 0 : random.nextInt(4);
            switch (kind) {
                case 0 -> out.append(' ').append(pick(SCALARS).replace("\n", "\n" + indent)).append('\n');
                case 1 -> out.append(" {").append(pick(KEYS)).append(": ").append(pick(SCALARS).split("\n")[0]).append("}\n");
                case 2 -> out.append('\n').append(indent).append("  - ").append(pick(SCALARS).split("\n")[0]).append('\n');
                default -> {
                    out.append('\n');
                    document(out, depth + 1, 1 + random.nextInt(4));
                }
            }
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
