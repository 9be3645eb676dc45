package io.berth.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The tools the process tests run (kill, openssl), each bounded in time. */
final class Processes {

    private Processes() {
    }

    /** kill -SIGNAL pid: one process, named by its id, never by a pattern. */
    static void signal(long pid, String signal) throws IOException, InterruptedException {
        run(List.of("kill", "-" + signal, Long.toString(pid)), null);
    }

    /**
     * Runs a command to its end (60 s at most) with the input given (none: an empty stdin) and
     * returns what it printed, stdout and stderr together.
     */
    static Result run(List<String> command, byte[] input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (input != null) {
                process.getOutputStream().write(input);
            }
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), out);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Stops a process this test started: SIGTERM, then SIGKILL after the patience. */
    static void stop(Process process, long patienceMillis) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(patienceMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    record Result(int exit, String output) {
        Result orFail(String what) {
            if (exit != 0) {
                throw new IllegalStateException(what + " exited " + exit + ": " + output);
            }
            return this;
        }
    }
}
