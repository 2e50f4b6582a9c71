package io.helixstack.build;

import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.Detection;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Plain files served by the proxy: an {@code index.html} at the root, or, when there is no package.json to build from,
 * in an already-built output directory ({@code dist/}, {@code build/}, {@code out/}, {@code public/}, the names the common
 * site generators use). Nothing to compile.
 */
public final class StaticBuildpack implements Buildpack {
    /** Where site generators and bundlers put their output, in the order they are looked at. */
    static final List<String> OUTPUT_DIRS = List.of("dist", "build", "out", "public");

    @Override
    public String name() {
        return "static";
    }

    @Override
    public Detection detect(Path appDir) {
        return staticRoot(appDir)
                .<Detection>map(root -> new Detection.Match("static site (" + (root.equals(".") ? "" : root + "/") + "index.html)"))
                .orElseGet(Detection.NoMatch::new);
    }

    @Override
    public StepResult compile(BuildContext ctx) {
        ctx.log().line("-----> Static files: nothing to compile");
        return StepResult.ok();
    }

    @Override
    public Release release(BuildContext ctx) {
        return staticRoot(ctx.appDir())
                .<Release>map(Release.Static::new)
                .orElseGet(() -> new Release.Rejected("no index.html (expected: an index.html at the root or in dist/, build/, out/, public/)"));
    }

    private static Optional<String> staticRoot(Path appDir) {
        if (Files.isRegularFile(appDir.resolve("index.html"))) {
            return Optional.of(".");
        }
        if (Files.exists(appDir.resolve("package.json"))) {
            return Optional.empty();
        }
        return firstOutputDir(appDir);
    }

    /** The first of {@link #OUTPUT_DIRS} holding an index.html. */
    static Optional<String> firstOutputDir(Path appDir) {
        return OUTPUT_DIRS.stream().filter(dir -> Files.isRegularFile(appDir.resolve(dir).resolve("index.html"))).findFirst();
    }
}
