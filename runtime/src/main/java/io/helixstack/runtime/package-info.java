/**
 * The runtime plane: runs instances of artifacts. Starting points: {@link io.helixstack.runtime.ProcessRuntimeDriver}
 * (the local target: one supervised, bubblewrap-sandboxed process per instance), {@code SupervisedInstance} (start,
 * output, crash and restart with {@code Backoff}, stop), {@code Sandbox} (the bubblewrap command line) and
 * {@code HealthProbe} (readiness over HTTP).
 */
package io.helixstack.runtime;
