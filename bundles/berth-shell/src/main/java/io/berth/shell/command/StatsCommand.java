package io.berth.shell.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.berth.api.Pipeline;

/** {@code berth:stats [pipeline]}: where a pipeline's time goes, stage by stage, to find the slow filter. */
@Service
@Command(scope = "berth", name = "stats", description = "Shows the time each stage of a pipeline spends on requests "
        + "(its own part, not the stages after it): requests, mean, total, and its share of the pipeline's stage time; "
        + "then each pipeline's p50 and p99 latency over the last minute.")
public class StatsCommand implements Action {

    @Argument(index = 0, name = "pipeline", description = "The pipeline to show; all when left out")
    @Completion(PipelineNameCompleter.class)
    String pipeline;

    @Reference
    BundleContext context;

    @Override
    public Object execute() throws CommandException {
        try (BerthServices services = new BerthServices(context)) {
            List<Pipeline> shown = shown(services.pipelines(), pipeline);
            table(shown).print(System.out);
            latencies(shown).forEach(System.out::println);
        }
        return null;
    }

    static List<Pipeline> shown(List<Pipeline> pipelines, String name) throws CommandException {
        return name == null ? pipelines : List.of(BerthServices.pipeline(pipelines, name));
    }

    /**
     * One line per pipeline: its p50 and p99 from the same {@link Pipeline} service as
     * {@code berth:pipelines}, over the same window.
     */
    static List<String> latencies(List<Pipeline> shown) {
        List<String> lines = new ArrayList<>();
        for (Pipeline pipeline : shown) {
            double p50 = pipeline.latencyMillis(0.5);
            lines.add(pipeline.name() + ": " + (Double.isNaN(p50) ? "no request"
                    : "p50 " + PipelinesCommand.millis(p50) + " ms, p99 " + PipelinesCommand.millis(pipeline.latencyMillis(0.99)) + " ms")
                    + " " + PipelinesCommand.over(pipeline) + " (" + pipeline.requests() + " requests since it was configured)");
        }
        return lines;
    }

    static ShellTable table(List<Pipeline> shown) {
        ShellTable table = new ShellTable().emptyTableText("No pipeline has served through its stages yet");
        table.column("Pipeline");
        table.column("Stage");
        table.column("Requests").alignRight();
        table.column("Mean µs").alignRight();
        table.column("Total ms").alignRight();
        table.column("Share").alignRight();
        for (Pipeline pipeline : shown) {
            List<Pipeline.StageTime> times = pipeline.stageTimes();
            long total = times.stream().mapToLong(Pipeline.StageTime::nanos).sum();
            for (Pipeline.StageTime time : times) {
                table.addRow().addContent(pipeline.name(), time.stage(), time.requests(),
                        String.format(Locale.ROOT, "%.1f", time.meanMicros()),
                        String.format(Locale.ROOT, "%.1f", time.nanos() / 1e6),
                        total == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * time.nanos() / total));
            }
        }
        return table;
    }
}
