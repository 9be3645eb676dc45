package io.berth.shell.command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.support.table.ShellTable;

import io.berth.api.Listener;
import io.berth.api.Pipeline;

/** Hand-written Berth services and output capture for the commands' tests. */
final class Fakes {

    private Fakes() {
    }

    /** A table as a command prints it (ASCII: a plain PrintStream says nothing of a terminal's charset). */
    static String print(ShellTable table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    interface Body {
        void run() throws Exception;
    }

    /** What {@code body} writes to System.out, where Karaf's shell gives each command its session's output. */
    static synchronized String stdout(Body body) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static final class FakeListener implements Listener {
        final String name;
        State state = State.SERVING;
        String reason;
        String url;
        long inFlight;
        List<Worker> workers = List.of(new Worker(0, 0, 0, 0, 0));
        long requests;
        long errors;
        boolean outOfService;
        final List<String> calls = new ArrayList<>();

        FakeListener(String name, String url) {
            this.name = name;
            this.url = url;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public String url() {
            return url;
        }

        @Override
        public long requestsInFlight() {
            return inFlight;
        }

        @Override
        public List<Worker> workers() {
            return workers;
        }

        @Override
        public long requests() {
            return requests;
        }

        @Override
        public long errors() {
            return errors;
        }

        @Override
        public void reload() {
            calls.add("reload");
        }

        @Override
        public void drain() {
            calls.add("drain");
            outOfService = true;
        }

        @Override
        public void resume() {
            calls.add("resume");
            outOfService = false;
        }

        @Override
        public boolean outOfService() {
            return outOfService;
        }
    }

    static final class FakePipeline implements Pipeline {
        final String name;
        String path = "/";
        List<String> listeners = List.of();
        List<String> stages;
        State state = State.LIVE;
        String reason;
        long requests;
        long errors;
        Map<Double, Double> latency = Map.of();
        int window = 60;
        List<StageTime> stageTimes = List.of();

        FakePipeline(String name, String... stages) {
            this.name = name;
            this.stages = List.of(stages);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public List<String> listeners() {
            return listeners;
        }

        @Override
        public List<String> stages() {
            return stages;
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public long requests() {
            return requests;
        }

        @Override
        public long errors() {
            return errors;
        }

        @Override
        public double latencyMillis(double quantile) {
            return latency.getOrDefault(quantile, Double.NaN);
        }

        @Override
        public int latencyWindowSeconds() {
            return window;
        }

        @Override
        public List<StageTime> stageTimes() {
            return stageTimes;
        }
    }
}
