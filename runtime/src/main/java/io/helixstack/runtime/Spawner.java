package io.helixstack.runtime;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts every instance process from one long-lived platform thread. bubblewrap's {@code --die-with-parent} uses the
 * parent-death signal, which Linux sends when the <em>thread</em> that forked the child exits, not the process: a child
 * forked from a virtual thread's carrier (retired after a while idle) or any short-lived thread would be SIGKILLed long
 * before HelixStack stops. This thread lives as long as the JVM.
 */
final class Spawner {
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("helix-spawner").unstarted(r));

    private Spawner() {
    }

    static Process start(ProcessBuilder builder) throws IOException {
        try {
            return THREAD.submit(builder::start).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("could not start the process: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the process", e);
        }
    }
}
