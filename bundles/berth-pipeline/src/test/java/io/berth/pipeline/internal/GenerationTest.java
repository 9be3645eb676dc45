package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import io.berth.api.Berth;
import io.berth.api.InvalidSettingException;
import io.berth.api.StageMeasures;

/**
 * One generation's registrations, in a fake whiteboard: what is registered with which properties,
 * in which order, and how it is taken away; the requests it counts. That Felix resolves over
 * these as {@link Generation} says is checked by the itests.
 */
class GenerationTest {

    private final FakeWhiteboard whiteboard = new FakeWhiteboard();
    private final PipelineStats stats = new PipelineStats();

    @Test
    void itsContextIsAtThePipelinesPathRankedByItsNumber() throws Exception {
        generation(live("tag-a hello", "/v1"), 7);

        FakeWhiteboard.Registration context = whiteboard.all(ServletContextHelper.class).get(0);
        assertThat(context.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME)).isEqualTo("berth.pipeline.main.7");
        assertThat(context.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH)).isEqualTo("/v1");
        assertThat(context.get(Constants.SERVICE_RANKING)).isEqualTo(7);
        assertThat(context.get("berth.pipeline")).isEqualTo("main");
        assertThat(whiteboard.registrations).as("nothing serves before its servlet").hasSize(1);
    }

    @Test
    void itRegistersTheFiltersRankedInPipelineOrderThenTheServletLast() throws Exception {
        Generation generation = generation(live("tag-a tag-b hello", "/"), 1);
        Filter a = (request, response, chain) -> chain.doFilter(request, response);
        Filter b = (request, response, chain) -> chain.doFilter(request, response);
        Servlet app = PipelineComponentTest.hello().create(Map.of());

        generation.serve(List.of(a, b), app);

        List<FakeWhiteboard.Registration> all = whiteboard.registrations;
        assertThat(all).extracting(r -> r.service).containsExactly(generation, a, b, app);
        String select = "(osgi.http.whiteboard.context.name=berth.pipeline.main.1)";
        assertThat(all.subList(1, 4)).allSatisfy(r -> assertThat(r.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT))
                .isEqualTo(select));
        assertThat(all.subList(1, 3)).extracting(FakeWhiteboard.Registration::ranking)
                .containsExactly(Generation.FIRST_RANKING, Generation.FIRST_RANKING - 1);
        assertThat(all).extracting(r -> r.get(Berth.STAGE_PROPERTY)).containsExactly(null, "tag-a", "tag-b", "hello");
        assertThat(all.get(3).get(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED)).isEqualTo(true);
        assertThat(whiteboard.get("/x", "main").body()).isEqualTo("hello\n");
    }

    @Test
    void itGoesServletFirstSoThePathResolvesPastItAtOnceAndMayBeToldTwice() throws Exception {
        Generation generation = generation(live("tag-a tag-b hello", "/"), 1);
        generation.serve(List.of((request, response, chain) -> chain.doFilter(request, response),
                (request, response, chain) -> chain.doFilter(request, response)),
                PipelineComponentTest.hello().create(Map.of()));
        List<FakeWhiteboard.Registration> registered = new ArrayList<>(whiteboard.registrations);

        generation.unregister();
        generation.unregister();

        assertThat(whiteboard.unregistered).containsExactly(registered.get(3), registered.get(2), registered.get(1),
                registered.get(0));
    }

    @Test
    void whileItCannotServeItsOnlyServletAnswers503WithTheReason() throws Exception {
        Generation generation = generation(Arrangement.unavailable(settings("tag-a hello", "/"),
                "Pipeline main is waiting for stages: tag-a"), 2);

        generation.refuse();
        Exchange exchange = whiteboard.get("/x", "main");

        assertThat(exchange.status()).isEqualTo(503);
        assertThat(exchange.body()).isEqualTo("Pipeline main is waiting for stages: tag-a\n");
        assertThat(exchange.headers).containsEntry("Retry-After", "5")
                .containsEntry("Content-Type", "text/plain;charset=utf-8");
        assertThat(whiteboard.live(Filter.class)).isEmpty();
    }

    @Test
    void aRequestThroughAListenerThePipelineIsNotOnIsNotFoundAndNotCounted() throws Exception {
        Generation generation = generation(live("hello", "/", "listeners", "main"), 1);
        generation.serve(List.of(), PipelineComponentTest.hello().create(Map.of()));

        Exchange admin = whiteboard.get("/x", "admin");

        assertThat(admin.status()).isEqualTo(404);
        assertThat(admin.body()).isEmpty();
        assertThat(generation.inFlight()).isZero();
        assertThat(stats.requests.sum()).isZero();
    }

    @Test
    void aRequestIsInFlightFromHandleSecurityToFinishSecurityAndCountedOnce() throws Exception {
        Generation generation = generation(live("hello", "/"), 1);
        Exchange exchange = new Exchange("/x", "main");

        assertThat(generation.handleSecurity(exchange.request, exchange.response)).isTrue();
        assertThat(generation.inFlight()).isEqualTo(1);
        generation.finishSecurity(exchange.request, exchange.response);

        assertThat(generation.inFlight()).isZero();
        assertThat(stats.requests.sum()).isEqualTo(1);
        assertThat(exchange.attributes.get(Generation.TAKEN)).isInstanceOfSatisfying(Generation.Taken.class,
                taken -> assertThat(taken.counted).isTrue());
        assertThat(generation.handleSecurity(exchange.request, exchange.response)).isTrue();
        generation.finishSecurity(exchange.request, exchange.response);
        assertThat(stats.requests.sum()).as("dispatched a second time").isEqualTo(1);
        assertThat(generation.inFlight()).isZero();
    }

    @Test
    void anAsynchronousRequestIsInFlightUntilItCompletes() throws Exception {
        Generation generation = generation(live("hello", "/"), 1);
        Exchange exchange = new Exchange("/x", "main");
        List<AsyncListener> listeners = new ArrayList<>();
        ClassLoader loader = getClass().getClassLoader();
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(loader, new Class<?>[] {AsyncContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("addListener")) {
                        listeners.add((AsyncListener) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        HttpServletRequest asyncRequest = (HttpServletRequest) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isAsyncStarted":
                            return true;
                        case "getAsyncContext":
                            return async;
                        default:
                            return method.invoke(exchange.request, args);
                    }
                });
        HttpServletResponse response = exchange.response;

        generation.handleSecurity(asyncRequest, response);
        generation.finishSecurity(asyncRequest, response);
        assertThat(generation.inFlight()).as("after the servlet returned").isEqualTo(1);
        assertThat(stats.requests.sum()).isZero();

        listeners.get(0).onComplete(new AsyncEvent(async, asyncRequest, response));

        assertThat(generation.inFlight()).as("once complete").isZero();
        assertThat(stats.requests.sum()).isEqualTo(1);
    }

    private Generation generation(Arrangement arrangement, int number) {
        return new Generation(whiteboard.context, "main", number, arrangement, Map.<String, StageMeasures>of(), stats);
    }

    private static Arrangement live(String pipeline, String path, String... more) throws InvalidSettingException {
        return Arrangement.live(settings(pipeline, path, more), List.of());
    }

    private static PipelineSettings settings(String pipeline, String path, String... more) throws InvalidSettingException {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of("pipeline", pipeline, "path", path));
        for (int i = 0; i < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        return PipelineSettings.parse("main", properties);
    }
}
