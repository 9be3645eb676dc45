package io.berth.example.stage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

class ExampleHeaderStageTest {

    @Test
    void addsTheConfiguredHeaderThenPassesTheRequestOn() throws Exception {
        List<String> headers = new ArrayList<>();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addHeader")) {
                        headers.add(args[0] + ": " + args[1]);
                    }
                    return null;
                });
        boolean[] passed = new boolean[1];

        new ExampleHeaderStage().create(Map.of("name", "X-Region", "value", "east"))
                .doFilter((ServletRequest) null, response, (req, res) -> passed[0] = true);

        assertThat(headers).containsExactly("X-Region: east");
        assertThat(passed[0]).isTrue();
    }

    @Test
    void badSettingsNameTheirKey() {
        ExampleHeaderStage stage = new ExampleHeaderStage();
        assertThatThrownBy(() -> stage.create(Map.of("name", "X Bad"))).hasMessage("name: 'X Bad' is not a header name");
        assertThatThrownBy(() -> stage.create(Map.of("colour", "red")))
                .hasMessage("colour: unknown setting; example_header takes name, value");
    }
}
