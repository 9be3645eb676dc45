package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.servlet.ServletException;

import org.junit.jupiter.api.Test;

class ClientGoneTest {

    @Test
    void findsAnEndOfFileAnywhereInTheCauseChain() {
        EOFException eof = new EOFException("Early EOF");

        assertThat(ClientGone.causedBy(eof)).isTrue();
        assertThat(ClientGone.causedBy(new ServletException("upload failed", new IOException(eof)))).isTrue();
        assertThat(ClientGone.causedBy(new UncheckedIOException(new IOException(eof)))).isTrue();
    }

    @Test
    void otherFailuresAreOurs() {
        assertThat(ClientGone.causedBy(new IOException("disk full"))).isFalse();
        assertThat(ClientGone.causedBy(new ServletException("no cause"))).isFalse();
        assertThat(ClientGone.causedBy(new IllegalStateException(new IOException("bad")))).isFalse();
    }

    @Test
    void aCycleInTheCauseChainEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);

        assertThat(ClientGone.causedBy(a)).isFalse();
    }
}
