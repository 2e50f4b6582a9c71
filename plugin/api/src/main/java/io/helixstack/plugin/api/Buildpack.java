package io.helixstack.plugin.api;

import java.nio.file.Path;

/**
 * Turns a source tree into something runnable (seed hooks {@code detect()}, {@code compile()}, {@code release()}).
 * Buildpacks are tried in order; the first {@link Detection.Match} builds.
 */
public interface Buildpack {
    /** Short lowercase name recorded in the artifact, e.g. {@code node}. */
    String name();

    /** Looks at the source only; runs nothing. */
    Detection detect(Path appDir);

    /** Installs dependencies and runs the build, in place in {@code ctx.appDir()}. */
    StepResult compile(BuildContext ctx);

    /** After a successful compile: how the result runs or is served. */
    Release release(BuildContext ctx);
}
