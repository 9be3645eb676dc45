package io.berth.api;

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

        assertThat(Berth.clientGone(eof)).isTrue();
        assertThat(Berth.clientGone(new ServletException("upload failed", new IOException(eof)))).isTrue();
        assertThat(Berth.clientGone(new UncheckedIOException(new IOException(eof)))).isTrue();
    }

    @Test
    void otherFailuresAreOurs() {
        assertThat(Berth.clientGone(new IOException("disk full"))).isFalse();
        assertThat(Berth.clientGone(new ServletException("no cause"))).isFalse();
        assertThat(Berth.clientGone(new IllegalStateException(new IOException("bad")))).isFalse();
    }

    @Test
    void aCycleInTheCauseChainEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);

        assertThat(Berth.clientGone(a)).isFalse();
    }
}
