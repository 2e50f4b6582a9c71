package io.helixstack.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import org.junit.jupiter.api.Test;

class ErrorPagesTest {
    @Test
    void escapesWhatTheRequestSaid() {
        RequestHeaders browser = RequestHeaders.of(HttpMethod.GET, "/", "accept", "text/html");

        AggregatedHttpResponse page = ErrorPages.notFound("<script>alert(1)</script>", "example.test", browser)
                .aggregate().join();

        assertThat(page.contentUtf8()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    }

    @Test
    void namesTheMissingHostHeader() {
        AggregatedHttpResponse page = ErrorPages.notFound(null, "localhost", RequestHeaders.of(HttpMethod.GET, "/"))
                .aggregate().join();

        assertThat(page.contentUtf8()).startsWith("No application is deployed at (no Host header).");
    }
}
