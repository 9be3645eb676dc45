package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The example object store ({@code berth-example-objects}: the {@code objects} app behind the
 * {@code tempauth} stage) driven by Swift's own command line client, {@code swift} from Debian's
 * python3-swiftclient (.ci/tools installs it), and by plain HTTP requests for every status the
 * Swift API gives.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ObjectStoreTest extends BerthTestSupport {

    private static final String MOUNT = "/swift";

    private static boolean installed;

    private Path work;

    @Before
    public void objectStore() throws Exception {
        work = Files.createDirectories(Paths.get(System.getProperty("karaf.data"), "tmp", "object-store-test"));
        if (installed) {
            return;
        }
        String output = executeAsAdmin("feature:install berth-example-objects");
        assertFalse(output, output.contains("Error"));
        pipeline("swift", Map.of(
                "pipeline", "catch_errors gatekeeper healthcheck proxy_logging tempauth objects",
                "path", MOUNT,
                "tempauth.user_test_tester", "testing .admin",
                "tempauth.user_test_reader", "reading",
                "tempauth.user_other_owner", "owning .admin"));
        // tempauth answers a token request without credentials with 401 once the pipeline is live.
        awaitStatus(MOUNT + "/auth/v1.0", 401);
        installed = true;
    }

    @Test
    public void a_theSwiftClientStatsPostsUploadsListsDownloadsAndDeletes() throws Exception {
        String stat = swift("stat");
        assertTrue(stat, stat.contains("Account: AUTH_test"));
        assertTrue(stat, stat.matches("(?s).*Containers: 0\\b.*"));

        swift("post", "photos");
        Path small = write("small.txt", "Hello, Swift, from Berth\n".getBytes(StandardCharsets.UTF_8));
        Path big = write("big.bin", random(50 << 20, 1));
        Path segmented = write("segmented.bin", random(5 << 20, 2));
        Files.createDirectories(work.resolve("tree/2026/11"));
        Files.writeString(work.resolve("tree/2026/11/a b.txt"), "spaces and slashes");
        Files.writeString(work.resolve("tree/2026/notes.txt"), "notes");

        swiftIn(work, "upload", "photos", "small.txt");
        swiftIn(work, "upload", "photos", "big.bin");
        String segmentedUpload = swiftIn(work, "upload", "--segment-size", "1048576", "photos", "segmented.bin");
        assertTrue(segmentedUpload, segmentedUpload.contains("segmented.bin segment 4"));
        swiftIn(work, "upload", "photos", "tree");

        String stat2 = swift("stat", "photos");
        assertTrue(stat2, stat2.matches("(?s).*Objects: 5\\b.*"));
        String list = swift("list", "photos");
        assertEquals(List.of("big.bin", "segmented.bin", "small.txt", "tree/2026/11/a b.txt", "tree/2026/notes.txt"),
                lines(list));
        assertEquals(List.of("tree/2026/11/a b.txt", "tree/2026/notes.txt"), lines(swift("list", "photos", "--prefix", "tree/")));
        assertEquals(List.of("big.bin", "segmented.bin", "small.txt", "tree/"), lines(swift("list", "photos", "--delimiter", "/")));
        assertEquals(List.of("tree/2026/11/", "tree/2026/notes.txt"),
                lines(swift("list", "photos", "--prefix", "tree/2026/", "--delimiter", "/")));
        assertEquals("the segments are in their own container", 5,
                lines(swift("list", "photos_segments")).size());
        assertTrue(lines(swift("list")).containsAll(List.of("photos", "photos_segments")));

        Path downloads = Files.createDirectories(work.resolve("downloads"));
        for (String name : List.of("small.txt", "big.bin", "segmented.bin", "tree/2026/11/a b.txt")) {
            swiftIn(downloads, "download", "photos", name);
            assertEquals(name, md5(work.resolve(name)), md5(downloads.resolve(name)));
        }

        String headers = swift("stat", "photos", "segmented.bin");
        assertTrue(headers, headers.contains("Manifest: photos_segments/segmented.bin/"));

        swift("post", "-m", "Color:blue", "photos", "small.txt");
        assertTrue(swift("stat", "photos", "small.txt").contains("Meta Color: blue"));

        swift("delete", "photos", "segmented.bin");
        assertEquals("deleting a segmented object deletes its segments", List.of(), lines(swift("list", "photos_segments")));
        swift("delete", "photos");
        assertFalse(lines(swift("list")).contains("photos"));
    }

    @Test
    public void t_tempauthsOwnNumbersAndAnswersAreScrapedUnderItsPipeline() throws Exception {
        assertEquals(401, send(request("/auth/v1.0").header("X-Auth-User", "other:owner").header("X-Auth-Key", "wrong")).statusCode());
        assertEquals(200, send(request("/auth/v1.0").header("X-Auth-User", "other:owner").header("X-Auth-Key", "owning")).statusCode());

        String body = awaitStatus("127.0.0.1:" + adminPort(), "/admin/metrics", 200).body();

        // The stage's filter (berth-middleware) is read by the pipeline (berth-pipeline) through berth-api.
        assertTrue(body, body.matches("(?s).*\nberth_tempauth_logins_refused_total\\{pipeline=\"swift\"} [1-9][0-9]*\\.0\n.*"));
        assertTrue(body, body.matches("(?s).*\nberth_tempauth_tokens_issued_total\\{pipeline=\"swift\"} [1-9][0-9]*\\.0\n.*"));
        assertTrue(body, body.matches("(?s).*\nberth_tempauth_tokens_live\\{pipeline=\"swift\"} [1-9][0-9]*\\.0\n.*"));
        assertTrue(body, body.matches("(?s).*\nberth_stage_answers_total\\{code=\"401\",pipeline=\"swift\",stage=\"tempauth\"} "
                + "[1-9][0-9]*\\.0\n.*"));
        assertTrue(body, body.matches("(?s).*\nberth_stage_answers_total\\{code=\"200\",pipeline=\"swift\",stage=\"tempauth\"} "
                + "[1-9][0-9]*\\.0\n.*"));
    }

    @Test
    public void b_tempauthGivesTokensAndGuardsAccounts() throws Exception {
        assertEquals(401, send(request("/auth/v1.0").header("X-Auth-User", "test:tester").header("X-Auth-Key", "wrong")).statusCode());
        HttpResponse<String> auth = send(request("/auth/v1.0").header("X-Auth-User", "test:tester").header("X-Auth-Key", "testing"));
        assertEquals(200, auth.statusCode());
        String token = auth.headers().firstValue("X-Auth-Token").orElseThrow();
        assertTrue(token, token.startsWith("AUTH_tk"));
        assertEquals(base() + "/v1/AUTH_test", auth.headers().firstValue("X-Storage-Url").orElseThrow());

        assertEquals(401, send(request("/v1/AUTH_test")).statusCode());
        assertEquals(401, send(request("/v1/AUTH_test").header("X-Auth-Token", "AUTH_tkforged")).statusCode());
        assertEquals(403, send(request("/v1/AUTH_other").header("X-Auth-Token", token)).statusCode());
        assertEquals(204, send(request("/v1/AUTH_test").header("X-Auth-Token", token).method("HEAD", noBody())).statusCode());
        // Outside /v1 nothing is asked for: the health check still answers.
        assertEquals(200, send(request("/healthcheck")).statusCode());
    }

    @Test
    public void c_containersAnswerWithSwiftsStatuses() throws Exception {
        String token = token("test:tester", "testing");
        String c = "/v1/AUTH_test/statuses";
        assertEquals(201, send(authed(c, token).PUT(noBody())).statusCode());
        assertEquals(202, send(authed(c, token).PUT(noBody())).statusCode());
        assertEquals(204, send(authed(c, token).POST(noBody()).header("X-Container-Meta-Purpose", "itest")).statusCode());
        HttpResponse<String> head = send(authed(c, token).method("HEAD", noBody()));
        assertEquals(204, head.statusCode());
        assertEquals("0", head.headers().firstValue("X-Container-Object-Count").orElseThrow());
        assertEquals("itest", head.headers().firstValue("X-Container-Meta-Purpose").orElseThrow());
        assertEquals(201, send(authed(c + "/o", token).PUT(body("x"))).statusCode());
        assertEquals(409, send(authed(c, token).DELETE()).statusCode());

        HttpResponse<String> json = send(authed(c + "?format=json", token));
        assertEquals(200, json.statusCode());
        assertTrue(json.body(), json.body().contains("\"name\":\"o\"") || json.body().contains("\"name\": \"o\""));
        assertTrue(json.body(), json.body().contains("9dd4e461268c8034f5c8564e155c67a6")); // md5("x")

        assertEquals(204, send(authed(c + "/o", token).DELETE()).statusCode());
        assertEquals(404, send(authed(c + "/o", token).DELETE()).statusCode());
        assertEquals(204, send(authed(c, token).DELETE()).statusCode());
        assertEquals(404, send(authed(c, token).DELETE()).statusCode());
        assertEquals(404, send(authed(c + "/o", token).PUT(body("x"))).statusCode());
    }

    @Test
    public void d_objectsAnswerWithSwiftsStatuses() throws Exception {
        String token = token("test:tester", "testing");
        String c = "/v1/AUTH_test/objects";
        assertEquals(201, send(authed(c, token).PUT(noBody())).statusCode());
        String o = c + "/dir/name%20with%20spaces";

        assertEquals("a client ETag that does not match", 422,
                send(authed(o, token).PUT(body("0123456789")).header("ETag", "00000000000000000000000000000000")).statusCode());
        assertEquals("nothing stored after a mismatch", 404, send(authed(o, token)).statusCode());

        HttpResponse<String> put = send(authed(o, token).PUT(body("0123456789"))
                .header("Content-Type", "text/plain").header("X-Object-Meta-Color", "red"));
        assertEquals(201, put.statusCode());
        String etag = put.headers().firstValue("ETag").orElseThrow().replace("\"", "");
        assertEquals("781e5e245d69b566979b86e28d23f2c7", etag);

        HttpResponse<String> get = send(authed(o, token));
        assertEquals(200, get.statusCode());
        assertEquals("0123456789", get.body());
        assertEquals("red", get.headers().firstValue("X-Object-Meta-Color").orElseThrow());
        assertTrue(get.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));

        HttpResponse<String> range = send(authed(o, token).header("Range", "bytes=2-4"));
        assertEquals(206, range.statusCode());
        assertEquals("234", range.body());
        assertEquals("bytes 2-4/10", range.headers().firstValue("Content-Range").orElseThrow());
        assertEquals(416, send(authed(o, token).header("Range", "bytes=20-30")).statusCode());

        assertEquals(304, send(authed(o, token).header("If-None-Match", "\"" + etag + "\"")).statusCode());
        assertEquals(412, send(authed(o, token).header("If-Match", "\"0000\"")).statusCode());
        String later = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusDays(1));
        assertEquals(304, send(authed(o, token).header("If-Modified-Since", later)).statusCode());

        assertEquals(202, send(authed(o, token).POST(noBody()).header("X-Object-Meta-Shape", "round")).statusCode());
        HttpResponse<String> head = send(authed(o, token).method("HEAD", noBody()));
        assertEquals("round", head.headers().firstValue("X-Object-Meta-Shape").orElseThrow());
        assertFalse("POST replaces the metadata", head.headers().firstValue("X-Object-Meta-Color").isPresent());

        assertEquals(201, send(authed(o, token).method("COPY", noBody()).header("Destination", "objects/copied")).statusCode());
        assertEquals("0123456789", send(authed(c + "/copied", token)).body());
        assertEquals(201, send(authed(c + "/copied-too", token).PUT(noBody())
                .header("X-Copy-From", "objects/dir/name%20with%20spaces")).statusCode());
        assertEquals("0123456789", send(authed(c + "/copied-too", token)).body());

        // A chunked upload (no Content-Length): the body is streamed, the ETag still computed.
        byte[] chunked = random(3 << 20, 3);
        HttpResponse<String> streamed = send(authed(c + "/chunked", token)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked))));
        assertEquals(201, streamed.statusCode());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(chunked)),
                streamed.headers().firstValue("ETag").orElseThrow().replace("\"", ""));

        for (String name : List.of(o, c + "/copied", c + "/copied-too", c + "/chunked")) {
            assertEquals(name, 204, send(authed(name, token).DELETE()).statusCode());
        }
        assertEquals(404, send(authed(o, token)).statusCode());
        // Through tempauth, as in Swift: escapes that spell no UTF-8 get the proxy's 412, not a 400 before it.
        HttpResponse<String> notUtf8 = send(authed(c + "/%C3%28", token));
        assertEquals(412, notUtf8.statusCode());
        assertEquals("Invalid UTF8 or contains NULL\n", notUtf8.body());
        assertEquals(204, send(authed(c, token).DELETE()).statusCode());
    }

    @Test
    public void e_aUserWithoutAdminReachesOnlyWhatContainerAclsGrant() throws Exception {
        String admin = token("test:tester", "testing");
        String reader = token("test:reader", "reading");
        String c = "/v1/AUTH_test/shared";
        assertEquals(201, send(authed(c, admin).PUT(noBody())).statusCode());
        assertEquals(201, send(authed(c + "/doc", admin).PUT(body("shared text"))).statusCode());

        assertEquals(403, send(authed(c + "/doc", reader)).statusCode());
        assertEquals(204, send(authed(c, admin).POST(noBody()).header("X-Container-Read", "test:reader")).statusCode());
        assertEquals(200, send(authed(c + "/doc", reader)).statusCode());
        assertEquals(403, send(authed(c + "/new", reader).PUT(body("no"))).statusCode());
        assertEquals(403, send(authed("/v1/AUTH_test", reader)).statusCode());

        assertEquals(204, send(authed(c + "/doc", admin).DELETE()).statusCode());
        assertEquals(204, send(authed(c, admin).DELETE()).statusCode());
    }

    @Test
    public void f_aListenerThatLetsAmbiguousPathsThroughServesNamesWithPercentAndDoubleSlash() throws Exception {
        swift("post", "odd");
        write("fifty%.txt", "50%\n".getBytes(StandardCharsets.UTF_8));
        // Jetty's default: the request never reaches a stage.
        assertEquals(400, send(authed("/v1/AUTH_test/odd/fifty%25.txt", token("test:tester", "testing"))
                .PUT(body("x"))).statusCode());

        // One change at a time, as an operator would: Felix restarts Jetty (Berth's listeners go with it), then the listener.
        String started = "Started Jetty 12";
        int starts = occurrences(karafLog(), started);
        org.osgi.service.cm.Configuration http = configurationAdmin.getConfiguration("org.apache.felix.http", null);
        java.util.Dictionary<String, Object> settings = http.getProperties();
        settings.put("org.eclipse.jetty.UriComplianceMode", "LEGACY");
        http.update(settings);
        awaitLogCount(started, starts + 1);
        awaitStatus(MOUNT + "/auth/v1.0", 401);
        org.osgi.service.cm.Configuration main = configurationAdmin.getFactoryConfiguration("berth.listener", "main", "?");
        java.util.Dictionary<String, Object> listener = main.getProperties();
        listener.put("uri_compliance", "LEGACY");
        main.update(listener);

        await("the listener lets %25 through", () -> {
            try {
                return send(authed("/v1/AUTH_test/odd/fifty%25.txt", token("test:tester", "testing"))).statusCode() == 404;
            } catch (Exception | AssertionError e) { // Jetty restarts: refused, then 404 until the pipeline is back
                return false;
            }
        });
        swiftIn(work, "upload", "odd", "fifty%.txt");
        swiftIn(work, "upload", "odd", "fifty%.txt", "--object-name", "dir//twice");
        assertEquals(List.of("dir//twice", "fifty%.txt"), lines(swift("list", "odd")));
        assertEquals("50%\n", swift("download", "odd", "fifty%.txt", "-o", "-"));
    }

    // --- the swift command line

    private String swift(String... arguments) throws Exception {
        return swiftIn(work, arguments);
    }

    private String swiftIn(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("swift", "-A", base() + "/auth/v1.0", "-U", "test:tester", "-K", "testing"));
        command.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ST_") || name.startsWith("OS_"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run swift (.ci/tools installs python3-swiftclient): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertTrue("swift " + String.join(" ", arguments) + " finished", process.waitFor(120, TimeUnit.SECONDS));
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals("swift " + String.join(" ", arguments) + " said: " + text, 0, process.exitValue());
        return text;
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    // --- plain HTTP

    private static String base() {
        return "http://127.0.0.1:" + mainPort() + MOUNT;
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpRequest.Builder authed(String path, String token) {
        return request(path).header("X-Auth-Token", token);
    }

    private String token(String user, String key) throws Exception {
        HttpResponse<String> auth = send(request("/auth/v1.0").header("X-Auth-User", user).header("X-Auth-Key", key));
        assertEquals(auth.body(), 200, auth.statusCode());
        return auth.headers().firstValue("X-Auth-Token").orElseThrow();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.BodyPublisher noBody() {
        return HttpRequest.BodyPublishers.noBody();
    }

    private static HttpRequest.BodyPublisher body(String text) {
        return HttpRequest.BodyPublishers.ofString(text);
    }

    // --- files

    private Path write(String name, byte[] content) throws IOException {
        Path file = work.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String md5(Path file) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }
}
