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
 * {@code read_only} as a pipeline stage: Swift's read_only middleware, which puts everything
 * behind it in read only mode for a migration or maintenance, answering writes with
 * {@code 405}.
 */
@Component(service = StageFactory.class)
@Stage("read_only")
public final class ReadOnlyStage implements StageFactory {

    static final String NAME = "read_only";

    @ObjectClassDefinition(name = "Berth read_only",
            description = "Answers writes with 405 'Writes are disabled' while read_only is true; reads pass "
                    + "(Swift's read_only).")
    public @interface Config {

        @AttributeDefinition(name = "Read only",
                description = "true: only GET, HEAD, OPTIONS and TRACE (the safe methods) pass; every other "
                        + "method (PUT, POST, DELETE, PATCH, COPY, any extension method) gets 405 with an Allow "
                        + "header. false: everything passes. Default: false.")
        boolean read__only() default false;

        @AttributeDefinition(name = "Allow deletes",
                description = "true: DELETE passes even while read_only is true, to free space during a "
                        + "migration. Default: false. Swift's allow_deletes.")
        boolean allow__deletes() default false;
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new ReadOnlyFilter(StageSettings.of(Config.class, NAME, settings));
    }
}
