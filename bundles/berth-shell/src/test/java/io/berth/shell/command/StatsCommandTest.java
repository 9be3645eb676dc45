package io.berth.shell.command;

import static io.berth.shell.command.Fakes.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

import io.berth.api.Pipeline.StageTime;
import io.berth.shell.command.Fakes.FakePipeline;

class StatsCommandTest {

    private final FakePipeline main = new FakePipeline("main", "catch_errors", "ratelimit", "hello");
    private final FakePipeline idle = new FakePipeline("idle", "hello");

    StatsCommandTest() {
        main.stageTimes = List.of(new StageTime("catch_errors", 1000, 2_000_000), new StageTime("ratelimit", 1000, 6_000_000),
                new StageTime("hello", 1000, 12_000_000));
        idle.stageTimes = List.of(new StageTime("hello", 0, 0));
    }

    @Test
    void showsEachStagesMeanTotalAndShareSoTheSlowOneStandsOut() throws Exception {
        assertThat(print(StatsCommand.table(StatsCommand.shown(List.of(idle, main), null)))).isEqualTo(""
                + "Pipeline | Stage        | Requests | Mean µs | Total ms | Share\n"
                + "---------+--------------+----------+---------+----------+------\n"
                + "idle     | hello        |        0 |     0.0 |      0.0 |     -\n"
                + "main     | catch_errors |     1000 |     2.0 |      2.0 | 10.0%\n"
                + "main     | ratelimit    |     1000 |     6.0 |      6.0 | 30.0%\n"
                + "main     | hello        |     1000 |    12.0 |     12.0 | 60.0%\n");
    }

    @Test
    void eachPipelinesP50AndP99OverTheLastMinuteFollow() {
        main.requests = 1000;
        main.latency = java.util.Map.of(0.5, 0.4321, 0.99, 12.345);
        assertThat(StatsCommand.latencies(List.of(idle, main))).containsExactly(
                "idle: no request over the last 60 s (0 requests since it was configured)",
                "main: p50 0.43 ms, p99 12.3 ms over the last 60 s (1000 requests since it was configured)");
    }

    @Test
    void onePipeline() throws Exception {
        assertThat(print(StatsCommand.table(StatsCommand.shown(List.of(idle, main), "main")))).contains("ratelimit").doesNotContain("idle");
    }

    @Test
    void anUnknownPipelineIsOneLineListingThoseThatExist() {
        assertThatThrownBy(() -> StatsCommand.shown(List.of(idle, main), "api")).isInstanceOf(CommandException.class)
                .hasMessage("No pipeline named api; pipelines: idle, main");
    }
}
