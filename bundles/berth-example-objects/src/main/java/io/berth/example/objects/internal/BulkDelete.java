package io.berth.example.objects.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/**
 * Swift's bulk delete: {@code POST} (or {@code DELETE}) with {@code ?bulk-delete} under an
 * account, a text/plain body of URL-encoded {@code /container/object} and {@code /container}
 * lines. Each is deleted as its own DELETE would be, with the user's own rights (Swift's bulk
 * middleware, in front of the auth stage, makes each a subrequest that is authorized alone):
 * objects first, then containers, which must be empty by then. The answer is always 200, the
 * outcome in its body ({@link BulkDeleteAnswer}). Swift streams whitespace while it works, to keep
 * the connection; this answers at the end, which a client cannot tell apart.
 */
final class BulkDelete {

    /** Swift's default max_deletes_per_request, as /info reports it. */
    static final int MAX_DELETES_PER_REQUEST = 10_000;
    /** Swift's default max_failed_deletes: after that many failures the rest is not tried. */
    static final int MAX_FAILED_DELETES = 1_000;
    /** Swift's max_path_length: what it reads at a time; a line twice as long is refused. */
    private static final int MAX_PATH_LENGTH = Requests.MAX_OBJECT_NAME_LENGTH + Requests.MAX_CONTAINER_NAME_LENGTH + 2;

    /** Under the servlet's name, as its other failures: log settings name that. */
    private static final Logger LOG = LoggerFactory.getLogger(ObjectsServlet.class);

    private final ObjectStore store;
    /** Epoch milliseconds: an expired object was already gone ({@link Expiry}). */
    private final LongSupplier clock;

