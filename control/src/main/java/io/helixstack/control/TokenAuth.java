package io.helixstack.control;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.store.TokenRepository;
import io.netty.util.AttributeKey;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Every route but {@code GET /healthz} and the forge webhooks needs {@code Authorization: Bearer <token>} (git's
 * {@code /git/} routes take the token as a Basic password). The console's static files need none: it signs in itself. A forge
 * cannot send a bearer token; {@link WebhooksApi} authenticates each delivery by its signature instead.
 */
final class TokenAuth implements DecoratingHttpServiceFunction {
    static final AttributeKey<TokenRepository.Principal> PRINCIPAL = AttributeKey.valueOf(TokenAuth.class, "principal");

    private static final Set<String> WEBHOOKS = Set.of("/webhooks/github", "/webhooks/gitlab", "/webhooks/bitbucket");

    private final TokenRepository tokens;

    TokenAuth(TokenRepository tokens) {
        this.tokens = tokens;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (ctx.path().equals("/healthz") || WEBHOOKS.contains(ctx.path()) || Console.isConsolePath(ctx.path())
                // An exported artifact's URL carries its own signature and expiry instead of a token.
                || ctx.path().startsWith("/artifacts/")) {
            return delegate.serve(ctx, req);
        }
        String header = req.headers().get("authorization");
        if (ctx.path().startsWith("/git/")) {
            // Git's HTTP transport sends Basic credentials, and only after a 401 asking for them: the token is the password.
            String basic = basicPassword(header);
            if (basic == null) {
                return HttpResponse.of(ResponseHeaders.of(HttpStatus.UNAUTHORIZED, "www-authenticate", "Basic realm=\"HelixStack\"",
                        "content-type", "text/plain; charset=utf-8"),
                        HttpData.ofUtf8("an API token is needed as the password (user name: anything)\n"));
            }
            header = "Bearer " + basic;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ProblemHandler.problem(HttpStatus.UNAUTHORIZED,
                    "missing token (expected: Authorization: Bearer <token>; `helix up` writes one to $HELIX_HOME/credentials)");
        }
        String token = header.substring(7).strip();
        CompletableFuture<Optional<TokenRepository.Principal>> verified =
                CompletableFuture.supplyAsync(() -> tokens.verify(token), ctx.blockingTaskExecutor());
        return HttpResponse.of(verified.thenApply(principal -> {
            if (principal.isEmpty()) {
                return ProblemHandler.problem(HttpStatus.UNAUTHORIZED, "invalid token (expected: a token issued by this server)");
            }
            ctx.setAttr(PRINCIPAL, principal.get());
            try {
                return delegate.serve(ctx, req);
            } catch (Exception e) {
                return HttpResponse.ofFailure(e);
            }
        }));
    }

    /** The password of {@code Authorization: Basic base64(user:password)}, or null. */
    static String basicPassword(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).strip()),
                    java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 || colon == decoded.length() - 1 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static TokenRepository.Principal principal(ServiceRequestContext ctx) {
        TokenRepository.Principal p = ctx.attr(PRINCIPAL);
        if (p == null) {
            throw new UnauthorizedException("missing token");
        }
        return p;
    }
}
