package io.helixstack.testing;

import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.LoggerFactory;

/**
 * A NATS server with JetStream for tests: the one at 127.0.0.1:4222 when it answers, else a {@code nats-server} from
 * PATH on a free port (stopped when the JVM exits), else the test is skipped saying why. {@code -Dhelix.test.nats=start}
 * skips the first choice, to try the second.
 */
public final class TestNats {
    private static final String LOCAL = "nats://127.0.0.1:4222";
    private static String url;
    private static String unavailable;

    private TestNats() {
    }

    /** The server's URL; skips the calling test, saying why, when there is none. */
    public static String url() {
        Assumptions.assumeTrue(available(), unavailable);
        return url;
    }

    public static synchronized boolean available() {
        if (url == null && unavailable == null) {
            if (!"start".equals(System.getProperty("helix.test.nats")) && reachable(4222)) {
                url = LOCAL;
            } else {
                try {
                    url = start();
                } catch (IOException | RuntimeException e) {
                    unavailable = "NATS not available: nothing answers at 127.0.0.1:4222 and nats-server from PATH did not start ("
                            + e.getMessage() + ")";
                    LoggerFactory.getLogger("helix.test.nats").warn(unavailable);
                }
            }
        }
        return url != null;
    }

    /** Names of a stream, subject prefix and bucket no other run uses. */
    public record Names(String stream, String subjectPrefix, String deadLetterBucket) {
        public static Names unique() {
            String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            return new Names("HELIX_TEST_" + id, "helixtest" + id, "HELIX_TEST_" + id + "_DEAD");
        }


        /** Deletes the stream and bucket a test run created, if it created them. */
        public void delete() {
            if (!available()) {
                return;
            }
            try (Connection nats = Nats.connect(url)) {
                deleteIfThere(() -> nats.jetStreamManagement().deleteStream(stream));
                deleteIfThere(() -> nats.keyValueManagement().delete(deadLetterBucket));
            } catch (JetStreamApiException | IOException e) {
                throw new IllegalStateException("cleaning up " + this + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private interface Deletion {
        void run() throws IOException, JetStreamApiException;
    }

    private static void deleteIfThere(Deletion deletion) throws IOException, JetStreamApiException {
        try {
            deletion.run();
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw e;
            }
        }
    }

    private static String start() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path store = Files.createTempDirectory("helix-test-nats");
        Process server;
        try {
            server = new ProcessBuilder("nats-server", "-js", "-a", "127.0.0.1", "-p", Integer.toString(port), "-sd", store.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(store.resolve("nats-server.log").toFile())
                    .start();
        } catch (IOException e) {
            delete(store);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, store)));
        int listening = port;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> reachable(listening) || !server.isAlive());
        if (!server.isAlive()) {
            throw new IOException("nats-server exited with " + server.exitValue() + "; see " + store.resolve("nats-server.log"));
        }
        return "nats://127.0.0.1:" + port;
    }

    private static void stop(Process server, Path store) {
        server.destroy();
        try {
            server.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(store);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    private static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
