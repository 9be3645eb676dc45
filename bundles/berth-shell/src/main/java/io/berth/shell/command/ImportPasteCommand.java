package io.berth.shell.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

import io.berth.api.EffectiveConfiguration;
import io.berth.api.PasteImport;

/** {@code berth:import-paste [--dry-run] [--app NAME] FILE}: a paste.deploy ini file as Berth pipelines. */
@Service
@Command(scope = "berth", name = "import-paste", description = "Imports a paste.deploy ini file (Swift's "
        + "proxy-server.conf, Neutron's api-paste.ini, ...) as pipelines named paste-SECTION, once; the file is "
        + "not watched. With --dry-run, prints what it would create and changes nothing.")
public class ImportPasteCommand implements Action {

    private static final Set<String> PIPELINE_KEYS = Set.of("pipeline", "path", "listeners");

    @Option(name = "--dry-run", aliases = "-n", description = "Print the pipelines the file would make; create nothing")
    boolean dryRun;

    @Option(name = "--app", aliases = "-a", description = "The app to load, as oslo's load_paste_app(NAME) "
            + "(Neutron's is neutron); default: the file's [berth] app, else main")
    String app;

    @Argument(index = 0, name = "file", description = "The paste ini file: a path (relative to the directory Karaf was "
            + "started in), or a bare name looked for in oslo's order (config dirs, etc/, ~/.berth/, ~/, /etc/berth/, /etc/)",
            required = true)
    @Completion(FileCompleter.class)
    String file;

    /** Optional, so the other commands are there while berth-pipeline is not: this one then says so. */
    @Reference(optional = true)
    PasteImport pasteImport;

    @Override
    public Object execute() throws CommandException {
        if (pasteImport == null) {
            throw new CommandException("No paste import service: is bundle io.berth.pipeline running? Nothing was imported");
        }
        Path path = find(file, pasteImport.searchPath());
        Map<String, Map<String, String>> pipelines;
        try {
            pipelines = dryRun ? pasteImport.plan(path, app) : pasteImport.importFile(path, app);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        System.out.println(dryRun
                ? "Dry run, nothing changed: importing " + path + " would create or update " + count(pipelines.size())
                : "Imported " + path + ": created or updated " + count(pipelines.size()));
        pipelinesTable(pipelines).print(System.out);
        ShellTable settings = settingsTable(pipelines);
        if (settings != null) {
            System.out.println();
            settings.print(System.out);
        }
        return null;
    }

    /**
     * A name with a directory (or an absolute one) is that file; a bare name is looked for along
     * the search path, first found wins, as oslo's {@code find_file}.
     */
    static Path find(String file, List<Path> searchPath) throws CommandException {
        Path given = Paths.get(file);
        if (given.getParent() != null || given.isAbsolute()) {
            Path path = given.toAbsolutePath().normalize();
            if (!Files.isRegularFile(path)) {
                throw new CommandException("No such file: " + path);
            }
            return path;
        }
        Path here = given.toAbsolutePath().normalize();
        if (Files.isRegularFile(here)) {
            return here;
        }
        for (Path directory : searchPath) {
            Path candidate = directory.resolve(file).toAbsolutePath().normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        List<String> looked = new java.util.ArrayList<>();
        looked.add(here.getParent().toString());
        searchPath.forEach(directory -> looked.add(directory.toString()));
        throw new CommandException("Unable to find " + file + " in " + String.join(", ", looked)
                + ": nothing was imported");
    }

    private static String count(int pipelines) {
        return pipelines == 1 ? "1 pipeline" : pipelines + " pipelines";
    }

    static ShellTable pipelinesTable(Map<String, Map<String, String>> pipelines) {
        ShellTable table = new ShellTable();
        table.column("Pipeline");
        table.column("Path");
        table.column("Listeners");
        table.column("Stages");
        pipelines.forEach((name, properties) -> table.addRow().addContent(name, properties.getOrDefault("path", "/"),
                properties.getOrDefault("listeners", "").isBlank() ? "all" : properties.get("listeners"),
                properties.getOrDefault("pipeline", "")));
        return table;
    }

    /** @return the stages' settings, or {@code null} when no stage has one */
    static ShellTable settingsTable(Map<String, Map<String, String>> pipelines) {
        ShellTable table = new ShellTable();
        table.column("Pipeline");
        table.column("Setting");
        table.column("Value");
        boolean any = false;
        for (Map.Entry<String, Map<String, String>> pipeline : pipelines.entrySet()) {
            for (Map.Entry<String, String> setting : pipeline.getValue().entrySet()) {
                if (!PIPELINE_KEYS.contains(setting.getKey())) {
                    table.addRow().addContent(pipeline.getKey(), setting.getKey(),
                            EffectiveConfiguration.secret(setting.getKey()) ? EffectiveConfiguration.MASK : setting.getValue());
                    any = true;
                }
            }
        }
        return any ? table : null;
    }

}
