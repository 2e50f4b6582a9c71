package io.helixstack.build;

import io.helixstack.plugin.api.BuildLog;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.CommandRunner;
import io.helixstack.plugin.tck.BuildpackContract;
import java.nio.file.Path;

/** The static buildpack against the shared suite, on examples/static-site. */
class StaticBuildpackContractTest extends BuildpackContract {
    @Override
    protected Buildpack buildpack() {
        return new StaticBuildpack();
    }

    @Override
    protected Path matchingFixture() {
        return Examples.dir("static-site");
    }

    @Override
    protected CommandRunner commandRunner(BuildLog log) {
        return new ProcessCommandRunner(log);
    }
}
