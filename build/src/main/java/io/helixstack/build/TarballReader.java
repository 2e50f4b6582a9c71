package io.helixstack.build;

import io.helixstack.domain.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an uploaded {@code .tar.gz} while checking every entry, because the archive comes from outside: no entry may
 * land or point outside the destination ({@code ..}, absolute names, escaping links), no devices or fifos, no writing
 * through a link created by an earlier entry, and bounded size and entry count against decompression bombs. A leading
 * {@code ./} (as {@code tar czf - -C dir .} writes) is accepted. On failure the destination holds garbage the caller
 * deletes.
 */
final class TarballReader {
    static final long MAX_UNPACKED_BYTES = 1L << 30;
    static final int MAX_ENTRIES = 100_000;

    private static final String EXPECTED_ARCHIVE = "expected: a gzip-compressed tar archive, e.g. from `tar czf app.tar.gz -C app .`";

    private TarballReader() {
    }

    /**
     * @throws InvalidInputException when the archive is malformed or an entry is not acceptable; the message names the entry
     * @throws IOException           when the destination cannot be written
     */
    static void unpack(Path tarGz, Path dest) throws IOException {
        Path root = dest.toRealPath();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarGz))) {
            TarArchiveInputStream tar;
            try {
                tar = new TarArchiveInputStream(new GzipCompressorInputStream(file, true), "UTF-8");
            } catch (IOException e) {
                throw new InvalidInputException("upload is not a .tar.gz: " + e.getMessage() + " (" + EXPECTED_ARCHIVE + ")");
            }
            new Unpacker(root, tar).run();
        }
        LinkCheck.firstEscapingLink(root).ifPresent(message -> {
            throw new InvalidInputException("upload rejected: " + message);
        });
    }

    /** {@code ./a//b/./c} → {@code a/b/c}; "" for the root itself. */
    static String normalize(String entry, String name) {
        if (name.startsWith("/")) {
            throw invalid(entry, "is an absolute path", "paths relative to the archive root");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw invalid(entry, "contains a \"..\" segment", "paths inside the archive root");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return String.join("/", segments);
    }

    /** Where a symlink at {@code name} pointing to {@code target} lands, relative to the root; null when outside. */
    static String resolveLink(String name, String target) {
        Deque<String> path = new ArrayDeque<>(List.of(name.split("/")));
        path.removeLast();
        for (String segment : target.split("/")) {
            if (segment.equals("..")) {
                if (path.isEmpty()) {
                    return null;
                }
                path.removeLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                path.addLast(segment);
            }
        }
        return String.join("/", path);
    }

    private static InvalidInputException invalid(String entry, String problem, String expected) {
        return new InvalidInputException("upload rejected: entry \"" + entry + "\" " + problem + " (expected: " + expected + ")");
    }

    /** One pass over the entries; keeps the running totals. */
    private static final class Unpacker {
        private final Path root;
        private final TarArchiveInputStream tar;
        private long unpackedBytes;
        private int entries;

        Unpacker(Path root, TarArchiveInputStream tar) {
            this.root = root;
            this.tar = tar;
        }

        void run() throws IOException {
            for (TarArchiveEntry e = next(); e != null; e = next()) {
                if (++entries > MAX_ENTRIES) {
                    throw new InvalidInputException("upload rejected: more than " + MAX_ENTRIES + " entries (expected: an application"
                            + " source; leave out node_modules and build output)");
                }
                String entry = e.getName();
                String name = normalize(entry, entry);
                if (name.isEmpty()) {
                    continue;
                }
                Path target = root.resolve(name);
                requireRealParents(entry, target);
                try {
                    write(e, entry, name, target);
                } catch (FileAlreadyExistsException | NotDirectoryException | DirectoryNotEmptyException conflict) {
                    throw invalid(entry, "conflicts with an earlier entry of another type", "each path once, as one type");
                }
            }
        }

        private void write(TarArchiveEntry e, String entry, String name, Path target) throws IOException {
            if (e.isSymbolicLink()) {
                String link = e.getLinkName();
                if (link.isEmpty() || link.startsWith("/")) {
                    throw invalid(entry, "is a symlink to \"" + link + "\"", "links relative to the entry, inside the archive root");
                }
                if (resolveLink(name, link) == null) {
                    throw invalid(entry, "is a symlink to \"" + link + "\", which resolves outside the archive root",
                            "links to files inside the archive");
                }
                refuseReplacingALink(entry, target);
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(link));
            } else if (e.isLink()) {
                String linked = normalize(entry, e.getLinkName());
                Path source = root.resolve(linked);
                if (linked.isEmpty() || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw invalid(entry, "is a hard link to \"" + e.getLinkName() + "\", which is not a file earlier in the archive",
                            "hard links to regular files that come before them");
                }
                // The link name may pass through earlier symlinks whose chain leaves the root: judge the real file.
                requireRealParents(entry, source);
                if (!source.toRealPath().startsWith(root.toRealPath())) {
                    throw invalid(entry, "is a hard link to \"" + e.getLinkName() + "\", which resolves outside the archive root",
                            "hard links to files inside the archive");
                }
                // Copies count against the unpacked size like any file: otherwise many links to one big file are a bomb.
                unpackedBytes += Files.size(source);
                if (unpackedBytes > MAX_UNPACKED_BYTES) {
                    throw invalid(entry, "takes the unpacked size over " + Sizes.human(MAX_UNPACKED_BYTES),
                            "an application source that unpacks to at most " + Sizes.human(MAX_UNPACKED_BYTES));
                }
                refuseReplacingALink(entry, target);
                Files.createDirectories(target.getParent());
                // A copy, not a link: the artifact must not share inodes with anything that can change.
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                throw invalid(entry, "is a device or fifo", "regular files, directories and links");
            } else if (e.isDirectory()) {
                if (Files.isSymbolicLink(target)) {
                    throw invalid(entry, "is a directory where an earlier entry put a symlink", "each path once, as one type");
                }
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else if (e.isFile() && !e.isSparse()) {
                refuseReplacingALink(entry, target);
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                copyBounded(entry, target);
                boolean executable = (e.getMode() & 0100) != 0;
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                Files.setLastModifiedTime(target, FileTime.from(e.getLastModifiedDate().toInstant()));
            } else {
                throw invalid(entry, "has an unsupported entry type", "regular files, directories and links");
            }
        }

        private TarArchiveEntry next() {
            try {
                return tar.getNextEntry();
            } catch (IOException e) {
                throw new InvalidInputException("upload is not a valid .tar.gz: " + e.getMessage() + " (" + EXPECTED_ARCHIVE + ")");
            }
        }

        /** Entries are written into real directories only: a link made by an earlier entry must not redirect a later one. */
        /** A later entry may not replace a symlink: that would hide a link the final check must see. */
        private void refuseReplacingALink(String entry, Path target) {
            if (Files.isSymbolicLink(target)) {
                throw invalid(entry, "replaces an earlier symlink", "each path once, as one type");
            }
        }

        private void requireRealParents(String entry, Path target) {
            for (Path p = target.getParent(); p != null && !p.equals(root); p = p.getParent()) {
                if (Files.isSymbolicLink(p)) {
                    throw invalid(entry, "lies below \"" + root.relativize(p) + "\", a symlink made by an earlier entry",
                            "entries inside real directories");
                }
            }
        }

        private void copyBounded(String entry, Path target) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target)) {
                for (int n; (n = read(buffer)) > 0; ) {
                    unpackedBytes += n;
                    if (unpackedBytes > MAX_UNPACKED_BYTES) {
                        throw invalid(entry, "takes the unpacked size over " + Sizes.human(MAX_UNPACKED_BYTES),
                                "an application source that unpacks to at most " + Sizes.human(MAX_UNPACKED_BYTES));
                    }
                    out.write(buffer, 0, n);
                }
            }
        }

        private int read(byte[] buffer) {
            try {
                return tar.read(buffer);
            } catch (IOException e) {
                throw new InvalidInputException("upload is not a valid .tar.gz: " + e.getMessage() + " (" + EXPECTED_ARCHIVE + ")");
            }
        }
    }
}
