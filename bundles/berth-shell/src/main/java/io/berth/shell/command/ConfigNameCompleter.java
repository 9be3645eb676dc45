package io.berth.shell.command;

import java.util.Collection;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.berth.api.Listener;
import io.berth.api.Pipeline;

/** Completes the configuration names {@code berth:config} takes: {@code berth.listener-NAME}, {@code berth.pipeline-NAME}. */
@Service
public class ConfigNameCompleter extends NameCompleter {

    @Override
    Collection<String> names() {
        Collection<String> names = new TreeSet<>();
        BerthServices.names(context, Listener.class, Listener.NAME_PROPERTY).forEach(name -> names.add("berth.listener-" + name));
        BerthServices.names(context, Pipeline.class, Pipeline.NAME_PROPERTY).forEach(name -> names.add("berth.pipeline-" + name));
        return names;
    }
}
