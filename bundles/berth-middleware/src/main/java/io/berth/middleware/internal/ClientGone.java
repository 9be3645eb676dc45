package io.berth.middleware.internal;

import java.io.EOFException;

/**
 * Tells a client that went away from a failure of ours. Jetty reports a connection the client
 * closed or reset, whether found reading the request body or writing the response, as its
 * {@code EofException}, a {@link EOFException}; the application may have wrapped it in a
 * {@code ServletException}, an {@code IOException} of its own or an unchecked exception.
 */
final class ClientGone {

    /** Bounds the walk: a cause chain can be a cycle, and real ones are a handful deep. */
    private static final int MAX_DEPTH = 16;

    private ClientGone() {
    }

    /**
     * @param failure what escaped the stages after us
     * @return whether the failure, or one of its causes, says the client closed the connection
     */
    static boolean causedBy(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
            if (cause instanceof EOFException) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }
}
