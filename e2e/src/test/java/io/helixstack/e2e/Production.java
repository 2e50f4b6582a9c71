package io.helixstack.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests to apps' production URLs, one after another on a thread of their own until stopped: what answered, what not. */
final class Production {
    /** One request for an app's production URL. */
    @FunctionalInterface
    interface Get {
        HttpResponse<String> get(String app) throws IOException, InterruptedException;
    }

    private final AtomicBoolean polling = new AtomicBoolean(true);
    private final AtomicInteger answered = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private Thread poller;

    private Production() {
    }

    static Production poll(Get get, String... apps) {
        Production p = new Production();
        p.poller = Thread.ofPlatform().start(() -> {
            while (p.polling.get()) {
                for (String app : apps) {
                    try {
                        HttpResponse<String> r = get.get(app);
                        if (r.statusCode() == 200) {
                            p.answered.incrementAndGet();
                        } else {
                            p.failures.add(app + ": " + r.statusCode() + " " + r.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        p.failures.add(app + ": " + e);
                    }
                }
            }
        });
        return p;
    }

    int answered() {
        return answered.get();
    }

    List<String> failures() {
        return failures;
    }

    void stop() throws InterruptedException {
        polling.set(false);
        poller.join();
    }
}
