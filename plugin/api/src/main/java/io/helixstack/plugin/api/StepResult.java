package io.helixstack.plugin.api;

/** The outcome of a build step. */
public sealed interface StepResult {
    record Ok() implements StepResult {
    }

    record Failed(String reason) implements StepResult {
    }

    static StepResult ok() {
        return new Ok();
    }

    static StepResult failed(String reason) {
        return new Failed(reason);
    }
}
