package io.berth.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

class ConfigCommandTest {

    private final List<String> asked = new ArrayList<>();
    private final ConfigCommand command = new ConfigCommand();

    ConfigCommandTest() {
        command.configuration = name -> {
            asked.add(String.valueOf(name));
            if (name != null && !name.equals("berth.listener-main")) {
                throw new IllegalArgumentException("No configuration named " + name
                        + "; configurations: berth.listener-main");
            }
            return List.of("berth.listener-main.bind_port = 8080", "berth.listener-main.key_file = ****");
        };
    }

    @Test
    void printsTheLinesAsTheyCome() throws Exception {
        assertThat(Fakes.stdout(command::execute))
                .isEqualTo("berth.listener-main.bind_port = 8080\nberth.listener-main.key_file = ****\n");
        assertThat(asked).containsExactly("null");
    }

    @Test
    void oneConfiguration() throws Exception {
        command.name = "berth.listener-main";

        assertThat(Fakes.stdout(command::execute)).startsWith("berth.listener-main.bind_port = 8080\n");
        assertThat(asked).containsExactly("berth.listener-main");
    }

    @Test
    void anUnknownNameIsOneLine() {
        command.name = "berth.listener-nope";

        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage("No configuration named berth.listener-nope; configurations: berth.listener-main");
    }

    @Test
    void withoutTheServiceItSaysWhichBundleIsMissing() {
        command.configuration = null;

        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage("No effective configuration service: is bundle io.berth.pipeline running?");
    }
}
