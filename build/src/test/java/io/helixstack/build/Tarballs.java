package io.helixstack.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds .tar.gz archives for tests, including ones no honest tar would write. */
final class Tarballs {
    private static final Set<String> SKIPPED = Set.of("node_modules", ".git");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    private Tarballs() {
        try {
            tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Tarballs builder() {
        return new Tarballs();
    }

    /** A directory as {@code tar czf - -C dir .} packs it: entries named {@code ./…}; node_modules and .git left out. */
    static byte[] of(Path dir) {
        return of(dir, "./");
    }

    static byte[] of(Path dir, String prefix) {
        Tarballs t = builder();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                Path rel = dir.relativize(p);
                if (rel.toString().isEmpty() || SKIPPED.contains(rel.getName(0).toString())) {
                    continue;
                }
                String name = prefix + rel.toString().replace('\\', '/');
                if (Files.isSymbolicLink(p)) {
                    t.symlink(name, Files.readSymbolicLink(p).toString());
                } else if (Files.isDirectory(p)) {
                    t.dir(name + "/");
                } else {
                    boolean exec = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
                    t.file(name, Files.readAllBytes(p), exec ? 0755 : 0644);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t.build();
    }

    Tarballs file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8), 0644);
    }

    Tarballs file(String name, byte[] content, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        e.setMode(mode);
        return put(e, content);
    }

    Tarballs dir(String name) {
        return put(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true), null);
    }

    Tarballs symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return put(e, null);
    }

    Tarballs hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        e.setLinkName(target);
        return put(e, null);
    }

    Tarballs special(String name, byte type) {
        return put(new TarArchiveEntry(name, type, true), null);
    }

    byte[] build() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Tarballs put(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    /** Writes {@code files} (name, content pairs) into {@code dir}. */
    static Path write(Path dir, String... files) {
        try {
            for (int i = 0; i < files.length; i += 2) {
                Path file = dir.resolve(files[i]);
                Files.createDirectories(file.getParent());
                Files.writeString(file, files[i + 1]);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every path under {@code dir}, relative, for "nothing was kept" checks. */
    static List<String> listing(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
