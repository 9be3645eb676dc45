package io.berth.socket.internal;

import java.util.Map;

/** Where a listener's lifecycle events go: EventAdmin in OSGi, a list in tests. */
interface LifecycleSink {

    LifecycleSink NONE = (topic, properties) -> { };

    void publish(String topic, Map<String, Object> properties);
}
