package io.berth.middleware.internal;

import java.util.Map;

import jakarta.servlet.Filter;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.berth.api.Stage;
import io.berth.api.StageFactory;
import io.berth.api.StageSettings;

/**
 * {@code request_limits} as a pipeline stage: Swift's constraints on a request (its
 * {@code MAX_FILE_SIZE} and {@code MAX_HEADER_COUNT}) and a list of the methods served,
 * enforced before the stages after it and the app spend anything on the request.
 */
@Component(service = StageFactory.class)
@Stage("request_limits")
public final class RequestLimitsStage implements StageFactory {

    static final String NAME = "request_limits";

    /** Swift's MAX_FILE_SIZE: 5 GiB and 2 bytes. */
    static final long DEFAULT_MAX_BODY_SIZE = 5L * 1024 * 1024 * 1024 + 2;

    /** Swift's MAX_HEADER_COUNT: MAX_META_COUNT (90) and 36 for HTTP's and Swift's own. */
    static final int DEFAULT_MAX_HEADER_COUNT = 126;

    @ObjectClassDefinition(name = "Berth request_limits",
            description = "Refuses requests over limits before anything after it runs: 413 for a body over "
                    + "max_body_size, 431 for more header fields than max_header_count, 405 for a method not "
                    + "in allowed_methods.")
    public @interface Config {

        @AttributeDefinition(name = "Largest request body",
                description = "In bytes. A request declaring a longer Content-Length gets 413 at once, its body "
                        + "unread; a chunked body is cut off with 413 as it crosses the limit, and the app never "
                        + "reads more than this. 0: no limit. Default: 5368709122 (5 GiB + 2 bytes, Swift's "
                        + "MAX_FILE_SIZE).")
        long max__body__size() default DEFAULT_MAX_BODY_SIZE;

        @AttributeDefinition(name = "Most request header fields",
                description = "A request with more header fields (each line counts, Host included) gets 431. "
                        + "0: no limit. Default: 126 (Swift's MAX_HEADER_COUNT).")
        int max__header__count() default DEFAULT_MAX_HEADER_COUNT;

        @AttributeDefinition(name = "Allowed methods",
                description = "Methods served, separated by spaces or commas, upper case; any other method "
                        + "gets 405 with an Allow header listing these. Known: the standard methods and "
                        + "WebDAV's (COPY, MOVE, MKCOL, PROPFIND, PROPPATCH, LOCK, UNLOCK). Default: the "
                        + "standard methods, GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH.")
        String[] allowed__methods() default {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
            "PATCH"};
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new RequestLimitsFilter(StageSettings.of(Config.class, NAME, settings));
    }
}
