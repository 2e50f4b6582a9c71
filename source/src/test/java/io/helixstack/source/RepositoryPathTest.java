package io.helixstack.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepositoryPathTest {
    @Test
    void everyWayOfWritingARepositoryNamesTheSamePath() {
        assertThat(RepositoryPath.of("https://github.com/acme/shop.git")).isEqualTo(new RepositoryPath("github.com", "acme/shop"));
        assertThat(RepositoryPath.of("git@github.com:acme/shop")).isEqualTo(new RepositoryPath("github.com", "acme/shop"));
        assertThat(RepositoryPath.of("ssh://git@gitlab.example.com:2222/group/sub/shop.git/"))
                .isEqualTo(new RepositoryPath("gitlab.example.com", "group/sub/shop"));
        assertThat(RepositoryPath.of("https://user@bitbucket.org/team/shop").owner()).isEqualTo("team");
        assertThat(RepositoryPath.of("file:///srv/git/acme/shop.git")).isEqualTo(new RepositoryPath("localhost", "acme/shop"));
    }

    @Test
    void aUrlWithoutOwnerAndNameIsRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> RepositoryPath.of("https://github.com/shop")).hasMessageContaining("expected");
        assertThatThrownBy(() -> RepositoryPath.of("not a url")).hasMessageContaining("expected");
    }
}
