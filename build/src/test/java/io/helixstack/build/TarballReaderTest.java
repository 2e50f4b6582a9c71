package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarballReaderTest {
    @TempDir
    Path tmp;

    private Path unpack(byte[] tarGz) throws IOException {
        Path archive = tmp.resolve("upload.tar.gz");
        Files.write(archive, tarGz);
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        TarballReader.unpack(archive, dest);
        return dest;
    }

    private void assertRejected(byte[] tarGz, String... messageParts) {
        assertThatThrownBy(() -> unpack(tarGz)).isInstanceOf(InvalidInputException.class).message().contains(messageParts);
    }

    @Test
    void goodArchiveWithDotSlashPrefixUnpacks() throws IOException {
        Path dest = unpack(Tarballs.builder()
                .dir("./").dir("./src/")
                .file("./index.html", "<h1>hi</h1>")
                .file("./src/run.sh", "#!/bin/sh\necho hi\n".getBytes(), 0755)
                .symlink("./home.html", "index.html")
                .symlink("./src/up.html", "../index.html")
                .hardlink("./copy.html", "./index.html")
                .build());

        assertThat(dest.resolve("index.html")).hasContent("<h1>hi</h1>");
        assertThat(dest.resolve("copy.html")).hasContent("<h1>hi</h1>");
        assertThat(Files.readSymbolicLink(dest.resolve("home.html"))).isEqualTo(Path.of("index.html"));
        assertThat(dest.resolve("src/up.html")).hasContent("<h1>hi</h1>");
        assertThat(Files.getPosixFilePermissions(dest.resolve("src/run.sh"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(dest.resolve("index.html"))).doesNotContain(PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void goodArchiveWithoutPrefixUnpacks() throws IOException {
        Path dest = unpack(Tarballs.builder().file("index.html", "a").file("deep/er/page.html", "b").build());
        assertThat(Tarballs.listing(dest)).containsExactly("deep", "deep/er", "deep/er/page.html", "index.html");
    }

    @Test
    void dotDotSegmentIsRejected() {
        assertRejected(Tarballs.builder().file("./ok.txt", "x").file("./a/../../evil.sh", "x").build(),
                "entry \"./a/../../evil.sh\"", "\"..\" segment", "expected:");
        assertRejected(Tarballs.builder().file("../evil.sh", "x").build(), "entry \"../evil.sh\"");
    }

    @Test
    void absolutePathIsRejected() {
        assertRejected(Tarballs.builder().file("/etc/cron.d/evil", "x").build(),
                "entry \"/etc/cron.d/evil\"", "absolute path", "expected: paths relative to the archive root");
    }

    @Test
    void symlinkEscapingTheRootIsRejected() {
        assertRejected(Tarballs.builder().symlink("./src/passwd", "../../etc/passwd").build(),
                "entry \"./src/passwd\"", "resolves outside the archive root");
        assertRejected(Tarballs.builder().symlink("passwd", "/etc/passwd").build(), "entry \"passwd\"", "symlink to \"/etc/passwd\"");
    }

    @Test
    void symlinkChainEscapingOnDiskIsRejected() {
        // Each link looks harmless on paper; followed on disk, "b" leads to the parent of the root.
        assertRejected(Tarballs.builder().dir("sub").symlink("sub/a", "..").symlink("b", "sub/a/..").build(),
                "symlink \"b\"", "points outside");
    }

    @Test
    void writingThroughAnEarlierSymlinkIsRejected() {
        assertRejected(Tarballs.builder().dir("real").symlink("link", "real").file("link/x.txt", "x").build(),
                "entry \"link/x.txt\"", "a symlink made by an earlier entry");
    }

    @Test
    void hardlinkOutsideTheArchiveIsRejected() {
        assertRejected(Tarballs.builder().hardlink("shadow", "/etc/shadow").build(), "entry \"shadow\"");
        assertRejected(Tarballs.builder().hardlink("shadow", "../shadow").build(), "entry \"shadow\"");
        assertRejected(Tarballs.builder().hardlink("later", "missing.txt").build(), "not a file earlier in the archive");
    }

    @Test
    void hardlinkThroughAnEarlierSymlinkIsRejected() {
        // A link name through a symlinked directory could lead anywhere on disk (a chain of such links left the root).
        assertRejected(Tarballs.builder().dir("sub").file("sub/f.txt", "x").symlink("d", "sub").hardlink("leak", "d/f.txt").build(),
                "entry \"leak\"", "a symlink made by an earlier entry");
    }

    @Test
    void laterEntriesCannotReplaceASymlink() {
        assertRejected(Tarballs.builder().dir("sub").symlink("d", "sub").file("d", "now a file").build(),
                "entry \"d\"", "replaces an earlier symlink");
    }

    @Test
    void devicesAndFifosAreRejected() {
        assertRejected(Tarballs.builder().special("dev/null", TarConstants.LF_CHR).build(), "entry \"dev/null\"", "device or fifo");
        assertRejected(Tarballs.builder().special("disk", TarConstants.LF_BLK).build(), "entry \"disk\"", "device or fifo");
        assertRejected(Tarballs.builder().special("pipe", TarConstants.LF_FIFO).build(), "entry \"pipe\"", "device or fifo");
    }

    @Test
    void notAGzipIsRejected() {
        assertRejected("just some text, not an archive".getBytes(), "not a .tar.gz", "expected: a gzip-compressed tar archive");
    }

    @Test
    void normalizeAcceptsBothPrefixStyles() {
        assertThat(TarballReader.normalize("e", "./a/b")).isEqualTo("a/b");
        assertThat(TarballReader.normalize("e", "a//./b/")).isEqualTo("a/b");
        assertThat(TarballReader.normalize("e", "./")).isEmpty();
        assertThat(TarballReader.resolveLink("a/b/link", "../c")).isEqualTo("a/c");
        assertThat(TarballReader.resolveLink("link", "../c")).isNull();
    }
}
