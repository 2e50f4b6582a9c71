package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** All builds in one memory-capped control group, where this machine lets the tests create one. */
class BuildLimitsTest {
    /** A parent of the test's own: a server running on this machine keeps its builds' cap. */
    private static final String TEST_PARENT = "helix-test-" + Long.toHexString(System.nanoTime());

    @org.junit.jupiter.api.AfterEach
    void removeGroups() {
        Cgroups.probe(Path.of("/sys/fs/cgroup"), TEST_PARENT).removeEmptyGroups();
    }

    @Test
    void aBuildCommandOverTheSharedCapIsKilledAndOneUnderItRuns() throws Exception {
        Cgroups cgroups = Cgroups.probe(Path.of("/sys/fs/cgroup"), TEST_PARENT);
        assumeTrue(cgroups.active(), "cgroups cannot be used here: " + cgroups.unavailableReason());
        BuildLimits limits = BuildLimits.memoryCap(64, cgroups);
        assertThat(limits.capped()).isTrue();
        assertThat(limits.description()).isEqualTo("builds share a memory cap of 64 MB");

        int greedy = run(limits.wrapper().apply(List.of("node", "-e", "const a=[]; for(;;) a.push(Buffer.alloc(8<<20, 1));")));
        int modest = run(limits.wrapper().apply(List.of("node", "-e", "console.log(Buffer.alloc(8<<20, 1).length)")));

        assertThat(greedy).as("killed by the kernel (SIGKILL)").isEqualTo(137);
        assertThat(modest).isZero();
    }

    @Test
    void withoutCgroupsCommandsRunUnchangedAndTheReasonIsGiven() {
        BuildLimits limits = BuildLimits.memoryCap(64, Cgroups.unavailable("cgroups are read-only here"));

        assertThat(limits.capped()).isFalse();
        assertThat(limits.description()).isEqualTo("builds are not memory-capped: cgroups are read-only here");
        assertThat(limits.wrapper().apply(List.of("npm", "ci"))).containsExactly("npm", "ci");
    }

    private static int run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
