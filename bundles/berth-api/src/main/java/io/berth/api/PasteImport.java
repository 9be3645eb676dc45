package io.berth.api;

import java.nio.file.Path;
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
    Map<String, Map<String, String>> plan(Path file);

    /**
     * Creates or updates the pipelines the file makes (the file is read once, not watched).
     *
     * @param file a paste ini file
     * @return what was imported, as {@link #plan} returns it
     * @throws IllegalArgumentException naming file, section and line of what cannot be imported;
     *     nothing is changed then
     */
    Map<String, Map<String, String>> importFile(Path file);
}
