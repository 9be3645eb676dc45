package io.berth.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, for what java.net.http will not send or show:
 * chunked bodies sent bit by bit, hundreds of header lines, {@code Connection}, several
 * requests on one connection, a half close or a reset. It sends exactly the bytes a test writes.
 */
public final class RawHttp implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends text as is (CRLFs included by the caller). */
    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One chunk of a chunked body. */
    public RawHttp chunk(byte[] data) throws IOException {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        chunk.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunk.writeBytes(data);
        chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return send(chunk.toByteArray());
    }

    public RawHttp lastChunk() throws IOException {
        return send("0\r\n\r\n");
    }

    /** Ends what this client sends (a half close): the server reads the end of the stream, as from a client that hung up. */
    public RawHttp shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Closes the connection with a reset (RST), not the orderly end of stream of {@link #close()}. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** The first bytes the server sent, as text: for a client that reads a little and goes. */
    public String readSome(int bytes) throws IOException {
        return new String(in.readNBytes(bytes), StandardCharsets.ISO_8859_1);
    }

    /** Reads one response: status, headers, and its body (by length, chunks, or up to the close). */
    public Response read() throws IOException {
        return read(false);
    }

    /** Reads the response to a HEAD request: no body, whatever the headers say. */
    public Response readHead() throws IOException {
        return read(true);
    }

    private Response read(boolean head) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        Response response = new Response(status, headers, null, List.of());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String[]> trailers = new ArrayList<>();
        Optional<String> length = response.header("Content-Length");
        if (head) {
            return new Response(status, headers, "", List.of());
        } else if (length.isPresent()) {
            body.write(in.readNBytes(Integer.parseInt(length.get())));
        } else if (response.header("Transfer-Encoding").filter(te -> te.equalsIgnoreCase("chunked")).isPresent()) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                trailers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
        } else if (status != 204 && status != 304) {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8), trailers);
    }

    /** Whether the server closed the connection (reads end of stream within the socket timeout). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public record Response(int status, List<String[]> headers, String body, List<String[]> trailers) {

        public Optional<String> header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
        }

        /** Every value of a header, in order: a header sent twice shows twice. */
        public List<String> headers(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }

        public List<String> headerNames() {
            return headers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
        }

        public List<String> trailerNames() {
            return trailers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
        }
    }
}
