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
 * Swift's {@code memcache} middleware ({@code [filter:cache]}) as a pipeline stage: it hands a
 * memcache client to the stages after it ({@link io.berth.api.Memcache}), so that tempauth's tokens
 * and ratelimit's counts are shared by every node naming the same servers, and with Swift proxies
 * ({@code cache.memcache_servers = 10.0.0.1:11211,10.0.0.2:11211}).
 */
@Component(service = StageFactory.class)
@Stage(CacheStage.NAME)
public final class CacheStage implements StageFactory {

    static final String NAME = "cache";

    @ObjectClassDefinition(id = "berth.stage.cache", name = "Berth cache stage",
            description = "A memcache client for the stages after it (Swift's swift.cache): keys spread over "
                    + "memcache_servers as Swift's MemcacheRing spreads them, values stored as Swift stores them "
                    + "(JSON), so Berth and Swift proxies can share one pool. A failing server is skipped for "
                    + "error_suppression_interval; with none reachable, reads find nothing and writes store "
                    + "nothing (tempauth then refuses tokens it cannot check, ratelimit lets requests through).")
    public @interface Config {

        @AttributeDefinition(name = "Servers",
                description = "Comma-separated HOST:PORT list; IPv6 as [::1]:11211; the port defaults to 11211. "
                        + "Write each server exactly as the other nodes (and Swift proxies) write it: the ring "
                        + "hashes the text. Default 127.0.0.1:11211.")
        String memcache__servers() default "127.0.0.1:11211";

        @AttributeDefinition(name = "Connections per server",
                description = "Connections kept at most to each server; a request waits up to pool_timeout "
                        + "for one. Swift's default is 2 per worker process, whose green threads share them; "
                        + "Berth's request threads are real threads, hence a larger default. Default 16.")
        int memcache__max__connections() default 16;

        @AttributeDefinition(name = "Connect timeout",
                description = "Seconds to wait for a new connection to a server. Default 0.3 (Swift's).")
        double connect__timeout() default 0.3;

        @AttributeDefinition(name = "I/O timeout",
                description = "Seconds to wait for a server's answer. Default 2.0 (Swift's).")
        double io__timeout() default 2.0;

        @AttributeDefinition(name = "Pool timeout",
                description = "Seconds a request waits for a free connection to a server before trying the "
                        + "next one. Default 1.0 (Swift's).")
        double pool__timeout() default 1.0;

        @AttributeDefinition(name = "Tries",
                description = "Servers tried for a key, in ring order, before giving up (at most the number "
                        + "of servers). Default 3 (Swift's).")
        int tries() default 3;

        @AttributeDefinition(name = "Error suppression interval",
                description = "Seconds: a server failing more than error_suppression_limit times within this "
                        + "is skipped for this long. 0 never skips. Default 60 (Swift's).")
        double error__suppression__interval() default 60;

        @AttributeDefinition(name = "Error suppression limit",
                description = "Failures within error_suppression_interval that a server may have before it is "
                        + "skipped. Default 10 (Swift's).")
        int error__suppression__limit() default 10;
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return CacheFilter.create(StageSettings.of(Config.class, NAME, settings), System::nanoTime);
    }
}
