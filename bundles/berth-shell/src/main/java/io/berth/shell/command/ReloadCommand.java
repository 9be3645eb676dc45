package io.berth.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import io.berth.api.Supervisor;

/** {@code berth:reload [listener]}: the supervisor's seamless reload, as SIGHUP does it. */
@Service
@Command(scope = "berth", name = "reload", description = "Reloads listeners seamlessly, as SIGHUP does: a new "
        + "connector serves first, then the old one drains within graceful_shutdown_timeout; no connection is refused.")
public class ReloadCommand implements Action {

    @Argument(index = 0, name = "listener", description = "The listener to reload; all when left out")
    @Completion(ListenerNameCompleter.class)
    String listener;

    /** Optional, so the other commands are there while the supervisor is not: this one then says so. */
    @Reference(optional = true)
    Supervisor supervisor;

    @Override
    public Object execute() throws CommandException {
        if (supervisor == null) {
            throw new CommandException("No supervisor service: is bundle io.berth.supervisor running? Nothing was reloaded");
        }
        List<String> reloaded;
        if (listener == null) {
            reloaded = supervisor.reloadAll();
        } else {
            try {
                supervisor.reload(listener);
            } catch (IllegalArgumentException e) {
                throw new CommandException(e.getMessage());
            }
            reloaded = List.of(listener);
        }
        if (reloaded.isEmpty()) {
            System.out.println("No listener to reload");
        }
        for (String name : reloaded) {
            System.out.println("Reloaded listener " + name
                    + ": a new connector serves, the old one drains (graceful_shutdown_timeout)");
        }
        return null;
    }
}
