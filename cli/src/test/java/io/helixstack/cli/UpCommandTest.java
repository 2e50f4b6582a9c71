package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class UpCommandTest {
    @TempDir
    Path temp;

    @Test
    void runsTheServerJarWithHomeAndArgumentsAndExitsWithItsCode() throws IOException {
        Path jar = fakeServerJar();
        Path report = temp.resolve("report.txt");
        Path home = temp.resolve("data");

        CliRunner.Result result = new CliRunner(temp)
                .env("HELIX_SERVER_JAR", jar.toString())
                .env("FAKE_SERVER_REPORT", report.toString())
                .run("up", "--home", home.toString(), "--", "--api-port", "4100");

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(Files.readAllLines(report)).containsExactly("home=" + home.toAbsolutePath(), "args=[--api-port, 4100]");
    }

    @Test
    void serverWithPlanesRunsOnlyThosePlanes() throws IOException {
        Path jar = fakeServerJar();
        Path report = temp.resolve("report.txt");

        new CliRunner(temp)
                .env("HELIX_SERVER_JAR", jar.toString())
                .env("FAKE_SERVER_REPORT", report.toString())
                .env("HELIX_HOME", "/srv/helix")
                .run("server", "--planes", "build");

        assertThat(Files.readAllLines(report)).containsExactly("home=/srv/helix", "args=[server, --planes, build]");
    }

    @Test
    void withoutHomeTheServerKeepsTheEnvironmentsHelixHome() throws IOException {
        Path jar = fakeServerJar();
        Path report = temp.resolve("report.txt");

        new CliRunner(temp)
                .env("HELIX_SERVER_JAR", jar.toString())
                .env("FAKE_SERVER_REPORT", report.toString())
                .env("HELIX_HOME", "/srv/helix")
                .run("up");

        assertThat(Files.readAllLines(report)).containsExactly("home=/srv/helix", "args=[]");
    }

    @Test
    void aMissingServerJarIsOneLineNamingWhereItLooked() {
        CliRunner.Result result = new CliRunner(temp).env("HELIX_SERVER_JAR", temp.resolve("nope.jar").toString()).run("up");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: cannot find helix-server.jar (looked at: "
                + temp.resolve("nope.jar") + "; set HELIX_SERVER_JAR to its path)");
    }

    @Test
    void looksNextToTheCliJarAndInTheSourceTree() {
        Path cliTarget = Path.of("/opt/helix/cli/target");

        assertThat(UpCommand.serverJarCandidates(Map.of(), cliTarget)).containsExactly(
                Path.of("/opt/helix/cli/server/target/helix-server.jar"),
                Path.of("/opt/helix/server/target/helix-server.jar"),
                Path.of("/opt/helix/cli/target/helix-server.jar"));
        assertThat(UpCommand.serverJarCandidates(Map.of("HELIX_SERVER_JAR", "/x/s.jar"), cliTarget))
                .containsExactly(Path.of("/x/s.jar"));
    }

    /** A stand-in server: writes what it was started with, then exits 7. */
    private Path fakeServerJar() throws IOException {
        Path src = temp.resolve("src/FakeServer.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                import java.nio.file.*;
                import java.util.*;
                public class FakeServer {
                    public static void main(String[] args) throws Exception {
                        Files.write(Path.of(System.getenv("FAKE_SERVER_REPORT")),
                                List.of("home=" + System.getenv("HELIX_HOME"), "args=" + Arrays.toString(args)));
                        System.exit(7);
                    }
                }
                """);
        Path classes = temp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), src.toString())).isZero();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "FakeServer");
        Path jar = temp.resolve("helix-server.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("FakeServer.class"));
            out.write(Files.readAllBytes(classes.resolve("FakeServer.class")));
            out.closeEntry();
        }
        return jar;
    }

}
