package io.helixstack.build;

import io.helixstack.domain.InvalidInputException;
import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.Detection;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Node.js applications: a package.json. Installs with the package manager its lockfile names (devDependencies included,
 * the build needs them), restores node_modules from the per-app cache when the lockfile is unchanged, runs the
 * {@code build} script, prunes devDependencies (npm), and starts with the Procfile {@code web:} line, the {@code start}
 * script, {@code main}, or {@code server.js} (npm's own default) — or, when the build wrote a site, serves it statically.
 * {@link #detect} already refuses a package.json with no way to start or build, so an upload fails before it is stored.
 */
public final class NodeBuildpack implements Buildpack {
    /** How long one install or build command may run. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(15);

    static final String RESTORE_LINE = "-----> Restoring node_modules from cache (lockfile unchanged)";
    private static final Map<String, String> SERVER_ENV = Map.of("NODE_ENV", "production");
    /** A start script that is one plain {@code node} invocation can run without npm as a middleman. */
    private static final Pattern PLAIN_NODE = Pattern.compile("node( [A-Za-z0-9_./@=:,+-]+)+");
    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9_./@+-]+");

    private final Clock clock;
    private final Duration commandTimeout;

    public NodeBuildpack(Clock clock) {
        this(clock, DEFAULT_COMMAND_TIMEOUT);
    }

    public NodeBuildpack(Clock clock, Duration commandTimeout) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public Detection detect(Path appDir) {
        if (!Files.isRegularFile(appDir.resolve("package.json"))) {
            return new Detection.NoMatch();
        }
        PackageJson pkg;
        try {
            pkg = PackageJson.read(appDir);
        } catch (InvalidInputException e) {
            return new Detection.Unusable(e.getMessage());
        }
        boolean runnable = Procfile.web(appDir).isPresent() || pkg.script("start").isPresent() || pkg.main().isPresent()
                || pkg.script("build").isPresent() || Files.isRegularFile(appDir.resolve("server.js"))
                || Files.isRegularFile(appDir.resolve("index.html")) || StaticBuildpack.firstOutputDir(appDir).isPresent();
        if (!runnable) {
            return new Detection.Unusable("package.json has nothing to start or build (expected: a \"start\" or \"build\" script or"
                    + " \"main\" in package.json, a Procfile with a web: line, a server.js, or an index.html)");
        }
        return new Detection.Match("Node.js app (" + PackageManager.of(appDir).describe() + ")");
    }

    @Override
    public StepResult compile(BuildContext ctx) {
        Path appDir = ctx.appDir();
        PackageJson pkg;
        try {
            pkg = PackageJson.read(appDir);
        } catch (InvalidInputException e) {
            return StepResult.failed(e.getMessage());
        }
        PackageManager.Choice choice = PackageManager.of(appDir);
        PackageManager manager = choice.manager();
        boolean installed = ctx.runner().available(manager.executable());
        if (!installed) {
            ctx.log().line("-----> " + manager.executable() + " is not installed; using " + String.join(" ", manager.invocation(false)));
        }
        List<String> tool = manager.invocation(installed);
        try {
            Optional<String> cacheKey = choice.lockfile().isPresent()
                    ? Optional.of(Hashing.sha256Hex(appDir.resolve(choice.lockfile().get()))) : Optional.empty();
            NodeModulesCache cache = new NodeModulesCache(ctx.cacheDir(), clock);
            if (cacheKey.isPresent() && cache.restore(cacheKey.get(), appDir)) {
                ctx.log().line(RESTORE_LINE);
            } else {
                ctx.log().line("-----> Installing dependencies");
                List<String> install = concat(tool, manager.installArgs(choice.lockfile().isPresent()));
                // Without NODE_ENV=production every manager installs devDependencies, which the build step needs.
                Map<String, String> installEnv = new HashMap<>(ctx.env());
                installEnv.remove("NODE_ENV");
                int code = run(ctx, install, installEnv);
                if (code != 0) {
                    return StepResult.failed("dependency install (" + String.join(" ", install) + ") failed with exit code " + code);
                }
                if (cacheKey.isPresent()) {
                    cache.save(cacheKey.get(), appDir);
                }
            }
        } catch (IOException e) {
            return StepResult.failed("dependency cache: " + e.getMessage());
        }
        if (pkg.script("build").isPresent()) {
            ctx.log().line("-----> Running build");
            int code = run(ctx, concat(tool, List.of("run", "build")), ctx.env());
            if (code != 0) {
                return StepResult.failed("build script failed with exit code " + code);
            }
        }
        if (manager == PackageManager.NPM && pkg.hasDevDependencies() && Files.isDirectory(appDir.resolve("node_modules"))) {
            ctx.log().line("-----> Pruning devDependencies");
            int code = run(ctx, List.of("npm", "prune", "--omit=dev"), ctx.env());
            if (code != 0) {
                return StepResult.failed("npm prune --omit=dev failed with exit code " + code);
            }
        }
        return StepResult.ok();
    }

    @Override
    public Release release(BuildContext ctx) {
        Path appDir = ctx.appDir();
        PackageJson pkg;
        try {
            pkg = PackageJson.read(appDir);
        } catch (InvalidInputException e) {
            return new Release.Rejected(e.getMessage());
        }
        Optional<String> web = Procfile.web(appDir);
        if (web.isPresent()) {
            return new Release.Server(web.get(), SERVER_ENV);
        }
        Optional<String> start = pkg.script("start");
        if (start.isPresent()) {
            // Run a plain `node x.js` directly so SIGTERM reaches the app, not an npm wrapper; anything else goes through npm,
            // which also puts node_modules/.bin on the PATH and runs prestart.
            boolean direct = PLAIN_NODE.matcher(start.get().trim()).matches() && pkg.script("prestart").isEmpty();
            return new Release.Server(direct ? start.get().trim() : "npm run start", SERVER_ENV);
        }
        if (pkg.main().isPresent()) {
            String main = pkg.main().get();
            return new Release.Server("node " + (PLAIN_PATH.matcher(main).matches() ? main : "'" + main.replace("'", "'\\''") + "'"),
                    SERVER_ENV);
        }
        if (Files.isRegularFile(appDir.resolve("server.js"))) {
            return new Release.Server("node server.js", SERVER_ENV);
        }
        Optional<String> site = StaticBuildpack.firstOutputDir(appDir);
        if (site.isPresent()) {
            return new Release.Static(site.get());
        }
        if (Files.isRegularFile(appDir.resolve("index.html"))) {
            return new Release.Static(".");
        }
        return new Release.Rejected("nothing to start or serve (expected: a Procfile web: line, a \"start\" script or \"main\" in"
                + " package.json, a server.js, or a build that writes index.html to dist/, build/, out/ or public/)");
    }

    private int run(BuildContext ctx, List<String> command, Map<String, String> env) {
        return ctx.runner().run(command, ctx.appDir(), env, commandTimeout);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
