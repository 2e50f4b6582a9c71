package io.helixstack.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * Packs a source directory into the {@code .tar.gz} that {@code helix deploy} uploads, the way {@code git add} would
 * see it: {@code .gitignore} files (root and nested, with negation) decide what is left out, {@code .git} never goes,
 * the executable bit survives, and symlinks are kept as links as long as they point inside the directory.
 * Entries are sorted so the same tree packs to the same entry order.
 */
final class SourcePacker {
    private static final int DIRECTORY_MODE = 040755;
    private static final int FILE_MODE = 0100644;
    private static final int EXECUTABLE_MODE = 0100755;
    private static final int SYMLINK_MODE = 0120777;

    /**
     * @param files   regular files and symlinks written
     * @param skipped entries deliberately left out that the user did not ask to leave out (with why)
     */
    record Packed(int files, List<String> skipped) {
        Packed {
            skipped = List.copyOf(skipped);
        }
    }

    /** A {@code .gitignore} and the directory it sits in ({@code ""} for the root, else {@code "sub/dir/"}). */
    private record IgnoreScope(String base, IgnoreNode rules) {
    }

    /** Writes the archive of {@code dir} to {@code out} and closes {@code out}. */
    Packed pack(Path dir, OutputStream out) throws IOException {
        Path root = dir.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new CliException("\"" + dir + "\": not a directory (expected: the folder to deploy)");
        }
        State state = new State(root);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new GzipCompressorOutputStream(new BufferedOutputStream(out)))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            state.tar = tar;
            packDirectory(state, root, "", List.of());
            tar.finish();
        }
        return new Packed(state.files, state.skipped);
    }

    private static final class State {
        final Path root;
        final List<String> skipped = new ArrayList<>();
        TarArchiveOutputStream tar;
        int files;

        State(Path root) {
            this.root = root;
        }
    }

    private void packDirectory(State state, Path dir, String relative, List<IgnoreScope> outer) throws IOException {
        List<IgnoreScope> scopes = withGitignore(dir, relative, outer);
        List<Path> children;
        try (Stream<Path> listing = Files.list(dir)) {
            children = listing.sorted().toList();
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            // .git is a directory in a clone and a file in a worktree: neither is source.
            if (name.equals(".git")) {
                continue;
            }
            BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String path = relative + name;
            // Git matches a symlink as a file, even when it points at a directory.
            if (isIgnored(scopes, path, attributes.isDirectory())) {
                continue;
            }
            if (attributes.isSymbolicLink()) {
                packSymlink(state, child, path);
            } else if (attributes.isDirectory()) {
                TarArchiveEntry entry = new TarArchiveEntry(path + "/");
                entry.setMode(DIRECTORY_MODE);
                entry.setModTime(attributes.lastModifiedTime());
                state.tar.putArchiveEntry(entry);
                state.tar.closeArchiveEntry();
                packDirectory(state, child, path + "/", scopes);
            } else if (attributes.isRegularFile()) {
                TarArchiveEntry entry = new TarArchiveEntry(path);
                entry.setMode(isExecutable(child) ? EXECUTABLE_MODE : FILE_MODE);
                entry.setSize(attributes.size());
                entry.setModTime(attributes.lastModifiedTime());
                state.tar.putArchiveEntry(entry);
                try (InputStream in = Files.newInputStream(child)) {
                    in.transferTo(state.tar);
                }
                state.tar.closeArchiveEntry();
                state.files++;
            } else {
                state.skipped.add(path + ": not a regular file, directory or symlink");
            }
        }
    }

    /**
     * Keeps a link only if it resolves inside the directory, both as written and as the file system resolves it:
     * the server unpacks into a sandbox, and a link out of it would either break or leak the host's files.
     */
    private void packSymlink(State state, Path link, String path) throws IOException {
        Path target = Files.readSymbolicLink(link);
        Path resolved = link.getParent().resolve(target).normalize();
        boolean inside = resolved.startsWith(state.root);
        if (inside && Files.exists(link)) {
            inside = link.toRealPath().startsWith(state.root);
        }
        if (!inside) {
            state.skipped.add(path + ": symlink to \"" + target + "\" points outside " + state.root);
            return;
        }
        // An absolute link into the directory would point nowhere once unpacked elsewhere: make it relative.
        String linkName = target.isAbsolute() ? link.getParent().relativize(resolved).toString() : target.toString();
        TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
        entry.setLinkName(linkName.replace(link.getFileSystem().getSeparator(), "/"));
        entry.setMode(SYMLINK_MODE);
        state.tar.putArchiveEntry(entry);
        state.tar.closeArchiveEntry();
        state.files++;
    }

    private static List<IgnoreScope> withGitignore(Path dir, String relative, List<IgnoreScope> outer) throws IOException {
        Path gitignore = dir.resolve(".gitignore");
        if (!Files.isRegularFile(gitignore, LinkOption.NOFOLLOW_LINKS)) {
            return outer;
        }
        IgnoreNode rules = new IgnoreNode();
        try (InputStream in = Files.newInputStream(gitignore)) {
            rules.parse(relative + ".gitignore", in);
        }
        List<IgnoreScope> scopes = new ArrayList<>(outer);
        scopes.add(new IgnoreScope(relative, rules));
        return List.copyOf(scopes);
    }

    /**
     * Git's precedence: the deepest {@code .gitignore} with a matching rule decides, and within a file the last
     * matching rule wins ({@link IgnoreNode#checkIgnored} does that part; null means no rule matched).
     * A directory that is ignored is never entered, so, as in git, a negation cannot re-include a file inside it.
     */
    private static boolean isIgnored(List<IgnoreScope> scopes, String path, boolean directory) {
        for (int i = scopes.size() - 1; i >= 0; i--) {
            IgnoreScope scope = scopes.get(i);
            Boolean ignored = scope.rules().checkIgnored(path.substring(scope.base().length()), directory);
            if (ignored != null) {
                return ignored;
            }
        }
        return false;
    }

    private static boolean isExecutable(Path file) throws IOException {
        try {
            PosixFileAttributes posix = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return posix.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions (Windows): nothing is marked executable, the buildpack decides.
            return false;
        }
    }
}
