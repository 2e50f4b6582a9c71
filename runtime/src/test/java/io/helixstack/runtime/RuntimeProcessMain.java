package io.helixstack.runtime;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A runtime process for {@link TakeoverTest}, to be killed for real: deploys the test server with a driver on the given
 * work root, prints {@code READY <instance-id> <port> <deployment-id>} once it answers, then every line the driver reads
 * from the app's stdout as {@code LOG <line>}, until it is killed.
 *
 * <p>Arguments: helix home, work root, artifact directory, the sealing key in hex, sandbox (true/false), a secret for
 * the app's environment, and optionally {@code ignore-sigterm} (the app does not stop on SIGTERM). A line {@code STOP} on
 * standard input starts stopping the instance (with a grace of minutes, so a kill finds it mid-stop).
 */
public final class RuntimeProcessMain {
    private RuntimeProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
        ProcessRuntimeDriver driver = new ProcessRuntimeDriver(Path.of(args[0]), Path.of(args[1]), sink,
                TestApps.sealerWith(new io.helixstack.store.SecretBox(HexFormat.of().parseHex(args[3]))),
                Boolean.parseBoolean(args[4]));
        Map<String, String> env = args.length > 6 && args[6].equals("ignore-sigterm")
                ? Map.of("SECRET", args[5], "IGNORE_SIGTERM", "1") : Map.of("SECRET", args[5]);
        Instance instance = driver.deploy(TestApps.node(Path.of(args[2]), env, HealthCheck.defaults()));
        Thread.ofPlatform().daemon().start(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("STOP")) {
                        Thread.ofPlatform().daemon().start(() -> driver.cleanup(instance, java.time.Duration.ofMinutes(5)));
                    }
                }
            } catch (java.io.IOException e) {
                // the test is gone
            }
        });
        if (!(driver.awaitReady(instance) instanceof Readiness.Ready)) {
            System.out.println("NOT READY");
            System.exit(1);
        }
        System.out.println("READY " + instance.id() + " " + instance.endpoint().port() + " " + instance.deploymentId());
        int printed = 0;
        while (true) {
            List<String> lines = sink.lines(instance.id(), InstanceLog.STDOUT);
            for (; printed < lines.size(); printed++) {
                System.out.println("LOG " + lines.get(printed));
            }
            Thread.sleep(50);
        }
    }
}
