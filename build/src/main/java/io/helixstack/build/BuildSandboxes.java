package io.helixstack.build;

import java.nio.file.Path;
import java.util.Optional;

/** Probes bubblewrap once per JVM: every build creates runners, and the probe starts a process. */
final class BuildSandboxes {
    private static volatile Optional<BuildSandbox> probed;

    private BuildSandboxes() {
    }

    static Optional<BuildSandbox> shared(Optional<Path> bwrap) {
        Optional<BuildSandbox> p = probed;
        if (p == null) {
            synchronized (BuildSandboxes.class) {
                if (probed == null) {
                    probed = BuildSandbox.detect(bwrap);
                }
                p = probed;
            }
        }
        return p;
    }
}
