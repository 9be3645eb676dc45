package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import org.junit.jupiter.api.Test;

class LimitedInputStreamTest {

    private static final String MESSAGE = "Request body exceeds max_body_size (100 bytes)";

    private final AtomicInteger answers = new AtomicInteger();

    @Test
    void aBodyUpToTheLimitReadsWhole() throws IOException {
        Body body = new Body(100);
        LimitedInputStream in = limited(body, 100);

        assertThat(in.readAllBytes()).hasSize(100);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.exceeded()).isFalse();
        assertThat(answers).hasValue(0);
    }

    @Test
    void theReadCrossingTheLimitFailsAndTheReaderGetsNoMore() throws IOException {
        Body body = new Body(1000);
        LimitedInputStream in = limited(body, 100);
        byte[] buffer = new byte[64];

        assertThat(in.read(buffer)).isEqualTo(64);
        // Asks for what is left and one byte more: the read that would cross the limit fails whole.
        assertThatThrownBy(() -> in.read(buffer)).isInstanceOf(LimitedInputStream.BodyTooLarge.class)
                .hasMessage(MESSAGE)
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        assertThat(body.taken()).as("one byte past the limit, to know").isEqualTo(101);
        assertThat(in.exceeded()).isTrue();
        assertThat(in.answered()).isTrue();
    }

    @Test
    void readsThatStayUnderTheLimitAreWhole() throws IOException {
        LimitedInputStream in = limited(new Body(1000), 100);
        byte[] buffer = new byte[50];

        assertThat(in.read(buffer)).isEqualTo(50);
        assertThat(in.read(buffer)).isEqualTo(50);
        assertThatThrownBy(() -> in.read(buffer)).isInstanceOf(LimitedInputStream.BodyTooLarge.class);
    }

    @Test
    void everyReadAfterFailsWithoutTakingMore() throws IOException {
        Body body = new Body(1000);
        LimitedInputStream in = limited(body, 100);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(LimitedInputStream.BodyTooLarge.class);

        assertThatThrownBy(in::read).isInstanceOf(LimitedInputStream.BodyTooLarge.class).hasMessage(MESSAGE);
        assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(LimitedInputStream.BodyTooLarge.class);
        assertThatThrownBy(() -> in.skip(10)).isInstanceOf(LimitedInputStream.BodyTooLarge.class);
        assertThat(in.available()).isZero();
        assertThat(in.isReady()).as("so that a read listener's next read fails at once").isTrue();
        assertThat(body.taken()).isEqualTo(101);
        assertThat(answers).as("answered once").hasValue(1);
    }

    @Test
    void byteByByteToo() throws IOException {
        LimitedInputStream in = limited(new Body(1000), 100);
        for (int i = 0; i < 100; i++) {
            assertThat(in.read()).isNotNegative();
        }

        assertThatThrownBy(in::read).isInstanceOf(LimitedInputStream.BodyTooLarge.class);
        assertThat(in.count()).isEqualTo(101);
    }

    @Test
    void aHugeLimitDoesNotOverflow() throws IOException {
        LimitedInputStream in = limited(new Body(10_000), Long.MAX_VALUE);

        assertThat(in.readAllBytes()).hasSize(10_000);
    }

    @Test
    void anUnansweredCrossingIsReported() {
        LimitedInputStream in = new LimitedInputStream(new Body(1000), 10, MESSAGE, () -> false);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(LimitedInputStream.BodyTooLarge.class);
        assertThat(in.exceeded()).isTrue();
        assertThat(in.answered()).isFalse();
    }

    private LimitedInputStream limited(Body body, long limit) {
        return new LimitedInputStream(body, limit, MESSAGE, () -> {
            answers.incrementAndGet();
            return true;
        });
    }

    /** A body of some length that counts what was taken from it. */
    private static final class Body extends ServletInputStream {

        private final ByteArrayInputStream bytes;
        private final int length;

        Body(int length) {
            this.length = length;
            this.bytes = new ByteArrayInputStream(new byte[length]);
        }

        int taken() {
            return length - bytes.available();
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return bytes.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }
}
