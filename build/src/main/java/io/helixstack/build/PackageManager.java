package io.helixstack.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Node package manager a project uses, decided by its lockfile, because installing with another manager than the one
 * that wrote the lockfile ignores the lockfile. npm ships with Node; pnpm and yarn may not be installed, then they run
 * through {@code npx} at a pinned major version.
 */
enum PackageManager {
    NPM("npm", List.of("package-lock.json", "npm-shrinkwrap.json"), "npm"),
    PNPM("pnpm", List.of("pnpm-lock.yaml"), "pnpm@9"),
    YARN("yarn", List.of("yarn.lock"), "yarn@1");

    private final String executable;
    private final List<String> lockfiles;
    private final String npxPackage;

    PackageManager(String executable, List<String> lockfiles, String npxPackage) {
        this.executable = executable;
        this.lockfiles = lockfiles;
        this.npxPackage = npxPackage;
    }

    String executable() {
        return executable;
    }

    /** The manager and lockfile of a project; npm without a lockfile when there is none. */
    static Choice of(Path appDir) {
        for (PackageManager manager : values()) {
            for (String lockfile : manager.lockfiles) {
                if (Files.isRegularFile(appDir.resolve(lockfile))) {
                    return new Choice(manager, Optional.of(lockfile));
                }
            }
        }
        return new Choice(NPM, Optional.empty());
    }

    /** How to invoke the manager: itself, or through npx when it is not installed. */
    List<String> invocation(boolean installed) {
        return installed ? List.of(executable) : List.of("npx", "--yes", npxPackage);
    }

    /**
     * Install everything the build needs, devDependencies included (the caller also drops NODE_ENV, which would make each
     * manager skip them), exactly as locked when there is a lockfile.
     */
    List<String> installArgs(boolean locked) {
        List<String> args = new ArrayList<>();
        switch (this) {
            case NPM -> args.addAll(locked ? List.of("ci", "--include=dev") : List.of("install", "--include=dev"));
            case PNPM -> args.addAll(locked ? List.of("install", "--frozen-lockfile") : List.of("install"));
            case YARN -> args.addAll(locked ? List.of("install", "--frozen-lockfile", "--production=false")
                    : List.of("install", "--production=false"));
        }
        return args;
    }

    /** A manager with the lockfile that chose it. */
    record Choice(PackageManager manager, Optional<String> lockfile) {
        String describe() {
            return manager.executable + ", " + lockfile.orElse("no lockfile");
        }
    }
}
