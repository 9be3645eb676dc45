package io.berth.shell.command;

import java.util.Collection;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

/** Completes the names that exist when the user presses tab. */
abstract class NameCompleter implements Completer {

    @Reference
    BundleContext context;

    /** @return the names to offer */
    abstract Collection<String> names();

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(names(), true).complete(session, commandLine, candidates);
    }
}
