package io.helixstack.control;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Consumes;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Patch;
import com.linecorp.armeria.server.annotation.Post;
import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Project;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.store.BuildRepository;
import io.helixstack.store.ConflictException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Application-scoped routes the CLI uses: create, upload, deployments, build logs, rollback, restart, env vars. */
@Blocking
final class DeploymentsApi {
    record NewApplication(String name, UUID projectId) {
    }

    record GitDeploy(String gitRepository, String ref) {
    }

    /** @param regions only these regions roll back (the others stay on what they serve); none or all: everywhere */
    record RollbackRequest(String deployment, String environment, List<String> regions) {
    }

    record EnvPatch(Map<String, String> set, List<String> unset) {
    }

    record BuildLogView(List<BuildRepository.LogLine> lines, String state, boolean done) {
    }

    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> RESERVED_ENV = Set.of("PORT", "HOST", "HOME", "HELIX_APP", "HELIX_DEPLOYMENT",
            "HELIX_DEPLOYMENT_ID", "HELIX_INSTANCE_ID");

    private final ApiContext api;
    private final BuildService builds;

    DeploymentsApi(ApiContext api, BuildService builds) {
        this.api = api;
        this.builds = builds;
    }

    @Get("/applications")
    public HttpResponse list() {
        return ApiJson.ok(api.store.applications().list(api.team()).stream().map(api.views::application).toList());
    }

    @Post("/applications")
    public HttpResponse create(String body) {
        NewApplication req = ApiJson.read(body, NewApplication.class, "{\"name\":\"hello\"}");
        if (req.name() == null) {
            throw new InvalidInputException("name: missing (expected: an application name like \"hello\")");
        }
        AppName name = AppName.of(req.name());
        Project project = req.projectId() == null ? api.store.projects().findOrCreate(api.team(), "default")
                : api.store.projects().find(api.team(), req.projectId())
                .orElseThrow(() -> new NotFoundException("project " + req.projectId() + " not found"));
        Application app = api.store.applications().create(project.id(), name, null, null);
        return ApiJson.of(HttpStatus.CREATED, api.views.application(app));
    }

    @Get("/applications/{app}")
    public HttpResponse get(@Param("app") String app) {
        return ApiJson.ok(api.views.application(api.application(app)));
    }

