package io.helixstack.source;

/** GitHub's commit statuses, against a local stand-in of its API. */
class GitHubStatusesContractTest extends StubbedForgeContract {
    GitHubStatusesContractTest() {
        super(ForgeApiStub.Kind.GITHUB, "https://github.com/acme/shop.git", "acme/shop", "git@github.com:acme/nothing.git",
                GitHubStatuses::new);
    }
}
