package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.berth.api.StageFactory;

/**
 * The berth:* commands in the real distribution: each command's output and its errors, and the
 * names its arguments complete, as an operator types them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellTest extends BerthTestSupport {

    @Test(timeout = 120_000)
    public void listenersShowsWhereEachServesItsStateAndItsCounts() throws Exception {
        awaitStatus("/hello", 200);

        List<String> main = awaitRow("berth:listeners", "main", row -> Long.parseLong(row.get(7)) > 0);

        assertEquals(List.of("main", "0.0.0.0:" + mainPort(), "no", "SERVING", "1"), main.subList(0, 5));
        assertEquals("errors", "0", main.get(8));
        assertEquals(List.of("Name", "Address", "TLS", "State", "Workers", "Connections", "In flight", "Requests", "Errors"),
                cells(execute("berth:listeners").lines().findFirst().orElseThrow()));
    }

    @Test(timeout = 120_000)
    public void aListenerThatCannotStartIsFailedWithItsReason() throws Exception {
        Configuration broken = listener("shellbroken", Map.of("bind_port", "eighty"));
        try {
            List<String> row = awaitRow("berth:listeners", "shellbroken", r -> r.get(3).startsWith("FAILED"));

            assertTrue(row.get(3), row.get(3).startsWith("FAILED: berth.listener-shellbroken: bind_port"));
            assertEquals("-", row.get(1));
        } finally {
            broken.delete();
        }
    }

    @Test(timeout = 120_000)
    public void drainTakesTheListenerOutOfServiceAndResumePutsItBack() throws Exception {
        awaitStatus("/healthcheck", 200);
        try {
            assertEquals("Listener main is out of service: healthcheck answers 503 DRAINING, requests are still served; "
                    + "berth:resume main puts it back\n", executeAsAdmin("berth:drain main"));

            assertEquals("DRAINING", awaitStatus("/healthcheck", 503).body());
            assertEquals("requests are still served", "Hello from Berth", awaitStatus("/hello", 200).body());
            assertEquals("DRAINING", row(execute("berth:listeners"), "main").get(3));
            assertEquals("Listener main is out of service already\n", executeAsAdmin("berth:drain main"));
        } finally {
            assertEquals("Listener main is back in service: healthcheck answers OK\n", executeAsAdmin("berth:resume main"));
        }
        assertEquals("OK", awaitStatus("/healthcheck", 200).body());
        assertEquals("SERVING", row(execute("berth:listeners"), "main").get(3));
        assertEquals("Listener main is in service already\n", executeAsAdmin("berth:resume main"));
    }

    @Test(timeout = 120_000)
    public void commandsThatChangeWhatServesNeedTheAdminRole() throws Exception {
        for (String command : List.of("berth:reload", "berth:drain main", "berth:resume main",
                "berth:import-paste --dry-run /nonexistent.ini")) {
            try {
                String out = executeAs(command, "viewer");
                fail(command + " as a viewer should have been refused, but printed: " + out);
            } catch (Exception e) {
                // Karaf hides a command from a user whose roles may not run it.
                assertTrue(command + ": " + e.getMessage(), String.valueOf(e.getMessage())
                        .matches("(?s).*(Command not found: " + command.split(" ")[0] + "|Insufficient credentials).*"));
            }
        }
        // What only shows stays open to a viewer.
        assertTrue(executeAs("berth:listeners", "viewer").contains("main"));
        assertTrue(executeAs("berth:pipelines", "viewer").contains("main"));
        assertEquals("SERVING", row(executeAs("berth:listeners", "viewer"), "main").get(3));
    }

    @Test(timeout = 120_000)
    public void drainAndResumeOfAnUnknownListenerIsOneLineNamingThoseThatExist() throws Exception {
        String error = error("berth:drain mian");
        assertTrue(error, error.matches("No listener named mian; listeners: (.*, )?main(, .*)?"));
        assertEquals(error, error("berth:resume mian"));

        String missing = error("berth:drain");
        assertEquals("Argument listener is required", missing);
        assertFalse(missing, missing.contains("\n"));
    }

    @Test(timeout = 120_000)
    public void reloadReloadsEveryListenerOrOneAndSaysWhatItDid() throws Exception {
        awaitStatus("/hello", 200);

        String all = executeAsAdmin("berth:reload");
        assertTrue(all, all.contains(
                "Reloaded listener main: a new connector serves, the old one drains (graceful_shutdown_timeout)\n"));
        awaitLog("Berth listener main: reload requested");

        assertEquals("Reloaded listener main: a new connector serves, the old one drains (graceful_shutdown_timeout)\n",
                executeAsAdmin("berth:reload main"));
        awaitStatus("/hello", 200);

        String unknown = error("berth:reload mian");
        assertTrue(unknown, unknown.startsWith("No listener named 'mian'; listeners: "));
    }

    @Test(timeout = 120_000)
    public void stagesListsEachStageTypeWithTheBundleThatProvidesIt() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("shell-tag");
        try {
            String out = awaitOutput("berth:stages", o -> o.contains("shell-tag"));

            List<String> catchErrors = row(out, "catch_errors");
            assertEquals("middleware", catchErrors.get(1));
            assertTrue(catchErrors.get(2), catchErrors.get(2).matches("io\\.berth\\.middleware \\[\\d+\\]"));
            assertEquals("app", row(out, "hello").get(1));
            assertTrue(row(out, "hello").get(2), row(out, "hello").get(2).startsWith("io.berth.example.hello ["));
            assertEquals(List.of("shell-tag", "middleware",
                    context.getBundle().getSymbolicName() + " [" + context.getBundle().getBundleId() + "]"),
                    row(out, "shell-tag"));

            String one = execute("berth:stages shell-tag");
            assertEquals(3, one.lines().count()); // header, rule, the one row
        } finally {
            tag.unregister();
        }
        String gone = error("berth:stages shell-tag");
        assertTrue(gone, gone.startsWith("No stage type named shell-tag; stage types: ") && gone.contains("catch_errors"));
    }

    @Test(timeout = 120_000)
    public void pipelinesShowPathListenersStagesStateCountsAndLatency() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("shell-p");
        Configuration live = pipeline("shelllive", Map.of("pipeline", "shell-p hello", "path", "/shelllive",
                "listeners", "main"));
        Configuration waiting = pipeline("shellwaiting", Map.of("pipeline", "shell-absent shell-gone hello",
                "path", "/shellwaiting"));
        try {
            awaitStages("/shelllive/x", List.of("shell-p"));
            for (int i = 0; i < 5; i++) {
                awaitStatus("/shelllive/x", 200);
            }

            List<String> row = awaitRow("berth:pipelines", "shelllive", r -> Long.parseLong(r.get(5)) >= 6);
            assertEquals(List.of("shelllive", "/shelllive", "main", "shell-p hello", "LIVE"), row.subList(0, 5));
            assertEquals("errors", "0", row.get(6));
            assertTrue("p50 " + row.get(7), row.get(7).matches("[0-9.]+"));
            assertTrue("p99 " + row.get(8), row.get(8).matches("[0-9.]+"));

            List<String> stuck = awaitRow("berth:pipelines", "shellwaiting", r -> r.get(4).startsWith("WAITING"));
            assertEquals(List.of("shellwaiting", "/shellwaiting", "all", "shell-absent shell-gone hello",
                    "WAITING (missing: shell-absent, shell-gone)", "0", "0", "-", "-"), stuck);

            String table = execute("berth:pipelines");
            assertTrue(table, table.endsWith("p50 and p99 over the last 60 s\n"));
            List<String> shipped = row(table, "main");
            assertEquals(List.of("main", "/", "main", "catch_errors gatekeeper healthcheck proxy_logging hello", "LIVE"),
                    shipped.subList(0, 5));
        } finally {
            waiting.delete();
            live.delete();
            tag.unregister();
        }
    }

    @Test(timeout = 120_000)
    public void statsShowsTheTimeEachStageTakes() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("shell-s");
        Configuration timed = pipeline("shellstats", Map.of("pipeline", "shell-s hello", "path", "/shellstats"));
        try {
            awaitStages("/shellstats/x", List.of("shell-s"));
            for (int i = 0; i < 3; i++) {
                awaitStatus("/shellstats/x", 200);
            }

            String out = awaitOutput("berth:stats shellstats", o -> o.lines().count() == 5
                    && Long.parseLong(cells(o.lines().skip(2).findFirst().orElseThrow()).get(2)) >= 4);
            List<String> lines = out.lines().collect(Collectors.toList());
            assertEquals(List.of("Pipeline", "Stage", "Requests", "Mean µs", "Total ms", "Share"), cells(lines.get(0)));
            List<String> stage = cells(lines.get(2));
            List<String> app = cells(lines.get(3));
            assertEquals(List.of("shellstats", "shell-s"), stage.subList(0, 2));
            assertEquals(List.of("shellstats", "hello"), app.subList(0, 2));
            assertTrue(stage.toString(), Long.parseLong(stage.get(2)) >= 4);
            double shares = Double.parseDouble(stage.get(5).replace("%", "")) + Double.parseDouble(app.get(5).replace("%", ""));
            assertEquals(100.0, shares, 0.2);
            assertTrue(lines.get(4), lines.get(4).matches(
                    "shellstats: p50 [0-9.]+ ms, p99 [0-9.]+ ms over the last 60 s \\(\\d+ requests since it was configured\\)"));

            assertTrue("every pipeline", execute("berth:stats").contains("catch_errors"));
        } finally {
            timed.delete();
            tag.unregister();
        }
        String unknown = error("berth:stats shellstats");
        assertTrue(unknown, unknown.startsWith("No pipeline named shellstats; pipelines: ") && unknown.contains("main"));
    }

    @Test(timeout = 120_000)
    public void configShowsTheEffectiveSettingsWithSecretsMasked() throws Exception {
        // A key's value is masked whichever stage it belongs to: hello has no such setting and fails to start.
        Configuration failing = pipeline("shellfailing", Map.of("pipeline", "hello", "path", "/shellfailing",
                "hello.api_token", "hunter2"));
        Configuration secret = pipeline("shellsecret", Map.of("pipeline", "tempauth hello", "path", "/shellsecret",
                "tempauth.user_test_tester", "sesame"));
        try {
            String all = awaitOutput("berth:config", o -> o.contains("berth.pipeline-shellsecret")
                    && o.contains("berth.pipeline-shellfailing"));
            assertTrue(all, all.contains("berth.listener-main.bind_port = " + mainPort() + "\n"));
            assertTrue(all, all.contains("berth.pipeline-shellfailing.hello.api_token = ****\n"));
            assertTrue(all, all.contains("berth.pipeline-shellsecret.tempauth.user_test_tester = ****\n"));
            assertFalse(all, all.contains("hunter2") || all.contains("sesame"));

            // Karaf's own config:list masks them too, while the pipeline still gets the real key.
            String listed = execute("config:list \"(service.factoryPid=berth.pipeline)\"");
            assertTrue(listed, listed.contains("   hello.api_token = ****\n")
                    && listed.contains("   tempauth.user_test_tester = ****\n") && listed.contains("   path = /shellsecret\n"));
            assertFalse(listed, listed.contains("hunter2") || listed.contains("sesame"));
            awaitStatus("/shellsecret/auth/v1.0", 401);
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mainPort()
                    + "/shellsecret/auth/v1.0")).header("X-Auth-User", "test:tester").header("X-Auth-Key", "sesame")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode());

            String one = execute("berth:config berth.listener-main");
            assertTrue(one, one.contains("berth.listener-main.bind_port = " + mainPort() + "\n"));
            assertFalse(one, one.contains("berth.pipeline-"));
        } finally {
            secret.delete();
            failing.delete();
        }
        String unknown = error("berth:config berth.listener-nope");
        assertTrue(unknown, unknown.startsWith("No configuration named berth.listener-nope") && unknown.contains("berth.listener-main"));
    }

    @Test(timeout = 120_000)
    public void importPasteDryRunPrintsThePipelinesAndTheImportCreatesThem() throws Exception {
        Path dir = Files.createTempDirectory("shell-paste");
        Path ini = Files.writeString(dir.resolve("shell-proxy.ini"), String.join("\n",
                "[composite:main]", "use = egg:Paste#urlmap", "/shellpaste = api", "",
                "[pipeline:api]", "pipeline = errors hello", "",
                "[filter:errors]", "use = egg:swift#catch_errors", "trans_id_suffix = -shell", "",
                "[app:hello]", "use = berth#hello", ""));
        try {
            String dry = executeAsAdmin("berth:import-paste --dry-run " + ini);
            assertEquals(String.join("\n",
                    "Dry run, nothing changed: importing " + ini + " would create or update 1 pipeline",
                    "Pipeline  | Path        | Listeners | Stages",
                    "----------+-------------+-----------+-------------------",
                    "paste-api | /shellpaste | all       | catch_errors hello",
                    "",
                    "Pipeline  | Setting                      | Value",
                    "----------+------------------------------+-------",
                    "paste-api | catch_errors.trans_id_suffix | -shell",
                    ""), ascii(dry));
            // Nothing was created: the path still falls to the shipped pipeline at /.
            String before = get(URI.create("http://127.0.0.1:" + mainPort() + "/shellpaste/x")).headers()
                    .firstValue("X-Trans-Id").orElse("");
            assertFalse(before, before.endsWith("-shell"));
            assertFalse(execute("berth:pipelines").contains("paste-api"));

            String imported = executeAsAdmin("berth:import-paste " + ini);
            assertTrue(imported, imported.startsWith("Imported " + ini + ": created or updated 1 pipeline\n"));

            List<String> row = awaitRow("berth:pipelines", "paste-api", r -> r.get(4).equals("LIVE"));
            assertEquals(List.of("paste-api", "/shellpaste", "all", "catch_errors hello", "LIVE"), row.subList(0, 5));
            String transId = awaitStatus("/shellpaste/x", 200).headers().firstValue("X-Trans-Id").orElse("");
            assertTrue(transId, transId.endsWith("-shell"));
        } finally {
            configurationAdmin.getFactoryConfiguration("berth.pipeline", "paste-api", "?").delete();
            Files.delete(ini);
            Files.delete(dir);
        }
    }

    @Test(timeout = 120_000)
    public void importPasteErrorsAreOneLine() throws Exception {
        Path dir = Files.createTempDirectory("shell-paste");
        Path bad = Files.writeString(dir.resolve("bad.ini"), "[pipeline:main]\npipeline = errors hello\n\n"
                + "[filter:errors]\nuse = egg:swift#no_such_stage\n\n[app:hello]\nuse = berth#hello\n");
        try {
            String error = error("berth:import-paste --dry-run " + bad);
            assertTrue(error, error.startsWith(bad + ", [filter:errors] line 5: unknown use 'egg:swift#no_such_stage'"));
            assertEquals(error, error("berth:import-paste " + bad));

            assertEquals("No such file: " + dir.resolve("nope.ini"), error("berth:import-paste " + dir.resolve("nope.ini")));
            assertEquals("Argument file is required", error("berth:import-paste"));
        } finally {
            Files.delete(bad);
            Files.delete(dir);
        }
    }

    @Test(timeout = 120_000)
    public void argumentsCompleteWithTheNamesThatExist() throws Exception {
        // As an admin: Karaf offers a user only the commands its roles may run.
        doAs(() -> {
            completeAsAdmin();
            return null;
        }, "admin", "manager", "viewer", "systembundles");
    }

    private void completeAsAdmin() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("shell-complete");
        Configuration pipeline = pipeline("shellcomplete", Map.of("pipeline", "hello", "path", "/shellcomplete"));
        Path dir = Files.createTempDirectory("shell-complete");
        Files.writeString(dir.resolve("proxy-server.ini"), "");
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            assertEquals(List.of("main"), complete(session, "berth:drain", "ma"));
            assertEquals(List.of("main"), complete(session, "berth:resume", "m"));
            assertEquals(List.of("main"), complete(session, "berth:reload", "mai"));
            await("the pipeline is registered", () -> complete(session, "berth:stats", "shellc").size() == 1);
            assertEquals(List.of("shellcomplete"), complete(session, "berth:stats", "shellc"));
            assertEquals(List.of("shell-complete"), complete(session, "berth:stages", "shell-c"));
            assertEquals(List.of("berth.listener-main"), complete(session, "berth:config", "berth.listener-m"));
            assertEquals(List.of("berth.pipeline-shellcomplete"), complete(session, "berth:config", "berth.pipeline-shellc"));

            // Karaf's console sessions (the local console, bin/client, ssh) carry a FileCompleter; this headless one does not.
            session.getRegistry().register(new FileCompleter());
            assertEquals(List.of(dir + "/proxy-server.ini"), complete(session, "berth:import-paste", dir + "/pro"));
        } finally {
            Files.delete(dir.resolve("proxy-server.ini"));
            Files.delete(dir);
            pipeline.delete();
            tag.unregister();
        }
    }

    /** What the command's completer offers for its first argument, as the console asks on tab. */
    private List<String> complete(Session session, String command, String typed) {
        Command found = sessionFactory.getRegistry().getCommands().stream()
                .filter(c -> command.equals(c.getScope() + ":" + c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no command " + command));
        List<Candidate> candidates = new ArrayList<>();
        found.getCompleter(true).completeCandidates(session, new Typed(command, typed), candidates);
        return candidates.stream().map(c -> c.value().trim()).sorted().collect(Collectors.toList());
    }

    /** The error line a command gives: Karaf prints it as "Error executing command: MESSAGE". */
    private String error(String command) throws Exception {
        try {
            String out = executeAsAdmin(command);
            fail(command + " should have failed, but printed: " + out);
            return null;
        } catch (Exception e) {
            String message = e.getMessage();
            assertFalse(command + ": " + message, message == null || message.contains("\n"));
            return message.replaceAll("\u001B\\[[0-9;]*m", ""); // Karaf's own argument errors are styled
        }
    }

    private String awaitOutput(String command, Predicate<String> ready) throws Exception {
        String[] last = {""};
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            last[0] = execute(command);
            if (ready.test(last[0])) {
                return last[0];
            }
            pause();
        }
        throw new AssertionError(command + " did not print what was awaited within " + PATIENCE + "; last:\n" + last[0]);
    }

    /** Runs the command until its table has a row for {@code name} that passes {@code ready}. */
    private List<String> awaitRow(String command, String name, Predicate<List<String>> ready) throws Exception {
        String out = awaitOutput(command, o -> {
            List<String> row = find(o, name);
            return row != null && ready.test(row);
        });
        return find(out, name);
    }

    private static List<String> row(String table, String name) {
        List<String> row = find(table, name);
        if (row == null) {
            throw new AssertionError("no row " + name + " in:\n" + table);
        }
        return row;
    }

    private static List<String> find(String table, String name) {
        return table.lines().map(ShellTest::cells).filter(cells -> cells.get(0).equals(name)).findFirst().orElse(null);
    }

    /** A ShellTable line's cells: its separator is │ where the terminal has Unicode, | otherwise. */
    private static List<String> cells(String line) {
        return Arrays.stream(line.split("[|│]", -1)).map(String::trim).collect(Collectors.toList());
    }

    private static String ascii(String table) {
        return table.replace('│', '|').replace('─', '-').replace('┼', '+');
    }

    /** {@code COMMAND TYPED} with the cursor at the end, as the console parses it. */
    private static final class Typed implements CommandLine {
        private final String command;
        private final String typed;

        Typed(String command, String typed) {
            this.command = command;
            this.typed = typed;
        }

        @Override
        public int getCursorArgumentIndex() {
            return 1;
        }

        @Override
        public String getCursorArgument() {
            return typed;
        }

        @Override
        public int getArgumentPosition() {
            return typed.length();
        }

        @Override
        public String[] getArguments() {
            return new String[] {command, typed};
        }

        @Override
        public int getBufferPosition() {
            return getBuffer().length();
        }

        @Override
        public String getBuffer() {
            return command + " " + typed;
        }
    }
}
