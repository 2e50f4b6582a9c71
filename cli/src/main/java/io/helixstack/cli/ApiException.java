package io.helixstack.cli;

/**
 * The API answered with an error. Built from its RFC 9457 problem+json body: {@code detail} is what the server wants
 * the user to read, so it becomes the message; {@code title} and the status are the fall-back for bodies without one.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final String detail;

    ApiException(int status, String title, String detail) {
        super(message(status, title, detail));
        this.status = status;
        this.title = title;
        this.detail = detail;
    }

    int status() {
        return status;
    }

    String title() {
        return title;
    }

    String detail() {
        return detail;
    }

    private static String message(int status, String title, String detail) {
        String text = detail != null && !detail.isBlank() ? detail
                : title != null && !title.isBlank() ? title + " (HTTP " + status + ")"
                : "the server answered HTTP " + status;
        // Everything except /healthz needs the token, so a 401 almost always means a stale or foreign token.
        return status == 401 ? text + " (check HELIX_TOKEN or the token= line in $HELIX_HOME/credentials)" : text;
    }
}