    /** A source tarball: checked and stored now (bad archives are refused here), built in the background. */
    @Post("/applications/{app}/deployments")
    @Consumes("application/gzip")
    @Consumes("application/x-gzip")
    @Consumes("application/octet-stream")
    public HttpResponse upload(@Param("app") String appName, AggregatedHttpRequest req) throws java.io.IOException {
        Application app = api.application(appName);
        Source.Upload source;
        try (InputStream in = req.content().toInputStream()) {
            source = builds.acceptUpload(in, api.config.uploadLimit());
        }
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.deployment(api.orchestrator.deploy(app, source, "upload")));
    }

    @Post("/applications/{app}/deployments")
    @Consumes("application/json")
    public HttpResponse deployGit(@Param("app") String appName, String body) {
        Application app = api.application(appName);
        GitDeploy req = ApiJson.read(body, GitDeploy.class, "{\"git_repository\":\"https://example.com/repo.git\",\"ref\":\"main\"}");
        String repo = GitUrls.validOrNull(req.gitRepository() != null ? req.gitRepository() : app.gitRepository());
        if (repo == null) {
            throw new InvalidInputException("git_repository: missing (expected: a repository URL, or an application linked to one)");
        }
        String ref = GitUrls.validRef(req.ref() != null ? req.ref() : (app.gitBranch() != null ? app.gitBranch() : "main"));
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.deployment(api.orchestrator.deploy(app, new Source.Git(repo, ref, null), "git")));
    }

    @Get("/applications/{app}/deployments")
    public HttpResponse deployments(@Param("app") String appName, @Param("limit") @Default("100") int limit) {
        Application app = api.application(appName);
        return ApiJson.ok(api.store.deployments().listByApplication(app.id(), Math.clamp(limit, 1, 1000)).stream()
                .map(api.views::deployment).toList());
    }

    @Get("/deployments/{id}")
    public HttpResponse deployment(@Param("id") String id) {
        return ApiJson.ok(api.views.deployment(api.deployment(id)));
    }

    /** The deployment's instances, newest last: where each runs and whether it still does. */
    @Get("/deployments/{id}/instances")
    public HttpResponse instances(@Param("id") String id) {
        Deployment d = api.deployment(id);
        return ApiJson.ok(api.store.instances().forDeployment(d.id()).stream()
                .map(i -> new InstanceView(i.id(), i.service(), i.host() + ":" + i.port(), i.state())).toList());
    }

    record InstanceView(String id, String service, String endpoint, String state) {
    }

    @Get("/deployments/{id}/build-log")
    public HttpResponse buildLog(@Param("id") String id, @Param("after") @Default("0") int after, @Param("limit") @Default("1000") int limit) {
        Deployment d = api.deployment(id);
        List<BuildRepository.LogLine> lines = api.store.builds().logOfDeployment(d.id(), after, Math.clamp(limit, 1, 5000));
        boolean done = d.state() != DeploymentState.QUEUED && d.state() != DeploymentState.BUILDING;
        if (done && !lines.isEmpty()) {
            // More may remain past the limit: only the last page is "done".
            done = api.store.builds().logOfDeployment(d.id(), lines.getLast().seq(), 1).isEmpty();
        }
        return ApiJson.ok(new BuildLogView(lines, d.state().wireName(), done));
    }

    @Post("/applications/{app}/rollback")
    public HttpResponse rollback(@Param("app") String appName, String body) {
        Application app = api.application(appName);
        RollbackRequest req = body == null || body.isBlank() ? new RollbackRequest(null, null, null)
                : ApiJson.read(body, RollbackRequest.class, "{\"deployment\":\"main/2\"}");
        String environment = Rollbacks.environment(req.environment());
        List<Deployment> all = api.store.deployments().listByApplication(app.id(), 10_000).stream()
                .filter(d -> d.environment().equals(environment)).toList();
        Deployment target = Rollbacks.choose(all, api.store.applications().liveDeployment(app.id(), environment), req.deployment());
        Set<String> regions = req.regions() == null ? Set.of() : Set.copyOf(req.regions());
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.deployment(api.orchestrator.rollback(app, target, regions)));
    }

    /** What each of the application's regions serves of an environment (production by default). */
    @Get("/applications/{app}/regions")
    public HttpResponse regions(@Param("app") String appName, @Param("environment") @Default("production") String environment) {
        Application app = api.application(appName);
        String env = Rollbacks.environment(environment);
        List<RegionView> regions = api.orchestrator.regions(app, env).stream().map(r -> new RegionView(r.region(),
                r.deploymentId().map(UUID::toString).orElse(null),
                r.deploymentId().flatMap(api.store.deployments()::find).map(Deployment::label).orElse(null), r.rolledBack())).toList();
        return ApiJson.ok(regions);
    }

    record RegionView(String region, String deploymentId, String label, boolean rolledBack) {
    }

    @Post("/applications/{app}/restart")
    public HttpResponse restart(@Param("app") String appName) {
        Application app = api.application(appName);
        UUID live = api.store.applications().liveDeployment(app.id(), Deployment.PRODUCTION)
                .orElseThrow(() -> new ConflictException("application \"" + app.name() + "\" has no live deployment to restart"
                        + " (expected: deploy it first)"));
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.deployment(restartLive(api, app, api.store.deployments().find(live).orElseThrow())));
    }

    static Deployment restartLive(ApiContext api, Application app, Deployment d) {
        if (d.state() != DeploymentState.LIVE) {
            throw new ConflictException(d.label() + " is " + d.state().wireName() + ", not live (expected: the live deployment;"
                    + " roll back to promote an older one)");
        }
        return api.orchestrator.restart(app, d);
    }

    @Get("/applications/{app}/env")
    public HttpResponse env(@Param("app") String appName, @Param("environment") @Default("production") String environment) {
        Application app = api.application(appName);
        return ApiJson.ok(Map.of("env", api.store.envVars().get(envId(app, environment))));
    }

    @Patch("/applications/{app}/env")
    public HttpResponse patchEnv(@Param("app") String appName, @Param("environment") @Default("production") String environment,
                                 String body) {
        Application app = api.application(appName);
        UUID envId = envId(app, environment);
        EnvPatch req = ApiJson.read(body, EnvPatch.class, "{\"set\":{\"KEY\":\"value\"},\"unset\":[\"OLD\"]}");
        Map<String, String> set = req.set() == null ? Map.of() : new LinkedHashMap<>(req.set());
        List<String> unset = req.unset() == null ? List.of() : req.unset();
        set.forEach((k, v) -> {
            checkKey(k);
            if (v == null || v.indexOf('\0') >= 0 || v.length() > 32 * 1024) {
                throw new InvalidInputException("env " + k + ": value (expected: a string of at most 32 KiB without NUL)");
            }
        });
        unset.forEach(DeploymentsApi::checkKey);
        return ApiJson.ok(Map.of("env", api.store.envVars().patch(envId, set, unset)));
    }

    private static void checkKey(String k) {
        if (k == null || !ENV_KEY.matcher(k).matches()) {
            throw new InvalidInputException("env key: \"" + k + "\" (expected: letters, digits and _, not starting with a digit)");
        }
        if (RESERVED_ENV.contains(k)) {
            throw new InvalidInputException("env key: " + k + " is set by HelixStack (expected: another name)");
        }
    }

    /** Variables live in {@code production} or in {@code preview}, which every pull request's preview gets. */
    private UUID envId(Application app, String environment) {
        String name = environment == null ? Deployment.PRODUCTION : environment.strip();
        if (!name.equals(Deployment.PRODUCTION) && !name.equals(Deployment.PREVIEW)) {
            throw new InvalidInputException("environment: \"" + environment + "\" (expected: production, or preview for the"
                    + " variables of every pull request's preview)");
        }
        return api.store.applications().environmentId(app.id(), name);
    }
}
