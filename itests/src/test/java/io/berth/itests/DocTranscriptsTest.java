package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transcripts of the documentation are what the built distribution prints. Each block of a
 * markdown file between {@code <!-- transcript: NAME -->} and {@code <!-- /transcript -->} is the
 * output of the commands in {@code docs/transcripts/NAME.txt}, run in the order of
 * {@code docs/transcripts/order} against one Berth started from a fresh copy of the distribution
 * (ports moved, the main listener on loopback only). A block that differs from a fresh run, once
 * transaction ids, tokens, times, durations and bundle ids are masked, fails the test with a diff
 * naming the file and the block.
 *
 * <p>With {@code -Dberth.transcripts.write=true} ({@code docs/transcripts/run --write}) the blocks
 * are rewritten from the fresh run instead.
 *
 * <p>A script's lines: {@code $ COMMAND} runs in bash in the distribution's directory (a line ending
 * in {@code \} goes on, a here-document's lines belong to it); {@code karaf@root()> COMMAND} runs in
 * the Karaf shell through {@code bin/client -b} (consecutive ones in one session); both are shown
 * with their output. Ports 8080, 9180 and 8101 in a command are the node's, and its ports are
 * shown as those; its directory is shown as {@value #SHOWN_HOME}, the home directory of the user
 * running it as {@code ~}. {@code @await COMMAND}
 * runs a bash command until it succeeds (60 s at most) and is not shown; {@code @run COMMAND} runs
 * one unshown (set-up, clean-up); {@code @log TEXT} waits (60 s at most) until Karaf's log has
 * TEXT in what it logged since the last command shown began; {@code @port N} moves port N (a listener a script adds) to a free
 * one as 8080 is; a line starting with {@code #} is a comment; an empty line is shown.
 */
public class DocTranscriptsTest {

    private static final Logger LOG = LoggerFactory.getLogger(DocTranscriptsTest.class);

    private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(60);
    /** What transcripts show as the distribution's directory (KARAF_BASE). */
    static final String SHOWN_HOME = "/opt/berth";
    private static final String START = "<!-- transcript: ";
    private static final String END = "<!-- /transcript -->";
    private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*['\"]?(\\w+)['\"]?");
    private static final String PROMPT = "karaf@root()> ";
    /** Printed between two shell commands of one session, to tell their outputs apart. */
    private static final String MARK = "@@transcript-mark-";
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

    private final Path repo = Paths.get(System.getProperty("berth.repo.dir", "..")).toAbsolutePath().normalize();
    private final boolean write = Boolean.getBoolean("berth.transcripts.write");
    private BerthNode node;
    /** Ports as the docs show them, and the node's. */
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    /** The size of karaf.log when the last command shown started: {@code @log} looks after it. */
    private long logMark;

    @Test
    public void everyTranscriptInTheDocsIsWhatTheDistributionPrints() throws Exception {
        Path scripts = repo.resolve("docs/transcripts");
        Map<String, Block> blocks = blocks();
        List<String> order = Files.readAllLines(scripts.resolve("order")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.toList());
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(scripts)) {
            for (Path script : (Iterable<Path>) files.sorted()::iterator) {
                String file = script.getFileName().toString();
                if (file.endsWith(".txt") && !order.contains(file.substring(0, file.length() - 4))) {
                    problems.add("docs/transcripts/" + file + " is not named in docs/transcripts/order");
                }
            }
        }
        for (String name : order) {
            if (!Files.exists(scripts.resolve(name + ".txt"))) {
                problems.add("docs/transcripts/order names " + name + ", which has no docs/transcripts/" + name + ".txt");
            }
            if (!blocks.containsKey(name)) {
                problems.add("docs/transcripts/" + name + ".txt has no block <!-- transcript: " + name + " --> in any markdown file");
            }
        }
        for (Block block : blocks.values()) {
            if (!order.contains(block.name)) {
                problems.add(block + " has no script in docs/transcripts/order");
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());

        long starting = System.nanoTime();
        start();
        LOG.info("Berth started for the transcripts in {} ms", (System.nanoTime() - starting) / 1_000_000);
        Map<Block, String> written = new LinkedHashMap<>();
        try {
            for (String name : order) {
                Block block = blocks.get(name);
                String fresh;
                long began = System.nanoTime();
                try {
                    fresh = run(Files.readAllLines(scripts.resolve(name + ".txt"), StandardCharsets.UTF_8));
                } catch (AssertionError | Exception e) {
                    problems.add(block + ": docs/transcripts/" + name + ".txt could not be run: " + e.getMessage());
                    continue;
                }
                // Where the test's time goes, for whoever wants it shorter
                LOG.info("Transcript {}: {} ms", name, (System.nanoTime() - began) / 1_000_000);
                boolean same = normalise(block.content).equals(normalise(fresh));
                if (write) {
                    if (!same) {
                        // An unchanged block keeps its ids and times: a rewrite's diff shows only what changed
                        written.put(block, fresh);
                    }
                } else if (!same) {
                    // The block's text starts two lines below its marker (the fence between)
                    String diff = diff(normalise(block.content), normalise(fresh), block.line + 2);
                    if (!diff.isEmpty()) {
                        problems.add(block + " differs from what the distribution prints now (- committed, + fresh, after masking):\n" + diff);
                    }
                }
            }
        } finally {
            node.stop(Duration.ofSeconds(60));
        }
        // Read when written, not when the run began: the files may have been edited meanwhile.
        Map<Path, String> rewritten = new LinkedHashMap<>();
        for (Map.Entry<Block, String> each : written.entrySet()) {
            Block block = each.getKey();
            String text = rewritten.containsKey(block.file) ? rewritten.get(block.file) : read(block.file);
            rewritten.put(block.file, block.replace(text, each.getValue()));
        }
        for (Map.Entry<Path, String> file : rewritten.entrySet()) {
            Files.writeString(file.getKey(), file.getValue(), StandardCharsets.UTF_8);
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " transcript(s) drifted; rewrite them with docs/transcripts/run --write after checking the change is meant:\n\n"
                    + String.join("\n\n", problems));
        }
    }

    @Test
    public void maskingKeepsWhatMattersAndHidesWhatVaries() {
        assertEquals("X-Trans-Id: TXID\nDate: DATE\nio.berth.api [ID] N ms\nID | Active | 80 | 0.1.0.SNAPSHOT | io.berth.api",
                normalise("X-Trans-Id: tx4514e49470d4830df1f8d-006b013882\nDate: Sat, 21 Nov 2026 06:21:54 GMT\n"
                        + "io.berth.api  [23]    0.36 ms\n23 | Active |  80 | 0.1.0.SNAPSHOT | io.berth.api"));
        assertEquals("Hello from Berth", normalise("Hello from Berth  \n\n"));
        assertEquals("X-Delete-At: VALUE\nX-Delete-At: VALUE", normalise("X-Delete-At: 1796547226\n     X-Delete-At: 1796547226"));
        assertEquals("main | / | main | hello | LIVE | 3 | 0 | LATENCY | LATENCY\nmain: p50 N ms, p99 N ms",
                normalise("main  | /      | main      | hello | LIVE  |        3 |      0 |   0.36 |    403\n"
                        + "main: p50 0.36 ms, p99 403 ms"));
        assertEquals("@@ line 11 @@\n-a\n+b\n c", diff("a\nc", "b\nc", 11).strip());
    }

    // ---- the documentation's blocks

    /** A transcript block: the text between its markers, fences included. */
    private record Block(String name, Path file, int line, String content) {
        String replace(String text, String fresh) {
            Matcher at = Pattern.compile("(?m)^" + Pattern.quote(START + name + " -->") + "\n(.*?)^" + Pattern.quote(END) + "$",
                    Pattern.DOTALL).matcher(text);
            if (!at.find()) {
                throw new IllegalStateException(this + ": markers not found when rewriting");
            }
            String block = "```text\n" + fresh + (fresh.isEmpty() ? "" : "\n") + "```\n";
            return text.substring(0, at.start(1)) + block + text.substring(at.end(1));
        }

        @Override
        public String toString() {
            return "transcript '" + name + "' in " + file.getFileName() + " (" + file + ":" + line + ")";
        }
    }

    private Map<String, Block> blocks() throws IOException {
        Map<String, Block> blocks = new LinkedHashMap<>();
        List<Path> markdown = new ArrayList<>(List.of(repo.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(repo.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(markdown::add);
        }
        for (Path file : markdown) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                // At the start of a line only: an indented marker is an example (docs/transcripts/README.md)
                String line = lines.get(i).stripTrailing();
                if (!line.startsWith(START)) {
                    continue;
                }
                String name = line.substring(START.length(), line.length() - "-->".length()).strip();
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).stripTrailing().equals(END)) {
                    end++;
                }
                if (end == lines.size()) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": transcript " + name + " has no " + END);
                }
                List<String> inside = new ArrayList<>(lines.subList(i + 1, end));
                if (!inside.isEmpty() && inside.get(0).startsWith("```")) {
                    inside.remove(0);
                }
                if (!inside.isEmpty() && inside.get(inside.size() - 1).startsWith("```")) {
                    inside.remove(inside.size() - 1);
                }
                Block block = new Block(name, file, i + 1, String.join("\n", inside));
                Block before = blocks.put(name, block);
                if (before != null) {
                    throw new IllegalStateException(block + " and " + before + ": one block per script");
                }
                i = end;
            }
        }
        return blocks;
    }

    private String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- running a script against the distribution

    private void start() throws Exception {
        Path dir = Paths.get("target", "process-test-docs").toAbsolutePath();
        TestFiles.deleteTree(dir);
        Files.createDirectories(dir.resolve("curl"));
        Files.writeString(dir.resolve("curl/.curlrc"), "no-progress-meter\n");
        node = BerthNode.unpack("docs", dir.resolve("berth"), Paths.get(System.getProperty("berth.docs.assembly.dir")))
                .loopbackOnly();
        // Every feature the docs install is in the distribution's system/: another build's snapshots
        // in ~/.m2 must not be taken instead (Karaf's resolver looks there too).
        node.set("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                dir.resolve("empty-m2").toString());
        node.set("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", "");
        ports.put("8080", node.httpPort);
        ports.put("9180", node.adminPort);
        ports.put("8101", node.sshPort);
        node.start();
        // Wait through the shell, not with requests: the transcripts show request counts.
        String[] pipelines = {""};
        within(Duration.ofSeconds(120), Duration.ofMillis(500), () -> "Berth did not serve both pipelines within 120 s: "
                + pipelines[0] + "\n" + node.log(), () -> {
                    if (!node.isRunning()) {
                        throw new AssertionError("Berth exited before serving: " + pipelines[0] + "\n" + node.log());
                    }
                    pipelines[0] = exec(List.of(node.home.resolve("bin/client").toString(), "-b"), "berth:pipelines\n");
                    return Pattern.compile("(?m)^admin .*\\| LIVE ").matcher(pipelines[0]).find()
                            && Pattern.compile("(?m)^main .*\\| LIVE ").matcher(pipelines[0]).find();
                });
    }

    /**
     * Polls {@code condition} every {@code poll} until it holds; past {@code patience} fails with
     * {@code failure}'s message. An exception the condition throws ends the wait at once.
     */
    private static void within(Duration patience, Duration poll, Callable<String> failure, Callable<Boolean> condition)
            throws Exception {
        try {
            Awaitility.await().atMost(patience).pollInterval(poll).pollDelay(Duration.ZERO).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(failure.call());
        }
    }

    /** Runs a script's lines and returns the transcript: each command shown, then its output. */
    private String run(List<String> script) throws Exception {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            String line = script.get(i);
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isBlank()) {
                shown.add("");
            } else if (line.startsWith("@await ")) {
                String command = line.substring("@await ".length());
                within(COMMAND_PATIENCE, Duration.ofMillis(200), () -> "not within " + COMMAND_PATIENCE + ": " + command,
                        () -> exit(bash(command)) == 0);
            } else if (line.startsWith("@log ")) {
                String text = line.substring("@log ".length());
                long mark = logMark;
                within(COMMAND_PATIENCE, Duration.ofMillis(100),
                        () -> "not within " + COMMAND_PATIENCE + " in data/log/karaf.log: " + text,
                        () -> logSince(mark).contains(text));
            } else if (line.startsWith("@port ")) {
                ports.putIfAbsent(line.substring("@port ".length()).strip(), BerthTestSupport.freePortNumber());
            } else if (line.startsWith("@run ")) {
                logMark = logSize();
                bash(line.substring("@run ".length()));
            } else if (line.startsWith("$ ")) {
                List<String> command = new ArrayList<>(List.of(line.substring(2)));
                while (command.get(command.size() - 1).endsWith("\\") && i + 1 < script.size()) {
                    command.add(script.get(++i));
                }
                Matcher heredoc = HEREDOC.matcher(String.join("\n", command));
                if (heredoc.find()) {
                    while (i + 1 < script.size() && !command.get(command.size() - 1).equals(heredoc.group(1))) {
                        command.add(script.get(++i));
                    }
                }
                String text = String.join("\n", command);
                shown.add("$ " + text);
                logMark = logSize();
                addOutput(shown, bash(text).replaceAll("@@exit \\d+\\s*$", ""));
            } else if (line.startsWith(PROMPT)) {
                // Consecutive shell commands share one bin/client: a client's JVM takes seconds to start
                List<String> commands = new ArrayList<>(List.of(line.substring(PROMPT.length())));
                while (i + 1 < script.size() && script.get(i + 1).startsWith(PROMPT)) {
                    commands.add(script.get(++i).substring(PROMPT.length()));
                }
                logMark = logSize();
                List<String> outputs = karaf(commands);
                for (int k = 0; k < commands.size(); k++) {
                    shown.add(PROMPT + commands.get(k));
                    addOutput(shown, outputs.get(k));
                }
            } else {
                throw new IllegalArgumentException("line " + (i + 1) + " is neither '$ ', 'karaf@root()> ', '@await ', '@log ', '@run ', '@port ', '#' nor empty: " + line);
            }
        }
        while (!shown.isEmpty() && shown.get(shown.size() - 1).isEmpty()) {
            shown.remove(shown.size() - 1);
        }
        return String.join("\n", shown);
    }

    /**
     * Runs shell commands in one {@code bin/client -b}, an {@code echo} of a mark between two, and
     * returns each one's output. Karaf's batch mode ends the session at a command that fails: the
     * commands after it run again in a session of their own.
     */
    private List<String> karaf(List<String> commands) throws Exception {
        List<String> outputs = new ArrayList<>();
        while (outputs.size() < commands.size()) {
            List<String> rest = commands.subList(outputs.size(), commands.size());
            StringBuilder input = new StringBuilder();
            for (int k = 0; k < rest.size(); k++) {
                if (k > 0) {
                    input.append("echo ").append(MARK).append(k).append("@@\n");
                }
                input.append(rest.get(k)).append('\n');
            }
            String output = ANSI.matcher(exec(List.of(node.home.resolve("bin/client").toString(), "-b"), input.toString()))
                    .replaceAll("");
            String[] parts = output.split(Pattern.quote(MARK) + "\\d+@@\\R?", -1);
            outputs.addAll(List.of(parts).subList(0, Math.min(parts.length, rest.size())));
        }
        return outputs;
    }

    private long logSize() throws IOException {
        Path log = node.home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** What Karaf logged since the mark (a rolled-over log: all of the new file). */
    private String logSince(long mark) throws IOException {
        byte[] log = Files.readAllBytes(node.home.resolve("data/log/karaf.log"));
        int from = mark <= log.length ? (int) mark : 0;
        return new String(log, from, log.length - from, StandardCharsets.UTF_8);
    }

    private void addOutput(List<String> shown, String output) {
        String text = shownAsShipped(output);
        if (!text.isEmpty()) {
            shown.addAll(List.of(text.split("\n", -1)));
        }
    }

    /** The node's ports and directory in the output as an operator's distribution has them. */
    private String shownAsShipped(String output) {
        String text = ANSI.matcher(output).replaceAll("").replace("\r", "");
        text = text.replace(node.home.toString(), SHOWN_HOME);
        // The home directory of the user running Berth (import-paste looks in ~/.berth and ~) as ~
        String userHome = System.getProperty("user.home");
        if (userHome != null && userHome.length() > 1) {
            text = text.replaceAll(Pattern.quote(userHome) + "(?=[/,\\s]|$)", "~");
        }
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            text = shipped(text, port.getValue(), port.getKey());
        }
        text = text.lines().map(String::stripTrailing).collect(Collectors.joining("\n"));
        return text.replaceAll("\\n+$", "").replaceAll("^\\n+", "");
    }

    /** A moved port shown as the shipped one; in a table, the cell keeps its width. */
    private static String shipped(String text, int port, String shown) {
        String pad = " ".repeat(Math.max(0, Integer.toString(port).length() - shown.length()));
        return text.replaceAll("\\b" + port + "( +\\|)", shown + pad + "$1").replaceAll("\\b" + port + "\\b", shown);
    }

    private String bash(String command) throws Exception {
        String moved = command;
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            moved = moved.replaceAll("\\b" + port.getKey() + "\\b", Integer.toString(port.getValue()));
        }
        return exec(List.of("bash", "-c", moved + "\necho \"@@exit $?\""), null);
    }

    /** The exit status a bash() output ends with. */
    private static int exit(String output) {
        Matcher exit = Pattern.compile("@@exit (\\d+)\\s*$").matcher(output);
        return exit.find() ? Integer.parseInt(exit.group(1)) : -1;
    }

    /** Runs a command in the distribution's directory, its output into a file so that a hung one is bounded. */
    private String exec(List<String> command, String input) throws Exception {
        File out = File.createTempFile("transcript", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(node.home.toFile())
                    .redirectErrorStream(true).redirectOutput(out);
            builder.environment().put("TERM", "dumb");
            builder.environment().put("COLUMNS", "200");
            // curl as in a terminal: no progress meter when its output is not one
            builder.environment().put("CURL_HOME", node.home.resolveSibling("curl").toString());
            Process process = builder.start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + COMMAND_PATIENCE);
            }
            return Files.readString(out.toPath(), StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    // ---- comparing

    /**
     * What may differ from run to run masked, on both sides: transaction ids, tokens, trace ids,
     * dates and times, every decimal number (durations, latencies, timestamps), bundle ids, and the
     * widths of table columns that follow from those. What is left must be the same.
     */
    static String normalise(String text) {
        String masked = text.replaceAll("@@exit \\d+\\s*$", "")
                .replaceAll("tx[0-9a-f]{21}-[0-9a-f]{10}", "TXID")
                .replaceAll("curl/[0-9.]+", "curl/VERSION")
                .replaceAll("AUTH_tk[0-9a-f]+", "AUTH_tkTOKEN")
                .replaceAll("\\b[0-9a-f]{32}\\b", "HEX32")
                .replaceAll("\\b[0-9a-f]{16}\\b", "HEX16")
                .replaceAll("(?m)^Date: .*$", "Date: DATE")
                .replaceAll("[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT", "DATE")
                .replaceAll("(?m)^(Last-Modified|X-Timestamp|X-Put-Timestamp|X-Auth-Token-Expires): .*$", "$1: VALUE")
                // an expiring object's time, in epoch seconds, as curl and swift stat show it
                .replaceAll("(?m)^(\\s*X-Delete-At): \\d+$", "$1: VALUE")
                .replaceAll("\\d{2}/[A-Z][a-z]{2}/\\d{4}/\\d{2}/\\d{2}/\\d{2}", "DATE")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}([.,]\\d+)?", "DATE")
                .replaceAll("\\b\\d{2}:\\d{2}:\\d{2}([.,]\\d+)?\\b", "TIME")
                // berth:pipelines' p50 and p99 cells, and latencies in ms anywhere
                .replaceAll("(?m)^((?:[^|\\n]*\\|){4} *(?:LIVE|WAITING|FAILED)[^|\\n]*\\|[^|\\n]*\\|[^|\\n]*\\|)[^|\\n]*\\|[^|\\n]*$",
                        "$1 LATENCY | LATENCY")
                .replaceAll("\\b\\d+(\\.\\d+)? ms\\b", "N ms")
                .replaceAll("(?<![\\d.])\\d+\\.\\d+(?![.\\d])", "N.N")
                .replaceAll("\\[\\s*\\d+\\]", "[ID]")
                .replaceAll("(?m)^\\s*\\d+\\s*\\|", "ID |")
                .replaceAll("-{3,}", "---")
                .replaceAll("[ \\t]+", " ");
        return masked.lines().map(String::strip).collect(Collectors.joining("\n")).replaceAll("\\n+$", "");
    }

    /** A line diff (longest common subsequence), each hunk headed by its line in the markdown file. */
    static String diff(String committed, String fresh, int firstLine) {
        String[] a = committed.split("\n", -1);
        String[] b = fresh.split("\n", -1);
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        boolean inHunk = false;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                if (inHunk) {
                    out.append(' ').append(a[i]).append('\n');
                    inHunk = false;
                }
                i++;
                j++;
                continue;
            }
            if (!inHunk) {
                out.append("@@ line ").append(firstLine + i).append(" @@\n");
                inHunk = true;
            }
            if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
                out.append('-').append(a[i++]).append('\n');
            } else {
                out.append('+').append(b[j++]).append('\n');
            }
        }
        return out.toString();
    }
}
