package io.berth.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;

class NameCompleterTest {

    private final NameCompleter completer = new NameCompleter() {
        @Override
        Collection<String> names() {
            return List.of("main", "admin", "Main2");
        }
    };

    @Test
    void offersTheNamesThatStartWithWhatWasTyped() {
        assertThat(complete("ma")).containsExactly("main ");
        assertThat(complete("")).containsExactly("Main2 ", "admin ", "main ");
        assertThat(complete("x")).isEmpty();
    }

    private List<String> complete(String typed) {
        List<String> candidates = new ArrayList<>();
        completer.complete(null, new Typed(typed), candidates);
        return candidates;
    }

    /** {@code berth:drain TYPED} with the cursor at its end. */
    private record Typed(String typed) implements CommandLine {
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
            return new String[] {"berth:drain", typed};
        }

        @Override
        public int getBufferPosition() {
            return getBuffer().length();
        }

        @Override
        public String getBuffer() {
            return "berth:drain " + typed;
        }
    }
}
