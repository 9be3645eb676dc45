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
 * Cross-origin resource sharing as a pipeline stage, after Swift's proxy ({@code cors_validation}
 * and {@code OPTIONS}): {@code cors.allow_origin = https://app.example.com}.
 */
@Component(service = StageFactory.class)
@Stage(CorsStage.NAME)
public final class CorsStage implements StageFactory {

    static final String NAME = "cors";

    @ObjectClassDefinition(id = "berth.stage.cors", name = "Berth cors stage",
            description = "Lets web pages from the allowed origins call the app from a browser: answers "
                    + "CORS preflight requests itself (200, or 401 for an origin or method not allowed) and "
                    + "adds the CORS headers to the app's responses to allowed origins. Requests from other "
                    + "origins still reach the app, without CORS headers, so the browser hides the response "
                    + "from the page; CORS is not access control.")
    public @interface Config {

        @AttributeDefinition(name = "Allowed origins",
                description = "Origins (scheme://host[:port], no path or trailing slash) whose pages may "
                        + "call the app, separated by spaces or commas; or * for any origin. Required.")
        String[] allow__origin();

        @AttributeDefinition(name = "Allowed methods",
                description = "Methods a preflight may ask for (Access-Control-Allow-Methods), case "
                        + "sensitive. Default: GET HEAD PUT POST DELETE PATCH OPTIONS.")
        String[] allow__methods() default {"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"};

        @AttributeDefinition(name = "Allowed headers",
                description = "Request headers a page may send (Access-Control-Allow-Headers). Default: "
                        + "empty, which allows whatever headers the preflight asks for, as Swift does.")
        String[] allow__headers() default {};

        @AttributeDefinition(name = "Exposed headers",
                description = "Response headers, besides the CORS-safelisted ones, that a page may read "
                        + "(Access-Control-Expose-Headers). Default: Etag X-Trans-Id X-Openstack-Request-Id. "
                        + "Empty: none.")
        String[] expose__headers() default {"Etag", "X-Trans-Id", "X-Openstack-Request-Id"};

        @AttributeDefinition(name = "Preflight max age",
                description = "Seconds a browser may cache a preflight's answer (Access-Control-Max-Age); "
                        + "0 disables caching. Browsers cap it (Chromium at 7200). Default 600.")
        int max__age() default 600;

        @AttributeDefinition(name = "Allow credentials",
                description = "Whether pages may send cookies and HTTP authentication along "
                        + "(Access-Control-Allow-Credentials: true). The origin is then echoed even for *, "
                        + "which lets every web site make credentialed calls: name the origins instead. "
                        + "Default false.")
        boolean allow__credentials() default false;
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new CorsFilter(StageSettings.of(Config.class, NAME, settings));
    }
}
