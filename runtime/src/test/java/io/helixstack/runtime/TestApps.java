package io.helixstack.runtime;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.Resources;
import io.helixstack.plugin.api.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Tiny apps written into a temporary artifact directory: one node server whose behaviour the env chooses, and shell scripts. */
final class TestApps {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    /**
     * GET / answers $STATUS (200) with $BODY; /env the environment as JSON; /read, /write, /exists?path= try the file
     * system and answer what happened; /say?text= logs the text on stdout; /crash exits with code 1; /burn?ms= spins the CPU that long and keeps 64 MiB more. CRASH_AT_START=n exits with n before listening.
     * On SIGTERM it logs "got SIGTERM" and drains, unless IGNORE_SIGTERM is set.
     */
    static final String SERVER_JS = """
            const http = require('http');
            const fs = require('fs');
            const env = process.env;
            if (env.CRASH_AT_START) {
              console.error('crashing at start');
              process.exit(Number(env.CRASH_AT_START));
            }
            const server = http.createServer((req, res) => {
              const url = new URL(req.url, 'http://localhost');
              const path = url.searchParams.get('path');
              const send = (code, body) => { res.writeHead(code, {'content-type': 'text/plain'}); res.end(body); };
              const attempt = (fn) => { try { send(200, String(fn())); } catch (e) { send(200, 'ERR ' + e.code); } };
              switch (url.pathname) {
                case '/env': return send(200, JSON.stringify(process.env));
                case '/read': return attempt(() => fs.readFileSync(path, 'utf8'));
                case '/write': return attempt(() => { fs.writeFileSync(path, 'written'); return 'OK'; });
                case '/exists': return send(200, String(fs.existsSync(path)));
                case '/say': console.log(url.searchParams.get('text')); return send(200, 'said');
                case '/crash': console.error('crashing on request'); return process.exit(1);
                case '/burn': {
                  const until = Date.now() + Number(url.searchParams.get('ms') || 300);
                  while (Date.now() < until) { /* spin: CPU time */ }
                  globalThis.kept = (globalThis.kept || []).concat([Buffer.alloc(64 * 1024 * 1024, 1)]);
                  return send(200, 'burnt');
                }
                default: return send(Number(env.STATUS || 200), env.BODY || 'ok');
              }
            });
            process.on('SIGTERM', () => {
              console.log('got SIGTERM');
              if (env.IGNORE_SIGTERM) return;
              server.close(() => { console.log('drained'); process.exit(0); });
              server.closeIdleConnections();
            });
            server.listen(Number(env.PORT), env.HOST, () => console.log('listening on ' + env.HOST + ':' + env.PORT));
            """;

    /** Prints the port it got, then crashes with code 3. */
    static final String CRASH_SH = """
            echo "run on port $PORT"
            echo "about to crash" >&2
            exit 3
            """;

    /** Runs until a file named "crash" appears in $HOME, then removes it and exits with code 1. */
    static final String CRASH_ON_SIGNAL_FILE_SH = """
            echo "up on port $PORT"
            while [ ! -f "$HOME/crash" ]; do sleep 0.02; done
            rm -f "$HOME/crash"
            exit 1
            """;

    /** A worker: runs until stopped, listening on nothing. */
    static final String WORKER_SH = """
            echo "worker up"
            while true; do sleep 0.2; done
            """;

    private TestApps() {
    }

    /** Seals saved launches with the platform's secret box and a key of this test run. */
    static Sealer sealer() {
        return SEALER;
    }

    private static final Sealer SEALER = sealerWith(new io.helixstack.store.SecretBox(randomKey()));

    static Sealer sealerWith(io.helixstack.store.SecretBox box) {
        return Sealer.of(box::seal, box::open);
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /** An artifact directory holding server.js and the scripts. */
    static Path artifact(Path parent) {
        Path dir = parent.resolve("artifact");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.js"), SERVER_JS);
            Files.writeString(dir.resolve("crash.sh"), CRASH_SH);
            Files.writeString(dir.resolve("crash-on-signal-file.sh"), CRASH_ON_SIGNAL_FILE_SH);
            Files.writeString(dir.resolve("worker.sh"), WORKER_SH);
            Files.writeString(dir.resolve("README"), "an artifact file\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static InstanceSpec node(Path artifactDir, Map<String, String> env, HealthCheck health) {
        return spec(artifactDir, "node server.js", env, health);
    }

    static InstanceSpec spec(Path artifactDir, String command, Map<String, String> env, HealthCheck health) {
        return spec(artifactDir, command, env, health, Resources.NONE);
    }

    static InstanceSpec spec(Path artifactDir, String command, Map<String, String> env, HealthCheck health, Resources resources) {
        return new InstanceSpec(UUID.randomUUID(), "hello", "web", artifactOf(artifactDir, command), command, env, health,
                resources);
    }

    static TaskSpec task(Path artifactDir, String command, Map<String, String> env, Duration timeout, Resources resources) {
        return new TaskSpec(UUID.randomUUID(), "hello", "release", artifactOf(artifactDir, command), command, env, timeout,
                resources);
    }

    private static Artifact artifactOf(Path artifactDir, String command) {
        ArtifactMetadata metadata = new ArtifactMetadata(DIGEST, "node", ArtifactKind.SERVER, command, null,
                new Source.Upload(DIGEST), Map.of("NODE_ENV", "production"), Instant.parse("2025-01-01T00:00:00Z"));
        return new Artifact(metadata, artifactDir);
    }
}
