package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The Berth distribution as users get it (karaf-assembly's tar.gz), booted by Pax Exam on free
 * ports: real HTTP requests to the hello app through catch_errors, real shell commands.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BerthDistributionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    private BundleContext context;

    @Inject
    private SessionFactory sessionFactory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() throws IOException {
        String httpPort = freePort();
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(System.getProperty("berth.assembly")).toURI().toString())
                    .name("Berth")
                    .karafVersion(System.getProperty("karaf.version"))
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            // Free ports, so a Berth already running on this machine does not collide with the test.
            editConfigurationFilePut("etc/org.apache.felix.http.cfg", "org.osgi.service.http.port", httpPort),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("org.ops4j.pax.url.mvn.localRepository")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            // Berth's SNAPSHOT features would otherwise be deployed a second time while Pax Exam
            // installs its probe, and a probe installed mid-deployment may not resolve.
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
            // Berth's boot features as one stage: Pax Exam appends its own features after it, so its
            // probe is installed only once Berth's deployment is over. A probe installed while the
            // features service refreshes bundles may be refused by the resolver.
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBoot",
                    "(" + assemblyBootFeatures() + ")"),
            systemProperty("berth.test.http.port").value(httpPort),
        };
    }

    @Test
    public void helloAnswersThroughCatchErrors() throws Exception {
        HttpResponse<String> response = awaitStatus("/hello", 200);

        assertEquals("Hello from Berth", response.body());
        assertEquals("text/plain;charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
        String transId = response.headers().firstValue("X-Trans-Id").orElse("");
        assertTrue("X-Trans-Id in Swift's form: " + transId, transId.matches("tx[0-9a-f]{21}-[0-9a-f]{10}"));
        assertEquals(transId, response.headers().firstValue("X-Openstack-Request-Id").orElse(null));
    }

    @Test
    public void aServletThatThrowsGives500WithoutItsDetails() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/itest-boom");
        ServiceRegistration<Servlet> registration = context.registerService(Servlet.class, new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalStateException("itest secret detail");
            }
        }, props);
        try {
            HttpResponse<String> response = awaitStatus("/itest-boom", 500);

            assertEquals("An error occurred", response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String transId = response.headers().firstValue("X-Trans-Id").orElse(null);
            assertNotNull(transId);
            assertFalse(response.body().contains("itest secret detail"));
            assertFalse(response.body().contains("Exception"));

            // The operator finds the exception in the log under the id the client was given.
            Path log = Paths.get(System.getProperty("karaf.log"), "karaf.log");
            await("karaf.log names " + transId + " with the exception", () -> {
                try {
                    String text = Files.readString(log, StandardCharsets.UTF_8);
                    int at = text.indexOf("transaction " + transId);
                    return at >= 0 && text.indexOf("itest secret detail", at) > at;
                } catch (IOException e) {
                    return false;
                }
            });
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void featureListShowsBerthInstalled() throws Exception {
        String out = execute("feature:list -i");

        assertTrue(out, out.matches("(?s).*\\bberth\\s+\\|.*\\|\\s*x\\s*\\|\\s*Started\\s*\\|.*"));
        assertTrue(out, out.matches("(?s).*\\bberth-example-hello\\s+\\|.*Started.*"));
    }

    @Test
    public void theWellKnownKarafPasswordDoesNotLogIn() {
        try {
            LoginContext login = new LoginContext("karaf", callbacks -> {
                for (javax.security.auth.callback.Callback callback : callbacks) {
                    if (callback instanceof NameCallback) {
                        ((NameCallback) callback).setName("karaf");
                    } else if (callback instanceof PasswordCallback) {
                        ((PasswordCallback) callback).setPassword("karaf".toCharArray());
                    }
                }
            });
            login.login();
            fail("karaf/karaf logged in");
        } catch (LoginException expected) {
            // no user has a password in the distribution
        }
    }

    @Test
    public void firstStartMadeAnOwnerOnlyClientKey() throws Exception {
        Path etc = Paths.get(System.getProperty("karaf.etc"));
        Path key = etc.resolve("berth-client.key");

        await(key + " exists", () -> Files.exists(key));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readAllLines(etc.resolve("keys.properties")).stream()
                .anyMatch(line -> line.startsWith("karaf = AAAAB3NzaC1yc2E") && line.endsWith(",_g_:admingroup")));
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Jetty and the whiteboard start asynchronously: asks until the status comes, within PATIENCE. */
    private HttpResponse<String> awaitStatus(String path, int status) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + System.getProperty("berth.test.http.port") + path);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == status) {
                    return response;
                }
                last = "status " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            pause();
        }
        throw new AssertionError("GET " + uri + " did not answer " + status + " within " + PATIENCE + "; last: " + last);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + PATIENCE + ": " + what);
            }
            pause();
        }
    }

    /** The interval between two polls of a condition. */
    private static void pause() throws InterruptedException {
        Thread.sleep(100);
    }

    private static String assemblyBootFeatures() throws IOException {
        java.util.Properties features = new java.util.Properties();
        try (java.io.Reader in = Files.newBufferedReader(
                Paths.get(System.getProperty("berth.assembly.dir"), "etc", "org.apache.karaf.features.cfg"))) {
            features.load(in);
        }
        return features.getProperty("featuresBoot").trim();
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }
}
