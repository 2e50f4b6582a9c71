package io.helixstack.domain;

/** Input over a configured size limit (an upload); the API answers 413. */
public class TooLargeException extends InvalidInputException {
    public TooLargeException(String message) {
        super(message);
    }
}
