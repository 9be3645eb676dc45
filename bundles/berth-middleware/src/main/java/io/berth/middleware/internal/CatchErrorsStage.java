package io.berth.middleware.internal;

import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.Filter;

import org.osgi.service.component.annotations.Component;

import io.berth.api.Stage;
import io.berth.api.StageFactory;

/**
 * {@code catch_errors} as a pipeline stage: one filter per place a pipeline uses it, with that
 * place's settings ({@code catch_errors.trans_id_suffix = -east}).
 */
@Component(service = StageFactory.class)
@Stage("catch_errors")
public final class CatchErrorsStage implements StageFactory {

    @Override
    public Filter create(Map<String, String> settings) {
        Map<String, String> rest = new HashMap<>(settings);
        String suffix = rest.remove("trans_id_suffix");
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException(rest.keySet().iterator().next()
                    + ": unknown setting; catch_errors takes trans_id_suffix");
        }
        return new CatchErrorsFilter(new CatchErrorsFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CatchErrorsFilter.Config.class;
            }

            @Override
            public String trans__id__suffix() {
                return suffix == null ? "" : suffix;
            }
        });
    }
}
