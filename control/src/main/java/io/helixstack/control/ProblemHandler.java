package io.helixstack.control;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.TooLargeException;
import io.helixstack.store.ConflictException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place errors become RFC 9457 {@code application/problem+json}. */
final class ProblemHandler implements ServerErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    static final MediaType PROBLEM = MediaType.parse("application/problem+json");

    @Override
    public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        Throwable c = unwrap(cause);
        return switch (c) {
            case TooLargeException e -> problem(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
            case InvalidInputException e -> problem(HttpStatus.BAD_REQUEST, e.getMessage());
            case IllegalArgumentException e -> problem(HttpStatus.BAD_REQUEST, e.getMessage());
            case NotFoundException e -> problem(HttpStatus.NOT_FOUND, e.getMessage());
            case ConflictException e -> problem(HttpStatus.CONFLICT, e.getMessage());
            case UnauthorizedException e -> problem(HttpStatus.UNAUTHORIZED, e.getMessage());
            case ContentTooLargeException e -> problem(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body over " + ctx.maxRequestLength() + " bytes (expected: at most the configured upload limit)");
            case HttpStatusException e -> problem(e.httpStatus(), e.httpStatus().reasonPhrase());
            // Two requests creating the same name at once: the database's unique constraint decides, and it is a conflict.
            case Throwable t when uniqueViolation(t) -> problem(HttpStatus.CONFLICT,
                    "that name is already taken (expected: a name not yet in use; another request may have just created it)");
            default -> {
                log.atError().setCause(c).addKeyValue("path", ctx.path()).log("Unexpected error");
                yield problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + c.getClass().getSimpleName()
                        + " (the server log has the details)");
            }
        };
    }

    @Override
    public @Nullable AggregatedHttpResponse renderStatus(@Nullable ServiceRequestContext ctx, ServiceConfig config,
                                                         @Nullable RequestHeaders headers, HttpStatus status,
                                                         @Nullable String description, @Nullable Throwable cause) {
        String detail = switch (status.code()) {
            case 404 -> "no route " + (headers == null ? "" : headers.method() + " " + headers.path())
                    + " (expected: one of the routes in /openapi.json)";
            case 405 -> "method not allowed" + (headers == null ? "" : " for " + headers.path());
            case 415 -> "unsupported Content-Type" + (headers != null && headers.contentType() != null ? " " + headers.contentType() : "")
                    + " (expected: application/json, or application/gzip for a source upload)";
            case 413 -> "request body too large (expected: at most the configured upload limit)";
            default -> description != null ? description : status.reasonPhrase();
        };
        return AggregatedHttpResponse.of(ResponseHeaders.of(status, "content-type", PROBLEM.toString()),
                com.linecorp.armeria.common.HttpData.ofUtf8(ApiJson.write(body(status, detail))));
    }

    static HttpResponse problem(HttpStatus status, String detail) {
        return HttpResponse.of(status, PROBLEM, ApiJson.write(body(status, detail)));
    }

    private static Map<String, Object> body(HttpStatus status, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        m.put("title", status.reasonPhrase());
        m.put("status", status.code());
        m.put("detail", detail);
        return m;
    }

    private static boolean uniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException
                || c instanceof java.lang.reflect.InvocationTargetException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
