package io.berth.example.objects.internal;

/**
 * A request Swift would refuse: the status to answer and the plain-text reason for the body.
 * Thrown from deep inside the store so that the servlet has one place that writes errors.
 */
final class SwiftException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    /** The Www-Authenticate challenge of a 401, else null. */
    final String challenge;

    SwiftException(int status, String message) {
        this(status, message, null);
    }

    SwiftException(int status, String message, String challenge) {
        super(message, null, false, false);
        this.status = status;
        this.challenge = challenge;
    }
}
