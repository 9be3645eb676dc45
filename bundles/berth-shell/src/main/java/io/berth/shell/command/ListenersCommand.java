package io.berth.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.berth.api.Listener;

/** {@code berth:listeners}: what serves where, in what state, and how busy. */
@Service
@Command(scope = "berth", name = "listeners", description = "Lists the listeners: address, TLS, state, workers, "
        + "open connections, requests in flight, requests served and failed.")
public class ListenersCommand implements Action {

    @Reference
    BundleContext context;

    @Override
    public Object execute() {
        try (BerthServices services = new BerthServices(context)) {
            table(services.listeners()).print(System.out);
        }
        return null;
    }

    static ShellTable table(List<Listener> listeners) {
        ShellTable table = new ShellTable().emptyTableText("No listener: add etc/berth.listener-NAME.cfg");
        table.column("Name");
        table.column("Address");
        table.column("TLS");
        table.column("State");
        table.column("Workers").alignRight();
        table.column("Connections").alignRight();
        table.column("In flight").alignRight();
        table.column("Requests").alignRight();
        table.column("Errors").alignRight();
        for (Listener listener : listeners) {
            List<Listener.Worker> workers = listener.workers();
            String url = listener.url();
            table.addRow().addContent(listener.name(), address(url), url != null && url.startsWith("https:") ? "yes" : "no",
                    state(listener), workers.size(),
                    workers.stream().mapToLong(Listener.Worker::connections).sum(),
                    listener.requestsInFlight(), // connectors draining after a reload included
                    listener.requests(), listener.errors());
        }
        return table;
    }

    /** {@code http://[::1]:8080/} is shown as {@code [::1]:8080}: the TLS column tells the scheme. */
    static String address(String url) {
        if (url == null || url.isEmpty()) {
            return "-";
        }
        String address = url.substring(url.indexOf("://") + 3);
        return address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    }

    static String state(Listener listener) {
        Listener.State state = listener.state();
        if (state == Listener.State.SERVING && listener.outOfService()) {
            return Listener.State.DRAINING.name(); // taken out by berth:drain: healthcheck answers DRAINING
        }
        if (state == Listener.State.FAILED) {
            return "FAILED: " + listener.reason();
        }
        return state.name();
    }
}
