package io.helixstack.delivery;

import static io.helixstack.delivery.ProxyTestSupport.upstreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RouteTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The promotion switch, kamal-proxy style, under a continuous request loop: not one request may fail. */
class RouteSwitchTest {
    private static final int CLIENTS = 8;
    private static final int REQUESTS_BEFORE_SWITCH = 400;
    private static final int REQUESTS_AFTER_STOP = 400;
    private static final Duration LOOP_LIMIT = Duration.ofSeconds(60);

    @Test
    void switchesFromAToBWithZeroFailedRequests() throws Exception {
        // A answers slowly so some of its requests are always in flight when the table switches.
        Server a = ProxyTestSupport.startUpstream((ctx, req) -> HttpResponse.delayed(HttpResponse.of("A"), Duration.ofMillis(20)));
        Server b = ProxyTestSupport.startUpstream((ctx, req) -> HttpResponse.of("B"));
        Endpoint endpointA = ProxyTestSupport.endpointOf(a);
        Endpoint endpointB = ProxyTestSupport.endpointOf(b);
        try (BuiltinProxy proxy = ProxyTestSupport.startProxy();
                ClientFactory factory = ClientFactory.builder().build();
                var loop = Executors.newVirtualThreadPerTaskExecutor()) {
            proxy.publishRoutes(RouteTable.of(Map.of("web.localhost", upstreams("web", endpointA))));
            WebClient client = ProxyTestSupport.client(factory, proxy);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean aStopped = new AtomicBoolean();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger answeredAfterStop = new AtomicInteger();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + LOOP_LIMIT.toNanos();
            List<CompletableFuture<Void>> workers = IntStream.range(0, CLIENTS)
                    .mapToObj(i -> CompletableFuture.runAsync(() -> {
                        while (!stop.get() && System.nanoTime() < deadline) {
                            boolean afterStop = aStopped.get();
                            try {
                                AggregatedHttpResponse response = client.execute(RequestHeaders.of(HttpMethod.GET, "/",
                                        HttpHeaderNames.AUTHORITY, "web.localhost")).aggregate().join();
                                if (response.status() != HttpStatus.OK) {
                                    failures.add(response.status() + " " + response.contentUtf8());
                                } else if (afterStop && !response.contentUtf8().equals("B")) {
                                    failures.add("answered by " + response.contentUtf8() + " after A stopped");
                                }
                            } catch (RuntimeException e) {
                                failures.add(e.toString());
                            }
                            completed.incrementAndGet();
                            if (afterStop) {
                                answeredAfterStop.incrementAndGet();
                            }
                        }
                    }, loop))
                    .toList();

            await().atMost(LOOP_LIMIT).until(() -> completed.get() >= REQUESTS_BEFORE_SWITCH);
            // Switch while A is busy, so the drain has something to wait for.
            await().atMost(LOOP_LIMIT).until(() -> proxy.inFlight(endpointA) > 0);
            proxy.publishRoutes(RouteTable.of(Map.of("web.localhost", upstreams("web", endpointB))));
            boolean drained = proxy.drain(List.of(endpointA), Duration.ofSeconds(10));
            a.stop().join();
            aStopped.set(true);
            await().atMost(LOOP_LIMIT).until(() -> answeredAfterStop.get() >= REQUESTS_AFTER_STOP);
            stop.set(true);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();

            assertThat(drained).as("drain of A before stopping it").isTrue();
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(completed.get()).isGreaterThanOrEqualTo(REQUESTS_BEFORE_SWITCH + REQUESTS_AFTER_STOP);
        } finally {
            a.stop().join();
            b.stop().join();
        }
    }
}
