package io.helixstack.domain;

/** Input from outside (API, CLI, manifest) that is not what was expected; the message says what was wrong and what was expected. */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
