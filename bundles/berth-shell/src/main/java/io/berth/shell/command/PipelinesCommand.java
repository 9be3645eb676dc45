package io.berth.shell.command;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.berth.api.Pipeline;

/** {@code berth:pipelines}: what is mounted where, through which stages, whether it serves, and how fast. */
@Service
@Command(scope = "berth", name = "pipelines", description = "Lists the pipelines: path, listeners, stages in order, "
        + "state (LIVE, or WAITING and the stages missing), requests, errors, p50 and p99 latency over the last minute.")
public class PipelinesCommand implements Action {

    @Reference
    BundleContext context;

    @Override
    public Object execute() {
        try (BerthServices services = new BerthServices(context)) {
            List<Pipeline> pipelines = services.pipelines();
            table(pipelines).print(System.out);
            if (!pipelines.isEmpty()) {
                System.out.println(window(pipelines));
            }
        }
        return null;
    }

    static ShellTable table(List<Pipeline> pipelines) {
        ShellTable table = new ShellTable().emptyTableText("No pipeline: add etc/berth.pipeline-NAME.cfg");
        table.column("Name");
        table.column("Path");
        table.column("Listeners");
        table.column("Stages");
        table.column("State");
        table.column("Requests").alignRight();
        table.column("Errors").alignRight();
        table.column("p50 ms").alignRight();
        table.column("p99 ms").alignRight();
        for (Pipeline pipeline : pipelines) {
            table.addRow().addContent(pipeline.name(), pipeline.path(),
                    pipeline.listeners().isEmpty() ? "all" : String.join(" ", pipeline.listeners()),
                    String.join(" ", pipeline.stages()), state(pipeline), pipeline.requests(), pipeline.errors(),
                    millis(pipeline.latencyMillis(0.5)), millis(pipeline.latencyMillis(0.99)));
        }
        return table;
    }

    /** What the latency columns cover: the pipelines' window (Berth's all have the same one). */
    static String window(List<Pipeline> pipelines) {
        return "p50 and p99 " + pipelines.stream().map(PipelinesCommand::over).distinct().collect(Collectors.joining(" or "));
    }

    /** {@code over the last 60 s}, or {@code since it was configured} for a pipeline without a window. */
    static String over(Pipeline pipeline) {
        int seconds = pipeline.latencyWindowSeconds();
        return seconds > 0 ? "over the last " + seconds + " s" : "since it was configured";
    }

    static String state(Pipeline pipeline) {
        switch (pipeline.state()) {
            case WAITING:
                return "WAITING (" + pipeline.reason() + ")";
            case FAILED:
                return "FAILED: " + pipeline.reason();
            default:
                return pipeline.state().name();
        }
    }

    /** Latency to three significant figures at most, {@code -} before the first request. */
    static String millis(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return String.format(Locale.ROOT, millis < 10 ? "%.2f" : millis < 100 ? "%.1f" : "%.0f", millis);
    }
}
