package io.helixstack.source;

/** GitLab's commit status, against a local stand-in of its API (a project in a subgroup). */
class GitLabStatusesContractTest extends StubbedForgeContract {
    GitLabStatusesContractTest() {
        super(ForgeApiStub.Kind.GITLAB, "https://gitlab.example.com/group/sub/shop.git", "group/sub/shop",
                "https://gitlab.example.com/group/other.git", GitLabStatuses::new);
    }
}
