package io.berth.middleware.internal;

import java.util.Map;

import jakarta.servlet.Filter;

import org.osgi.service.component.annotations.Component;

import io.berth.api.Stage;
import io.berth.api.StageFactory;
import io.berth.api.StageSettings;

/**
 * {@code catch_errors} as a pipeline stage: one filter per place a pipeline uses it, with that
 * place's settings ({@code catch_errors.trans_id_suffix = -east}).
 */
@Component(service = StageFactory.class)
@Stage("catch_errors")
public final class CatchErrorsStage implements StageFactory {

    @Override
    public Filter create(Map<String, String> settings) {
        return new CatchErrorsFilter(StageSettings.of(CatchErrorsFilter.Config.class, "catch_errors", settings));
    }
}
