package io.helixstack.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Chooses free ports on 127.0.0.1 for instances. The kernel picks a free port; the allocator remembers the ports it handed
 * out until they are released, because an instance keeps its port across restarts and the kernel could otherwise hand
 * a crashed instance's port to the next deployment while the crashed one waits out its backoff.
 */
final class PortAllocator {
    private static final int ATTEMPTS = 50;

    private final Set<Integer> reserved = new HashSet<>();

    synchronized int allocate() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = probeFreePort();
            if (reserved.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 after " + ATTEMPTS + " attempts");
    }

    /** Marks a port as taken that an instance started by an earlier runtime process still uses. */
    synchronized void reserve(int port) {
        reserved.add(port);
    }

    synchronized void release(int port) {
        reserved.remove(port);
    }

    private static int probeFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a socket on 127.0.0.1 to find a free port", e);
        }
    }
}
