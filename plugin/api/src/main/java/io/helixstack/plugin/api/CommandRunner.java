package io.helixstack.plugin.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a build command (an argument list, never a shell string) with the platform's build isolation, streaming its output
 * into the build log.
 */
public interface CommandRunner {
    /** @return the exit code; output lines went to the build log */
    int run(List<String> command, Path workDir, Map<String, String> env, Duration timeout);

    /** Whether an executable of this name is on the PATH the runner uses. */
    boolean available(String executable);
}
