package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import io.helixstack.domain.Application;
import io.helixstack.store.RuntimeLogRepository;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Runtime logs of an application: a page of lines, or a live tail over server-sent events. */
@Blocking
final class LogsApi {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int KEEPALIVE_EVERY = 60; // polls, i.e. every 15 s

    record LineView(long seq, java.time.Instant at, UUID deploymentId, String source, String stream, String line) {
        static LineView of(RuntimeLogRepository.Line l) {
            return new LineView(l.seq(), l.at(), l.deploymentId(), l.source(), l.stream(), l.line());
        }
    }

    private final ApiContext api;

    LogsApi(ApiContext api) {
        this.api = api;
    }

    @Get("/applications/{app}/logs")
    public HttpResponse logs(ServiceRequestContext ctx, @Param("app") String appName, @Param("after") @Default("-1") long after,
                             @Param("limit") @Default("200") int limit, @Param("follow") @Default("false") boolean follow,
                             @Param("deployment") @Default("") String deployment, @Param("since") @Default("") String since,
                             @Param("until") @Default("") String until, @Param("q") @Default("") String text) {
        Application app = api.application(appName);
        int n = Math.clamp(limit, 1, 10_000);
        UUID dep = deployment.isBlank() ? null : Rollbacks.choose(api.store.deployments().listByApplication(app.id(), 10_000),
                java.util.Optional.empty(), deployment).id();
        RuntimeLogRepository.Filter filter = new RuntimeLogRepository.Filter(dep, TimeParam.parse("since", since, api.clock()),
                TimeParam.parse("until", until, api.clock()), text.isEmpty() ? null : text);
        List<RuntimeLogRepository.Line> first = after < 0 ? api.store.runtimeLogs().tail(app.id(), n, filter)
                : api.store.runtimeLogs().after(app.id(), after, n, filter);
        if (!follow) {
            return ApiJson.ok(Map.of("lines", first.stream().map(LineView::of).toList()));
        }
        return tail(ctx, app.id(), first, filter);
    }

    private HttpResponse tail(ServiceRequestContext ctx, UUID appId, List<RuntimeLogRepository.Line> first,
                              RuntimeLogRepository.Filter filter) {
        ctx.clearRequestTimeout();
        StreamWriter<ServerSentEvent> events = StreamMessage.streaming();
        AtomicLong last = new AtomicLong(first.isEmpty() ? api.store.runtimeLogs().tail(appId, 1, RuntimeLogRepository.Filter.NONE).stream()
                .mapToLong(RuntimeLogRepository.Line::seq).max().orElse(0) : first.getLast().seq());
        // A comment first, so the client sees the stream open (headers and all) even before the first line exists.
        events.tryWrite(ServerSentEvent.ofComment("log of " + appId));
        first.forEach(l -> events.tryWrite(ServerSentEvent.ofData(ApiJson.write(LineView.of(l)))));
        long[] polls = {0};
        ScheduledFuture<?> poller = ctx.blockingTaskExecutor().scheduleWithFixedDelay(() -> {
            // A reader that stopped reading gets nothing more queued until it has taken what it was sent.
            if (!events.whenConsumed().isDone()) {
                return;
            }
            try {
                for (RuntimeLogRepository.Line l : api.store.runtimeLogs().after(appId, last.get(), 500, filter)) {
                    if (!events.tryWrite(ServerSentEvent.ofData(ApiJson.write(LineView.of(l))))) {
                        return;
                    }
                    last.set(l.seq());
                }
                if (++polls[0] % KEEPALIVE_EVERY == 0) {
                    events.tryWrite(ServerSentEvent.ofComment("keep-alive"));
                }
            } catch (RuntimeException e) {
                events.abort(e);
            }
        }, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        events.whenComplete().whenComplete((ok, err) -> poller.cancel(false));
        ctx.log().whenComplete().thenRun(() -> poller.cancel(false));
        return ServerSentEvents.fromPublisher(events);
    }
}
