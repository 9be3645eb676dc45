package io.berth.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Imports a paste.deploy ini file into pipeline configurations (the shell's
 * {@code berth:import-paste}); Berth's config bundle also imports {@code etc/*.ini} by itself.
 */
@ProviderType
public interface PasteImport {

    /**
     * What importing the file would create, without creating anything.
     *
     * @param file a paste ini file
     * @return per pipeline name ({@code paste-SECTION}), its configuration's properties, sorted by name
     * @throws IllegalArgumentException naming file, section and line of what cannot be imported
     */
    default Map<String, Map<String, String>> plan(Path file) {
        return plan(file, null);
    }

    /**
     * What importing the file would create when it loads the app {@code app}, without creating anything.
     *
     * @param file a paste ini file
     * @param app the app to load ({@code neutron} for Neutron's {@code api-paste.ini}, as
     *     {@code load_paste_app('neutron')}); {@code null}: the file's {@code [berth] app}, else {@code main}
     * @return per pipeline name ({@code paste-SECTION}), its configuration's properties, sorted by name
     * @throws IllegalArgumentException naming file, section and line of what cannot be imported
     * @since 1.8
     */
    Map<String, Map<String, String>> plan(Path file, String app);

    /**
     * Creates or updates the pipelines the file makes (the file is read once, not watched).
     *
     * @param file a paste ini file
     * @return what was imported, as {@link #plan} returns it
     * @throws IllegalArgumentException naming file, section and line of what cannot be imported;
     *     nothing is changed then
     */
    default Map<String, Map<String, String>> importFile(Path file) {
        return importFile(file, null);
    }

    /**
     * Creates or updates the pipelines the file makes when it loads the app {@code app}.
     *
     * @param file a paste ini file
     * @param app the app to load; {@code null}: the file's {@code [berth] app}, else {@code main}
     * @return what was imported, as {@link #plan} returns it
     * @throws IllegalArgumentException naming file, section and line of what cannot be imported;
     *     nothing is changed then
     * @since 1.8
     */
    Map<String, Map<String, String>> importFile(Path file, String app);

    /**
     * Where a paste file named without a directory is looked for, in oslo's order ({@code
     * find_file}): Berth's config directories ({@code berth.config.dirs}, oslo's
     * {@code --config-dir}), {@code etc/}, then {@code ~/.berth/}, {@code ~/}, {@code /etc/berth/},
     * {@code /etc/}.
     *
     * @return the directories, in the order searched
     * @since 1.8
     */
    List<Path> searchPath();
}
