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
 * Swift's {@code healthcheck} as a pipeline stage: answers the load balancer's probe without
 * reaching the app ({@code healthcheck.disable_path = /var/run/berth/disabled}).
 */
@Component(service = StageFactory.class)
@Stage(HealthcheckStage.NAME)
public final class HealthcheckStage implements StageFactory {

    static final String NAME = "healthcheck";

    @ObjectClassDefinition(id = "berth.stage.healthcheck", name = "Berth healthcheck stage",
            description = "Answers the health probe path itself, for any method: 200 'OK', or 503 "
                    + "'DRAINING' while the listener is leaving service, or 503 'DISABLED BY FILE' while "
                    + "the disable_path file exists (Swift's healthcheck); live_path answers 200 'OK' even then. "
                    + "Other requests pass untouched.")
    public @interface Config {

        @AttributeDefinition(name = "Path",
                description = "The probe's path inside the pipeline (after the pipeline's own path), "
                        + "matched exactly; the query string is ignored. Default /healthcheck.")
        String path() default "/healthcheck";

        @AttributeDefinition(name = "Disable path",
                description = "An absolute file name: while a file exists there, the probe answers "
                        + "503 'DISABLED BY FILE', taking this node out of a load balancer without "
                        + "stopping it. Checked on each probe, never on other requests. Default: "
                        + "empty, no such check.")
        String disable__path() default "";

        @AttributeDefinition(name = "Liveness path",
                description = "A second probe path, for orchestrators that restart a process whose "
                        + "liveness probe fails: it answers 200 'OK' while the process can answer at "
                        + "all, also while draining or disabled by file. Empty: none. Default "
                        + "/healthcheck/live.")
        String live__path() default "/healthcheck/live";
    }

    @Override
    public Filter create(Map<String, String> settings) {
        return new HealthcheckFilter(StageSettings.of(Config.class, NAME, settings));
    }
}
