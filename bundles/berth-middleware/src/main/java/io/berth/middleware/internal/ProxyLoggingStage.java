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
 * {@code proxy_logging} as a pipeline stage: Swift's access log, one line per request to the
 * logger {@code berth.access} ({@code proxy_logging.log_x_forwarded_for = true}).
 */
@Component(service = StageFactory.class)
@Stage("proxy_logging")
public final class ProxyLoggingStage implements StageFactory {

    @ObjectClassDefinition(name = "Berth proxy_logging",
            description = "Writes one access line per request, in Swift's proxy log format, to the logger "
                    + "berth.access (by default the file berth-access.log). A client that hung up is logged "
                    + "as 499, a request an exception ended as 500.")
    public @interface Config {

        @AttributeDefinition(name = "Log line template",
                description = "The line, with {field} for each value, URL-quoted, '-' when empty or zero. "
                        + "Fields: client_ip, remote_addr, end_time, method, path, protocol, status_int, "
                        + "referer, user_agent, auth_token, bytes_recvd, bytes_sent, client_etag, "
                        + "transaction_id, headers, request_time (seconds, 4 decimals), source, log_info "
                        + "(always '-': Swift's marks of subrequests, kept for Swift's log parsers), "
                        + "start_time, domain, pid, wire_status_int, access_user_id (account:user of "
                        + "tempauth's token, or the user a token request named). start_time and end_time are epoch "
                        + "seconds with 9 decimals, or {end_time.FORMAT} with FORMAT one of datetime, "
                        + "iso8601, asctime, s, ms, us, ns or a strftime letter. {{ and }} are literal "
                        + "braces. The default is Swift's.")
        String log__msg__template() default AccessLogTemplate.DEFAULT;

        @AttributeDefinition(name = "Trust X-Forwarded-For",
                description = "Log as client_ip the address a proxy in front reports in X-Cluster-Client-Ip "
                        + "or (first address) X-Forwarded-For, instead of the connection's peer. Turn on only "
                        + "behind a proxy that sets these headers: clients can write them. Default false.")
        boolean log__x__forwarded__for() default false;

        @AttributeDefinition(name = "Characters of secrets shown",
                description = "auth_token, and in headers the values of X-Auth-Token, X-Storage-Token, "
                        + "Authorization, Proxy-Authorization and Cookie, are cut to this many characters "
                        + "followed by '...'. 0 shows only '...'. Default 16, as Swift.")
        int reveal__sensitive__prefix() default 16;

        @AttributeDefinition(name = "Log request headers",
                description = "Fill the headers field with the request's headers, 'Name: value' lines "
                        + "(quoted, so on one log line). Default false: headers is '-'.")
        boolean access__log__headers() default false;

        @AttributeDefinition(name = "Only these headers",
                description = "With access_log_headers, log only these request headers (names, separated "
                        + "by commas, any case). Default: all.")
        String[] access__log__headers__only() default {};
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new ProxyLoggingFilter(StageSettings.of(Config.class, "proxy_logging", settings));
    }
}
