package io.helixstack.runtime;

import java.util.List;

/**
 * Signals an instance's process tree. The root is either the app itself ({@code sh -c "exec …"} became the app) or, when
 * sandboxed, bubblewrap — which must not get the polite signal: SIGTERM kills it outright, before the app could drain.
 * So SIGTERM goes to the descendants (bwrap's PID-1 inside the namespace ignores it, the app and its children get it), and
 * the sandbox ends by itself once the app has exited.
 *
 * <p>Signals go through {@link ProcessHandle}, never {@link Process#destroy()}: the latter also closes the pipes, and
 * a task's last words would be lost. Handles work alike for this JVM's children and for instances an earlier runtime
 * process started.
 */
final class ProcessTree {
    private ProcessTree() {
    }

    /** SIGTERM to the app and every process it started. */
    static void terminate(ProcessHandle root, boolean rootIsWrapper) {
        List<ProcessHandle> descendants = root.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        // Just after start, the wrapper may not have started the app yet: then the wrapper is all there is to stop.
        if (!rootIsWrapper || descendants.isEmpty()) {
            root.destroy();
        }
    }

    /**
     * SIGKILL to every process tree started for the instance {@code instanceId} that is still around: found by the
     * {@code HELIX_INSTANCE_ID} of its environment, for the processes no record points at (a runtime process killed
     * between starting an instance and writing down its pid). The number of trees killed.
     */
    static int killStrays(String instanceId) {
        byte[] marker = ("HELIX_INSTANCE_ID=" + instanceId + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<ProcessHandle> found = ProcessHandle.allProcesses().filter(p -> environContains(p.pid(), marker))
                // The roots only: their descendants go with them.
                .filter(p -> p.parent().map(parent -> !environContains(parent.pid(), marker)).orElse(true)).toList();
        List<ProcessHandle> all = new java.util.ArrayList<>();
        for (ProcessHandle root : found) {
            root.descendants().forEach(all::add);
            all.add(root);
        }
        // Gone before the caller goes on: a stray still dying would hold the port a new run is about to take.
        killAndAwait(all, KILL_EXIT);
        return found.size();
    }

    /** How long {@link #killAndAwait} waits for processes to exit after SIGKILL. */
    static final java.time.Duration KILL_EXIT = java.time.Duration.ofSeconds(5);

    /**
     * SIGKILL to each process, then waits up to {@code atMost} for all of them to have exited; what still runs then is
     * beyond SIGKILL's reach for now (the caller's next step says so).
     */
    static void killAndAwait(java.util.Collection<ProcessHandle> processes, java.time.Duration atMost) {
        List<java.util.concurrent.CompletableFuture<ProcessHandle>> exits = new java.util.ArrayList<>();
        for (ProcessHandle p : processes) {
            exits.add(p.onExit());
            p.destroyForcibly();
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(exits.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // still running: see above
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean environContains(long pid, byte[] marker) {
        byte[] environ;
        try {
            environ = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(pid), "environ"));
        } catch (java.io.IOException | SecurityException e) {
            return false; // gone, or not ours to read
        }
        outer:
        for (int i = 0; i + marker.length <= environ.length; i++) {
            if (i > 0 && environ[i - 1] != 0) {
                continue; // only at the start of a variable
            }
            for (int j = 0; j < marker.length; j++) {
                if (environ[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** SIGKILL to everything; the snapshot is taken first, so children reparented by the kill are not missed. */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
