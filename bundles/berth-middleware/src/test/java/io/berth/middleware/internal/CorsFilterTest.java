package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CorsFilterTest {

    @Test
    void allowsEachRequestedHeaderOnce() {
        assertThat(CorsFilter.requestedHeaders("x-a,x-b , x-a,  content-type")).isEqualTo("x-a, x-b, content-type");
    }

    @Test
    void dropsWhatIsNotAHeaderName() {
        assertThat(CorsFilter.requestedHeaders("x-a, x b, x:c, , x-d")).isEqualTo("x-a, x-d");
    }

    @Test
    void nothingRequestedNothingAllowed() {
        assertThat(CorsFilter.requestedHeaders(null)).isEmpty();
        assertThat(CorsFilter.requestedHeaders(" ")).isEmpty();
        assertThat(CorsFilter.requestedHeaders(" , ")).isEmpty();
    }
}
