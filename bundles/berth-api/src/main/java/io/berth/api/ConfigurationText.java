package io.berth.api;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What Karaf's FileInstall makes of a {@code .cfg} file that is not text in UTF-8 or ISO-8859-1:
 * it reads the file as text whatever it holds, so a file in UTF-16 or UTF-32, or not text at all,
 * arrives as keys full of NULs or control characters, and a byte order mark as part of the first
 * key. A component that finds it names the file and what is wrong, not the garbled keys.
 */
public final class ConfigurationText {

    private static final String NOT_TEXT = "not a text file in UTF-8 or ISO-8859-1: ";

    /** Prefixes of the keys Configuration Admin, FileInstall and Declarative Services add. */
    private static final java.util.List<String> FRAMEWORK_PREFIXES =
            java.util.List.of("service.", "component.", "felix.", "osgi.", ".");

    /**
     * The one rule for keys an operator did not write: those Configuration Admin, FileInstall and
     * Declarative Services add ({@code service.pid}, {@code felix.fileinstall.filename},
     * {@code component.name}, hidden {@code .keys}) and a component's reference targets
     * ({@code NAME.target} with NAME in camel case, which no Berth setting is: Berth's keys are
     * lower case). Such keys are neither checked nor shown as settings.
     *
     * @param key a configuration's key
     * @return whether the framework added it
     * @since 1.9
     */
    public static boolean frameworkKey(String key) {
        if (FRAMEWORK_PREFIXES.stream().anyMatch(key::startsWith)) {
            return true;
        }
        return key.endsWith(".target") && !key.equals(key.toLowerCase(java.util.Locale.ROOT));
    }

    private ConfigurationText() {
    }

    /**
     * @param config a configuration's properties, as Configuration Admin delivers them
     * @param frameworkKey which keys ConfigAdmin, FileInstall or DS added (not read from the file)
     * @return what is wrong with the file it came from, or null when it reads as text
     */
    public static String whyNotText(Map<String, ?> config, Predicate<String> frameworkKey) {
        // The first key carries the byte order mark, if any: look for it before anything else.
        for (String key : config.keySet()) {
            // As ISO-8859-1 (FileInstall's default) or as UTF-8.
            if (key.startsWith("\u00ff\u00fe\u0000\u0000") || key.startsWith("\u0000\u0000\u00fe\u00ff")) {
                return NOT_TEXT + "UTF-32 byte order mark at the start";
            }
            if (key.startsWith("\u00ff\u00fe") || key.startsWith("\u00fe\u00ff")) {
                return NOT_TEXT + "UTF-16 byte order mark at the start";
            }
            if (key.startsWith("\u00ef\u00bb\u00bf") || key.startsWith("\ufeff")) {
                return "a UTF-8 byte order mark at the start, read as part of the first key: save the file without it";
            }
        }
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            String key = entry.getKey();
            if (frameworkKey.test(key)) {
                continue;
            }
            String text = key + "=" + entry.getValue();
            if (text.indexOf('\0') >= 0) {
                return NOT_TEXT + "NUL characters (UTF-16 or UTF-32 without a byte order mark, or not text at all)";
            }
            if (text.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f)) {
                return NOT_TEXT + "control characters (not text at all?)";
            }
        }
        return null;
    }

    /**
     * @param config a configuration's properties
     * @param otherwise how to name the file when FileInstall did not say ({@code etc/PID-NAME.cfg})
     * @return the file the configuration came from, as FileInstall names it
     */
    public static String fileOf(Map<String, ?> config, String otherwise) {
        Object url = config.get("felix.fileinstall.filename");
        if (url == null) {
            return otherwise;
        }
        try {
            return Paths.get(URI.create(url.toString())).toString();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return url.toString();
        }
    }
}
