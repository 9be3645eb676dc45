package io.berth.example.objects.internal;

import java.io.IOException;

/**
 * Reading a body failed, or it ended short of its declared length. What that means (a client
 * gone or too slow, a malformed request, a source that changed) only the caller can tell: it
 * knows where the body came from.
 */
final class BodyReadException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The bytes read before the failure. */
    final long bytesRead;

    BodyReadException(String message, long bytesRead, Throwable cause) {
        super(message, cause);
        this.bytesRead = bytesRead;
    }
}
