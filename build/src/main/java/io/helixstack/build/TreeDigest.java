package io.helixstack.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The content address of an artifact's file tree, so that the same source built twice is stored once and a rollback can
 * name exactly what it brings back.
 *
 * <p>Scheme (version 1). Walk the tree without following links. Every entry below the root is named by its path relative
 * to the root with {@code /} separators, and the entries are taken in ascending order of those names compared as UTF-8
 * bytes. For each entry, feed one SHA-256 with:
 * <ul>
 *   <li>a directory: {@code "D" name NUL}</li>
 *   <li>a regular file: {@code "F" name NUL mode NUL size NUL contents}, where {@code mode} is {@code 755} when the owner
 *       may execute the file and {@code 644} otherwise, and {@code size} is the decimal byte count</li>
 *   <li>a symbolic link: {@code "L" name NUL target NUL}, the target exactly as stored in the link</li>
 * </ul>
 * The digest is {@code sha256:} followed by the lowercase hex of the hash. Timestamps, owners and all other permission
 * bits are left out, so the same tree unpacked or checked out twice has the same digest; the size before the contents
 * keeps file boundaries unambiguous. Fifos and sockets are not application files and fail the digest.
 *
 * @param value {@code sha256:<hex>}
 * @param bytes total size of the regular files
 * @param files number of regular files
 */
record TreeDigest(String value, long bytes, long files) {

    static TreeDigest of(Path root) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    entries.add(new Entry(name(root, dir), 'D', dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    entries.add(new Entry(name(root, file), 'L', file));
                } else if (attrs.isRegularFile()) {
                    entries.add(new Entry(name(root, file), 'F', file));
                } else {
                    throw new IOException(file + ": neither a file, a directory nor a symlink (expected: an application tree)");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort((a, b) -> Arrays.compareUnsigned(a.name, b.name));

        MessageDigest sha = Hashing.sha256();
        long bytes = 0;
        long files = 0;
        byte[] buffer = new byte[64 * 1024];
        for (Entry e : entries) {
            sha.update((byte) e.type);
            sha.update(e.name);
            sha.update((byte) 0);
            switch (e.type) {
                case 'D' -> { }
                case 'L' -> {
                    sha.update(Files.readSymbolicLink(e.path).toString().getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
                default -> {
                    long size = Files.size(e.path);
                    sha.update(ascii(executable(e.path) ? "755" : "644"));
                    sha.update((byte) 0);
                    sha.update(ascii(Long.toString(size)));
                    sha.update((byte) 0);
                    try (InputStream in = Files.newInputStream(e.path, LinkOption.NOFOLLOW_LINKS)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha.update(buffer, 0, n);
                        }
                    }
                    bytes += size;
                    files++;
                }
            }
        }
        return new TreeDigest("sha256:" + Hashing.hex(sha), bytes, files);
    }

    /** The hex part, which names the artifact's directory. */
    String hex() {
        return value.substring("sha256:".length());
    }

    private static boolean executable(Path file) throws IOException {
        return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
    }

    private static byte[] name(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private record Entry(byte[] name, char type, Path path) {
    }
}
