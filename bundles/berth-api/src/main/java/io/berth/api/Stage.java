package io.berth.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type declaring the stage type a whiteboard filter (middleware) or
 * servlet (app) provides, under the name pipelines use for it.
 *
 * <pre>
 * &#64;Component(service = Filter.class)
 * &#64;Stage("catch_errors")
 * public class CatchErrorsFilter implements Filter { ... }
 * </pre>
 *
 * Sets the service property {@value Berth#STAGE_PROPERTY}.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Stage {

    /** Prefix of the property name: {@code berth.stage}. */
    String PREFIX_ = "berth.";

    /**
     * The stage type's name: lower case letters, digits, {@code _} and {@code -}.
     *
     * @return the name pipelines refer to
     */
    String value();
}
