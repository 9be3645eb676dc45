package io.berth.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetAddress;
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
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;

import javax.inject.Inject;
import javax.security.auth.Subject;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.options.DefaultCompositeOption;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.berth.api.AppFactory;
import io.berth.api.Berth;
import io.berth.api.StageFactory;

/**
 * Boots the Berth distribution as users get it (karaf-assembly's tar.gz) with Pax Exam, on free
 * ports, and gives tests real HTTP requests, real shell commands and Karaf's log.
 */
public abstract class BerthTestSupport {

    protected static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    protected BundleContext context;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() throws IOException {
        String httpPort = freePort();
        return OptionUtils.combine(options(httpPort),
                // mvn verify -pl itests -Dberth.itest.keep=true (and always in CI): the Karaf each test
                // class ran in stays under target/exam, its log for .ci/run to show if a test failed.
                Boolean.getBoolean("berth.itest.keep") || System.getenv("CI") != null
                        ? keepRuntimeFolder() : new DefaultCompositeOption());
    }

    private Option[] options(String httpPort) throws IOException {
        // Felix's own connector (127.0.0.1, port 0 in the distribution) on a port the tests know,
        // so that they can check nothing of Berth's is served through it.
        String felixPort = freePort();
        String adminPort = freePort();
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
            editConfigurationFilePut("etc/berth.listener-main.cfg", "bind_port", httpPort),
            editConfigurationFilePut("etc/berth.listener-admin.cfg", "bind_port", adminPort),
            systemProperty("berth.test.admin.port").value(adminPort),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("org.ops4j.pax.url.mvn.localRepository")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            // Berth's SNAPSHOT features would otherwise be checked for updates at boot.
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
            // Berth's boot features as one stage: Pax Exam appends its own features after it, so its
            // probe is installed only once Berth's deployment is over. A probe installed while the
            // features service refreshes bundles may be refused by the resolver.
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBoot", assemblyBootFeatures()),
            systemProperty("berth.test.http.port").value(httpPort),
            editConfigurationFilePut("etc/org.apache.felix.http.cfg", "org.osgi.service.http.port", felixPort),
            systemProperty("berth.test.felix.port").value(felixPort),
            systemProperty("berth.itest.updates").value(System.getProperty("berth.itest.updates", "20")),
            systemProperty("berth.example.stage.jar").value(System.getProperty("berth.example.stage.jar", "")),
            // Berth's config directory (what /etc/berth/conf.d is in production), for the paste import tests.
            editConfigurationFilePut("etc/system.properties", "berth.config.dirs", "${karaf.base}/conf.d"),
        };
    }

    protected static int mainPort() {
        return Integer.parseInt(System.getProperty("berth.test.http.port"));
    }

    /** The port of the loopback listener {@code admin} (9180 in the distribution). */
    protected static int adminPort() {
        return Integer.parseInt(System.getProperty("berth.test.admin.port"));
    }

    /** The port of Felix's own connector: not a Berth listener. */
    protected static int felixPort() {
        return Integer.parseInt(System.getProperty("berth.test.felix.port"));
    }

    /** Creates or replaces {@code etc/berth.listener-NAME.cfg}, as an operator would. */
    protected org.osgi.service.cm.Configuration listener(String name, Map<String, Object> properties) throws IOException {
        return factoryConfiguration("berth.listener", name, properties);
    }

    /** Creates or replaces {@code etc/berth.pipeline-NAME.cfg}, as an operator would. */
    protected org.osgi.service.cm.Configuration pipeline(String name, Map<String, Object> properties) throws IOException {
        return factoryConfiguration("berth.pipeline", name, properties);
    }

    private org.osgi.service.cm.Configuration factoryConfiguration(String pid, String name, Map<String, Object> properties)
            throws IOException {
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getFactoryConfiguration(pid, name, "?");
        configuration.update(new Hashtable<>(properties));
        return configuration;
    }

    /** Provides an app stage type, as an app bundle would. */
    protected ServiceRegistration<AppFactory> app(String stage, jakarta.servlet.Servlet servlet) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Berth.STAGE_PROPERTY, stage);
        return context.registerService(AppFactory.class, settings -> servlet, props);
    }

    /** Runs a shell command with the roles of Karaf's admin group (admin, manager, viewer, systembundles). */
    protected String executeAsAdmin(String command) throws Exception {
        return executeAs(command, "admin", "manager", "viewer", "systembundles");
    }

    /** Runs a shell command as a user with these roles only, as Karaf's command ACLs see it. */
    protected String executeAs(String command, String... roles) throws Exception {
        return doAs(() -> execute(command), roles);
    }

    /** Runs the action as a shell user with these roles (Karaf shows such a user only the commands its roles allow). */
    protected static <T> T doAs(PrivilegedExceptionAction<T> action, String... roles) throws Exception {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }

    protected String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Asks {@code GET http://HOST:PORT/PATH} until it answers {@code status}, within PATIENCE. */
    protected HttpResponse<String> awaitStatus(String hostPort, String path, int status) throws Exception {
        URI uri = URI.create("http://" + hostPort + path);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get(uri);
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

    /**
     * Asks {@code GET http://HOST:PORT/PATH} until the answer passed through exactly these stages
     * (test stages add their name to {@code X-Stages}): a path not mounted yet is answered by the
     * pipeline at {@code /}.
     */
    protected HttpResponse<String> awaitStages(String hostPort, String path, List<String> stages) throws Exception {
        URI uri = URI.create("http://" + hostPort + path);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get(uri);
                List<String> seen = response.headers().allValues("X-Stages");
                if (response.statusCode() == 200 && seen.equals(stages)) {
                    return response;
                }
                last = "status " + response.statusCode() + ", X-Stages " + seen;
            } catch (IOException e) {
                last = e.toString();
            }
            pause();
        }
        throw new AssertionError("GET " + uri + " did not pass through " + stages + " within " + PATIENCE + "; last: " + last);
    }

    protected HttpResponse<String> awaitStages(String path, List<String> stages) throws Exception {
        return awaitStages("127.0.0.1:" + mainPort(), path, stages);
    }

    /** A stage that adds its name to the response's X-Stages header, so order can be seen. */
    protected ServiceRegistration<StageFactory> tagStage(String name) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Berth.STAGE_PROPERTY, name);
        StageFactory factory = settings -> (Filter) (request, response, chain) -> {
            ((HttpServletResponse) response).addHeader("X-Stages", name);
            chain.doFilter(request, response);
        };
        return context.registerService(StageFactory.class, factory, props);
    }

    /** Jetty and the whiteboard start asynchronously: asks the main listener until the status comes. */
    protected HttpResponse<String> awaitStatus(String path, int status) throws Exception {
        return awaitStatus("127.0.0.1:" + mainPort(), path, status);
    }

    protected HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + PATIENCE + ": " + what);
            }
            pause();
        }
    }

    /** Waits until Karaf's log has {@code text}. */
    protected static void awaitLog(String text) throws InterruptedException {
        Path log = Paths.get(System.getProperty("karaf.log"), "karaf.log");
        await("karaf.log contains: " + text, () -> {
            try {
                return Files.readString(log, StandardCharsets.UTF_8).contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Waits until Karaf's log has {@code text} at least {@code count} times. */
    /** How many times {@code part} occurs in {@code text}. */
    protected static int occurrences(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            found++;
        }
        return found;
    }

    protected static void awaitLogCount(String text, int count) throws InterruptedException {
        await("karaf.log contains " + count + " times: " + text, () -> {
            try {
                return occurrences(karafLog(), text) >= count;
            } catch (IOException e) {
                return false;
            }
        });
    }

    protected static String karafLog() throws IOException {
        return Files.readString(Paths.get(System.getProperty("karaf.log"), "karaf.log"), StandardCharsets.UTF_8);
    }

    /**
     * The interval between two polls of a condition. These waits run inside the Karaf container,
     * where Awaitility is not installed; the unit tests and DistributionProcessTest use Awaitility.
     */
    protected static void pause() throws InterruptedException {
        Thread.sleep(100);
    }

    protected static String freePort() throws IOException {
        return Integer.toString(freePortNumber());
    }

    /**
     * A port free now, below the kernel's ephemeral range (32768 and up): a port the kernel hands
     * out for bind(0) (Pax Exam's own RMI port, a client socket) can then never be one a test
     * configured a moment earlier and has not bound yet.
     */
    static int freePortNumber() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000 after 200 tries");
    }

    private static String assemblyBootFeatures() throws IOException {
        Properties features = new Properties();
        try (Reader in = Files.newBufferedReader(
                Paths.get(System.getProperty("berth.assembly.dir"), "etc", "org.apache.karaf.features.cfg"))) {
            features.load(in);
        }
        // The assembly may start with stages of its own (Karaf would install wrap first, were it a
        // boot feature): they stay, and the rest becomes one stage.
        String boot = features.getProperty("featuresBoot").trim();
        StringBuilder stages = new StringBuilder();
        while (boot.startsWith("(")) {
            int end = boot.indexOf(')');
            stages.append(boot, 0, end + 1).append(", ");
            boot = boot.substring(end + 1).replaceFirst("^\\s*,\\s*", "");
        }
        return stages + "(" + boot + ")";
    }
}
