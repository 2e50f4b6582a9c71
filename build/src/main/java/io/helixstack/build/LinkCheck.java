package io.helixstack.build;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Finds a symlink in a source tree that leads outside it. Checked on the real file system after unpacking or checkout,
 * because a chain of links can escape even when every single link looks harmless on paper ({@code a -> ..} inside
 * {@code sub/}, then {@code b -> sub/a/..}); a served or executed artifact must never reach the host's files.
 */
final class LinkCheck {
    private LinkCheck() {
    }

    /** @return a message naming the first escaping link, or empty when every link stays inside {@code root} */
    static Optional<String> firstEscapingLink(Path root) throws IOException {
        Path realRoot = root.toRealPath();
        String[] found = {null};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink() && escapes(realRoot, file)) {
                    found[0] = "symlink \"" + root.relativize(file).toString().replace('\\', '/') + "\" -> \""
                            + Files.readSymbolicLink(file) + "\" points outside the source (expected: links to files inside it)";
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return Optional.ofNullable(found[0]);
    }

    private static boolean escapes(Path realRoot, Path link) throws IOException {
        Path target = Files.readSymbolicLink(link);
        if (target.isAbsolute()) {
            return true;
        }
        Path resolved;
        try {
            resolved = link.toRealPath();
        } catch (IOException dangling) {
            // A dangling link cannot leak anything today, but could once the build creates its target: judge it on paper.
            resolved = link.getParent().toRealPath().resolve(target).normalize();
        }
        return !resolved.startsWith(realRoot);
    }
}
