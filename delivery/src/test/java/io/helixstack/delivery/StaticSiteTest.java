package io.helixstack.delivery;

import static io.helixstack.delivery.ProxyTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Static deployments served by the proxy from disk. */
class StaticSiteTest {
    private static final String INDEX = "<!doctype html><title>shell</title>" + "<!-- padding -->".repeat(100);
    private static final String SCRIPT = "console.log('hashed asset');\n".repeat(100);
    private static final String SECRET = "root:x:0:0:the host's own file";

    // One proxy and one set of files for the class: stopping an Armeria server takes seconds.
    @TempDir
    static Path dir;
    private static Path root;
    private static ClientFactory clientFactory;
    private static BuiltinProxy proxy;
    private static WebClient client;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(root.resolve("index.html"), INDEX);
        Files.writeString(root.resolve("app.3f2a1b9c.js"), SCRIPT);
        Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.createDirectories(root.resolve("about"));
        Files.writeString(root.resolve("about/index.html"), "<h1>about</h1>");
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(root.resolve("leak.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outside"), dir);
        clientFactory = ClientFactory.builder().build();
        proxy = ProxyTestSupport.startProxy();
        client = ProxyTestSupport.client(clientFactory, proxy);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        clientFactory.close();
    }

    /** Fresh deployments for every test, so no site is open when it starts. */
    @BeforeEach
    void publish() {
        proxy.publishRoutes(RouteTable.of(Map.of(
                "spa.localhost", new Route.Static(UUID.randomUUID(), "spa", root, true),
                "docs.localhost", new Route.Static(UUID.randomUUID(), "docs", root, false),
                "gone.localhost", new Route.Static(UUID.randomUUID(), "gone", dir.resolve("missing"), false))));
    }

    @Test
    void servesIndexWithValidatorsAndRevalidation() {
        AggregatedHttpResponse response = get(client, "spa.localhost", "/");

        assertThat(response.status()).isEqualTo(HttpStatus.OK);
        assertThat(response.contentUtf8()).isEqualTo(INDEX);
        assertThat(response.contentType().subtype()).isEqualTo("html");
        assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo(CachePolicy.REVALIDATE);
        assertThat(response.headers().get(HttpHeaderNames.ETAG)).isNotBlank();
        assertThat(response.headers().get(HttpHeaderNames.LAST_MODIFIED)).isNotBlank();
    }

    @Test
    void answersConditionalRequestsWith304() {
        AggregatedHttpResponse first = get(client, "spa.localhost", "/app.3f2a1b9c.js");
        String etag = first.headers().get(HttpHeaderNames.ETAG);
        String lastModified = first.headers().get(HttpHeaderNames.LAST_MODIFIED);

        AggregatedHttpResponse byEtag = get(client, "spa.localhost", "/app.3f2a1b9c.js", "if-none-match", etag);
        AggregatedHttpResponse byDate = get(client, "spa.localhost", "/app.3f2a1b9c.js", "if-modified-since", lastModified);
        AggregatedHttpResponse changed = get(client, "spa.localhost", "/app.3f2a1b9c.js", "if-none-match", "\"other\"");

        assertThat(byEtag.status()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(byEtag.content().isEmpty()).isTrue();
        assertThat(byEtag.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo(CachePolicy.IMMUTABLE);
        assertThat(byDate.status()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(changed.status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void setsCacheHeadersByFileName() {
        assertThat(get(client, "spa.localhost", "/app.3f2a1b9c.js").headers().get(HttpHeaderNames.CACHE_CONTROL))
                .isEqualTo("public, max-age=31536000, immutable");
        assertThat(get(client, "spa.localhost", "/logo.png").headers().get(HttpHeaderNames.CACHE_CONTROL))
                .isEqualTo(CachePolicy.SHORT);
        assertThat(get(client, "spa.localhost", "/index.html").headers().get(HttpHeaderNames.CACHE_CONTROL))
                .isEqualTo("public, max-age=0, must-revalidate");
    }

    @Test
    void compressesTextWhenTheClientAcceptsGzip() throws IOException {
        AggregatedHttpResponse gzipped = get(client, "spa.localhost", "/app.3f2a1b9c.js", "accept-encoding", "gzip");
        AggregatedHttpResponse plain = get(client, "spa.localhost", "/app.3f2a1b9c.js");
        AggregatedHttpResponse image = get(client, "spa.localhost", "/logo.png", "accept-encoding", "gzip");

        assertThat(gzipped.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
        assertThat(gzipped.headers().get(HttpHeaderNames.VARY)).containsIgnoringCase("accept-encoding");
        assertThat(gzipped.headers().get(HttpHeaderNames.ETAG)).startsWith("W/");
        assertThat(gunzip(gzipped.content().array())).isEqualTo(SCRIPT);
        assertThat(gzipped.content().length()).isLessThan(SCRIPT.length());
        assertThat(plain.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isNull();
        assertThat(plain.contentUtf8()).isEqualTo(SCRIPT);
        assertThat(image.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isNull();
    }

    @Test
    void fallsBackToIndexForClientSideRoutesOnly() {
        AggregatedHttpResponse route = get(client, "spa.localhost", "/dashboard/settings");
        AggregatedHttpResponse missingAsset = get(client, "spa.localhost", "/assets/missing.3f2a1b9c.js");
        AggregatedHttpResponse withoutFallback = get(client, "docs.localhost", "/dashboard");

        assertThat(route.status()).isEqualTo(HttpStatus.OK);
        assertThat(route.contentUtf8()).isEqualTo(INDEX);
        assertThat(route.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo(CachePolicy.REVALIDATE);
        assertThat(missingAsset.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missingAsset.headers().get(HttpHeaderNames.CACHE_CONTROL)).isNull();
        assertThat(withoutFallback.status()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void servesDirectoryIndexes() {
        AggregatedHttpResponse about = get(client, "docs.localhost", "/about/");

        assertThat(about.status()).isEqualTo(HttpStatus.OK);
        assertThat(about.contentUtf8()).isEqualTo("<h1>about</h1>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/about/../../secret.txt",
            "/leak.txt", "/outside/secret.txt", "/..\\secret.txt"})
    void neverServesFilesOutsideTheRoot(String path) throws IOException {
        String response = ProxyTestSupport.raw(proxy.port(),
                "GET " + path + " HTTP/1.1\r\nHost: docs.localhost\r\nConnection: close\r\n\r\n");

        assertThat(response).doesNotStartWith("HTTP/1.1 200").doesNotContain(SECRET);
    }

    @Test
    void purgeDropsTheCachedSite() {
        get(client, "spa.localhost", "/");
        assertThat(proxy.openSites()).isEqualTo(1);

        proxy.purge("SPA.localhost:8080");

        assertThat(proxy.openSites()).isZero();
        assertThat(get(client, "spa.localhost", "/").status()).isEqualTo(HttpStatus.OK);
        assertThat(proxy.openSites()).isEqualTo(1);
    }

    @Test
    void forgetsSitesThatLeaveTheTable() {
        get(client, "spa.localhost", "/");

        proxy.publishRoutes(RouteTable.empty());

        assertThat(proxy.openSites()).isZero();
    }

    @Test
    void answers503WhenTheFilesAreMissing() {
        AggregatedHttpResponse response = get(client, "gone.localhost", "/");

        assertThat(response.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(response.contentUtf8()).contains("gone");
    }

    private static String gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
