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
 * A token bucket per client as a pipeline stage: {@code ratelimit.max_rate = 20}. Swift's
 * {@code ratelimit} sleeps then answers {@code 498 Slow down}; this one refuses at once, with
 * {@code Retry-After}, so that a slow client holds no thread. With {@code backend = memcache} the
 * buckets are shared by every node, through the pipeline's {@code cache} stage.
 */
@Component(service = StageFactory.class)
@Stage(RateLimitStage.NAME)
public final class RateLimitStage implements StageFactory {

    static final String NAME = "ratelimit";

    @ObjectClassDefinition(id = "berth.stage.ratelimit", name = "Berth ratelimit stage",
            description = "Limits each client to max_rate requests per second on average, with bursts of "
                    + "up to burst requests; past that it answers 429 (or 498) with Retry-After, without "
                    + "reaching the app. Clients idle long enough to be back to a full burst are forgotten.")
    public @interface Config {

        @AttributeDefinition(name = "Maximum rate",
                description = "Requests per second each client may make on average; fractions allowed "
                        + "(0.5 is one request every 2 s). Greater than 0. Default 10.")
        double max__rate() default 10;

        @AttributeDefinition(name = "Burst",
                description = "Requests a client may make at once after being idle: the bucket's size, "
                        + "refilled at max_rate. At least 1. Default 20.")
        int burst() default 20;

        @AttributeDefinition(name = "Key",
                description = "What a client is: client_ip (the connection's remote address: behind a "
                        + "proxy, that of the proxy), or the name of a request header (an API key, a tenant, "
                        + "X-Forwarded-For as the proxy sets it); requests without that header are keyed by "
                        + "client IP. Values longer than 64 characters are kept as a digest. Default client_ip.")
        String key() default RateLimitFilter.CLIENT_IP;

        @AttributeDefinition(name = "Status",
                description = "Status of a refused request: 429 (Too Many Requests) or 498 (Swift's "
                        + "Rate Limited). Default 429.")
        int status() default 429;

        @AttributeDefinition(name = "Maximum keys",
                description = "Clients tracked at most, which bounds memory (about 125 bytes each for IPv4 "
                        + "addresses, 175 for 64-character header values). When that many clients are within "
                        + "their refill time, new clients share one bucket, with the same max_rate and burst, "
                        + "until others go idle. At least 1. "
                        + "Default 100000.")
        int max__keys() default 100_000;

        @AttributeDefinition(name = "Backend",
                description = "Where the buckets are: local (this node's memory: N nodes let N times the rate "
                        + "through) or memcache (in the memcache of a cache stage earlier in the pipeline: one "
                        + "limit across every node naming the same servers, Swift's algorithm on incr; with "
                        + "memcache unreachable, requests go through). Default local.")
        String backend() default RateLimitFilter.LOCAL;

        @AttributeDefinition(name = "Cache prefix",
                description = "With backend = memcache, put before each client's key in memcache: give each "
                        + "differently configured ratelimit stage sharing the servers its own. Default ratelimit/.")
        String cache__prefix() default "ratelimit/";
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new RateLimitFilter(StageSettings.of(Config.class, NAME, settings), System::nanoTime,
                RateLimitFilter::wallMicros);
    }
}
