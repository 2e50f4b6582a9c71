package io.helixstack.source;

/** Bitbucket Cloud's build status, against a local stand-in of its API. */
class BitbucketStatusesContractTest extends StubbedForgeContract {
    BitbucketStatusesContractTest() {
        super(ForgeApiStub.Kind.BITBUCKET, "https://bitbucket.org/team/shop.git", "team/shop", "https://bitbucket.org/team/nothing",
                BitbucketStatuses::new);
    }
}
