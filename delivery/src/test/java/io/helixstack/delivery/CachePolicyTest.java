package io.helixstack.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.MediaType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CachePolicyTest {
    @ParameterizedTest
    @CsvSource({
        "/app.3f2a1b9c.js,              IMMUTABLE",
        "/static/js/main.3f2a1b9c.chunk.js, IMMUTABLE",
        "/assets/index-BxY7z3kQ.css,    IMMUTABLE",
        "/_next/static/chunks/framework-0a1b2c3d4e5f6789.js, IMMUTABLE",
        "/index.html,                   REVALIDATE",
        "/,                             REVALIDATE",
        "/docs/getting-started,         REVALIDATE",
        "/logo.png,                     SHORT",
        "/jquery-3.6.0.min.js,          SHORT",
        "/background-illustration.png,  SHORT",
        "/report-20240101.pdf,          SHORT",
        "/3f2a1b9c.js,                  SHORT",
    })
    void decidesFromTheFileName(String path, String expected) {
        assertThat(CachePolicy.cacheControl(path, null)).isEqualTo(switch (expected) {
            case "IMMUTABLE" -> CachePolicy.IMMUTABLE;
            case "REVALIDATE" -> CachePolicy.REVALIDATE;
            default -> CachePolicy.SHORT;
        });
    }

    @ParameterizedTest
    @CsvSource({"text/html; charset=utf-8, REVALIDATE", "image/png, SHORT"})
    void trustsTheContentTypeWhenThereIsOne(String contentType, String expected) {
        String policy = CachePolicy.cacheControl("/files/download", MediaType.parse(contentType));

        assertThat(policy).isEqualTo(expected.equals("REVALIDATE") ? CachePolicy.REVALIDATE : CachePolicy.SHORT);
    }
}
