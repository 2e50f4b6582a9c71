package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepositoryUrlsTest {
    @Test
    void spellingsOfOneRepositoryShareAKey() {
        assertThat(RepositoryUrls.key("https://github.com/acme/shop.git")).hasValue("github.com/acme/shop");
        assertThat(RepositoryUrls.key("https://GitHub.COM/acme/shop/")).hasValue("github.com/acme/shop");
        assertThat(RepositoryUrls.key("git@github.com:acme/shop.git")).hasValue("github.com/acme/shop");
        assertThat(RepositoryUrls.key("ssh://git@github.com:22/acme/shop.git")).hasValue("github.com/acme/shop");
        assertThat(RepositoryUrls.key("https://user@github.com/acme/shop")).hasValue("github.com/acme/shop");
        assertThat(RepositoryUrls.key("git://github.com/acme/shop.git/")).hasValue("github.com/acme/shop");
        assertThat(RepositoryUrls.key("  https://gitlab.example.com/group/sub/project.git  ")).hasValue("gitlab.example.com/group/sub/project");
    }

    @Test
    void fileUrlsKeepTheirPath() {
        assertThat(RepositoryUrls.key("file:///tmp/x/repo/")).hasValue("/tmp/x/repo");
        assertThat(RepositoryUrls.key("file:/tmp/x/repo.git")).hasValue("/tmp/x/repo");
    }

    @Test
    void differentRepositoriesDiffer() {
        assertThat(RepositoryUrls.key("https://github.com/acme/shop")).isNotEqualTo(RepositoryUrls.key("https://github.com/acme/shop2"));
        assertThat(RepositoryUrls.key("https://github.com/acme/shop")).isNotEqualTo(RepositoryUrls.key("https://gitlab.com/acme/shop"));
    }

    @Test
    void whatIsNotARepositoryHasNoKey() {
        assertThat(RepositoryUrls.key(null)).isEmpty();
        assertThat(RepositoryUrls.key("")).isEmpty();
        assertThat(RepositoryUrls.key("https://github.com/")).isEmpty();
        assertThat(RepositoryUrls.key("not a url")).isEmpty();
        assertThat(RepositoryUrls.key("https://exa mple.com/x")).isEmpty();
    }

    @Test
    void redactionDropsCredentials() {
        assertThat(RepositoryUrls.redact("https://x-access-token:ghp_abc@github.com/acme/shop.git"))
                .isEqualTo("https://***@github.com/acme/shop.git");
    }
}
