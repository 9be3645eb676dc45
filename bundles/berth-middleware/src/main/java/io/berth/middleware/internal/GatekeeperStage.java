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
 * {@code gatekeeper} as a pipeline stage: Swift's gatekeeper, which keeps internal headers
 * ({@code X-Backend-*}, system metadata {@code X-*-Sysmeta-*}) from coming in with a client's
 * request and from going out in a response. Place it early, right after {@code catch_errors}:
 * only the stages after it are protected.
 */
@Component(service = StageFactory.class)
@Stage("gatekeeper")
public final class GatekeeperStage implements StageFactory {

    static final String NAME = "gatekeeper";

    @ObjectClassDefinition(name = "Berth gatekeeper",
            description = "Removes internal headers from requests, before the stages after it and the app "
                    + "see them, and from responses, before the client sees them (Swift's gatekeeper).")
    public @interface Config {

        @AttributeDefinition(name = "Request headers to remove",
                description = "Header name patterns, separated by spaces or commas; * stands for any run of "
                        + "characters, case does not matter. Matching request headers are invisible to the "
                        + "stages after gatekeeper and to the app. Default: X-Backend-* X-*-Sysmeta-*. "
                        + "Empty: remove none.")
        String[] remove__request__headers() default {"X-Backend-*", "X-*-Sysmeta-*"};

        @AttributeDefinition(name = "Response headers to remove",
                description = "Header name patterns, as for remove_request_headers. Matching headers set by "
                        + "the stages after gatekeeper or by the app never reach the client. Default: "
                        + "X-Backend-* X-*-Sysmeta-*. Empty: remove none.")
        String[] remove__response__headers() default {"X-Backend-*", "X-*-Sysmeta-*"};
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new GatekeeperFilter(StageSettings.of(Config.class, NAME, settings));
    }
}
