package io.helixstack.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code helix deploy [DIR] --app NAME}: creates the app if needed, uploads DIR as a tarball and follows the build
 * and the promotion until the deployment is live (exit 0) or failed (exit 1, the reason on stderr).
 */
@Command(name = "deploy",
        description = {"Upload a folder, build it and make it the app's live deployment.",
                "Files matched by .gitignore files, and .git itself, are not uploaded."})
final class DeployCommand extends AppCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "The folder to deploy (default: the current one).")
    Path dir;

    @Option(names = "--no-wait", description = "Return once the source is uploaded, without following the build.")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "How long to follow the deployment before giving up waiting (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        Path source = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new CliException("\"" + dir + "\": not a directory (expected: the folder to deploy)");
        }
        Output output = output();
        ApiClient api = api();
        Application application = api.findApplication(app).orElseGet(() -> {
            output.progress("Creating app " + app + "…");
            return api.createApplication(app);
        });

        Deployment deployment = upload(api, output, source);
        if (noWait) {
            if (output.json()) {
                output.json(deployment.json());
            } else {
                output.line("Deployment " + deployment.label() + " (" + deployment.shortId() + ") is " + deployment.state()
                        + "; follow it with `helix deployments --app " + app + "`");
            }
            return 0;
        }

        output.progress("Deployment " + deployment.label() + " (" + deployment.shortId() + ") " + deployment.state());
        HelixCli cli = cli();
        Deployment end = new DeploymentWatcher(api, output, cli.clock(), cli.pollInterval(), timeout)
                .watch(deployment, true, Deployment::isSettled);
        if (output.json()) {
            output.json(end.json());
        }
        if (end.isFailed()) {
            output.error("deployment " + end.label() + " failed: "
                    + (end.failureReason() == null ? "the server gave no reason" : end.failureReason()));
            return HelixCli.EXIT_FAILURE;
        }
        // Superseded with a reason means it never took traffic (a newer deployment went live first).
        if (!end.isLive() && end.failureReason() != null) {
            output.error("deployment " + end.label() + " did not go live: " + end.failureReason());
            return HelixCli.EXIT_FAILURE;
        }
        if (!output.json()) {
            if (end.isLive()) {
                output.line("Deployed " + end.label() + " → " + (application.url() == null ? end.url() : application.url()));
                if (end.url() != null) {
                    output.line("  this deployment, always: " + end.url());
                }
            } else {
                // Settled but not live: a newer deployment or a rollback replaced it while we were watching.
                output.line("Deployment " + end.label() + " went live and is now " + end.state());
            }
        }
        return 0;
    }

    /** Packs into a temporary file rather than memory: a source tree can be larger than the heap. */
    private Deployment upload(ApiClient api, Output output, Path source) throws IOException {
        Path tarball = Files.createTempFile("helix-deploy-", ".tar.gz");
        try {
            SourcePacker.Packed packed;
            try (OutputStream out = Files.newOutputStream(tarball)) {
                packed = new SourcePacker().pack(source, out);
            }
            packed.skipped().forEach(skipped -> output.warn("not uploaded: " + skipped));
            output.progress("Uploading " + Output.size(Files.size(tarball)) + " (" + packed.files()
                    + (packed.files() == 1 ? " file" : " files") + ")…");
            return api.uploadSource(app, tarball);
        } finally {
            Files.deleteIfExists(tarball);
        }
    }
}
