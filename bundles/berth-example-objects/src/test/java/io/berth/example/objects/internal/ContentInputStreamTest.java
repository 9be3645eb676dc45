package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;

import org.junit.jupiter.api.Test;

/** A Content read as a stream, through its write(), as a copy reads it. */
class ContentInputStreamTest {

    @Test
    void readsTheContentInPiecesThenEnds() throws Exception {
        BytesContent content = new BytesContent("0123456789");
        InputStream in = new ContentInputStream(content);
        byte[] buffer = new byte[8];

        assertThat(in.read(buffer, 2, 4)).isEqualTo(4);
        assertThat(new String(buffer, 2, 4, "UTF-8")).isEqualTo("0123");
        assertThat(in.read()).isEqualTo('4');
        assertThat(in.read(buffer, 0, 8)).isEqualTo(5);
        assertThat(new String(buffer, 0, 5, "UTF-8")).isEqualTo("56789");
        assertThat(in.read(buffer, 0, 8)).isEqualTo(-1);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void readsAllOfAContentAsCopiesDo() throws Exception {
        assertThat(new ContentInputStream(new BytesContent("x".repeat(100_000))).readAllBytes()).hasSize(100_000);
        assertThat(new ContentInputStream(new BytesContent("")).readAllBytes()).isEmpty();
    }
}
