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

    /** SIGKILL to everything; the snapshot is taken first, so children reparented by the kill are not missed. */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
