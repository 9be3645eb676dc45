package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

import io.berth.api.Pipeline.StageAnswer;

class StageAnswersTest {

    private final PipelineStats stats = new PipelineStats();
    private final FilterChain app = (request, response) -> ((HttpServletResponse) response).setStatus(200);

    /** A stage that refuses with this status, as ratelimit does, without calling its chain. */
    private static Filter refusing(int status) {
        return (request, response, chain) -> ((HttpServletResponse) response).setStatus(status);
    }

    private static Filter passing() {
        return (request, response, chain) -> chain.doFilter(request, response);
    }

    private static void serve(Filter filter, FilterChain chain) throws Exception {
        Exchange exchange = new Exchange("/", "main");
        filter.doFilter(exchange.request, exchange.response, chain);
    }

    @Test
    void aStageThatReturnsWithoutCallingItsChainAnsweredAndIsCountedByStatus() throws Exception {
        Filter ratelimit = stats.timed("ratelimit", refusing(429));
        Filter healthcheck = stats.timed("healthcheck", refusing(503));

        serve(ratelimit, app);
        serve(ratelimit, app);
        serve(healthcheck, app);

        assertThat(stats.stageAnswers(List.of("ratelimit", "healthcheck"))).containsExactly(
                new StageAnswer("ratelimit", 429, 2), new StageAnswer("healthcheck", 503, 1));
    }

    @Test
    void aStageThatPassesTheRequestOnAnsweredNothingWhateverTheStatus() throws Exception {
        Filter gatekeeper = stats.timed("gatekeeper", passing());

        serve(gatekeeper, app);
        serve(gatekeeper, (request, response) -> ((HttpServletResponse) response).setStatus(404));

        assertThat(stats.stageAnswers(List.of("gatekeeper"))).isEmpty();
        assertThat(stats.stageTimes(List.of("gatekeeper")).get(0).requests()).isEqualTo(2);
    }

    @Test
    void aStageThatThrowsAnsweredNothing() throws Exception {
        Filter broken = stats.timed("broken", (request, response, chain) -> {
            ((HttpServletResponse) response).setStatus(400);
            throw new ServletException("boom");
        });

        assertThatThrownBy(() -> serve(broken, app)).isInstanceOf(ServletException.class);

        assertThat(stats.stageAnswers(List.of("broken"))).isEmpty();
    }

    @Test
    void codesComeLowestFirstAndAnInvalidStatusIsCountedAsZero() throws Exception {
        Filter odd = stats.timed("odd", refusing(0));
        Filter limits = stats.timed("request_limits", refusing(431));
        Filter limits413 = stats.timed("request_limits", refusing(413));

        serve(limits, app);
        serve(limits413, app);
        serve(odd, app);

        assertThat(stats.stageAnswers(List.of("request_limits", "odd", "absent"))).containsExactly(
                new StageAnswer("request_limits", 413, 1), new StageAnswer("request_limits", 431, 1),
                new StageAnswer("odd", 0, 1));
    }
}
