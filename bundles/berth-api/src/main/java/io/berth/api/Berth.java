package io.berth.api;

import jakarta.servlet.ServletRequest;

/**
 * Names that Berth's bundles, and the stages and apps written for Berth, agree on.
 */
public final class Berth {

    /**
     * Request attribute under which {@code catch_errors} stores the request's transaction id
     * (a {@link String}), so that later stages and the app can log it or pass it on.
     */
    public static final String TRANS_ID_ATTRIBUTE = "io.berth.trans_id";

    /** Response header carrying the transaction id, as Swift names it. */
    public static final String X_TRANS_ID = "X-Trans-Id";

    /** Response header carrying the transaction id, as OpenStack's request-id middleware names it. */
    public static final String X_OPENSTACK_REQUEST_ID = "X-Openstack-Request-Id";

    /** Request header whose value a client may have appended to its transaction id. */
    public static final String X_TRANS_ID_EXTRA = "X-Trans-Id-Extra";

    /**
     * Service property naming the stage type a whiteboard filter or servlet provides
     * ({@code catch_errors}, {@code hello}, ...). Set it with {@link Stage}.
     */
    public static final String STAGE_PROPERTY = "berth.stage";

    /**
     * Request attribute naming the listener ({@link Listener#name()}) that accepted the request's
     * connection, set before any stage runs.
     */
    public static final String LISTENER_ATTRIBUTE = "io.berth.listener";

    /**
     * Request attribute set to {@link Boolean#TRUE} while the listener that accepted the request is
     * leaving service (stopping, or taken out by an operator): {@code healthcheck} answers
     * {@code 503 DRAINING} so that a load balancer stops sending before the listener closes.
     */
    public static final String DRAINING_ATTRIBUTE = "io.berth.draining";

    /**
     * Request attribute holding notes for the access log's {@code log_info} field (a
     * {@link String}, Swift's {@code swift.log_info}): Berth notes there how long a request waited
     * for a stage that was being updated ({@code waited 412 ms for ratelimit}).
     */
    public static final String LOG_INFO_ATTRIBUTE = "io.berth.log_info";

    private Berth() {
    }

    /**
     * The transaction id {@code catch_errors} gave this request.
     *
     * @param request the request being served
     * @return the transaction id, or {@code null} when no {@code catch_errors} stage ran before
     */
    public static String transactionId(ServletRequest request) {
        Object id = request.getAttribute(TRANS_ID_ATTRIBUTE);
        return id instanceof String ? (String) id : null;
    }

    /**
     * Adds a note for the access log's {@code log_info} field.
     *
     * @param request the request being served
     * @param note a short note, no line breaks
     */
    public static void addLogInfo(ServletRequest request, String note) {
        String before = logInfo(request);
        request.setAttribute(LOG_INFO_ATTRIBUTE, before == null ? note : before + "; " + note);
    }

    /**
     * @param request the request being served
     * @return the notes for the access log's {@code log_info} field, or {@code null}
     */
    public static String logInfo(ServletRequest request) {
        Object info = request.getAttribute(LOG_INFO_ATTRIBUTE);
        return info instanceof String ? (String) info : null;
    }
}
