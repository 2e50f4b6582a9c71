package io.helixstack.control;

/** No token, or one that is not valid. Maps to 401. */
final class UnauthorizedException extends RuntimeException {
    UnauthorizedException(String message) {
        super(message);
    }
}
