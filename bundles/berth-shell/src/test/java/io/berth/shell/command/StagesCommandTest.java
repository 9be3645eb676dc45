package io.berth.shell.command;

import static io.berth.shell.command.Fakes.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

import io.berth.shell.command.BerthServices.StageType;

class StagesCommandTest {

    private static final List<StageType> TYPES = List.of(
            new StageType("catch_errors", "middleware", "io.berth.middleware [26]"),
            new StageType("hello", "app", "io.berth.example.hello [25]"),
            new StageType("hello", "app", "com.example.other [40]"));

    @Test
    void listsEachTypeWithItsKindAndBundle() throws Exception {
        assertThat(print(StagesCommand.table(TYPES, null))).isEqualTo(""
                + "Stage        | Kind       | Bundle\n"
                + "-------------+------------+----------------------------\n"
                + "catch_errors | middleware | io.berth.middleware [26]\n"
                + "hello        | app        | io.berth.example.hello [25]\n"
                + "hello        | app        | com.example.other [40]\n");
    }

    @Test
    void oneNameShowsEveryBundleThatProvidesIt() throws Exception {
        assertThat(print(StagesCommand.table(TYPES, "hello")))
                .contains("io.berth.example.hello [25]", "com.example.other [40]").doesNotContain("catch_errors");
    }

    @Test
    void anUnknownNameIsOneLineListingTheNamesThatExist() {
        assertThatThrownBy(() -> StagesCommand.table(TYPES, "ratelimit")).isInstanceOf(CommandException.class)
                .hasMessage("No stage type named ratelimit; stage types: catch_errors, hello");
        assertThatThrownBy(() -> StagesCommand.table(List.of(), "ratelimit"))
                .hasMessage("No stage type named ratelimit; there are none");
    }

    @Test
    void noStageTypeSaysWhereTheyComeFrom() throws Exception {
        assertThat(print(StagesCommand.table(List.of(), null))).endsWith("No stage type: install a bundle that provides one\n");
    }
}
