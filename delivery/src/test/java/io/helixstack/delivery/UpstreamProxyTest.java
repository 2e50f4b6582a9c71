package io.helixstack.delivery;

import static io.helixstack.delivery.ProxyTestSupport.get;
import static io.helixstack.delivery.ProxyTestSupport.upstreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RouteTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** HTTP through the proxy to real upstream servers: routing, balancing, headers, streaming, failures. */
class UpstreamProxyTest {
    private final List<Server> upstreams = new ArrayList<>();
    private ClientFactory clientFactory;
    private BuiltinProxy proxy;
    private WebClient client;

    @BeforeEach
    void start() {
        clientFactory = ClientFactory.builder().build();
        proxy = ProxyTestSupport.startProxy();
        client = ProxyTestSupport.client(clientFactory, proxy);
    }

    @AfterEach
    void stop() {
        // Each Armeria server takes a couple of seconds to stop: stop them all at once.
        List<CompletableFuture<Void>> stopping = new ArrayList<>(upstreams.stream().map(Server::stop).toList());
        stopping.add(CompletableFuture.runAsync(proxy::close));
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        clientFactory.close();
    }

    @Test
    void routesByHost() {
        Endpoint one = upstream((ctx, req) -> HttpResponse.of("one"));
        Endpoint two = upstream((ctx, req) -> HttpResponse.of("two"));
        proxy.publishRoutes(RouteTable.of(Map.of("one.localhost", upstreams("one", one), "two.localhost", upstreams("two", two))));

        assertThat(get(client, "one.localhost", "/").contentUtf8()).isEqualTo("one");
        assertThat(get(client, "TWO.localhost:8080", "/").contentUtf8()).isEqualTo("two");
    }

    @Test
    void balancesRoundRobin() {
        Endpoint a = upstream((ctx, req) -> HttpResponse.of("a"));
        Endpoint b = upstream((ctx, req) -> HttpResponse.of("b"));
        proxy.publishRoutes(RouteTable.of(Map.of("app.localhost", upstreams("app", a, b))));

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(get(client, "app.localhost", "/").contentUtf8());
        }

