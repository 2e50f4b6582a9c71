package io.helixstack.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs build commands inside bubblewrap: {@code npm ci} and a package's build scripts are the app's code, and must not
 * read HelixStack's files (the secret key, the credentials, the database) or other apps' sources. The command sees the
 * system read-only, its own working directories read-write, a private {@code /tmp}, and the network (installs download).
 * Unlike instances, builds do not use {@code --die-with-parent}: the parent-death signal follows the forking thread, and
 * builds are started from short-lived threads; a build that outlives its timeout is killed by the runner instead.
 */
final class BuildSandbox {
    private static final List<String> SYSTEM_DIRS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32");

    private final Path bwrap;

    private BuildSandbox(Path bwrap) {
        this.bwrap = bwrap;
    }

    /** bubblewrap when it is installed and allowed to make namespaces here; empty otherwise. */
    static Optional<BuildSandbox> detect(Optional<Path> bwrap) {
        return bwrap.filter(BuildSandbox::works).map(BuildSandbox::new);
    }

    private static boolean works(Path bwrap) {
        try {
            Process p = new ProcessBuilder(bwrap.toString(), "--ro-bind", "/", "/", "--unshare-pid", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The argument list that runs {@code command} in {@code workDir} with only {@code writable} writable. */
    List<String> wrap(List<String> command, Path workDir, Collection<Path> writable) {
        List<String> argv = new ArrayList<>(List.of(bwrap.toString(), "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--new-session", "--ro-bind", "/usr", "/usr"));
        for (String dir : SYSTEM_DIRS) {
            Path p = Path.of(dir);
            try {
                if (Files.isSymbolicLink(p)) {
                    argv.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
                } else if (Files.isDirectory(p)) {
                    argv.addAll(List.of("--ro-bind", dir, dir));
                }
            } catch (IOException e) {
                // An unreadable system link is left out; the command fails visibly if it needed it.
            }
        }
        argv.addAll(List.of("--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path w : writable) {
            String abs = w.toAbsolutePath().normalize().toString();
            argv.addAll(List.of("--bind", abs, abs));
        }
        argv.addAll(List.of("--chdir", workDir.toAbsolutePath().normalize().toString(), "--"));
        argv.addAll(command);
        return argv;
    }
}
