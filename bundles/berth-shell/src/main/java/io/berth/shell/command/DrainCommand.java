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

/** {@code berth:drain LISTENER}: takes a listener out of a load balancer's rotation without closing it. */
@Service
@Command(scope = "berth", name = "drain", description = "Takes a listener out of service: it keeps serving, but "
        + "healthcheck answers 503 DRAINING so that a load balancer stops sending to it. berth:resume puts it back.")
public class DrainCommand implements Action {

    @Argument(index = 0, name = "listener", description = "The listener to take out of service", required = true)
    @Completion(ListenerNameCompleter.class)
    String listener;

    @Reference
    BundleContext context;

    @Override
    public Object execute() throws CommandException {
        try (BerthServices services = new BerthServices(context)) {
            System.out.println(drain(services.listeners(), listener));
        }
        return null;
    }

    static String drain(List<Listener> listeners, String name) throws CommandException {
        Listener listener = BerthServices.listener(listeners, name);
        if (listener.outOfService()) {
            return "Listener " + name + " is out of service already";
        }
        listener.drain();
        return "Listener " + name + " is out of service: healthcheck answers 503 DRAINING, requests are still served; "
                + "berth:resume " + name + " puts it back";
    }
}
