package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcePackerTest {
    @TempDir
    Path temp;

    @Test
    void honoursRootAndNestedGitignoreWithNegation() throws IOException {
        Path dir = temp.resolve("app");
        write(dir, ".gitignore", "node_modules/\n*.log\n!keep.log\n/dist\n");
        write(dir, "package.json", "{}");
        write(dir, "server.js", "console.log(1)");
        write(dir, "node_modules/left-pad/index.js", "x");
        write(dir, "debug.log", "x");
        write(dir, "keep.log", "kept by the root negation");
        write(dir, "dist/bundle.js", "anchored /dist: ignored");
        write(dir, "lib/dist/kept.js", "/dist is anchored to the root, so lib/dist stays");
        write(dir, "lib/.gitignore", "secret.txt\n!trace.log\n");
        write(dir, "lib/secret.txt", "x");
        write(dir, "lib/trace.log", "the nested negation beats the root *.log");
        write(dir, "lib/other.log", "still ignored by the root");
        write(dir, "lib/deeper/secret.txt", "nested rules apply below their directory too");
        write(dir, "secret.txt", "the nested rule does not apply above its directory");

        Map<String, TarArchiveEntry> entries = entries(pack(dir));

        assertThat(entries.keySet()).containsExactlyInAnyOrder(
                ".gitignore", "package.json", "server.js", "keep.log", "secret.txt",
                "lib/", "lib/.gitignore", "lib/trace.log", "lib/dist/", "lib/dist/kept.js", "lib/deeper/");
    }

    @Test
    void aNegationCannotReincludeAFileInsideAnIgnoredDirectory() throws IOException {
        Path dir = temp.resolve("app");
        write(dir, ".gitignore", "build/\n!build/keep.txt\n");
        write(dir, "build/keep.txt", "git cannot re-include this either");
        write(dir, "index.html", "<p>hi</p>");

        assertThat(entries(pack(dir)).keySet()).containsExactlyInAnyOrder(".gitignore", "index.html");
    }

    @Test
    void alwaysSkipsGitDirectoriesAndWorktreeGitFiles() throws IOException {
        Path dir = temp.resolve("app");
        write(dir, ".git/HEAD", "ref: refs/heads/main");
        write(dir, ".git/objects/ab/cdef", "x");
        write(dir, "vendor/lib/.git", "gitdir: ../../.git/modules/lib");
        write(dir, "vendor/lib/lib.js", "x");
        write(dir, "index.js", "x");

        assertThat(entries(pack(dir)).keySet()).containsExactlyInAnyOrder("index.js", "vendor/", "vendor/lib/", "vendor/lib/lib.js");
    }

    @Test
    void keepsTheExecutableBitAndFileContents() throws IOException {
        Path dir = temp.resolve("app");
        Path script = write(dir, "bin/start.sh", "#!/bin/sh\nexec node server.js\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Path plain = write(dir, "server.js", "console.log(1)");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));

        byte[] archive = pack(dir);
        Map<String, TarArchiveEntry> entries = entries(archive);

        assertThat(entries.get("bin/start.sh").getMode() & 0777).isEqualTo(0755);
        assertThat(entries.get("server.js").getMode() & 0777).isEqualTo(0644);
        assertThat(entries.get("bin/").isDirectory()).isTrue();
        assertThat(contents(archive, "bin/start.sh")).isEqualTo("#!/bin/sh\nexec node server.js\n");
    }

    @Test
    void keepsSymlinksInsideTheDirectoryAsLinks() throws IOException {
        Path dir = temp.resolve("app");
        write(dir, "public/index.html", "<p>hi</p>");
        Files.createSymbolicLink(dir.resolve("index.html"), Path.of("public/index.html"));
        Files.createSymbolicLink(dir.resolve("assets"), Path.of("public"));
        Files.createSymbolicLink(dir.resolve("absolute.html"), dir.resolve("public/index.html").toAbsolutePath());

        SourcePacker.Packed packed;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        packed = new SourcePacker().pack(dir, out);
        Map<String, TarArchiveEntry> entries = entries(out.toByteArray());

        assertThat(packed.skipped()).isEmpty();
        assertThat(entries.get("index.html").isSymbolicLink()).isTrue();
        assertThat(entries.get("index.html").getLinkName()).isEqualTo("public/index.html");
        // A link to a directory stays a link: the directory's files are not archived twice.
        assertThat(entries.get("assets").isSymbolicLink()).isTrue();
        assertThat(entries.keySet()).noneMatch(name -> name.startsWith("assets/"));
        // Absolute links are made relative, so they still resolve once unpacked elsewhere.
        assertThat(entries.get("absolute.html").getLinkName()).isEqualTo("public/index.html");
    }

    @Test
    void skipsSymlinksThatEscapeTheDirectoryAndSaysWhich() throws IOException {
        Path dir = temp.resolve("app");
        write(temp, "outside/secret.txt", "host file");
        write(dir, "index.js", "x");
        Files.createSymbolicLink(dir.resolve("up.txt"), Path.of("../outside/secret.txt"));
        Files.createSymbolicLink(dir.resolve("etc"), Path.of("/etc"));
        write(dir, "sub/ok.txt", "x");
        // Lexically inside, but through a link that leaves: the file system's answer counts.
        Files.createSymbolicLink(dir.resolve("out"), temp.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("sneaky.txt"), Path.of("out/secret.txt"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SourcePacker.Packed packed = new SourcePacker().pack(dir, out);

        assertThat(entries(out.toByteArray()).keySet()).containsExactlyInAnyOrder("index.js", "sub/", "sub/ok.txt");
        assertThat(packed.skipped()).hasSize(4)
                .anySatisfy(s -> assertThat(s).startsWith("up.txt: symlink to \"../outside/secret.txt\" points outside"))
                .anySatisfy(s -> assertThat(s).startsWith("etc: symlink"))
                .anySatisfy(s -> assertThat(s).startsWith("sneaky.txt: symlink"));
        assertThat(packed.files()).isEqualTo(2);
    }

    @Test
    void ignoredSymlinksAreNotReportedAsSkipped() throws IOException {
        Path dir = temp.resolve("app");
        write(dir, ".gitignore", "node_modules\n");
        write(dir, "index.js", "x");
        Files.createSymbolicLink(dir.resolve("node_modules"), Path.of("/usr/lib/node_modules"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SourcePacker.Packed packed = new SourcePacker().pack(dir, out);

        assertThat(packed.skipped()).isEmpty();
        assertThat(entries(out.toByteArray()).keySet()).containsExactlyInAnyOrder(".gitignore", "index.js");
    }

    @Test
    void packsTheSameTreeInTheSameOrder() throws IOException {
        Path dir = temp.resolve("app");
        write(dir, "b.txt", "b");
        write(dir, "a/z.txt", "z");
        write(dir, "a.txt", "a");

        assertThat(entries(pack(dir)).keySet()).containsExactly("a/", "a/z.txt", "a.txt", "b.txt");
    }

    static Path write(Path dir, String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static byte[] pack(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SourcePacker().pack(dir, out);
        return out.toByteArray();
    }

    /** Entry name to entry, in archive order. */
    static Map<String, TarArchiveEntry> entries(byte[] tarGz) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.put(entry.getName(), entry);
            }
        }
        return entries;
    }

    static String contents(byte[] tarGz, String name) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no entry " + name);
    }
}
