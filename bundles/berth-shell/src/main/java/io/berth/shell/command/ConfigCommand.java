package io.berth.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import io.berth.api.EffectiveConfiguration;

/** {@code berth:config [name]}: the settings in effect now, as logged at start, secrets masked. */
@Service
@Command(scope = "berth", name = "config", description = "Shows the effective configuration of the listeners and "
        + "pipelines, one NAME.KEY = value line per setting, secrets masked.")
public class ConfigCommand implements Action {

    @Argument(index = 0, name = "name", description = "A configuration's name (berth.listener-main, "
            + "berth.pipeline-api); all when left out")
    @Completion(ConfigNameCompleter.class)
    String name;

    /** Optional, so the other commands are there while berth-pipeline is not: this one then says so. */
    @Reference(optional = true)
    EffectiveConfiguration configuration;

    @Override
    public Object execute() throws CommandException {
        if (configuration == null) {
            throw new CommandException("No effective configuration service: is bundle io.berth.pipeline running?");
        }
        try {
            configuration.lines(name).forEach(System.out::println);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        return null;
    }
}
