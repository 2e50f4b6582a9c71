package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.Detection;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node buildpack logic with scripted commands: no network, no Node needed. */
class NodeBuildpackTest {
    @TempDir
    Path tmp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicLong seconds = new AtomicLong();
    /** Moves one second per reading, so cache entries have distinct ages. */
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.parse("2025-01-01T00:00:00Z").plusSeconds(seconds.incrementAndGet());
        }
    };
    private final NodeBuildpack buildpack = new NodeBuildpack(clock);

    private Path app(String... files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("app-" + System.nanoTime()));
        return Tarballs.write(dir, files);
    }

    private BuildContext ctx(Path appDir, ScriptedRunner runner) throws IOException {
        return new BuildContext(appDir, Files.createDirectories(tmp.resolve("cache")), Map.of("NODE_ENV", "production"), log::add, runner);
    }

    private static ScriptedRunner npmThatInstalls() {
        return new ScriptedRunner(Set.of("npm")).on("npm ci", dir -> {
            Tarballs.write(dir, "node_modules/leftpad/index.js", "module.exports = 1");
            return 0;
        });
    }

    @Test
    void detectsThePackageManagerByLockfile() throws IOException {
        assertThat(buildpack.detect(app("package.json", "{\"scripts\":{\"start\":\"node a.js\"}}", "package-lock.json", "{}")))
                .isEqualTo(new Detection.Match("Node.js app (npm, package-lock.json)"));
        assertThat(buildpack.detect(app("package.json", "{\"main\":\"a.js\"}", "pnpm-lock.yaml", "")))
                .isEqualTo(new Detection.Match("Node.js app (pnpm, pnpm-lock.yaml)"));
        assertThat(buildpack.detect(app("package.json", "{\"main\":\"a.js\"}", "yarn.lock", "")))
                .isEqualTo(new Detection.Match("Node.js app (yarn, yarn.lock)"));
        assertThat(buildpack.detect(app("package.json", "{\"main\":\"a.js\"}")))
                .isEqualTo(new Detection.Match("Node.js app (npm, no lockfile)"));
        assertThat(buildpack.detect(app("index.html", "x"))).isInstanceOf(Detection.NoMatch.class);
    }

    @Test
    void packageJsonWithNothingToRunIsUnusableUpFront() throws IOException {
        assertThat(buildpack.detect(app("package.json", "{\"name\":\"lib\",\"scripts\":{\"test\":\"jest\"}}")))
                .isInstanceOfSatisfying(Detection.Unusable.class, u -> assertThat(u.reason())
                        .contains("nothing to start or build", "expected: a \"start\" or \"build\" script"));
        assertThat(buildpack.detect(app("package.json", "{not json")))
                .isInstanceOfSatisfying(Detection.Unusable.class, u -> assertThat(u.reason()).contains("package.json is not valid JSON"));
    }

    @Test
    void secondBuildWithTheSameLockfileRestoresNodeModulesInsteadOfInstalling() throws IOException {
        String[] files = {"package.json", "{\"scripts\":{\"start\":\"node app.js\"},\"devDependencies\":{\"jest\":\"1\"}}",
                "package-lock.json", "{\"v\":1}"};
        ScriptedRunner first = npmThatInstalls();
        assertThat(buildpack.compile(ctx(app(files), first))).isEqualTo(StepResult.ok());
        assertThat(first.commandLines()).containsExactly("npm ci --include=dev", "npm prune --omit=dev");

        ScriptedRunner second = npmThatInstalls();
        Path appDir = app(files);
        assertThat(buildpack.compile(ctx(appDir, second))).isEqualTo(StepResult.ok());
        assertThat(second.commandLines()).containsExactly("npm prune --omit=dev");
        assertThat(log).contains(NodeBuildpack.RESTORE_LINE);
        assertThat(appDir.resolve("node_modules/leftpad/index.js")).hasContent("module.exports = 1");
    }

    @Test
    void cacheKeepsTheNewestTwoLockfiles() throws IOException {
        for (int v = 1; v <= 3; v++) {
            buildpack.compile(ctx(app("package.json", "{\"main\":\"a.js\"}", "package-lock.json", "{\"v\":" + v + "}"), npmThatInstalls()));
        }
        List<String> keys = new NodeModulesCache(tmp.resolve("cache"), clock).keys();
        assertThat(keys).hasSize(NodeModulesCache.KEEP);

        ScriptedRunner oldest = npmThatInstalls();
        buildpack.compile(ctx(app("package.json", "{\"main\":\"a.js\"}", "package-lock.json", "{\"v\":1}"), oldest));
        assertThat(oldest.commandLines()).as("evicted lockfile installs again; nothing to prune").containsExactly("npm ci --include=dev");
    }

    @Test
    void installFailureSaysWhichCommandAndExitCode() throws IOException {
        ScriptedRunner runner = new ScriptedRunner(Set.of("npm")).on("npm install", dir -> 1);
        StepResult result = buildpack.compile(ctx(app("package.json", "{\"main\":\"a.js\"}"), runner));
        assertThat(result).isEqualTo(StepResult.failed("dependency install (npm install --include=dev) failed with exit code 1"));
    }

    @Test
    void buildScriptRunsAndItsFailureIsReported() throws IOException {
        ScriptedRunner runner = new ScriptedRunner(Set.of("npm")).on("npm run build", dir -> 2);
        StepResult result = buildpack.compile(ctx(app("package.json", "{\"scripts\":{\"build\":\"vite build\"}}"), runner));
        assertThat(result).isEqualTo(StepResult.failed("build script failed with exit code 2"));
        assertThat(log).contains("-----> Running build");
    }

    @Test
    void pnpmAndYarnRunThroughNpxWhenNotInstalled() throws IOException {
        ScriptedRunner pnpm = new ScriptedRunner(Set.of("npm"));
        buildpack.compile(ctx(app("package.json", "{\"scripts\":{\"build\":\"x\"}}", "pnpm-lock.yaml", "lock"), pnpm));
        assertThat(pnpm.commandLines()).containsExactly("npx --yes pnpm@9 install --frozen-lockfile", "npx --yes pnpm@9 run build");
        assertThat(log).contains("-----> pnpm is not installed; using npx --yes pnpm@9");

        ScriptedRunner yarn = new ScriptedRunner(Set.of("npm", "yarn"));
        buildpack.compile(ctx(app("package.json", "{\"main\":\"a.js\"}", "yarn.lock", "lock"), yarn));
        assertThat(yarn.commandLines()).containsExactly("yarn install --frozen-lockfile --production=false");
    }

    @Test
    void releaseChoosesTheStartCommand() throws IOException {
        ScriptedRunner none = new ScriptedRunner(Set.of("npm"));
        Map<String, String> env = Map.of("NODE_ENV", "production");
        assertThat(buildpack.release(ctx(app("package.json", "{\"scripts\":{\"start\":\"node a.js\"}}", "Procfile", "web: node b.js --x\n"), none)))
                .isEqualTo(new Release.Server("node b.js --x", env));
        assertThat(buildpack.release(ctx(app("package.json", "{\"scripts\":{\"start\":\"node server.js\"}}"), none)))
                .isEqualTo(new Release.Server("node server.js", env));
        assertThat(buildpack.release(ctx(app("package.json", "{\"scripts\":{\"start\":\"next start\"}}"), none)))
                .isEqualTo(new Release.Server("npm run start", env));
        assertThat(buildpack.release(ctx(app("package.json", "{\"main\":\"lib/index.js\"}"), none)))
                .isEqualTo(new Release.Server("node lib/index.js", env));
        assertThat(buildpack.release(ctx(app("package.json", "{}", "server.js", ""), none)))
                .isEqualTo(new Release.Server("node server.js", env));
        assertThat(buildpack.release(ctx(app("package.json", "{\"scripts\":{\"build\":\"x\"}}", "dist/index.html", "<p>"), none)))
                .isEqualTo(new Release.Static("dist"));
        assertThat(buildpack.release(ctx(app("package.json", "{\"scripts\":{\"build\":\"x\"}}"), none)))
                .isInstanceOfSatisfying(Release.Rejected.class, r -> assertThat(r.reason()).contains("expected: a Procfile web: line"));
    }
}
