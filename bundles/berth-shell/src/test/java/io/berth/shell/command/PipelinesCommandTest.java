package io.berth.shell.command;

import static io.berth.shell.command.Fakes.print;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.api.Pipeline;
import io.berth.shell.command.Fakes.FakePipeline;

class PipelinesCommandTest {

    @Test
    void showsPathListenersStagesStateCountsAndLatency() {
        FakePipeline main = new FakePipeline("main", "catch_errors", "healthcheck", "hello");
        main.requests = 1500;
        main.errors = 2;
        main.latency = Map.of(0.5, 0.4321, 0.99, 12.345);
        FakePipeline api = new FakePipeline("api", "ratelimit", "swift");
        api.path = "/v1";
        api.listeners = List.of("public", "internal");
        api.state = Pipeline.State.WAITING;
        api.reason = "missing: ratelimit, swift";

        assertThat(print(PipelinesCommand.table(List.of(api, main)))).isEqualTo(""
                + "Name | Path | Listeners       | Stages                         | State                               | Requests | Errors | p50 ms | p99 ms\n"
                + "-----+------+-----------------+--------------------------------+-------------------------------------+----------+--------+--------+-------\n"
                + "api  | /v1  | public internal | ratelimit swift                | WAITING (missing: ratelimit, swift) |        0 |      0 |      - |      -\n"
                + "main | /    | all             | catch_errors healthcheck hello | LIVE                                |     1500 |      2 |   0.43 |   12.3\n");
    }

    @Test
    void theLatencyColumnsSayTheyAreOverTheLastMinute() {
        FakePipeline main = new FakePipeline("main", "hello");
        assertThat(PipelinesCommand.window(List.of(main))).isEqualTo("p50 and p99 over the last 60 s");
        FakePipeline old = new FakePipeline("old", "hello");
        old.window = 0;
        assertThat(PipelinesCommand.window(List.of(main, old)))
                .isEqualTo("p50 and p99 over the last 60 s or since it was configured");
    }

    @Test
    void aFailedPipelineSaysWhy() {
        FakePipeline bad = new FakePipeline("bad", "hello", "catch_errors");
        bad.state = Pipeline.State.FAILED;
        bad.reason = "berth.pipeline-bad: pipeline: 'hello' is an app: only the last stage may be one"; // as PipelineComponent words it

        assertThat(print(PipelinesCommand.table(List.of(bad))))
                .contains("| FAILED: berth.pipeline-bad: pipeline: 'hello' is an app: only the last stage may be one |");
    }

    @Test
    void latencyKeepsThreeFiguresAtMostAndIsADashBeforeTheFirstRequest() {
        assertThat(PipelinesCommand.millis(Double.NaN)).isEqualTo("-");
        assertThat(PipelinesCommand.millis(0.0123)).isEqualTo("0.01");
        assertThat(PipelinesCommand.millis(9.876)).isEqualTo("9.88");
        assertThat(PipelinesCommand.millis(45.67)).isEqualTo("45.7");
        assertThat(PipelinesCommand.millis(1234.5)).isEqualTo("1235");
    }

    @Test
    void noPipelineSaysHowToAddOne() {
        assertThat(print(PipelinesCommand.table(List.of()))).endsWith("No pipeline: add etc/berth.pipeline-NAME.cfg\n");
    }
}
