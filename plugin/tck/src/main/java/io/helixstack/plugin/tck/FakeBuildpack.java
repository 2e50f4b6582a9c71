package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.Detection;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A buildpack that really works without running anything: it claims sources holding a {@value #MARKER}, "compiles" by
 * writing {@value #OUTPUT} next to it (the marker's text, upper-cased), and serves the result as static files. For tests
 * of the build plane and its callers that need a quick, deterministic build; it passes {@link BuildpackContract}.
 */
public final class FakeBuildpack implements Buildpack {
    /** The file that makes a source this buildpack's. */
    public static final String MARKER = "fake.txt";
    /** The file compile writes. */
    public static final String OUTPUT = "fake-build.txt";

    private final AtomicInteger compiles = new AtomicInteger();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Detection detect(Path appDir) {
        return Files.isRegularFile(appDir.resolve(MARKER)) ? new Detection.Match("fake app (" + MARKER + ")") : new Detection.NoMatch();
    }

    @Override
    public StepResult compile(BuildContext ctx) {
        Path marker = ctx.appDir().resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return StepResult.failed(MARKER + " is missing (expected: a " + MARKER + " at the root of the source)");
        }
        ctx.log().line("-----> Fake compile: " + MARKER + " -> " + OUTPUT);
        try {
            String text = Files.readString(marker, StandardCharsets.UTF_8);
            Files.writeString(ctx.appDir().resolve(OUTPUT), text.toUpperCase(java.util.Locale.ROOT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return StepResult.failed("fake compile could not write " + OUTPUT + ": " + e.getMessage());
        }
        compiles.incrementAndGet();
        return StepResult.ok();
    }

    @Override
    public Release release(BuildContext ctx) {
        return Files.isRegularFile(ctx.appDir().resolve(OUTPUT))
                ? new Release.Static(".")
                : new Release.Rejected(OUTPUT + " is missing (expected: compile to run before release)");
    }

    /** How many compiles succeeded, for tests that check a build was (or was not) repeated. */
    public int compileCount() {
        return compiles.get();
    }
}
