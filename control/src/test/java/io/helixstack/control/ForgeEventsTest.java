package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpHeaders;
import io.helixstack.control.ForgeEvent.Action;
import io.helixstack.control.ForgeEvent.Forge;
import io.helixstack.control.ForgeEvent.RefUpdate;
import io.helixstack.domain.InvalidInputException;
import org.junit.jupiter.api.Test;

class ForgeEventsTest {
    static final String URL = "https://github.com/Codertocat/Hello-World.git";
    static final String SHA = "a10867b14bb761a232cd80139fbd4c0d33264240";

    @Test
    void gitHubPush() throws Exception {
        ForgeEvent e = parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-1"),
                ForgePayloads.githubPush(URL, "refs/heads/main", ForgePayloads.ZERO_SHA, SHA, false));
        assertThat(e.deliveryId()).isEqualTo("d-1");
        assertThat(e.repositoryUrls()).contains(URL, "git@github.com:Codertocat/Hello-World.git");
        assertThat(e.action()).isEqualTo(new Action.Push(java.util.List.of(new RefUpdate("refs/heads/main", SHA))));

        ForgeEvent deleted = parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-2"),
                ForgePayloads.githubPush(URL, "refs/heads/main", SHA, ForgePayloads.ZERO_SHA, true));
        assertThat(((Action.Push) deleted.action()).updates().getFirst().deleted()).isTrue();
        assertThat(parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "ping", "X-GitHub-Delivery", "d-3"),
                ForgePayloads.githubPing(URL)).action()).isInstanceOf(Action.Ping.class);
        assertThat(parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d-4"),
                ForgePayloads.githubPullRequest(URL, SHA)).action()).isInstanceOf(Action.PullRequest.class);
    }

    @Test
    void gitLabPushPrefersTheIdempotencyKey() throws Exception {
        ForgeEvent e = parse(Forge.GITLAB, HttpHeaders.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "ev-1",
                "Idempotency-Key", "idem-1"), ForgePayloads.gitlabPush(URL, "refs/heads/main", ForgePayloads.ZERO_SHA, SHA));
        assertThat(e.deliveryId()).isEqualTo("idem-1");
        assertThat(e.action()).isEqualTo(new Action.Push(java.util.List.of(new RefUpdate("refs/heads/main", SHA))));
        ForgeEvent deleted = parse(Forge.GITLAB, HttpHeaders.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "ev-2"),
                ForgePayloads.gitlabPush(URL, "refs/heads/main", SHA, ForgePayloads.ZERO_SHA));
        assertThat(deleted.deliveryId()).isEqualTo("ev-2");
        assertThat(((Action.Push) deleted.action()).updates().getFirst().deleted()).isTrue();
    }

    @Test
    void bitbucketPushNamesBranchesAndDeletions() throws Exception {
        ForgeEvent e = parse(Forge.BITBUCKET, HttpHeaders.of("X-Event-Key", "repo:push", "X-Request-UUID", "r-1"),
                ForgePayloads.bitbucketPush(URL, "main", SHA));
        assertThat(e.repositoryUrls()).containsExactly(URL, "https://bitbucket.org/team/repo");
        assertThat(e.action()).isEqualTo(new Action.Push(java.util.List.of(new RefUpdate("refs/heads/main", SHA))));
        ForgeEvent deleted = parse(Forge.BITBUCKET, HttpHeaders.of("X-Event-Key", "repo:push", "X-Request-UUID", "r-2"),
                ForgePayloads.bitbucketPush(URL, "main", null));
        assertThat(deleted.action()).isEqualTo(new Action.Push(java.util.List.of(new RefUpdate("refs/heads/main", null))));
    }

    @Test
    void missingHeadersAndFieldsSayWhatWasExpected() {
        assertThatThrownBy(() -> parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "push"),
                ForgePayloads.githubPush(URL, "refs/heads/main", SHA, SHA, false)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("X-GitHub-Delivery: missing (expected");
        assertThatThrownBy(() -> parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d"),
                "{\"repository\":{\"clone_url\":\"" + URL + "\"}}"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ref: missing (expected: a ref like refs/heads/main)");
        assertThatThrownBy(() -> parse(Forge.GITHUB, HttpHeaders.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d"),
                ForgePayloads.githubPush(URL, "refs/heads/main", SHA, "HEAD~1", false)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("expected: a full hex commit sha");
        assertThatThrownBy(() -> parse(Forge.BITBUCKET, HttpHeaders.of("X-Event-Key", "repo:push", "X-Request-UUID", "r"), "[]"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a JSON object");
    }

    private static ForgeEvent parse(Forge forge, HttpHeaders headers, String json) throws Exception {
        JsonNode node = ApiJson.MAPPER.readTree(json);
        return ForgeEvents.parse(forge, headers, node);
    }
}
