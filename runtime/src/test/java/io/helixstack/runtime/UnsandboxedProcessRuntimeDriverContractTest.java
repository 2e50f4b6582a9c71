package io.helixstack.runtime;

/** The contract without bubblewrap: the path taken on machines where it is missing or unusable. */
class UnsandboxedProcessRuntimeDriverContractTest extends ProcessRuntimeDriverContractTest {
    @Override
    boolean sandbox() {
        return false;
    }
}
