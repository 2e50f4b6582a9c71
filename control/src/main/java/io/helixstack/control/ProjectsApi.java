package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Project;
import io.helixstack.domain.Source;
import java.util.List;
import java.util.UUID;

/** The seed's project routes. */
@Blocking
final class ProjectsApi {
    record NewProject(String name) {
    }

    record NewApplication(String name, String gitRepository, String gitBranch) {
    }

    private final ApiContext api;

    ProjectsApi(ApiContext api) {
        this.api = api;
    }

    @Get("/healthz")
    public HttpResponse health() {
        return ApiJson.ok(java.util.Map.of("status", "ok"));
    }

    @Get("/projects")
    public HttpResponse list() {
        return ApiJson.ok(api.store.projects().list(api.team()).stream().map(api.views::project).toList());
    }

    @Post("/projects")
    public HttpResponse create(String body) {
        NewProject req = ApiJson.read(body, NewProject.class, "{\"name\":\"shop\"}");
        Project p = api.store.projects().create(api.team(), Project.validName(req.name()));
        return ApiJson.of(HttpStatus.CREATED, api.views.project(p));
    }

    @Get("/projects/{id}")
    public HttpResponse get(@Param("id") String id) {
        Project p = project(id);
        List<Views.ApplicationView> apps = api.store.applications().listByProject(p.id()).stream().map(api.views::application).toList();
        return ApiJson.ok(new Views.ProjectDetail(p.id(), p.name(), p.createdAt(), apps));
    }

    /** Creates an application; with a git repository its first deployment starts at once (202). */
    @Post("/projects/{id}/applications")
    public HttpResponse createApplication(@Param("id") String id, String body) {
        Project p = project(id);
        NewApplication req = ApiJson.read(body, NewApplication.class,
                "{\"name\":\"web\",\"git_repository\":\"https://example.com/repo.git\",\"git_branch\":\"main\"}");
        if (req.name() == null) {
            throw new InvalidInputException("name: missing (expected: an application name like \"web\")");
        }
        AppName name = AppName.of(req.name());
        String repo = GitUrls.validOrNull(req.gitRepository());
        String branch = req.gitBranch() == null || req.gitBranch().isBlank() ? (repo == null ? null : "main") : GitUrls.validRef(req.gitBranch());
        Application app = api.store.applications().create(p.id(), name, repo, branch);
        if (repo == null) {
            return ApiJson.of(HttpStatus.CREATED, api.views.created(app, List.of()));
        }
        Deployment first = api.orchestrator.deploy(app, new Source.Git(repo, branch, null), "git");
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.created(app, List.of(first)));
    }

    @Get("/projects/{id}/deployments")
    public HttpResponse deployments(@Param("id") String id) {
        Project p = project(id);
        return ApiJson.ok(api.store.deployments().listByProject(p.id(), 200).stream().map(api.views::deployment).toList());
    }

    @Post("/projects/{id}/deployments/{depId}/rollback")
    public HttpResponse rollback(@Param("id") String id, @Param("depId") String depId) {
        Deployment target = deploymentOf(project(id), depId);
        Application app = api.application(target.applicationId().toString());
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.deployment(api.orchestrator.rollback(app, target)));
    }

    @Post("/projects/{id}/deployments/{depId}/restart")
    public HttpResponse restart(@Param("id") String id, @Param("depId") String depId) {
        Deployment target = deploymentOf(project(id), depId);
        Application app = api.application(target.applicationId().toString());
        return ApiJson.of(HttpStatus.ACCEPTED, api.views.deployment(DeploymentsApi.restartLive(api, app, target)));
    }

    private Project project(String id) {
        UUID uuid = ApiContext.uuid(id, "project id");
        return api.store.projects().find(api.team(), uuid)
                .orElseThrow(() -> new NotFoundException("project " + id + " not found"));
    }

    private Deployment deploymentOf(Project p, String depId) {
        Deployment d = api.deployment(depId);
        if (!api.store.applications().byId(d.applicationId()).map(a -> a.projectId().equals(p.id())).orElse(false)) {
            throw new NotFoundException("deployment " + depId + " not found in project " + p.id());
        }
        return d;
    }
}
