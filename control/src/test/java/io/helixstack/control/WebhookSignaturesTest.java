package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {
    /** GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!". */
    @Test
    void matchesGitHubsDocumentedExample() {
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        String header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertThat(WebhookSignatures.sign(body, "It's a Secret to Everybody")).isEqualTo(header);
        assertThat(WebhookSignatures.hmacSha256(body, header, "It's a Secret to Everybody")).isTrue();
        assertThat(WebhookSignatures.hmacSha256(body, header.toUpperCase().replace("SHA256=", "sha256="), "It's a Secret to Everybody"))
                .as("hex case does not matter").isTrue();
    }

    @Test
    void refusesWrongMissingOrMalformedSignatures() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        String good = WebhookSignatures.sign(body, "s3cret-s3cret-s3cret");
        assertThat(WebhookSignatures.hmacSha256(body, good, "s3cret-s3cret-s3cret")).isTrue();
        assertThat(WebhookSignatures.hmacSha256(body, good, "another-secret-value")).isFalse();
        assertThat(WebhookSignatures.hmacSha256("{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8), good,
                "s3cret-s3cret-s3cret")).as("another body").isFalse();
        assertThat(WebhookSignatures.hmacSha256(body, null, "s3cret-s3cret-s3cret")).isFalse();
        assertThat(WebhookSignatures.hmacSha256(body, good.substring(7), "s3cret-s3cret-s3cret")).as("no sha256= prefix").isFalse();
        assertThat(WebhookSignatures.hmacSha256(body, "sha1=" + good.substring(7), "s3cret-s3cret-s3cret")).isFalse();
        assertThat(WebhookSignatures.hmacSha256(body, "sha256=zz", "s3cret-s3cret-s3cret")).isFalse();
        assertThat(WebhookSignatures.hmacSha256(body, good.substring(0, 20), "s3cret-s3cret-s3cret")).as("truncated").isFalse();
    }

    @Test
    void gitLabTokenIsComparedWhole() {
        assertThat(WebhookSignatures.sameToken("s3cret-s3cret-s3cret", "s3cret-s3cret-s3cret")).isTrue();
        assertThat(WebhookSignatures.sameToken("s3cret-s3cret-s3cre", "s3cret-s3cret-s3cret")).isFalse();
        assertThat(WebhookSignatures.sameToken("s3cret-s3cret-s3cretX", "s3cret-s3cret-s3cret")).isFalse();
        assertThat(WebhookSignatures.sameToken("", "s3cret-s3cret-s3cret")).isFalse();
        assertThat(WebhookSignatures.sameToken(null, "s3cret-s3cret-s3cret")).isFalse();
    }
}
