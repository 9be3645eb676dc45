package io.berth.api;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a stage's settings ({@code STAGE.KEY = value} in a pipeline, keys without the prefix)
 * into an instance of the stage's configuration type: an annotation interface, the same one
 * annotated {@code @ObjectClassDefinition} so that metatype documents each setting and its
 * default. Method names map to keys as Declarative Services maps them ({@code max__rate()} is
 * the key {@code max_rate}); a method's default is the setting's default.
 *
 * <pre>
 * &#64;ObjectClassDefinition(name = "ratelimit")
 * &#64;interface Config {
 *     &#64;AttributeDefinition(description = "Requests per second per client")
 *     double max__rate() default 10;
 * }
 *
 * Config config = StageSettings.of(Config.class, "ratelimit", settings);
 * </pre>
 *
 * Supported types: {@code String}, {@code boolean}, {@code int}, {@code long}, {@code double},
 * and {@code String[]} (values separated by commas or spaces). Every error is an
 * {@link InvalidSettingException} (an {@link IllegalArgumentException}) whose message starts with
 * the key, as {@link StageFactory#create} requires.
 *
 * <p>Berth's own components read their settings the same way: the annotation's defaults are the
 * only place a default is written ({@link #defaults}), and metatype is generated from it.
 */
public final class StageSettings {

    private StageSettings() {
    }

    /**
     * Reads settings into a configuration instance.
     *
     * @param <T> the configuration type
     * @param type an annotation interface; every method without a default is a required setting
     * @param stage the stage type's name, for error messages
     * @param settings the pipeline's settings for this stage
     * @return an instance answering each method with the setting's value or its default
     * @throws IllegalArgumentException naming the key: unknown, missing or not of the right type
     */
    public static <T> T of(Class<T> type, String stage, Map<String, String> settings) {
        Map<String, Method> methods = new LinkedHashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            methods.put(key(method.getName()), method);
        }
        for (String key : settings.keySet()) {
            if (!methods.containsKey(key)) {
                throw new InvalidSettingException(key, "unknown setting; " + stage + " takes "
                        + (methods.isEmpty() ? "none" : String.join(", ", new TreeSet<>(methods.keySet()))));
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, Method> entry : methods.entrySet()) {
            String key = entry.getKey();
            Method method = entry.getValue();
            String raw = settings.get(key);
            if (raw == null) {
                Object fallback = method.getDefaultValue();
                if (fallback == null) {
                    throw new InvalidSettingException(key, "required; " + stage + " has no default for it");
                }
                values.put(method.getName(), fallback);
            } else {
                values.put(method.getName(), convert(key, raw.trim(), method.getReturnType()));
            }
        }
        Object instance = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString":
                    return type.getSimpleName() + values;
                case "hashCode":
                    return values.hashCode();
                case "equals":
                    return proxy == args[0];
                case "annotationType":
                    return type;
                default:
                    Object value = values.get(method.getName());
                    return value instanceof String[] ? ((String[]) value).clone() : value;
            }
        });
        return type.cast(instance);
    }

    /**
     * The defaults a configuration type declares, by key: for a component that checks its raw
     * settings itself (ranges, files, names) but keeps its defaults where metatype reads them.
     *
     * @param type an annotation interface, as for {@link #of}
     * @return each key with a default, and its default value (boxed; a {@code String[]} as is)
     * @since 1.9
     */
    public static Map<String, Object> defaults(Class<?> type) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            Object value = method.getDefaultValue();
            if (value != null) {
                defaults.put(key(method.getName()), value);
            }
        }
        return defaults;
    }

    /** Declarative Services' rule: {@code __} is {@code _}, {@code _} alone is {@code .}, {@code $$} is {@code $}. */
    static String key(String methodName) {
        StringBuilder key = new StringBuilder(methodName.length());
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            boolean doubled = i + 1 < methodName.length() && methodName.charAt(i + 1) == c;
            if (c == '_') {
                key.append(doubled ? '_' : '.');
                i += doubled ? 1 : 0;
            } else if (c == '$') {
                if (doubled) {
                    key.append('$');
                    i++;
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static Object convert(String key, String raw, Class<?> type) {
        try {
            if (type == String.class) {
                return raw;
            }
            if (type == String[].class) {
                return raw.isEmpty() ? new String[0]
                        : Arrays.stream(raw.split("[,\\s]+")).filter(s -> !s.isEmpty()).toArray(String[]::new);
            }
            if (type == boolean.class) {
                switch (raw.toLowerCase(java.util.Locale.ROOT)) {
                    case "true": case "yes": case "on": case "1":
                        return Boolean.TRUE;
                    case "false": case "no": case "off": case "0":
                        return Boolean.FALSE;
                    default:
                        throw new InvalidSettingException(key, "'" + raw + "' is not true or false");
                }
            }
            if (type == int.class) {
                return Integer.valueOf(raw);
            }
            if (type == long.class) {
                return Long.valueOf(raw);
            }
            if (type == double.class) {
                double value = Double.parseDouble(raw);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new NumberFormatException();
                }
                return value;
            }
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "'" + raw + "' is not a "
                    + (type == double.class ? "number" : "whole number"));
        }
        throw new IllegalStateException(key + ": settings of type " + type.getSimpleName() + " are not supported");
    }
}
