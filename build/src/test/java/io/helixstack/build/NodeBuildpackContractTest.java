package io.helixstack.build;

import io.helixstack.plugin.api.BuildLog;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.CommandRunner;
import io.helixstack.plugin.tck.BuildpackContract;
import java.nio.file.Path;
import java.time.Clock;

/** The Node buildpack against the shared suite, building examples/hello-node with the real npm (no dependencies: offline). */
class NodeBuildpackContractTest extends BuildpackContract {
    @Override
    protected Buildpack buildpack() {
        return new NodeBuildpack(Clock.systemUTC());
    }

    @Override
    protected Path matchingFixture() {
        return Examples.dir("hello-node");
    }

    @Override
    protected CommandRunner commandRunner(BuildLog log) {
        return new ProcessCommandRunner(log);
    }
}
