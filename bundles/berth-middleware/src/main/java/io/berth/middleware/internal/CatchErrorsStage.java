package io.berth.middleware.internal;

import java.util.Map;

import jakarta.servlet.Filter;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(CatchErrorsFilter.class);

    /** One bound for the lines of every catch_errors, across pipelines and their rebuilds. */
    private final LogBudget disconnects = new LogBudget();

    @Override
    public Filter create(Map<String, String> settings) {
        return new CatchErrorsFilter(StageSettings.of(CatchErrorsFilter.Config.class, "catch_errors", settings),
                disconnects);
    }

    @Deactivate
    void deactivate() {
        long untold = disconnects.untold();
        if (untold > 0) {
            LOG.info("Client disconnected: {} more not logged (at most {} such lines in {} s)", untold,
                    disconnects.lines(), disconnects.windowSeconds());
        }
    }
}
