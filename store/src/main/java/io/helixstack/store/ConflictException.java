package io.helixstack.store;

/** The request clashes with what exists (a taken name, a state that does not allow the action). Maps to 409. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
