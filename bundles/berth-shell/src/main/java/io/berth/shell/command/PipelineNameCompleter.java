package io.berth.shell.command;

import java.util.Collection;

import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.berth.api.Pipeline;

/** Completes pipeline names. */
@Service
public class PipelineNameCompleter extends NameCompleter {

    @Override
    Collection<String> names() {
        return BerthServices.names(context, Pipeline.class, Pipeline.NAME_PROPERTY);
    }
}