        assertThat(answers).containsExactly("a", "b", "a", "b", "a", "b");
    }

    @Test
    void forwardsMethodPathQueryAndHeaders() {
        Endpoint echo = upstream((ctx, req) -> HttpResponse.of(req.aggregate().thenApply(agg -> {
            Map<String, String> seen = new TreeMap<>();
            agg.headers().forEach((name, value) -> seen.merge(name.toString(), value, (x, y) -> x + "," + y));
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.CREATED).set("x-upstream", "yes").build(),
                    HttpData.ofUtf8(seen + " body=" + agg.contentUtf8()));
        })));
        proxy.publishRoutes(RouteTable.of(Map.of("echo.localhost", upstreams("echo", echo))));

        AggregatedHttpResponse response = client.execute(
                RequestHeaders.builder(HttpMethod.POST, "/orders/7?expand=items&x=%2F")
                        .authority("echo.localhost")
                        .set("x-forwarded-for", "203.0.113.9")
                        .set("cookie", "session=abc")
                        .contentType(MediaType.PLAIN_TEXT_UTF_8)
                        .build(),
                "hello").aggregate().join();

        assertThat(response.status()).isEqualTo(HttpStatus.CREATED);
        assertThat(response.headers().get("x-upstream")).isEqualTo("yes");
        assertThat(response.contentUtf8())
                .contains(":method=POST", ":path=/orders/7?expand=items&x=%2F", "host=echo.localhost")
                .contains("cookie=session=abc", "x-forwarded-for=203.0.113.9, 127.0.0.1", "x-forwarded-proto=http",
                        "x-forwarded-host=echo.localhost")
                .endsWith("body=hello");
    }

    @Test
    void stripsHopByHopHeaders() throws Exception {
        Endpoint echo = upstream((ctx, req) -> HttpResponse.of(req.headers().names().toString()));
        proxy.publishRoutes(RouteTable.of(Map.of("echo.localhost", upstreams("echo", echo))));

        String response = ProxyTestSupport.raw(proxy.port(), "GET / HTTP/1.1\r\nHost: echo.localhost\r\n"
                + "Connection: close, x-hop\r\nx-hop: secret\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic eA==\r\n"
                + "x-end-to-end: kept\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200").contains("x-end-to-end")
                .doesNotContain("x-hop", "keep-alive", "proxy-authorization", "connection,");
    }

    @Test
    void streamsLargeBodiesBothWays() {
        int size = 16 * 1024 * 1024;
        Endpoint counter = upstream((ctx, req) -> HttpResponse.of(req.aggregate()
                .thenApply(agg -> HttpResponse.of(String.valueOf(agg.content().length())))));
        Endpoint download = upstream((ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.OCTET_STREAM, new byte[size]));
        proxy.publishRoutes(RouteTable.of(Map.of("up.localhost", upstreams("up", counter),
                "down.localhost", upstreams("down", download))));

        // Several rounds: a read-throttling race once hung a transfer only now and then (see UpstreamClients).
        for (int round = 0; round < 8; round++) {
            AggregatedHttpResponse uploaded = client.execute(RequestHeaders.builder(HttpMethod.POST, "/upload")
                    .authority("up.localhost").build(), HttpData.wrap(new byte[size])).aggregate().join();
            AggregatedHttpResponse downloaded = get(client, "down.localhost", "/file");

            assertThat(uploaded.contentUtf8()).as("bytes the app received in round %d", round).isEqualTo(String.valueOf(size));
            assertThat(downloaded.content().length()).as("bytes downloaded in round %d", round).isEqualTo(size);
        }
    }

    @Test
    void passesServerSentEventsThroughAsTheyCome() {
        CompletableFuture<Void> sendSecond = new CompletableFuture<>();
        Endpoint events = upstream((ctx, req) -> {
            HttpResponseWriter stream = HttpResponse.streaming();
            stream.write(ResponseHeaders.of(HttpStatus.OK, HttpHeaderNames.CONTENT_TYPE, MediaType.EVENT_STREAM));
            stream.write(HttpData.ofUtf8("data: first\n\n"));
            sendSecond.thenRun(() -> {
                stream.write(HttpData.ofUtf8("data: second\n\n"));
                stream.close();
            });
            return stream;
        });
        proxy.publishRoutes(RouteTable.of(Map.of("events.localhost", upstreams("events", events))));
        StringBuffer received = new StringBuffer();
        CompletableFuture<Void> done = new CompletableFuture<>();

        client.execute(HttpRequest.of(RequestHeaders.of(HttpMethod.GET, "/events", HttpHeaderNames.AUTHORITY,
                "events.localhost"))).subscribe(collectInto(received, done));

        await("the first event, while the second is held back").atMost(Duration.ofSeconds(10))
                .until(() -> received.toString().contains("data: first"));
        assertThat(received.toString()).doesNotContain("second");
        sendSecond.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(done::isDone);
        assertThat(received.toString()).isEqualTo("data: first\n\ndata: second\n\n");
    }

    @Test
    void answers502WhenTheUpstreamIsDown() throws Exception {
        proxy.publishRoutes(RouteTable.of(Map.of("gone.localhost", upstreams("gone", ProxyTestSupport.deadEndpoint()))));

        long started = System.nanoTime();
        AggregatedHttpResponse text = get(client, "gone.localhost", "/");
        AggregatedHttpResponse html = get(client, "gone.localhost", "/", "accept", "text/html,*/*");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(text.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(text.contentType()).isEqualTo(MediaType.PLAIN_TEXT_UTF_8);
        assertThat(text.contentUtf8()).contains("gone", "not responding");
        assertThat(html.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(html.contentUtf8()).contains("<code>gone</code>");
    }

    @Test
    void aRequestAnInstanceRefusedGoesToAnotherInstanceOfTheRoute() throws Exception {
        Endpoint alive = upstream((ctx, req) -> HttpResponse.of("alive"));
        Endpoint dead = ProxyTestSupport.deadEndpoint();
        proxy.publishRoutes(RouteTable.of(Map.of("spread.localhost", upstreams("spread", dead, alive))));

        List<AggregatedHttpResponse> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(get(client, "spread.localhost", "/"));
        }

        assertThat(answers).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(HttpStatus.OK);
            assertThat(r.contentUtf8()).isEqualTo("alive");
        });
        // A request with a body is not replayed on another instance: it gets the 502.
        AggregatedHttpResponse posted = null;
        for (int i = 0; i < 2 && (posted == null || posted.status() == HttpStatus.OK); i++) {
            posted = client.execute(com.linecorp.armeria.common.RequestHeaders.builder(com.linecorp.armeria.common.HttpMethod.POST, "/")
                    .authority("spread.localhost").contentType(MediaType.PLAIN_TEXT_UTF_8).build(), "payload").aggregate().join();
        }
        assertThat(posted.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.inFlight(alive) == 0 && proxy.inFlight(dead) == 0);
    }

    @Test
    void answersUnknownHostsWithAHelpfulPage() {
        AggregatedHttpResponse text = get(client, "nope.localhost:8080", "/");
        AggregatedHttpResponse html = get(client, "nope.localhost", "/", "accept", "text/html");

        assertThat(text.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(text.contentType()).isEqualTo(MediaType.PLAIN_TEXT_UTF_8);
        assertThat(text.contentUtf8())
                .contains("No application is deployed at nope.localhost:8080", "<app>.localhost");
        assertThat(html.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(html.contentType().subtype()).isEqualTo("html");
        assertThat(html.contentUtf8()).contains("No application is deployed at <code>nope.localhost</code>",
                "&lt;app&gt;.localhost");
    }

    @Test
    void countsRequestsInFlightUntilTheyFinish() {
        CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
        Endpoint slow = upstream((ctx, req) -> HttpResponse.of(answer));
        proxy.publishRoutes(RouteTable.of(Map.of("slow.localhost", upstreams("slow", slow))));

        CompletableFuture<AggregatedHttpResponse> response = client.execute(
                RequestHeaders.of(HttpMethod.GET, "/", HttpHeaderNames.AUTHORITY, "slow.localhost")).aggregate();

        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.inFlight(slow) == 1);
        answer.complete(HttpResponse.of("done"));
        assertThat(response.join().contentUtf8()).isEqualTo("done");
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.inFlight(slow) == 0);
    }

    private Endpoint upstream(com.linecorp.armeria.server.HttpService service) {
        Server server = ProxyTestSupport.startUpstream(service);
        upstreams.add(server);
        return ProxyTestSupport.endpointOf(server);
    }

    private static Subscriber<HttpObject> collectInto(StringBuffer received, CompletableFuture<Void> done) {
        return new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(HttpObject object) {
                if (object instanceof HttpData data) {
                    received.append(data.toStringUtf8());
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        };
    }
}
