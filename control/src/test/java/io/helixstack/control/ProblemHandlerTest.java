package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.domain.InvalidInputException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ProblemHandlerTest {
    final ProblemHandler handler = new ProblemHandler();
    final ServiceRequestContext ctx = ServiceRequestContext.of(HttpRequest.of(HttpMethod.POST, "/applications"));

    private AggregatedHttpResponse render(Throwable t) {
        return handler.onServiceException(ctx, t).aggregate().join();
    }

    @Test
    void aUniqueViolationRacingACheckIsAConflict() {
        RuntimeException wrapped = new RuntimeException("statement failed",
                new SQLException("duplicate key value violates unique constraint", "23505"));
        AggregatedHttpResponse r = render(wrapped);
        assertThat(r.status().code()).isEqualTo(409);
        assertThat(r.headers().contentType().toString()).isEqualTo("application/problem+json");
        assertThat(r.contentUtf8()).contains("already taken");
    }

    @Test
    void badInputIs400AndUnexpectedErrorsHideTheirDetails() {
        assertThat(render(new InvalidInputException("name: \"X\" (expected: lowercase)")).contentUtf8()).contains("expected: lowercase");
        AggregatedHttpResponse boom = render(new IllegalStateException("secret internals"));
        assertThat(boom.status().code()).isEqualTo(500);
        assertThat(boom.contentUtf8()).doesNotContain("secret internals");
    }
}