    BulkDelete(ObjectStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Whether the request is a bulk delete: Swift's middleware takes POST and DELETE with the
     * parameter, under any path of the account. Read from the query string: a POST's parameters
     * would read a form body.
     */
    static boolean asked(HttpServletRequest request) {
        String method = request.getMethod();
        return (method.equals("POST") || method.equals("DELETE")) && Requests.parameter(request, "bulk-delete") != null;
    }

    /** @param path the request's path, {@code /v1/ACCOUNT...}: its version names the items */
    void serve(HttpServletRequest request, HttpServletResponse response, String path, Target target) throws IOException {
        String format = Accept.bulkFormat(request.getHeader("Accept"));
        BulkDeleteAnswer answer = new BulkDeleteAnswer();
        try {
            if (format == null) {
                throw new SwiftException(406, "");
            }
            String type = request.getHeader("Content-Type");
            if (type != null && !type.isEmpty() && !type.startsWith("text/plain")) {
                // Swift's: only newline-separated names, for now.
                throw new SwiftException(406, "");
            }
            String prefix = "/" + path.split("/", 3)[1] + "/" + target.account() + "/";
            List<byte[]> names = names(request);
            // Objects first, so that the containers they were in are empty when their turn comes.
            for (boolean objects : new boolean[] {true, false}) {
                for (byte[] name : names) {
                    if (name.length > 0 && isObject(name) == objects) {
                        deleteOne(request, prefix, name, answer);
                        if (answer.failures() >= MAX_FAILED_DELETES) {
                            throw new SwiftException(400, "Max delete failures exceeded");
                        }
                    }
                }
            }
        } catch (SwiftException e) {
            answer.refused(e.status, e.getMessage());
        }
        answer.send(response, format);
    }

    private void deleteOne(HttpServletRequest request, String prefix, byte[] name, BulkDeleteAnswer answer) {
        String text = utf8(name);
        if (text == null || text.indexOf('\0') >= 0) {
            // What Swift's proxy answers a path that is not UTF-8 or holds NUL.
            answer.outcome(Requests.quote(name), 412);
            return;
        }
        int status;
        try {
            status = delete(request, Requests.target(prefix + stripLeading(text)));
        } catch (SwiftException e) {
            status = e.status;
        } catch (IOException e) {
            LOG.error("Bulk delete of '{}' failed: {}", text, e.toString());
            LOG.debug("Bulk delete of '{}' failed", text, e);
            status = 500;
        }
        answer.outcome(Requests.quote(name), status);
    }

    /**
     * One item, as its DELETE would be answered.
     *
     * @throws SwiftException what its DELETE would be refused with
     */
    int delete(HttpServletRequest request, Target target) throws IOException {
        if (target.container() == null) {
            // A line that names only the account ("/"): deleting it is tempauth's reseller admins'
            // only, and Swift's proxy refuses it to them (allow_account_management is off).
            if (Acls.isAnonymous(request)) {
                return 401;
            }
            return request.getRemoteUser() != null && !request.isUserInRole(".reseller_admin") ? 403 : 405;
        }
        Account account = store.account(target.account());
        Container container = account.containers.get(target.container());
        Acls.authorize(request, target, container, "DELETE");
        Container existing = Responses.existing(container, target.container());
        if (target.object() == null) {
            store.deleteContainer(account, existing);
            return 204;
        }
        StoredObject deleted = store.delete(existing, target.object());
        // An expired object is deleted, and was already gone: Swift's object server answers 404.
        return deleted == null || Expiry.expired(deleted, clock.getAsLong()) ? 404 : 204;
    }

    /**
     * The body's lines, stripped and percent-decoded, read as Swift's get_objs_to_delete reads
     * them: {@value #MAX_PATH_LENGTH} bytes at a time, every complete line counted (an empty one
     * too, as Swift counts it), a last one without its newline only when not empty.
     *
     * @throws SwiftException 411 without a length, 413 for more lines than allowed, 400 "Invalid
     *         File Name" for a line that grew over twice the read
     */
    private static List<byte[]> names(HttpServletRequest request) throws IOException {
        String transferEncoding = request.getHeader("Transfer-Encoding");
        if (request.getContentLengthLong() < 0
                && (transferEncoding == null || !transferEncoding.toLowerCase(Locale.ROOT).equals("chunked"))) {
            throw new SwiftException(411, "");
        }
        List<byte[]> names = new ArrayList<>();
        InputStream in = request.getInputStream();
        byte[] line = new byte[0];
        long read = 0;
        boolean more = true;
        while (more) {
            int newline = indexOf(line, (byte) '\n');
            if (newline >= 0) {
                names.add(unquote(strip(Arrays.copyOfRange(line, 0, newline))));
                line = Arrays.copyOfRange(line, newline + 1, line.length);
            } else {
                byte[] data;
                try {
                    data = in.readNBytes(MAX_PATH_LENGTH);
                } catch (IOException e) {
                    throw new BodyReadException("Reading the bulk delete's names failed: " + e.getMessage(), read, e);
                }
                read += data.length;
                if (data.length > 0) {
                    byte[] longer = Arrays.copyOf(line, line.length + data.length);
                    System.arraycopy(data, 0, longer, line.length, data.length);
                    line = longer;
                } else {
                    more = false;
                    byte[] last = unquote(strip(line));
                    if (last.length > 0) {
                        names.add(last);
                    }
                }
            }
            if (names.size() > MAX_DELETES_PER_REQUEST) {
                throw new SwiftException(413, "Maximum Bulk Deletes: " + MAX_DELETES_PER_REQUEST + " per request");
            }
            if (line.length > MAX_PATH_LENGTH * 2) {
                throw new SwiftException(400, "Invalid File Name");
            }
        }
        return names;
    }

    /** Swift's test: the name stripped of slashes at both ends still holds one. */
    private static boolean isObject(byte[] name) {
        int start = 0;
        int end = name.length;
        while (start < end && name[start] == '/') {
            start++;
        }
        while (end > start && name[end - 1] == '/') {
            end--;
        }
        return indexOf(Arrays.copyOfRange(name, start, end), (byte) '/') >= 0;
    }

    private static String stripLeading(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '/') {
            start++;
        }
        return name.substring(start);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Python's bytes.strip(): ASCII whitespace at both ends. */
    private static byte[] strip(byte[] bytes) {
        int start = 0;
        int end = bytes.length;
        while (start < end && isSpace(bytes[start])) {
            start++;
        }
        while (end > start && isSpace(bytes[end - 1])) {
            end--;
        }
        return Arrays.copyOfRange(bytes, start, end);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }

    /** Python's unquote to bytes: an escape that is not one stays as sent, + stays +. */
    private static byte[] unquote(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int hi = i + 2 < bytes.length && bytes[i] == '%' ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(bytes[i + 2], 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toByteArray();
    }

    /** @return null when the bytes are not UTF-8 */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
