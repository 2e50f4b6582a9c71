package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code git} client pushes to the built-in git server over HTTP (token as password) and over SSH (a key
 * registered through the API): each push deploys before its ref moves, prints the build log and the URL, and a failed
 * deployment makes the push fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitPushIT {
    static final ObjectMapper JSON = new ObjectMapper();

    record Git(int exit, String out) {
    }

    Path tmp;
    ControlPlaneFixture fixture;
    GitSshServer ssh;
    ForgeClient client;
    Path work;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        fixture = new ControlPlaneFixture(dir, List.of(new ControlApiIT.CommandFileBuildpack()),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        ssh = GitSshServer.start("127.0.0.1", 0, dir.resolve("ssh_host_key"), fixture.store, fixture.api);
        client = new ForgeClient(fixture.api::port, fixture.token);
        work = Files.createDirectories(dir.resolve("work"));
        assertThat(git(work, "init", "-q", "-b", "main").exit()).isZero();
    }

    @AfterAll
    void stop() {
        ssh.close();
        fixture.close();
    }

    @Test
    void pushingOverHttpDeploysStreamsTheLogAndAFailedDeployRejectsThePush() throws Exception {
        commit("fake-serve pushed over http");
        String remote = "http://helix:" + fixture.token + "@127.0.0.1:" + fixture.api.port() + "/git/pushed.git";

        Git pushed = git(work, "push", remote, "main");

        assertThat(pushed.exit()).as(pushed.out()).isZero();
        assertThat(pushed.out()).contains("remote: HelixStack: deploying main", "remote: ", "is live at http://pushed.localhost:8080");
        assertThat(routed("pushed.localhost")).isNotNull();
        JsonNode first = deployments("pushed").get(0);
        assertThat(first.get("label").asText()).isEqualTo("main/1");
        assertThat(first.get("trigger").asText()).isEqualTo("git:push");

        commit("fake-unhealthy");
        Git failed = git(work, "push", remote, "main");
        assertThat(failed.exit()).as(failed.out()).isNotZero();
        assertThat(failed.out()).contains("deploy failed").contains("[remote rejected]");
        assertThat(routed("pushed.localhost")).as("production keeps serving main/1").isEqualTo(first.get("id").asText());
        Git ls = git(work, "ls-remote", remote, "refs/heads/main");
        assertThat(ls.out()).as("the rejected push did not move the branch")
                .startsWith(git(work, "rev-parse", "HEAD~1").out().strip());
        assertThat(ls.out()).doesNotContain("helix-incoming");

        // Another branch: a branch preview at <branch>.<app>.
        commit("fake-serve feature branch");
        Git branch = git(work, "push", remote, "HEAD:refs/heads/feature/Login");
        assertThat(branch.exit()).as(branch.out()).isZero();
        assertThat(branch.out()).contains("is live at http://feature-login.pushed.localhost:8080");
        assertThat(routed("feature-login.pushed.localhost")).isNotNull();
        assertThat(routed("pushed.localhost")).isEqualTo(first.get("id").asText());

        // Deleting the branch takes its preview down; production stays.
        Git deleted = git(work, "push", remote, "--delete", "feature/Login");
        assertThat(deleted.exit()).as(deleted.out()).isZero();
        assertThat(deleted.out()).contains("the preview of feature/Login was removed");
        assertThat(routed("feature-login.pushed.localhost")).isNull();
        assertThat(routed("pushed.localhost")).isEqualTo(first.get("id").asText());

        Git wrongToken = git(work, "push", "http://helix:hx_wrong@127.0.0.1:" + fixture.api.port() + "/git/pushed.git", "main");
        assertThat(wrongToken.exit()).isNotZero();
        assertThat(wrongToken.out()).containsAnyOf("Authentication failed", "401");
        Git badName = git(work, "push", "http://helix:" + fixture.token + "@127.0.0.1:" + fixture.api.port() + "/git/Bad_Name.git", "main");
        assertThat(badName.exit()).isNotZero();
    }

    @Test
    void pushingOverSshWithARegisteredKeyDeploysAndUnknownKeysAreRefused() throws Exception {
        Path key = tmp.resolve("id_ed25519");
        assertThat(run(tmp, Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dev@laptop", "-f", key.toString()).exit())
                .isZero();
        Path stranger = tmp.resolve("id_stranger");
        run(tmp, Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        String pub = Files.readString(tmp.resolve("id_ed25519.pub")).strip();

        assertThat(client.json("POST", "/ssh-keys", "{\"public_key\":\"ssh-ed25519 not-base64!\"}").statusCode()).isEqualTo(400);
        assertThat(client.json("POST", "/ssh-keys", "{\"public_key\":\"-----BEGIN OPENSSH PRIVATE KEY-----\"}").body())
                .contains("private key");
        HttpResponse<String> added = client.json("POST", "/ssh-keys", JSON.createObjectNode().put("public_key", pub).toString());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(JSON.readTree(added.body()).get("name").asText()).isEqualTo("dev@laptop");
        assertThat(JSON.readTree(added.body()).get("fingerprint").asText()).startsWith("SHA256:");
        assertThat(client.json("POST", "/ssh-keys", JSON.createObjectNode().put("public_key", pub).toString()).statusCode())
                .isEqualTo(409);

        commit("fake-serve pushed over ssh");
        String remote = "ssh://git@127.0.0.1:" + ssh.port() + "/sshed.git";
        Git pushed = git(work, Map.of("GIT_SSH_COMMAND", sshCommand(key)), "push", remote, "main");
        assertThat(pushed.exit()).as(pushed.out()).isZero();
        assertThat(pushed.out()).contains("remote: HelixStack: deploying main", "is live at http://sshed.localhost:8080");
        assertThat(routed("sshed.localhost")).isNotNull();

        Path clone = tmp.resolve("clone");
        Git cloned = git(tmp, Map.of("GIT_SSH_COMMAND", sshCommand(key)), "clone", "-q", remote, clone.toString());
        assertThat(cloned.exit()).as(cloned.out()).isZero();
        assertThat(Files.readString(clone.resolve("cmd.txt"))).isEqualTo("fake-serve pushed over ssh");

        Git refused = git(work, Map.of("GIT_SSH_COMMAND", sshCommand(stranger)), "push", remote, "main");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).contains("Permission denied");
        Git shell = run(tmp, Map.of(), "ssh", "-i", key.toString(), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-p", String.valueOf(ssh.port()), "git@127.0.0.1", "cat /etc/passwd");
        assertThat(shell.exit()).isNotZero();
        assertThat(shell.out()).contains("only speaks git").doesNotContain("root:");
    }

    @Test
    void pushingOverHttpsVerifiesTheServersCertificate() throws Exception {
        Path cert = tmp.resolve("api-cert.pem");
        Path key = tmp.resolve("api-key.pem");
        Git made = run(tmp, Map.of(), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString());
        assertThat(made.exit()).as(made.out()).isZero();
        ControlPlane https = new ControlPlane(new java.net.InetSocketAddress("127.0.0.1", 0), fixture.store, fixture.builds,
                fixture.orchestrator, fixture.config, java.time.Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                new ControlPlane.Options(null, tmp.resolve("git"), new ControlPlane.Tls(cert, key)));
        https.start();
        try {
            commit("fake-serve pushed over https");
            String remote = "https://helix:" + fixture.token + "@127.0.0.1:" + https.port() + "/git/secure.git";
            Git untrusted = git(work, "push", remote, "main");
            assertThat(untrusted.exit()).as("a client that does not trust the certificate refuses").isNotZero();

            Git pushed = git(work, Map.of("GIT_SSL_CAINFO", cert.toString()), "push", remote, "main");
            assertThat(pushed.exit()).as(pushed.out()).isZero();
            assertThat(pushed.out()).contains("is live at http://secure.localhost:8080");
            assertThat(routed("secure.localhost")).isNotNull();
        } finally {
            https.close();
        }
    }

    private String routed(String host) {
        return fixture.delivery.routes().find(host + ":8080").or(() -> fixture.delivery.routes().find(host))
                .map(r -> r.deploymentId().toString()).orElse(null);
    }

    private JsonNode deployments(String app) throws Exception {
        return JSON.readTree(client.json("GET", "/applications/" + app + "/deployments", null).body());
    }

    private void commit(String command) throws Exception {
        Files.writeString(work.resolve("cmd.txt"), command);
        assertThat(git(work, "add", "cmd.txt").exit()).isZero();
        assertThat(git(work, "commit", "-q", "-m", command).exit()).isZero();
    }

    private static String sshCommand(Path key) {
        return "ssh -i " + key + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes";
    }

    private static Git git(Path dir, String... args) throws Exception {
        return git(dir, Map.of(), args);
    }

    private static Git git(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com",
                "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        return run(dir, env, command.toArray(String[]::new));
    }

    private static Git run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        return new Git(p.exitValue(), out);
    }
}
