package io.helixstack.control;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Git's smart HTTP protocol at {@code /git/<app>.git} for {@code git push} (and clone/fetch of what was pushed), with an
 * API token as the password (any user name): {@code git push https://helix:<token>@host/git/hello.git main}. The
 * response streams, so the build log reaches the pusher as it is written.
 */
final class GitHttpService implements HttpService {
    private static final String RECEIVE = "git-receive-pack";
    private static final String UPLOAD = "git-upload-pack";

    private final ApiContext api;
    private final GitPushes pushes;

    GitHttpService(ApiContext api, GitPushes pushes) {
        this.api = api;
        this.pushes = pushes;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        ctx.clearRequestTimeout();
        UUID team = api.team();
        String path = ctx.path(); // /git/<repo>/info/refs or /git/<repo>/git-receive-pack
        String rest = path.substring("/git/".length());
        String repoPath;
        String action;
        if (rest.endsWith("/info/refs") && req.method() == HttpMethod.GET) {
            repoPath = rest.substring(0, rest.length() - "/info/refs".length());
            String service = ctx.queryParam("service");
            if (!RECEIVE.equals(service) && !UPLOAD.equals(service)) {
                throw new InvalidInputException("service: \"" + service + "\" (expected: git-receive-pack or git-upload-pack;"
                        + " this server speaks git's smart HTTP protocol only)");
            }
            action = "advertise:" + service;
        } else if ((rest.endsWith("/" + RECEIVE) || rest.endsWith("/" + UPLOAD)) && req.method() == HttpMethod.POST) {
            action = rest.substring(rest.lastIndexOf('/') + 1);
            repoPath = rest.substring(0, rest.lastIndexOf('/'));
        } else {
            throw new NotFoundException("no git endpoint at " + path + " (expected: /git/<app>.git/info/refs or"
                    + " /git/<app>.git/git-receive-pack)");
        }
        AppName name = GitPushes.appOf(repoPath);
        HttpResponseWriter res = HttpResponse.streaming();
        req.aggregate().thenAcceptAsync(body -> run(team, name, action, body, res), ctx.blockingTaskExecutor())
                .exceptionally(e -> {
                    res.close(e);
                    return null;
                });
        return res;
    }

    private void run(UUID team, AppName name, String action, AggregatedHttpRequest body, HttpResponseWriter res) {
        Application app;
        try {
            app = action.startsWith("advertise:") && action.endsWith(UPLOAD) || action.equals(UPLOAD)
                    ? api.store.applications().find(team, name.value()).orElseThrow(() -> new NotFoundException(
                            "application \"" + name + "\" not found (expected: push to it first)"))
                    : pushes.application(team, name);
        } catch (NotFoundException | InvalidInputException | io.helixstack.store.ConflictException e) {
            // Git shows the status; the text is for curl and logs.
            HttpStatus status = e instanceof NotFoundException ? HttpStatus.NOT_FOUND
                    : e instanceof InvalidInputException ? HttpStatus.BAD_REQUEST : HttpStatus.CONFLICT;
            res.write(ResponseHeaders.of(status, "content-type", "text/plain; charset=utf-8"));
            res.write(HttpData.ofUtf8(e.getMessage() + "\n"));
            res.close();
            return;
        }
        try (Repository repo = pushes.repository(app); OutputStream out = new ChunkedOut(res)) {
            switch (action) {
                case "advertise:" + RECEIVE, "advertise:" + UPLOAD -> {
                    String service = action.substring("advertise:".length());
                    res.write(ResponseHeaders.of(HttpStatus.OK, "content-type", "application/x-" + service + "-advertisement",
                            "cache-control", "no-cache"));
                    PacketLineOut pck = new PacketLineOut(out);
                    pck.writeString("# service=" + service + "\n");
                    pck.end();
                    RefAdvertiser.PacketLineOutRefAdvertiser adv = new RefAdvertiser.PacketLineOutRefAdvertiser(pck);
                    if (service.equals(RECEIVE)) {
                        ReceivePack rp = pushes.receivePack(app, repo);
                        rp.setBiDirectionalPipe(false);
                        rp.sendAdvertisedRefs(adv);
                    } else {
                        UploadPack up = new UploadPack(repo);
                        up.setBiDirectionalPipe(false);
                        up.sendAdvertisedRefs(adv);
                    }
                }
                case RECEIVE -> {
                    res.write(ResponseHeaders.of(HttpStatus.OK, "content-type", "application/x-git-receive-pack-result",
                            "cache-control", "no-cache"));
                    ReceivePack rp = pushes.receivePack(app, repo);
                    rp.setBiDirectionalPipe(false);
                    rp.receive(input(body), out, null);
                }
                default -> {
                    res.write(ResponseHeaders.of(HttpStatus.OK, "content-type", "application/x-git-upload-pack-result",
                            "cache-control", "no-cache"));
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.upload(input(body), out, null);
                }
            }
        } catch (IOException e) {
            res.close(e);
            return;
        }
        res.close();
    }

    private static InputStream input(AggregatedHttpRequest body) throws IOException {
        InputStream in = new ByteArrayInputStream(body.content().array());
        return "gzip".equalsIgnoreCase(body.headers().get("content-encoding")) ? new GZIPInputStream(in) : in;
    }

    /** Bytes written are sent as response chunks on flush (and close), so sideband progress reaches the client live. */
    private static final class ChunkedOut extends OutputStream {
        private final HttpResponseWriter res;
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();

        ChunkedOut(HttpResponseWriter res) {
            this.res = res;
        }

        @Override
        public void write(int b) {
            buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }

        @Override
        public void flush() {
            if (buffer.size() > 0) {
                res.tryWrite(HttpData.wrap(buffer.toByteArray()));
                buffer.reset();
            }
        }

        @Override
        public void close() {
            flush();
        }
    }

}
