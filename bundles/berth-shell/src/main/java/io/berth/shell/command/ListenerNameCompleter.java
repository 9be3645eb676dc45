package io.berth.shell.command;

import java.util.Collection;

import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.berth.api.Listener;

/** Completes listener names. */
@Service
public class ListenerNameCompleter extends NameCompleter {

    @Override
    Collection<String> names() {
        return BerthServices.names(context, Listener.class, Listener.NAME_PROPERTY);
    }
}
