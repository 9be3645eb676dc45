package io.berth.jmx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import javax.management.MBeanFeatureInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.berth.api.Listener;
import io.berth.api.Pipeline;

/** The component built directly, against an MBeanServer of its own. */
class BerthMBeansTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final BerthMBeans mbeans = new BerthMBeans(server);

    @AfterEach
    void deactivate() {
        mbeans.deactivate();
        assertThat(server.queryNames(all(), null)).as("nothing left behind").isEmpty();
    }

    @Test
    void aListenerShowsItsNumbersAndTakesItsOperations() throws Exception {
        FakeListener main = new FakeListener("main");
        mbeans.addListener(main);
        ObjectName name = new ObjectName("io.berth:type=Listener,name=main");

        assertThat(server.getAttribute(name, "Name")).isEqualTo("main");
        assertThat(server.getAttribute(name, "State")).isEqualTo("SERVING");
        assertThat(server.getAttribute(name, "Url")).isEqualTo("http://0.0.0.0:8080/");
        assertThat(server.getAttribute(name, "Requests")).isEqualTo(42L);
        assertThat(server.getAttribute(name, "Errors")).isEqualTo(2L);
        assertThat(server.getAttribute(name, "RequestsInFlight")).isEqualTo(3L);
        assertThat(server.getAttribute(name, "Reason")).isNull();
        CompositeData[] workers = (CompositeData[]) server.getAttribute(name, "Workers");
        assertThat(workers).hasSize(2);
        assertThat(workers[1].get("index")).isEqualTo(1);
        assertThat(workers[1].get("connections")).isEqualTo(5L);
        assertThat(workers[1].get("requests")).isEqualTo(20L);

        server.invoke(name, "drain", null, null);
        assertThat(server.getAttribute(name, "OutOfService")).isEqualTo(true);
        server.invoke(name, "resume", null, null);
        assertThat(server.getAttribute(name, "OutOfService")).isEqualTo(false);
        server.invoke(name, "reload", null, null);
        assertThat(main.reloads).isEqualTo(1);

        mbeans.removeListener(main);
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void aPipelineShowsItsNumbers() throws Exception {
        mbeans.addPipeline(new FakePipeline("main"));
        ObjectName name = new ObjectName("io.berth:type=Pipeline,name=main");

        assertThat(server.getAttribute(name, "Path")).isEqualTo("/");
        assertThat(server.getAttribute(name, "Stages")).isEqualTo(new String[] {"catch_errors", "hello"});
        assertThat(server.getAttribute(name, "Listeners")).isEqualTo(new String[0]);
        assertThat(server.getAttribute(name, "State")).isEqualTo("LIVE");
        assertThat(server.getAttribute(name, "Requests")).isEqualTo(10L);
        assertThat(server.getAttribute(name, "Errors")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "LatencyP50Millis")).isEqualTo(0.5);
        assertThat(server.getAttribute(name, "LatencyP99Millis")).isEqualTo(0.99);
        CompositeData[] stages = (CompositeData[]) server.getAttribute(name, "StageTimes");
        assertThat(stages[0].get("stage")).isEqualTo("catch_errors");
        assertThat(stages[0].get("meanMicros")).isEqualTo(2.0);
    }

    @Test
    void theNameShowsTheLatestServiceAndTheEarlierOneAgainWhenItLeaves() throws Exception {
        FakeListener old = new FakeListener("main");
        FakeListener replacement = new FakeListener("main");
        replacement.url = "http://0.0.0.0:9090/";
        ObjectName name = new ObjectName("io.berth:type=Listener,name=main");

        mbeans.addListener(old);
        mbeans.addListener(replacement);
        assertThat(server.getAttribute(name, "Url")).isEqualTo("http://0.0.0.0:9090/");
        mbeans.removeListener(replacement);
        assertThat(server.getAttribute(name, "Url")).isEqualTo("http://0.0.0.0:8080/");

        mbeans.addListener(replacement);
        mbeans.removeListener(old);
        assertThat(server.getAttribute(name, "Url")).isEqualTo("http://0.0.0.0:9090/");
    }

    @Test
    void aConsoleShowsWhatEachAttributeAndOperationIs() throws Exception {
        mbeans.addListener(new FakeListener("main"));
        mbeans.addPipeline(new FakePipeline("main"));

        MBeanInfo listener = server.getMBeanInfo(new ObjectName("io.berth:type=Listener,name=main"));
        assertThat(Arrays.stream(listener.getOperations()).filter(o -> o.getName().equals("drain")).findFirst()
                .orElseThrow().getDescription()).startsWith("Take it out of service without closing");
        for (String type : new String[] {"Listener", "Pipeline"}) {
            MBeanInfo info = server.getMBeanInfo(new ObjectName("io.berth:type=" + type + ",name=main"));
            assertThat(info.getDescription()).startsWith("A Berth " + type.toLowerCase());
            for (MBeanFeatureInfo member : info.getAttributes()) {
                assertThat(member.getDescription()).as(type + " " + member.getName())
                        .isNotEqualTo(member.getName()).doesNotContain("exposed for management");
            }
            for (MBeanFeatureInfo member : info.getOperations()) {
                assertThat(member.getDescription()).as(type + " " + member.getName()).doesNotContain("exposed for management");
            }
        }
    }

    @Test
    void namesWithReservedCharactersAreQuoted() throws Exception {
        mbeans.addListener(new FakeListener("a,b=c"));

        assertThat(server.queryNames(new ObjectName("io.berth:type=Listener,*"), null))
                .containsExactly(new ObjectName("io.berth:type=Listener,name=" + ObjectName.quote("a,b=c")));
    }

    private static ObjectName all() {
        try {
            return new ObjectName("io.berth:*");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class FakeListener implements Listener {
        final String name;
        String url = "http://0.0.0.0:8080/";
        boolean out;
        int reloads;

        FakeListener(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public State state() {
            return State.SERVING;
        }

        @Override
        public String reason() {
            return null;
        }

        @Override
        public String url() {
            return url;
        }

        @Override
        public long requestsInFlight() {
            return 3;
        }

        @Override
        public List<Worker> workers() {
            return List.of(new Worker(0, 4, 1, 22, 1), new Worker(1, 5, 2, 20, 1));
        }

        @Override
        public long requests() {
            return 42;
        }

        @Override
        public long errors() {
            return 2;
        }

        @Override
        public void reload() {
            reloads++;
        }

        @Override
        public void drain() {
            out = true;
        }

        @Override
        public void resume() {
            out = false;
        }

        @Override
        public boolean outOfService() {
            return out;
        }
    }

    private static final class FakePipeline implements Pipeline {
        final String name;

        FakePipeline(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public List<String> listeners() {
            return List.of();
        }

        @Override
        public List<String> stages() {
            return List.of("catch_errors", "hello");
        }

        @Override
        public State state() {
            return State.LIVE;
        }

        @Override
        public String reason() {
            return null;
        }

        @Override
        public long requests() {
            return 10;
        }

        @Override
        public long errors() {
            return 1;
        }

        @Override
        public double latencyMillis(double quantile) {
            return quantile;
        }

        @Override
        public List<StageTime> stageTimes() {
            return List.of(new StageTime("catch_errors", 10, 20_000), new StageTime("hello", 10, 50_000));
        }
    }
}
