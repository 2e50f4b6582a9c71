package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's verdicts and the bubblewrap command line, without running bubblewrap. */
class SandboxCommandTest {
    private static final List<String> COMMAND = List.of("/bin/sh", "-c", "exec node server.js");
    private final Path artifact = Path.of("/var/lib/helix/artifacts/sha256-ab");
    private final Path instanceDir = Path.of("/var/lib/helix/run/instances/hello-web-1");

    @Test
    void withoutBubblewrapOnThePathInstancesRunUnsandboxedAndTheReasonSaysWhatToInstall() {
        Sandbox sandbox = Sandbox.probe(true, Path.of("/var/lib/helix"), "/nonexistent/bin");

        assertThat(sandbox.active()).isFalse();
        assertThat(sandbox.unavailableReason())
                .isEqualTo("bubblewrap not available: instance runs without a sandbox (install bubblewrap)");
        assertThat(sandbox.wrap(COMMAND, artifact, instanceDir)).isEqualTo(COMMAND);
    }

    @Test
    void aDisabledSandboxSaysSo() {
        Sandbox sandbox = Sandbox.probe(false, Path.of("/var/lib/helix"), System.getenv("PATH"));

        assertThat(sandbox.active()).isFalse();
        assertThat(sandbox.unavailableReason()).isEqualTo("sandbox disabled by configuration: instance runs without a sandbox");
    }

    @Test
    void theCommandLineIsolatesTheAppAndShowsOnlyItsArtifactAndItsInstanceDirectory() {
        List<String> line = Sandbox.unprobed(Path.of("/usr/bin/bwrap"), Path.of("/var/lib/helix"))
                .wrap(COMMAND, artifact, instanceDir);

        assertThat(line.getFirst()).isEqualTo("/usr/bin/bwrap");
        assertThat(line).contains("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent")
                .doesNotContain("--unshare-net", "--share-net");
        assertThat(Collections.indexOfSubList(line, List.of("--ro-bind", "/usr", "/usr"))).isPositive();
        assertThat(Collections.indexOfSubList(line, List.of("--ro-bind", "/etc", "/etc"))).isPositive();
        assertThat(Collections.indexOfSubList(line, List.of("--bind", "/", "/"))).isNegative();
        int tmp = Collections.indexOfSubList(line, List.of("--tmpfs", "/tmp"));
        int artifactBind = Collections.indexOfSubList(line, List.of("--ro-bind", artifact.toString(), artifact.toString()));
        int instanceBind = Collections.indexOfSubList(line, List.of("--bind", instanceDir.toString(), instanceDir.toString()));
        assertThat(tmp).isPositive().isLessThan(artifactBind).isLessThan(instanceBind);
        assertThat(line.subList(line.size() - COMMAND.size() - 3, line.size()))
                .containsExactly("--chdir", artifact.toString(), "--", "/bin/sh", "-c", "exec node server.js");
    }

    @Test
    void anInstanceOutlivesThePlatformATaskDoesNot() {
        Sandbox sandbox = Sandbox.unprobed(Path.of("/usr/bin/bwrap"), Path.of("/var/lib/helix"));

        List<String> instance = sandbox.wrapDetached(COMMAND, artifact, instanceDir);
        List<String> task = sandbox.wrap(COMMAND, artifact, instanceDir);

        assertThat(instance).doesNotContain("--die-with-parent").contains("--new-session", "--unshare-pid");
        assertThat(task).contains("--die-with-parent");
        assertThat(instance).containsExactlyElementsOf(task.stream().filter(a -> !a.equals("--die-with-parent")).toList());
    }

    @Test
    void aPlatformHomeInsideASystemDirectoryIsCoveredBeforeTheAppsDirectoriesAreBound() {
        Path home = Path.of("/usr/local/helix");
        Path artifactInHome = home.resolve("artifacts/sha256-ab");
        List<String> line = Sandbox.unprobed(Path.of("/usr/bin/bwrap"), home)
                .wrap(COMMAND, artifactInHome, home.resolve("run/instances/hello-web-1"));

        int usr = Collections.indexOfSubList(line, List.of("--ro-bind", "/usr", "/usr"));
        int cover = Collections.indexOfSubList(line, List.of("--tmpfs", home.toString()));
        int artifactBind = Collections.indexOfSubList(line, List.of("--ro-bind", artifactInHome.toString(),
                artifactInHome.toString()));
        assertThat(cover).isGreaterThan(usr).isLessThan(artifactBind);
    }

    @Test
    void aPlatformHomeOutsideTheSystemDirectoriesNeedsNoCover() {
        List<String> line = Sandbox.unprobed(Path.of("/usr/bin/bwrap"), Path.of("/var/lib/helix"))
                .wrap(COMMAND, artifact, instanceDir);

        assertThat(line).doesNotContain("/var/lib/helix");
    }
}
