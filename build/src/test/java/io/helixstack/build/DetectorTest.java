package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which default buildpack claims each example and each layout of static output. */
class DetectorTest {
    @TempDir
    Path tmp;

    private final Detector detector = new Detector(LocalBuildService.defaultBuildpacks(Clock.systemUTC()));

    private Detector.Found found(Path dir) {
        Detector.Result result = detector.detect(dir);
        assertThat(result).isInstanceOf(Detector.Found.class);
        return (Detector.Found) result;
    }

    @Test
    void examplesAreDetected() {
        Detector.Found hello = found(Examples.dir("hello-node"));
        assertThat(hello.buildpack().name()).isEqualTo("node");
        assertThat(hello.description()).isEqualTo("Node.js app (npm, no lockfile)");

        Detector.Found express = found(Examples.dir("express-app"));
        assertThat(express.buildpack().name()).isEqualTo("node");
        assertThat(express.description()).isEqualTo("Node.js app (npm, package-lock.json)");

        Detector.Found site = found(Examples.dir("static-site"));
        assertThat(site.buildpack().name()).isEqualTo("static");
        assertThat(site.description()).isEqualTo("static site (index.html)");
    }

    @Test
    void builtOutputWithoutPackageJsonIsStatic() throws IOException {
        for (String dir : StaticBuildpack.OUTPUT_DIRS) {
            Path app = Tarballs.write(Files.createDirectories(tmp.resolve(dir + "-app")), dir + "/index.html", "<p>", "README.md", "x");
            Detector.Found found = found(app);
            assertThat(found.buildpack().name()).as(dir).isEqualTo("static");
            assertThat(found.description()).isEqualTo("static site (" + dir + "/index.html)");
        }
    }

    @Test
    void packageJsonNextToBuiltOutputIsNode() throws IOException {
        Path app = Tarballs.write(Files.createDirectories(tmp.resolve("app")), "package.json", "{}", "dist/index.html", "<p>");
        assertThat(found(app).buildpack().name()).isEqualTo("node");
    }

    @Test
    void nothingDetectedListsWhatWasFound() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(detector.detect(empty)).isEqualTo(new Detector.NotFound("no buildpack detected this source: it is empty"
                + " (expected: a package.json, or an index.html at the root or in dist/, build/, out/, public/)"));

        Path other = Tarballs.write(Files.createDirectories(tmp.resolve("other")), "go.mod", "module x", "cmd/main.go", "package main");
        assertThat(detector.detect(other)).isInstanceOfSatisfying(Detector.NotFound.class,
                n -> assertThat(n.reason()).startsWith("no buildpack detected this source: found cmd/, go.mod ("));
    }
}
