package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ManifestParserTest {

    static List<String> examples = Fixtures.VALID_EXAMPLES;

    @ParameterizedTest
    @FieldSource("examples")
    void everyExampleIsValid(String example) {
        assertThat(ManifestParser.parse(example, Fixtures.text(example))).isInstanceOf(ManifestResult.Valid.class);
    }

    @Test
    void readsEveryKeyIntoTheModel() {
        Manifest m = Fixtures.manifest("full.yaml");

        assertThat(m.name()).isEqualTo("shop");
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.build()).isEqualTo(new BuildSpec(Optional.of("paketo-buildpacks/builder:base"), Optional.empty()));
        assertThat(m.release()).contains("npm run migrate");
        assertThat(m.services()).extracting(ServiceSpec::name).containsExactly("web", "worker");
        ServiceSpec web = m.service("web").orElseThrow();
        assertThat(web.command()).contains("npm start");
        assertThat(web.httpPort()).hasValue(3000);
        assertThat(web.cpu()).contains(new BigDecimal("0.5"));
        assertThat(web.memoryMb()).hasValue(512);
        assertThat(web.instances()).isEqualTo(2);
        assertThat(web.healthcheck()).contains(new HealthcheckSpec("/healthz", 3000));
        assertThat(web.env()).containsExactly(
                Map.entry("NODE_ENV", "production"),
                Map.entry("DATABASE_URL", "${postgres.URL}"),
                Map.entry("REDIS_URL", "${cache.URL}"),
                Map.entry("PRICE_FORMAT", "$${amount} $"));
        ServiceSpec worker = m.service("worker").orElseThrow();
        assertThat(worker.isWorker()).isTrue();
        assertThat(worker.instances()).isEqualTo(1);
        assertThat(worker.env()).containsEntry("CONCURRENCY", "4");
        assertThat(m.databases()).containsExactly(
                new DatabaseSpec("postgres", DatabaseSpec.Type.POSTGRESQL, "15", 10, DatabaseSpec.PreviewData.SCHEMA),
                new DatabaseSpec("cache", DatabaseSpec.Type.REDIS, "7.2", 1));
        assertThat(m.databasesUsedBy(worker)).extracting(DatabaseSpec::name).containsExactly("postgres");
    }

    @Test
    void appliesDefaults() {
        Manifest m = Fixtures.manifest("minimal.yaml");
        ServiceSpec web = m.services().getFirst();

        assertThat(m.build().detects()).isTrue();
        assertThat(m.release()).isEmpty();
        assertThat(web.command()).isEmpty();
        assertThat(web.instances()).isEqualTo(1);
        assertThat(web.healthcheck()).isEmpty();
        assertThat(Fixtures.manifest("dockerfile-worker-only.yaml").databases().getFirst())
                .isEqualTo(new DatabaseSpec("queue", DatabaseSpec.Type.REDIS, "7", 1));
        // The healthcheck port defaults to the http_port.
        assertThat(Fixtures.manifest("two-web-services.yaml").service("admin").orElseThrow().healthcheck())
                .contains(new HealthcheckSpec("/admin/health?full=1", 8080));
        // Unquoted numbers and booleans in env are kept as written.
        assertThat(Fixtures.manifest("dockerfile-worker-only.yaml").services().getFirst().env())
                .containsEntry("DEBUG", "true").containsEntry("RATIO", "0.75").containsEntry("EMPTY", "");
    }

    @Test
    void errorsNameFileLineColumnPathValueAndExpectation() {
        assertThat(errors("""
                name: shop
                services:
                  web:
                    comand: npm start
                    http_port: abc
                """)).containsExactly(
                "helix.yaml:4:5: services.web.comand: unknown key (did you mean \"command\"?)",
                "helix.yaml:5:16: services.web.http_port: \"abc\" (expected: integer 1-65535)");
    }

    @Test
    void collectsEveryErrorInFileOrder() {
        assertThat(errors("""
                name: Shop
                version: 2
                build: {builder: a, dockerfile: b}
                release: ""
                services:
                  web: {http_port: 70000, cpu: 0.0001, memory: 0, instances: 0, colour: red}
                  worker:
                    healthcheck: {path: healthz}
                databases:
                  pg: {type: postgres, version: true, storage: 1.5}
                  web: {type: redis}
                """)).containsExactly(
                "helix.yaml:1:7: name: \"Shop\" (expected: " + ManifestRules.NAME_EXPECTED + ")",
                "helix.yaml:2:10: version: 2 (expected: 1)",
                "helix.yaml:3:33: build.dockerfile: \"b\" (expected: either build.builder or build.dockerfile, not both)",
                "helix.yaml:4:10: release: \"\" (expected: a command, e.g. \"npm run migrate\")",
                "helix.yaml:6:20: services.web.http_port: 70000 (expected: integer 1-65535)",
                "helix.yaml:6:32: services.web.cpu: 0.0001 (expected: cores as a number > 0 and <= 256 in steps of 0.001, e.g. 0.5)",
                "helix.yaml:6:48: services.web.memory: 0 (expected: integer megabytes 1-1048576, e.g. 512)",
                "helix.yaml:6:62: services.web.instances: 0 (expected: integer 1-1000)",
                "helix.yaml:6:65: services.web.colour: unknown key (expected: one of \"command\", \"http_port\", \"cpu\","
                        + " \"memory\", \"healthcheck\", \"env\", \"instances\")",
                "helix.yaml:8:18: services.worker.healthcheck.port: missing (expected: a port, since the service has no"
                        + " http_port to default to)",
                "helix.yaml:8:25: services.worker.healthcheck.path: \"healthz\" (expected: a path starting with \"/\" without"
                        + " spaces, e.g. \"/healthz\")",
                "helix.yaml:10:14: databases.pg.type: \"postgres\" (expected: one of \"postgresql\", \"redis\"; did you mean"
                        + " \"postgresql\"?)",
                "helix.yaml:10:33: databases.pg.version: true (expected: an image tag such as \"16\" or \"7.2-alpine\")",
                "helix.yaml:10:48: databases.pg.storage: 1.5 (expected: integer gigabytes 1-65536, e.g. 10)",
                "helix.yaml:11:3: databases.web: name also used by services.web (expected: names unique across services and"
                        + " databases; both become hostnames)");
    }

    @Test
    void missingRequiredKeysAndWrongShapes() {
        assertThat(errors("version: 1\n")).containsExactly(
                "helix.yaml:1:1: name: missing (expected: the application's name, e.g. name: my-app)",
                "helix.yaml:1:1: services: missing (expected: a mapping of service names to services, e.g. web: {http_port: 3000})");
        assertThat(errors("just words")).containsExactly(
                "helix.yaml:1:1: \"just words\" (expected: a mapping with \"name\" and \"services\", e.g. name: my-app)");
        assertThat(errors("name: a\nservices: {}\n")).containsExactly(
                "helix.yaml:2:11: services: a mapping (expected: at least one service)");
        assertThat(errors("name: a\nservices:\n  web: [1, 2]\n")).containsExactly(
                "helix.yaml:3:8: services.web: a list (expected: a mapping with keys such as command and http_port, e.g."
                        + " {command: \"npm start\", http_port: 3000}, or {} for the defaults)");
        assertThat(errors("name: a\nservices:\n  web:\n    command:\n")).singleElement().asString()
                .startsWith("helix.yaml:4:").contains("services.web.command: null (expected: a command");
        assertThat(errors("name: a\nservices:\n  Web_1: {}\n  helix-proxy: {}\n")).containsExactly(
                "helix.yaml:3:3: services.Web_1: \"Web_1\" (expected: " + ManifestRules.NAME_EXPECTED + ")",
                "helix.yaml:4:3: services.helix-proxy: \"helix-proxy\" (expected: " + ManifestRules.NAME_EXPECTED + ")");
        assertThat(errors("name: a\nservices:\n  web: {}\ndatabases:\n  db: {version: \"16\"}\n")).containsExactly(
                "helix.yaml:5:7: databases.db.type: missing (expected: one of \"postgresql\", \"redis\")");
        assertThat(errors("name: a\nservices:\n  web: {}\ndatabases:\n  db: {type: postgresql, preview: full}\n"
                + "  cache: {type: redis, preview: schema}\n")).containsExactly(
                "helix.yaml:5:35: databases.db.preview: \"full\" (expected: one of \"empty\", \"schema\")",
                "helix.yaml:6:33: databases.cache.preview: \"schema\" (expected: \"empty\" for a redis database (a schema copy is"
                        + " for postgresql))");
    }

    @Test
    void envReferencesMustNameDeclaredDatabasesAndKnownFields() {
        assertThat(errors("""
                name: shop
                services:
                  web:
                    env:
                      A: ${pgs.URL}
                      B: ${pg.url}
                      C: ${HOME}
                      D: abc ${pg.URL
                      1X: y
                      E:
                      F: [1]
                      G: $${HOME} and $5 and ${pg.URL}
                databases:
                  pg: {type: postgresql}
                """)).containsExactly(
                "helix.yaml:5:10: services.web.env.A: \"${pgs.URL}\" references undeclared database \"pgs\" (expected: one of"
                        + " the declared databases \"pg\"; did you mean \"pg\"?)",
                "helix.yaml:6:10: services.web.env.B: \"${pg.url}\" has unknown field \"url\" (expected: one of URL, HOST, PORT,"
                        + " USER, PASSWORD, DATABASE; did you mean \"URL\"?)",
                "helix.yaml:7:10: services.web.env.C: \"${HOME}\" has \"${HOME}\", which is not a database reference (expected:"
                        + " ${<database>.<FIELD>} with FIELD one of URL, HOST, PORT, USER, PASSWORD, DATABASE; write $${ for a"
                        + " literal ${)",
                "helix.yaml:8:10: services.web.env.D: \"abc ${pg.URL\" has an unclosed \"${\" (expected: ${<database>.<FIELD>}"
                        + " with FIELD one of URL, HOST, PORT, USER, PASSWORD, DATABASE; write $${ for a literal ${)",
                "helix.yaml:9:7: services.web.env.1X: \"1X\" (expected: letters, digits and underscores, not starting with a"
                        + " digit)",
                "helix.yaml:10:9: services.web.env.E: null (expected: a string, number or boolean; write \"\" for an empty"
                        + " value)",
                "helix.yaml:11:10: services.web.env.F: a list (expected: a string, number or boolean; write \"\" for an empty"
                        + " value)");
        assertThat(errors("name: a\nservices:\n  web:\n    env: {X: \"${db.URL}\"}\n")).containsExactly(
                "helix.yaml:4:14: services.web.env.X: \"${db.URL}\" references undeclared database \"db\" (expected: a database"
                        + " declared under databases, and none is)");
    }

    @Test
    void malformedYamlIsLocated() {
        assertThat(errors("name: a\nservices:\n\tweb: {}\n")).containsExactly(
                "helix.yaml:3:1: tab character (expected: spaces for indentation; YAML does not allow tabs there)");
        assertThat(errors("name: a\nservices:\n  web: {}\n  web: {}\n")).containsExactly(
                "helix.yaml:4:3: services.web: duplicate key (expected: each key once; the first is at line 3)");
        assertThat(errors("name: a\nservices: [\n")).singleElement().asString()
                .startsWith("helix.yaml:3:1: not valid YAML: ");
        assertThat(errors("name: a\nservices:\n  web: {http_port: 80\n")).singleElement().asString()
                .startsWith("helix.yaml:").contains("not valid YAML");
        assertThat(errors("")).containsExactly(
                "helix.yaml:1:1: the file is empty (expected: a mapping with at least \"name\" and \"services\")");
        assertThat(errors("name: a\nservices: {web: {}}\n---\nname: b\n")).containsExactly(
                "helix.yaml:4:1: a second YAML document starts here (expected: one document; remove the \"---\" separator)");
        assertThat(errors("defaults: &b {http_port: 80}\nname: a\nservices:\n  web: *b\n")).containsExactly(
                "helix.yaml:1:1: defaults: unknown key (expected: one of \"name\", \"version\", \"build\", \"release\","
                        + " \"services\", \"databases\")",
                "helix.yaml:4:8: services.web: alias *b (expected: a plain value; YAML anchors and aliases are not supported)");
        assertThat(errors("? [a, b]\n: c\n")).containsExactly(
                "helix.yaml:1:4: a mapping or list used as a key (expected: plain keys such as name or http_port)");
    }

    @Test
    void errorToStringOmitsAnEmptyPath() {
        assertThat(new ManifestError("helix.yaml", 3, 1, "", "tab character (expected: spaces)"))
                .hasToString("helix.yaml:3:1: tab character (expected: spaces)");
        assertThat(new ManifestError("Heliosfile.yml", 12, 17, "services.web.http_port", "\"abc\" (expected: integer 1-65535)"))
                .hasToString("Heliosfile.yml:12:17: services.web.http_port: \"abc\" (expected: integer 1-65535)");
    }

    @Test
    void readsFilesAndNamesThemInErrors(@TempDir Path dir) throws Exception {
        Path heliosfile = dir.resolve("Heliosfile.yml");
        Files.writeString(heliosfile, Fixtures.text("seed-heliosfile.yml"));
        assertThat(ManifestParser.parse(heliosfile)).isInstanceOf(ManifestResult.Valid.class);

        Files.writeString(heliosfile, "name: x\nservices:\n  web: {http_port: abc}\n");
        assertThat(((ManifestResult.Invalid) ManifestParser.parse(heliosfile)).report())
                .isEqualTo("Heliosfile.yml:3:20: services.web.http_port: \"abc\" (expected: integer 1-65535)");

        Files.write(heliosfile, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xff, '\n'});
        assertThat(((ManifestResult.Invalid) ManifestParser.parse(heliosfile)).report())
                .isEqualTo("Heliosfile.yml:1:1: not UTF-8 text (expected: a UTF-8 encoded YAML file)");

        assertThat(((ManifestResult.Invalid) ManifestParser.parse(dir.resolve("helix.yaml"))).report())
                .startsWith("helix.yaml:1:1: cannot be read: ");
    }

    @Test
    void resolvesEnvForTheProcessRuntime() {
        Manifest m = Fixtures.manifest("full.yaml");
        DatabaseEndpoint postgres = new DatabaseEndpoint(DatabaseSpec.Type.POSTGRESQL, "127.0.0.1", 54321,
                DatabaseCredentials.forPostgresql("shop_app", "p@ss:w/rd$1", "shop"));
        DatabaseEndpoint cache = new DatabaseEndpoint(DatabaseSpec.Type.REDIS, "127.0.0.1", 6380,
                DatabaseCredentials.forRedis("r3dis"));

        Map<String, String> web = m.resolveEnv(m.service("web").orElseThrow(), Map.of("postgres", postgres, "cache", cache));
        Map<String, String> worker = m.resolveEnv(m.service("worker").orElseThrow(), Map.of("postgres", postgres));

        assertThat(web).containsExactly(
                Map.entry("NODE_ENV", "production"),
                Map.entry("DATABASE_URL", "postgresql://shop_app:p%40ss%3Aw%2Frd%241@127.0.0.1:54321/shop"),
                Map.entry("REDIS_URL", "redis://default:r3dis@127.0.0.1:6380/0"),
                Map.entry("PRICE_FORMAT", "${amount} $"));
        assertThat(worker).containsEntry("PGHOST", "127.0.0.1").containsEntry("PGPORT", "54321")
                .containsEntry("PGUSER", "shop_app").containsEntry("PGPASSWORD", "p@ss:w/rd$1")
                .containsEntry("PGDATABASE", "shop");
    }

    @Test
    void modelRecordsValidateProgrammaticUse() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ServiceSpec("web", Optional.empty(), OptionalInt.of(0),
                        Optional.empty(), OptionalInt.empty(), Optional.empty(), Map.of(), 1))
                .hasMessage("services.web.http_port: 0 (expected: integer 1-65535)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Manifest("shop", 1, BuildSpec.DETECT, Optional.empty(),
                        List.of(new ServiceSpec("web", Optional.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty(),
                                Optional.empty(), Map.of("DB", "${pg.URL}"), 1)), List.of()))
                .hasMessageContaining("services.web.env.DB: \"${pg.URL}\" (expected: references to declared databases");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuildSpec(Optional.of("b"), Optional.of("d")))
                .hasMessage("build.dockerfile: \"d\" (expected: either build.builder or build.dockerfile, not both)");
        assertThat(DatabaseCredentials.forRedis("hidden-pw")).asString().doesNotContain("hidden-pw");
    }

    @Test
    void suggestsWithinLevenshteinTwo() {
        assertThat(DidYouMean.suggest("comand", List.of("command", "cpu"))).contains("command");
        assertThat(DidYouMean.suggest("HTTP_PORT", List.of("http_port"))).contains("http_port");
        assertThat(DidYouMean.suggest("healthchek", List.of("healthcheck"))).contains("healthcheck");
        assertThat(DidYouMean.suggest("colour", List.of("command", "cpu", "memory"))).isEmpty();
        assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void hugeInputIsRefusedWithoutReadingIt() {
        String huge = "name: a\n# " + "x".repeat(YamlReader.MAX_CHARS) + "\n";
        assertThat(errors(huge)).containsExactly("helix.yaml:1:1: the file has " + huge.length()
                + " characters (expected: at most " + YamlReader.MAX_CHARS + ")");
        assertThat(huge.getBytes(StandardCharsets.UTF_8)).hasSizeGreaterThan(YamlReader.MAX_CHARS);
    }

    @Test
    void hostileNestingIsBounded() {
        assertThat(errors("[".repeat(200_000))).singleElement().asString().startsWith("helix.yaml:1:");
        assertThat(errors("{a: ".repeat(100_000))).singleElement().asString().startsWith("helix.yaml:1:");
        StringBuilder deep = new StringBuilder("name: a\nservices:\n");
        for (int i = 1; i < 200; i++) {
            deep.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        assertThat(errors(deep.toString())).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith("helix.yaml:"));
    }

    private static List<String> errors(String yaml) {
        ManifestResult result = ManifestParser.parse("helix.yaml", yaml);
        assertThat(result).as("result for:\n%s", yaml).isInstanceOf(ManifestResult.Invalid.class);
        return ((ManifestResult.Invalid) result).errors().stream().map(ManifestError::toString).toList();
    }
}
