package io.helixstack.plugin.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a buildpack works with.
 *
 * @param appDir   the unpacked source; writable; becomes the artifact after the build
 * @param cacheDir a directory of this buildpack's that survives between builds of the same application
 * @param env      environment for build commands (the application's variables plus the platform's)
 * @param log      the build log
 * @param runner   runs build commands
 */
public record BuildContext(Path appDir, Path cacheDir, Map<String, String> env, BuildLog log, CommandRunner runner) {
    public BuildContext {
        Objects.requireNonNull(appDir, "appDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        env = Map.copyOf(env);
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(runner, "runner");
    }
}
