package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.helixstack.domain.Application;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.manifest.BuildSpec;
import io.helixstack.manifest.ComposeTranslator;
import io.helixstack.manifest.DatabaseCredentials;
import io.helixstack.manifest.DatabaseSpec;
import io.helixstack.manifest.KubernetesTranslator;
import io.helixstack.manifest.Manifest;
import io.helixstack.manifest.ManifestParser;
import io.helixstack.manifest.ManifestResult;
import io.helixstack.manifest.ServiceSpec;
import io.helixstack.manifest.TranslationContext;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.store.ConflictException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * The escape hatch: an environment's live deployment as a docker-compose file or Kubernetes manifests, from the
 * artifact's {@code helix.yaml} (or, without one, a single web service from what the buildpack detected). Containers
 * get the artifact the way Heroku dynos get slugs: a stack image plus the artifact tarball downloaded from a signed URL
 * that expires ({@code GET /artifacts/<digest>.tar.gz?expires=…&signature=…}, no token needed). Database credentials
 * are derived from the platform key, so the same export gives the same passwords. Variables set with {@code helix env}
 * are secrets and are not exported.
 */
@Blocking
final class ExportApi {
    static final Duration URL_LIFETIME = Duration.ofHours(24);
    private static final int EXPORT_PORT = 3000;

    private final ApiContext api;
    private final BuildService builds;
    private final ArtifactLinks links;

    ExportApi(ApiContext api, BuildService builds) {
        this.api = api;
        this.builds = builds;
        this.links = new ArtifactLinks(api.store, api.clock());
    }

    @Get("/applications/{app}/export")
    public HttpResponse export(ServiceRequestContext ctx, @Param("app") String appName, @Param("format") @Default("") String format,
                               @Param("environment") @Default("production") String environment) {
        if (!format.equals("compose") && !format.equals("k8s")) {
            throw new InvalidInputException("format: \"" + format + "\" (expected: compose or k8s)");
        }
        Application app = api.application(appName);
        String env = Rollbacks.environment(environment);
        Deployment live = api.store.applications().liveDeployment(app.id(), env).flatMap(api.store.deployments()::find)
                .orElseThrow(() -> new ConflictException(app.name() + " has nothing live in " + env + " to export (expected: deploy it first)"));
        Artifact artifact = builds.artifact(live.artifactDigest()).orElseThrow(() -> new ConflictException(
                live.label() + ": its artifact " + live.artifactDigest() + " is no longer stored"));
        if (artifact.metadata().kind() == ArtifactKind.STATIC) {
            throw new ConflictException(live.label() + " is a static site, which HelixStack's proxy serves itself (expected: a"
                    + " server application to export)");
        }
        Manifest manifest = manifest(app, artifact);
        String label = env.replace('/', '-').replace("preview-", "pr-");
        URI url = links.signed(RepositoryLinksApi.publicBase(ctx), artifact.digest(), URL_LIFETIME);
        String command = artifact.metadata().startCommand() != null ? artifact.metadata().startCommand() : "npm start";
        TranslationContext context = TranslationContext.ofArtifact(app.name().value(), label, api.config.baseDomain(),
                stackImage(artifact), url, command, credentials(app, manifest));
        String text = format.equals("compose") ? new ComposeTranslator().translate(manifest, context)
                : new KubernetesTranslator().translate(manifest, context);
        String file = format.equals("compose") ? "docker-compose.yml" : app.name() + "-" + label + ".k8s.yaml";
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.parse("application/yaml; charset=utf-8"))
                .add("content-disposition", "attachment; filename=\"" + file + "\"").build(), com.linecorp.armeria.common.HttpData.ofUtf8(text));
    }

    /**
     * An artifact as a gzipped tarball of its files, for containers of an export; the URL's signature and expiry stand in
     * for a token.
     */
    @Get("/artifacts/{file}")
    public HttpResponse artifact(@Param("file") String file, @Param("expires") @Default("0") long expires,
                                 @Param("signature") @Default("") String signature) {
        if (!file.matches("[0-9a-f]{64}\\.tar\\.gz")) {
            throw new NotFoundException("artifact " + file + " not found");
        }
        String hex = file.substring(0, 64);
        if (!links.genuine(hex, expires, signature)) {
            return ProblemHandler.problem(HttpStatus.FORBIDDEN, "signature does not match (expected: the URL an export gave)");
        }
        if (links.expired(expires)) {
            return ProblemHandler.problem(HttpStatus.FORBIDDEN, "this artifact URL expired (expected: a fresh export)");
        }
        Artifact artifact = builds.artifact("sha256:" + hex).orElseThrow(() -> new NotFoundException("artifact " + hex + " is no longer stored"));
        // Written straight into the response on a blocking thread, as the files are read.
        return HttpResponse.of(ResponseHeaders.of(HttpStatus.OK, "content-type", "application/gzip"),
                com.linecorp.armeria.common.stream.StreamMessage.fromOutputStream(os -> tar(artifact.dir(), os),
                        ServiceRequestContext.current().blockingTaskExecutor()));
    }

    private static void tar(Path dir, OutputStream sink) {
        try (sink; TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(sink));
             Stream<Path> files = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.equals(dir) || Files.isSymbolicLink(p)) {
                    continue;
                }
                TarArchiveEntry entry = new TarArchiveEntry(p.toFile(), dir.relativize(p).toString());
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(p)) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            // the reader sees a truncated stream and fails its download
        }
    }

    private Manifest manifest(Application app, Artifact artifact) {
        Optional<ManifestResult> parsed = ManifestParser.parseDirectory(artifact.dir());
        if (parsed.isPresent() && parsed.get() instanceof ManifestResult.Valid valid) {
            return valid.manifest();
        }
        // No helix.yaml: one web service from the buildpack's detection, told which port to listen on.
        return new Manifest(app.name().value(), Manifest.CURRENT_VERSION, BuildSpec.DETECT, Optional.empty(), List.of(
                new ServiceSpec("web", Optional.empty(), OptionalInt.of(EXPORT_PORT), Optional.empty(), OptionalInt.empty(),
                        Optional.empty(), Map.of("PORT", Integer.toString(EXPORT_PORT)), 1)), List.of());
    }

    private Map<String, DatabaseCredentials> credentials(Application app, Manifest manifest) {
        Map<String, DatabaseCredentials> out = new LinkedHashMap<>();
        for (DatabaseSpec db : manifest.databases()) {
            String password = HexFormat.of().formatHex(api.store.derive("export-db:" + app.id() + ":" + db.name())).substring(0, 32);
            out.put(db.name(), switch (db.type()) {
                case POSTGRESQL -> DatabaseCredentials.forPostgresql(db.name().replace('-', '_'), password, db.name().replace('-', '_'));
                case REDIS -> DatabaseCredentials.forRedis(password);
            });
        }
        return out;
    }

    private static String stackImage(Artifact artifact) {
        return "node".equals(artifact.metadata().buildpack()) ? "node:20-slim" : "debian:bookworm-slim";
    }

    private static String hex(String digest) {
        return ArtifactLinks.hex(digest);
    }
}
