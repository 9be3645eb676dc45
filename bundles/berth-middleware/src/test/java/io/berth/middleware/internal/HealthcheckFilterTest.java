package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

import io.berth.api.StageSettings;

/** Which requests are the probe: the path inside the context, however the app is mapped. */
class HealthcheckFilterTest {

    private final HealthcheckFilter filter = new HealthcheckFilter(
            StageSettings.of(HealthcheckStage.Config.class, "healthcheck", Map.of()));

    @Test
    void matchesServletPathPlusPathInfo() throws Exception {
        assertThat(isProbe("", "/healthcheck")).isTrue();
        assertThat(isProbe("/healthcheck", null)).isTrue();
        assertThat(isProbe("/health", "check")).isTrue();
        assertThat(isProbe("/api", "/healthcheck")).isFalse();
        assertThat(isProbe("", "/healthcheck/")).isFalse();
        assertThat(isProbe("/healthcheck", "/")).isFalse();
        assertThat(isProbe("", "/")).isFalse();
        assertThat(isProbe("", null)).isFalse();
        assertThat(isProbe("/healthcheckz", null)).isFalse();
    }

    private boolean isProbe(String servletPath, String pathInfo) throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getServletPath":
                            return servletPath;
                        case "getPathInfo":
                            return pathInfo;
                        case "getMethod":
                            return "GET";
                        case "getAttribute":
                            return attributes.get(args[0]);
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getOutputStream")) {
                        return new ServletOutputStream() {
                            @Override
                            public void write(int b) {
                                body.write(b);
                            }

                            @Override
                            public boolean isReady() {
                                return true;
                            }

                            @Override
                            public void setWriteListener(WriteListener listener) {
                                throw new UnsupportedOperationException();
                            }
                        };
                    }
                    return null;
                });
        AtomicBoolean passed = new AtomicBoolean();
        FilterChain chain = (req, res) -> passed.set(true);

        filter.doFilter(request, response, chain);

        assertThat(passed.get()).isNotEqualTo(body.toString().equals("OK"));
        return !passed.get();
    }
}
