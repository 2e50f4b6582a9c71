package io.helixstack.control;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.helixstack.store.EventOutbox;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform's events (deployment requested, built, promoted, failed, rolled back, preview removed…) of the caller's
 * team, from the outbox they are written to with each state change: a page as JSON, or a live server-sent event stream
 * ({@code follow=1}) whose event ids let a client resume with {@code Last-Event-ID} or {@code after}.
 */
@Blocking
final class EventsApi {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int KEEPALIVE_EVERY = 60;

    record EventView(long id, String type, String app, String environment, UUID deploymentId, Instant at, JsonNode data) {
        static EventView of(EventOutbox.TeamEvent e) {
            try {
                return new EventView(e.id(), e.type(), e.app(), e.environment(), e.deploymentId(), e.at(), ApiJson.MAPPER.readTree(e.payload()));
            } catch (java.io.IOException ex) {
                throw new UncheckedIOException("unreadable event payload " + e.id(), ex);
            }
        }
    }

    private final ApiContext api;

    EventsApi(ApiContext api) {
        this.api = api;
    }

    /**
     * @param after events after this id; without it (and without {@code Last-Event-ID}) a page starts at the oldest kept
     *              event and a stream at the newest, so a follower sees what happens from now on
     */
    @Get("/events")
    public HttpResponse events(ServiceRequestContext ctx, @Param("app") @Default("") String appName,
                               @Param("after") @Default("-1") long after, @Param("limit") @Default("200") int limit,
                               @Param("follow") @Default("false") boolean follow) {
        UUID team = api.team();
        UUID app = appName.isBlank() ? null : api.application(appName).id();
        String lastEventId = ctx.request().headers().get("Last-Event-ID");
        long from = after >= 0 ? after : lastEventId != null && lastEventId.matches("\\d{1,18}") ? Long.parseLong(lastEventId) : -1;
        int n = Math.clamp(limit, 1, 1000);
        if (!follow) {
            return ApiJson.ok(Map.of("events", api.store.events().ofTeam(api.store.jdbi(), team, app, Math.max(from, 0), n).stream()
                    .map(EventView::of).toList()));
        }
        ctx.clearRequestTimeout();
        AtomicLong last = new AtomicLong(from >= 0 ? from : api.store.events().lastId(api.store.jdbi()));
        StreamWriter<ServerSentEvent> stream = StreamMessage.streaming();
        // Sent at once, so the client sees the stream open (headers and all) before the first event exists.
        stream.tryWrite(ServerSentEvent.ofComment("events after " + last.get()));
        long[] polls = {0};
        ScheduledFuture<?> poller = ctx.blockingTaskExecutor().scheduleWithFixedDelay(() -> {
            if (!stream.whenConsumed().isDone()) {
                return; // a slow reader gets nothing more queued until it took what it was sent
            }
            try {
                List<EventOutbox.TeamEvent> batch = api.store.events().ofTeam(api.store.jdbi(), team, app, last.get(), 500);
                for (EventOutbox.TeamEvent e : batch) {
                    ServerSentEvent sse = ServerSentEvent.builder().id(Long.toString(e.id())).event(e.type())
                            .data(ApiJson.write(EventView.of(e))).build();
                    if (!stream.tryWrite(sse)) {
                        return;
                    }
                    last.set(e.id());
                }
                if (++polls[0] % KEEPALIVE_EVERY == 0) {
                    stream.tryWrite(ServerSentEvent.ofComment("keep-alive"));
                }
            } catch (RuntimeException e) {
                stream.abort(e);
            }
        }, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        stream.whenComplete().whenComplete((ok, err) -> poller.cancel(false));
        ctx.log().whenComplete().thenRun(() -> poller.cancel(false));
        return ServerSentEvents.fromPublisher(stream);
    }
}
