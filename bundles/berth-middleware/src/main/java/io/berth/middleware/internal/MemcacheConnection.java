package io.berth.middleware.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One connection to a memcached server, speaking its text protocol as Swift's
 * {@code MemcacheRing} does: {@code get}, {@code set}, {@code incr}/{@code decr} (with
 * {@code add} for an absent key) and {@code delete}. Blocking, with the socket's read timeout as
 * the bound on each answer; a caller holds it alone (it comes from a {@link MemcacheServer}'s pool).
 *
 * <p>Any answer the protocol does not allow (a line too long, a value larger than
 * {@link #MAX_VALUE}, a short read) is an {@link IOException}: the connection is then out of step
 * and must be closed. An error the server reports about the request itself ({@code CLIENT_ERROR},
 * {@code SERVER_ERROR}, a {@code NOT_STORED}) leaves the connection usable: {@link Refused}.
 */
final class MemcacheConnection implements Closeable {

    /** Swift's JSON_FLAG: the value is JSON text. */
    static final int JSON_FLAG = 2;
    /** Longest answer line read: a VALUE line with a 250-byte key is far shorter. */
    static final int MAX_LINE = 1024;
    /** Largest value read back: memcached's default item size limit. */
    static final int MAX_VALUE = 1024 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};

    /** An answer that says the server refused this request; the connection stays in step. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String answer) {
            super(answer, null, false, false);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] line = new byte[MAX_LINE];

    private MemcacheConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    static MemcacheConnection open(InetSocketAddress address, int connectTimeoutMillis, int ioTimeoutMillis)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(ioTimeoutMillis);
            socket.connect(address, connectTimeoutMillis);
            return new MemcacheConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * @param key an ASCII key without spaces or control characters (a hex digest)
     * @return the value's bytes and flags, or {@code null} when the server has none
     */
    Item get(String key) throws IOException {
        return get("get", key);
    }

    /** {@code gets}: the value with its cas unique, for {@link #cas}. */
    Item gets(String key) throws IOException {
        return get("gets", key);
    }

    private Item get(String command, String key) throws IOException {
        command(command, key);
        Item found = null;
        while (true) {
            String answer = readLine();
            if (answer.equals("END")) {
                return found;
            }
            String[] words = answer.split(" ");
            if (!words[0].equals("VALUE") || words.length < 4) {
                throw new IOException("unexpected answer to " + command + ": " + printable(answer));
            }
            long unique = 0;
            if (words.length > 4) {
                try {
                    unique = Long.parseUnsignedLong(words[4]);
                } catch (NumberFormatException e) {
                    throw new IOException("not a number in: " + printable(answer));
                }
            }
            int flags = parseInt(words[2], answer);
            int size = parseInt(words[3], answer);
            if (size > MAX_VALUE) {
                throw new IOException("a value of " + size + " bytes, more than " + MAX_VALUE);
            }
            byte[] value = in.readNBytes(size);
            if (value.length < size || in.read() != '\r' || in.read() != '\n') {
                throw new EOFException("the connection ended inside a value");
            }
            if (words[1].equals(key)) {
                found = new Item(value, flags, unique);
            }
        }
    }

    /** A value as stored: its bytes, the flags the writer gave it, its cas unique (0 from a get). */
    record Item(byte[] value, int flags, long unique) {
    }

    /** {@code add}: stores only where the key is absent. @throws Refused NOT_STORED when present */
    void add(String key, int flags, long ttl, byte[] value) throws IOException, Refused {
        store("add", key, flags, ttl, value);
    }

    /**
     * {@code cas}: stores only if the value is still the one read with {@code unique}.
     *
     * @throws Refused {@code EXISTS} when another client changed it, {@code NOT_FOUND} when it is gone
     */
    void cas(String key, int flags, long ttl, byte[] value, long unique) throws IOException, Refused {
        store("cas", key, flags, ttl, value, Long.toUnsignedString(unique));
    }

    /** {@code set} with the given flags; a ttl as memcached reads it (see {@link MemcacheRing#ttl}). */
    void set(String key, int flags, long ttl, byte[] value) throws IOException, Refused {
        store("set", key, flags, ttl, value);
    }

    /**
     * Swift's incr: {@code incr} (or {@code decr} for a negative delta); an absent key is added
     * holding the delta (0 for a decrease); if another client added it meanwhile, incremented again.
     */
    long incr(String key, long delta, long ttl) throws IOException, Refused {
        String command = delta < 0 ? "decr" : "incr";
        String amount = Long.toString(Math.abs(delta));
        String answer = counter(command, key, amount);
        if (!answer.equals("NOT_FOUND")) {
            return parseCounter(answer);
        }
        String initial = delta < 0 ? "0" : amount;
        try {
            store("add", key, 0, ttl, initial.getBytes(StandardCharsets.US_ASCII));
            return Long.parseLong(initial);
        } catch (Refused notStored) {
            if (!notStored.getMessage().equals("NOT_STORED")) {
                throw notStored;
            }
        }
        answer = counter(command, key, amount);
        if (answer.equals("NOT_FOUND")) {
            throw new Refused("NOT_FOUND after NOT_STORED");
        }
        return parseCounter(answer);
    }

    /** @return whether the key was there */
    boolean delete(String key) throws IOException, Refused {
        command("delete", key);
        String answer = readLine();
        if (answer.equals("DELETED")) {
            return true;
        }
        if (answer.equals("NOT_FOUND")) {
            return false;
        }
        throw refusedOrBroken("delete", answer);
    }

    private String counter(String command, String key, String amount) throws IOException, Refused {
        write(command);
        write(" ");
        write(key);
        write(" ");
        write(amount);
        out.write(CRLF);
        out.flush();
        String answer = readLine();
        if (answer.equals("NOT_FOUND") || !answer.isEmpty() && Character.isDigit(answer.charAt(0))) {
            return answer;
        }
        throw refusedOrBroken(command, answer);
    }

    private static long parseCounter(String answer) throws IOException {
        try {
            return Long.parseUnsignedLong(answer.strip());
        } catch (NumberFormatException e) {
            throw new IOException("not a number in a counter's answer: " + printable(answer));
        }
    }

    private void store(String command, String key, int flags, long ttl, byte[] value) throws IOException, Refused {
        store(command, key, flags, ttl, value, null);
    }

    /** A storage command; {@code casUnique} for {@code cas}, whose NOT_FOUND (the key went meanwhile) is a refusal. */
    private void store(String command, String key, int flags, long ttl, byte[] value, String casUnique)
            throws IOException, Refused {
        write(command + ' ' + key + ' ' + flags + ' ' + ttl + ' ' + value.length
                + (casUnique == null ? "" : ' ' + casUnique));
        out.write(CRLF);
        out.write(value);
        out.write(CRLF);
        out.flush();
        String answer = readLine();
        if (casUnique != null && answer.equals("NOT_FOUND")) {
            throw new Refused(answer);
        }
        if (!answer.equals("STORED")) {
            throw refusedOrBroken(command, answer);
        }
    }

    /** The server's own refusals keep the connection; anything else means it is out of step. */
    private static Refused refusedOrBroken(String command, String answer) throws IOException {
        if (answer.equals("NOT_STORED") || answer.equals("EXISTS") || answer.startsWith("CLIENT_ERROR")
                || answer.startsWith("SERVER_ERROR")) {
            return new Refused(answer);
        }
        throw new IOException("unexpected answer to " + command + ": " + printable(answer));
    }

    private void command(String command, String key) throws IOException {
        write(command);
        write(" ");
        write(key);
        out.write(CRLF);
        out.flush();
    }

    private void write(String ascii) throws IOException {
        for (int i = 0; i < ascii.length(); i++) {
            out.write(ascii.charAt(i));
        }
    }

    /** A line without its CRLF, as ASCII. */
    private String readLine() throws IOException {
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(length == 0 ? "the server closed the connection"
                        : "the connection ended inside an answer");
            }
            if (b == '\n') {
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return new String(line, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (length == line.length) {
                throw new IOException("an answer line longer than " + MAX_LINE + " bytes");
            }
            line[length++] = (byte) b;
        }
    }

    private static int parseInt(String word, String answer) throws IOException {
        try {
            int value = Integer.parseUnsignedInt(word);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException("not a number in: " + printable(answer));
        }
    }

    /** An answer for a log line: printable ASCII only, at most 80 characters. */
    static String printable(String answer) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < answer.length() && shown.length() < 80; i++) {
            char c = answer.charAt(i);
            shown.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return shown.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
