package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDigestTest {
    @TempDir
    Path tmp;

    private Path tree(String name) throws IOException {
        Path dir = Tarballs.write(Files.createDirectories(tmp.resolve(name)),
                "index.html", "<h1>hi</h1>", "src/app.js", "console.log(1)", "src/lib/util.js", "module.exports = {}");
        Files.createSymbolicLink(dir.resolve("home.html"), Path.of("index.html"));
        Files.createDirectories(dir.resolve("empty"));
        return dir;
    }

    @Test
    void sameTreeGivesSameDigest() throws IOException {
        Path a = tree("a");
        Path b = tree("b");
        Files.setLastModifiedTime(b.resolve("index.html"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));

        TreeDigest first = TreeDigest.of(a);
        assertThat(first.value()).matches("sha256:[0-9a-f]{64}");
        assertThat(TreeDigest.of(a)).isEqualTo(first);
        assertThat(TreeDigest.of(b)).as("timestamps do not count").isEqualTo(first);
        assertThat(first.files()).isEqualTo(3);
        assertThat(first.bytes()).isEqualTo("<h1>hi</h1>".length() + "console.log(1)".length() + "module.exports = {}".length());
    }

    @Test
    void oneChangedByteChangesTheDigest() throws IOException {
        Path a = tree("a");
        Path b = tree("b");
        Files.writeString(b.resolve("src/app.js"), "console.log(2)");
        assertThat(TreeDigest.of(b).value()).isNotEqualTo(TreeDigest.of(a).value());
    }

    @Test
    void executableBitChangesTheDigest() throws IOException {
        Path a = tree("a");
        Path b = tree("b");
        Files.setPosixFilePermissions(b.resolve("src/app.js"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(TreeDigest.of(b).value()).isNotEqualTo(TreeDigest.of(a).value());
    }

    @Test
    void symlinkTargetAndNamesChangeTheDigest() throws IOException {
        Path a = tree("a");
        Path b = tree("b");
        Files.delete(b.resolve("home.html"));
        Files.createSymbolicLink(b.resolve("home.html"), Path.of("src/app.js"));
        assertThat(TreeDigest.of(b).value()).isNotEqualTo(TreeDigest.of(a).value());

        Path c = tree("c");
        Files.move(c.resolve("src/lib/util.js"), c.resolve("src/lib/utils.js"));
        assertThat(TreeDigest.of(c).value()).isNotEqualTo(TreeDigest.of(a).value());

        Path d = tree("d");
        Files.createDirectories(d.resolve("another-empty"));
        assertThat(TreeDigest.of(d).value()).isNotEqualTo(TreeDigest.of(a).value());
    }
}
