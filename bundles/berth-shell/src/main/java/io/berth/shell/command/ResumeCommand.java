package io.berth.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.framework.BundleContext;

import io.berth.api.Listener;

/** {@code berth:resume LISTENER}: puts a listener taken out by {@code berth:drain} back in service. */
@Service
@Command(scope = "berth", name = "resume", description = "Puts a listener taken out of service by berth:drain back: "
        + "healthcheck answers OK again.")
public class ResumeCommand implements Action {

    @Argument(index = 0, name = "listener", description = "The listener to put back in service", required = true)
    @Completion(ListenerNameCompleter.class)
    String listener;

    @Reference
    BundleContext context;

    @Override
    public Object execute() throws CommandException {
        try (BerthServices services = new BerthServices(context)) {
            System.out.println(resume(services.listeners(), listener));
        }
        return null;
    }

    static String resume(List<Listener> listeners, String name) throws CommandException {
        Listener listener = BerthServices.listener(listeners, name);
        if (!listener.outOfService()) {
            return "Listener " + name + " is in service already";
        }
        listener.resume();
        return "Listener " + name + " is back in service: healthcheck answers OK";
    }
}
