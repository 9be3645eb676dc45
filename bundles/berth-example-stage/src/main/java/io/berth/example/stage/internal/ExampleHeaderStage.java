package io.berth.example.stage.internal;

import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.berth.api.InvalidSettingException;
import io.berth.api.Stage;
import io.berth.api.StageFactory;
import io.berth.api.StageSettings;

/**
 * A whole middleware stage: {@code example_header} adds a response header to every answer of the
 * pipelines that name it ({@code pipeline = catch_errors example_header hello}). Copy this class
 * to write your own: a DS component providing {@link StageFactory}, named with {@link Stage},
 * its settings an annotation that {@link StageSettings} reads (and metatype documents).
 */
@Component(service = StageFactory.class)
@Stage("example_header")
public final class ExampleHeaderStage implements StageFactory {

    @ObjectClassDefinition(name = "example_header", description = "Adds a response header.")
    @interface Config {
        @AttributeDefinition(description = "The header's name.")
        String name() default "X-Example";

        @AttributeDefinition(description = "Its value.")
        String value() default "berth";
    }

    @Override
    public Filter create(Map<String, String> settings) {
        Config config = StageSettings.of(Config.class, "example_header", settings);
        if (!config.name().matches("[A-Za-z0-9-]+")) {
            throw new InvalidSettingException("name", "'" + config.name() + "' is not a header name");
        }
        String name = config.name();
        String value = config.value();
        return (request, response, chain) -> {
            ((HttpServletResponse) response).addHeader(name, value);
            chain.doFilter(request, response);
        };
    }
}
