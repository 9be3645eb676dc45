package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.ServletRequest;

import org.junit.jupiter.api.Test;

class BerthTest {

    private final Map<String, Object> attributes = new HashMap<>();

    private final ServletRequest request = (ServletRequest) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ServletRequest.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getAttribute")) {
                    return attributes.get((String) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void transactionIdIsTheAttributeCatchErrorsSet() {
        attributes.put(Berth.TRANS_ID_ATTRIBUTE, "txabc-0065f1a2b3");

        assertThat(Berth.transactionId(request)).isEqualTo("txabc-0065f1a2b3");
    }

    @Test
    void transactionIdIsNullWithoutCatchErrors() {
        assertThat(Berth.transactionId(request)).isNull();
    }

    @Test
    void transactionIdIgnoresAnAttributeOfAnotherType() {
        attributes.put(Berth.TRANS_ID_ATTRIBUTE, 42);

        assertThat(Berth.transactionId(request)).isNull();
    }
}
