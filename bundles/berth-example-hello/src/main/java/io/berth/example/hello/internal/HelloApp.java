package io.berth.example.hello.internal;

import java.util.Map;

import jakarta.servlet.Servlet;

import org.osgi.service.component.annotations.Component;

import io.berth.api.AppFactory;
import io.berth.api.Stage;

/**
 * The {@code hello} app for pipelines ({@code pipeline = catch_errors hello}): each pipeline
 * gets its own {@link HelloServlet}, answering every path under the pipeline's mount point.
 * It takes no settings.
 */
@Component(service = AppFactory.class)
@Stage("hello")
public final class HelloApp implements AppFactory {

    @Override
    public Servlet create(Map<String, String> settings) {
        if (!settings.isEmpty()) {
            String key = settings.keySet().iterator().next();
            throw new IllegalArgumentException(key + ": unknown setting; hello takes none");
        }
        return new HelloServlet();
    }
}
