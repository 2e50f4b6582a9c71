package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sandboxed app can and cannot touch. Runs only where bubblewrap works; the other tests cover the rest. */
class SandboxTest {
    @TempDir
    Path tmp;
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private Path home;
    private Path artifact;
    private ProcessRuntimeDriver driver;

    @BeforeEach
    void startDriver() throws IOException {
        home = tmp.resolve("helix-home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("secret.key"), "the platform's secret");
        artifact = TestApps.artifact(tmp);
        driver = new ProcessRuntimeDriver(home, home.resolve("run"), sink, TestApps.sealer(), true);
        assumeTrue(driver.sandboxed(), "bubblewrap is not usable on this machine (apt-get install bubblewrap): "
                + "sandbox tests skipped, instances would run unsandboxed");
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void anAppCannotSeeThePlatformsHomeNorAnotherInstancesDirectory() throws IOException {
        Instance other = ready();
        Path otherHome = home.resolve("run/instances").resolve(other.id());
        Files.writeString(otherHome.resolve("notes.txt"), "other app's data");
        Instance app = ready();

        assertThat(TestHttp.get(app, "/read?path=" + TestHttp.query(home.resolve("secret.key").toString())))
                .isEqualTo("ERR ENOENT");
        assertThat(TestHttp.get(app, "/read?path=" + TestHttp.query(otherHome.resolve("notes.txt").toString())))
                .isEqualTo("ERR ENOENT");
        assertThat(TestHttp.get(app, "/exists?path=" + TestHttp.query(otherHome.toString()))).isEqualTo("false");
        assertThat(TestHttp.get(other, "/read?path=" + TestHttp.query(otherHome.resolve("notes.txt").toString())))
                .isEqualTo("other app's data");
    }

    @Test
    void anAppWritesItsHomeButNotItsArtifact() {
        Instance app = ready();
        String ownFile = home.resolve("run/instances").resolve(app.id()).resolve("state.txt").toString();

        assertThat(TestHttp.get(app, "/write?path=" + TestHttp.query(ownFile))).isEqualTo("OK");
        assertThat(TestHttp.get(app, "/read?path=" + TestHttp.query(ownFile))).isEqualTo("written");
        assertThat(TestHttp.get(app, "/write?path=" + TestHttp.query(artifact.resolve("server.js").toString())))
                .isEqualTo("ERR EROFS");
        assertThat(TestHttp.get(app, "/write?path=/usr/bin/evil")).isEqualTo("ERR EROFS");
        assertThat(TestHttp.get(app, "/read?path=" + TestHttp.query(artifact.resolve("README").toString())))
                .isEqualTo("an artifact file\n");
    }

    @Test
    void anAppSeesAPrivateTmpAndItsOwnProcessesOnly() throws IOException {
        Files.writeString(tmp.resolve("host-file"), "on the host's /tmp");
        Instance app = ready();

        assertThat(TestHttp.get(app, "/exists?path=" + TestHttp.query(tmp.resolve("host-file").toString())))
                .isEqualTo("false");
        assertThat(TestHttp.get(app, "/write?path=/tmp/scratch")).isEqualTo("OK");
        // PID 1 is bubblewrap's reaper inside the namespace; the JVM's processes are not there.
        assertThat(TestHttp.get(app, "/exists?path=/proc/" + ProcessHandle.current().pid())).isEqualTo("false");
    }

    @Test
    void noSandboxLineIsWrittenWhenSandboxed() {
        Instance app = ready();

        assertThat(sink.lines(app.id(), "system")).noneMatch(line -> line.contains("without a sandbox"));
    }

    private Instance ready() {
        Instance instance = driver.deploy(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));
        assertThat(driver.awaitReady(instance)).isEqualTo(new Readiness.Ready());
        return instance;
    }
}
