package io.helixstack.cli;

import static io.helixstack.cli.SourcePackerTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DeployCommandTest {
    @TempDir
    Path temp;

    private FakeApi api;
    private CliRunner helix;
    private Path source;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
        source = temp.resolve("hello");
        write(source, ".gitignore", "node_modules/\n");
        write(source, "package.json", "{\"name\":\"hello\"}");
        write(source, "server.js", "require('http').createServer().listen(process.env.PORT)");
        write(source, "node_modules/x/index.js", "ignored");
        write(source, ".git/HEAD", "ref: refs/heads/main");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createsTheAppWhenMissingUploadsTheSourceAndFollowsTheBuildUntilLive() throws IOException {
        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        List<String> targets = api.targets();
        assertThat(targets.subList(0, 3)).containsExactly(
                "GET /applications/hello", "POST /applications", "POST /applications/hello/deployments");
        assertThat(api.requests.get(1).json().get("name").asText()).isEqualTo("hello");
        FakeApi.Request upload = api.requests.get(2);
        assertThat(upload.contentType()).isEqualTo("application/gzip");
        assertThat(upload.authorization()).isEqualTo("Bearer " + FakeApi.TOKEN);
        assertThat(SourcePackerTest.entries(upload.body()).keySet())
                .containsExactlyInAnyOrder(".gitignore", "package.json", "server.js");

        String id = api.deployment(deploymentId()).json.get("id").asText();
        assertThat(targets).contains("GET /deployments/" + id, "GET /deployments/" + id + "/build-log?after=0");
        assertThat(result.outLines()).containsSubsequence(
                "Creating app hello…",
                "Deployment main/1 (" + id.substring(0, 8) + ") queued",
                "Building…",
                "-----> Node.js app detected",
                "-----> npm ci",
                "-----> Build succeeded",
                "Deploying…",
                "Deployed main/1 → http://hello.localhost:8080",
                "  this deployment, always: http://d-" + id.substring(0, 8) + ".hello.localhost:8080");
        assertThat(result.outLines()).anySatisfy(line -> assertThat(line).matches("Uploading \\d+ B \\(3 files\\)…"));
        // Each build log line once, although the log was polled many times.
        assertThat(result.outLines()).containsOnlyOnce("-----> npm ci");
    }

    @Test
    void asksForTheLogAfterTheLastLineItPrinted() {
        helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(api.targets()).filteredOn(t -> t.contains("/build-log"))
                .extracting(t -> t.substring(t.indexOf("after=") + 6))
                .startsWith("0", "1", "2");
    }

    @Test
    void readsEveryPageOfALongBuildLog() {
        api.uploadStates = List.of("queued", "building", "live");
        api.uploadBuildLog = java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(i -> "line " + i).toList();
        api.buildLogPageSize = 2;

        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).filteredOn(line -> line.startsWith("line ")).containsExactly(
                "line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7");
    }

    @Test
    void usesAnExistingAppWithoutCreatingIt() {
        api.addApp("hello");

        CliRunner.Result result = helix.run("deploy", source.toString(), "-a", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(api.targets()).doesNotContain("POST /applications");
        assertThat(result.out()).doesNotContain("Creating app");
    }

    @Test
    void aFailedBuildPrintsItsLogAndTheReasonOnStderrAndExits1() {
        api.uploadStates = List.of("queued", "building", "building", "failed");
        api.uploadBuildLog = List.of("-----> npm run build", "npm ERR! Missing script: \"build\"");
        api.uploadFailure = "build failed: npm run build exited with 1";

        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.outLines()).contains("-----> npm run build", "npm ERR! Missing script: \"build\"");
        assertThat(result.out()).doesNotContain("Deployed");
        assertThat(result.errLines()).containsExactly("helix: deployment main/1 failed: build failed: npm run build exited with 1");
    }

    @Test
    void aDeploymentOvertakenByANewerOneDidNotGoLive() {
        api.uploadStates = List.of("queued", "building", "deploying", "superseded");
        api.uploadFailure = "a newer deployment (main/2) went live first";

        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: deployment main/1 did not go live: a newer deployment (main/2) went live first");
    }

    @Test
    void jsonPrintsOnlyTheFinalDeployment() throws IOException {
        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello", "--json");

        assertThat(result.exitCode()).isZero();
        JsonNode deployment = Json.MAPPER.readTree(result.out());
        assertThat(deployment.get("state").asText()).isEqualTo("live");
        assertThat(deployment.get("label").asText()).isEqualTo("main/1");
    }

    @Test
    void jsonOfAFailedDeploymentStillParsesAndExits1() throws IOException {
        api.uploadStates = List.of("queued", "failed");
        api.uploadFailure = "no buildpack detected";

        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello", "--json");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(Json.MAPPER.readTree(result.out()).get("failure_reason").asText()).isEqualTo("no buildpack detected");
        assertThat(result.errLines()).containsExactly("helix: deployment main/1 failed: no buildpack detected");
    }

    @Test
    void noWaitReturnsRightAfterTheUpload() throws IOException {
        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello", "--no-wait");

        assertThat(result.exitCode()).isZero();
        assertThat(api.targets()).last().isEqualTo("POST /applications/hello/deployments");
        assertThat(result.outLines()).last().asString()
                .startsWith("Deployment main/1 (").endsWith("is queued; follow it with `helix deployments --app hello`");

        CliRunner.Result json = helix.run("deploy", source.toString(), "--app", "hello", "--no-wait", "--json");
        assertThat(Json.MAPPER.readTree(json.out()).get("state").asText()).isEqualTo("queued");
    }

    @Test
    void anInvalidAppNameIsTheServersOneLineProblem() {
        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "Hello");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: app \"Hello\": app name: \"Hello\" (expected: 1-40 lowercase"
                + " letters, digits and single dashes, starting with a letter and not ending with a dash, e.g. \"hello-node\")");
        assertThat(api.uploads).isEmpty();
    }

    @Test
    void anUploadRejectedByTheServerIsOneLine() {
        api.addApp("hello");
        api.fail("POST", "/applications/hello/deployments", 413, "upload: 2.1 GB (expected: at most 500 MB)");

        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: app \"hello\": upload: 2.1 GB (expected: at most 500 MB)");
    }

    @Test
    void aMissingDirectoryFailsBeforeTalkingToTheServer() {
        CliRunner.Result result = helix.run("deploy", temp.resolve("nope").toString(), "--app", "hello");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).singleElement().asString()
                .isEqualTo("helix: \"" + temp.resolve("nope") + "\": not a directory (expected: the folder to deploy)");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void warnsAboutSymlinksLeftOut() throws IOException {
        java.nio.file.Files.createSymbolicLink(source.resolve("passwd"), Path.of("/etc/passwd"));

        CliRunner.Result result = helix.run("deploy", source.toString(), "--app", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("helix: warning: not uploaded: passwd: symlink to \"/etc/passwd\" points outside");
    }

    private String deploymentId() {
        return api.requests.stream().filter(r -> r.path().startsWith("/deployments/")).findFirst()
                .map(r -> r.path().split("/")[2]).orElseThrow();
    }
}
