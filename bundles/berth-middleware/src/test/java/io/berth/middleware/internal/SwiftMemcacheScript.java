package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code swift_memcache.py}: Swift 2.30's own MemcacheRing and tempauth, from python3-swift. */
final class SwiftMemcacheScript {

    private SwiftMemcacheScript() {
    }

    /**
     * @param work a directory to copy the script to
     * @param servers memcache_servers as Swift reads it
     * @param commands the script's commands, one per line
     * @return its output lines, one per command
     */
    static List<String> run(Path work, String servers, List<String> commands) throws Exception {
        Path script = work.resolve("swift_memcache.py");
        if (!Files.exists(script)) {
            try (InputStream in = SwiftMemcacheScript.class.getResourceAsStream("swift_memcache.py")) {
                Files.copy(in, script);
            }
        }
        // Debian's interpreter: python3-swift is installed for it, not for a python3 earlier on PATH.
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process process = new ProcessBuilder(python, script.toString(), servers).redirectErrorStream(true).start();
        try (Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String command : commands) {
                in.write(command + "\n");
            }
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertThat(process.waitFor()).as("swift_memcache.py (.ci/tools installs python3-swift): %s", lines).isZero();
        return lines;
    }
}
