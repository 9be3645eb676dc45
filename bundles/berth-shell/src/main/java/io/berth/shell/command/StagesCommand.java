package io.berth.shell.command;

import java.util.List;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.berth.shell.command.BerthServices.StageType;

/** {@code berth:stages [stage]}: the names a pipeline can use now, and which bundle provides each. */
@Service
@Command(scope = "berth", name = "stages", description = "Lists the stage types available now (middleware and apps) "
        + "with the bundle that provides each.")
public class StagesCommand implements Action {

    @Argument(index = 0, name = "stage", description = "Only this stage type (which bundles provide it); all when left out")
    @Completion(StageNameCompleter.class)
    String stage;

    @Reference
    BundleContext context;

    @Override
    public Object execute() throws CommandException {
        try (BerthServices services = new BerthServices(context)) {
            table(services.stageTypes(), stage).print(System.out);
        }
        return null;
    }

    static ShellTable table(List<StageType> types, String name) throws CommandException {
        List<StageType> shown = name == null ? types : types.stream().filter(type -> type.name().equals(name)).toList();
        if (shown.isEmpty() && name != null) {
            throw new CommandException("No stage type named " + name + "; " + (types.isEmpty() ? "there are none"
                    : "stage types: " + String.join(", ", new TreeSet<>(types.stream().map(StageType::name).toList()))));
        }
        ShellTable table = new ShellTable().emptyTableText("No stage type: install a bundle that provides one");
        table.column("Stage");
        table.column("Kind");
        table.column("Bundle");
        for (StageType type : shown) {
            table.addRow().addContent(type.name(), type.kind(), type.bundle());
        }
        return table;
    }
}
