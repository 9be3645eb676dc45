package io.berth.shell.command;

import java.util.Collection;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.berth.api.AppFactory;
import io.berth.api.Berth;
import io.berth.api.StageFactory;

/** Completes the names of the stage types available now, middleware and apps. */
@Service
public class StageNameCompleter extends NameCompleter {

    @Override
    Collection<String> names() {
        Collection<String> names = new TreeSet<>(BerthServices.names(context, StageFactory.class, Berth.STAGE_PROPERTY));
        names.addAll(BerthServices.names(context, AppFactory.class, Berth.STAGE_PROPERTY));
        return names;
    }
}
