package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.berth.api.AppFactory;
import io.berth.api.Listener;

/** The distribution as users get it: the hello app through catch_errors, the shell, the hardening. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BerthDistributionTest extends BerthTestSupport {

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
    public void theShippedPipelineRunsTheStandardStagesInOrder() throws Exception {
        awaitStatus("/hello", 200);
        List<String> stages = new ArrayList<>();
        ServiceReference<?>[] filters = context.getServiceReferences(Filter.class.getName(),
                "(osgi.http.whiteboard.context.select=*berth.pipeline.main.*)");
        Arrays.sort(filters, Comparator.comparing(ref -> -((Integer) ref.getProperty("service.ranking"))));
        for (ServiceReference<?> filter : filters) {
            stages.add((String) filter.getProperty("berth.stage"));
        }
        assertEquals(List.of("catch_errors", "gatekeeper", "healthcheck", "proxy_logging"), stages);
    }

    @Test
    public void theLoopbackAdminListenerServesMetricsAndAHealthcheckAndNothingElse() throws Exception {
        String admin = "127.0.0.1:" + adminPort();
        awaitStatus("/hello", 200);
        HttpResponse<String> metrics = awaitStatus(admin, "/admin/metrics", 200);

        assertTrue(metrics.headers().firstValue("Content-Type").orElse(""),
                metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String body = metrics.body();
        // The request to /hello above, as the main pipeline counted it, and the listeners by name.
        assertTrue(body, body.matches("(?s).*\nberth_pipeline_requests_total\\{method=\"GET\",pipeline=\"main\","
                + "status_class=\"2xx\"} [1-9][0-9]*\\.0\n.*"));
        assertTrue(body, body.contains("berth_pipeline_state{pipeline=\"main\",state=\"LIVE\"} 1.0\n"));
        assertTrue(body, body.contains("berth_listener_state{listener=\"admin\",state=\"SERVING\"} 1.0\n"));
        assertTrue(body, body.contains("berth_listener_state{listener=\"main\",state=\"SERVING\"} 1.0\n"));
        assertTrue(body, body.contains("\njvm_memory_used_bytes{area=\"heap\"} "));
        assertEquals("OK", awaitStatus(admin, "/admin/healthcheck", 200).body());

        // The app is not on the admin listener, and the metrics are not on the public one.
        assertEquals(404, get(java.net.URI.create("http://" + admin + "/hello")).statusCode());
        assertEquals(404, get(java.net.URI.create("http://127.0.0.1:" + mainPort() + "/admin/metrics")).statusCode());
        Listener adminListener = context.getService(context.getServiceReferences(Listener.class,
                "(berth.listener.name=admin)").iterator().next());
        assertEquals("http://127.0.0.1:" + adminPort() + "/", adminListener.url());
    }

    @Test
    public void healthcheckAnswersWithoutTheApp() throws Exception {
        HttpResponse<String> response = awaitStatus("/healthcheck", 200);

        assertEquals("OK", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    }

    @Test
    public void aListenerTakenOutOfServiceAnswersHealthchecksWithDraining() throws Exception {
        Listener main = context.getService(context.getServiceReferences(Listener.class, "(berth.listener.name=main)")
                .iterator().next());
        awaitStatus("/healthcheck", 200);
        try {
            main.drain();

            HttpResponse<String> draining = awaitStatus("/healthcheck", 503);
            assertEquals("DRAINING", draining.body());
            assertTrue(main.outOfService());
            assertEquals("the app is still served", "Hello from Berth", awaitStatus("/hello", 200).body());
        } finally {
            main.resume();
        }
        assertEquals("OK", awaitStatus("/healthcheck", 200).body());
    }

    @Test
    public void proxyLoggingWritesOneAccessLineToItsOwnFile() throws Exception {
        HttpResponse<String> response = awaitStatus("/hello?itest=access", 200);
        String transId = response.headers().firstValue("X-Trans-Id").orElse("?");
        Path access = Paths.get(System.getProperty("karaf.log"), "berth-access.log");

        await("berth-access.log has the request's line", () -> {
            try {
                return Files.exists(access) && Files.readString(access).contains(transId);
            } catch (IOException e) {
                return false;
            }
        });
        String line = Files.readAllLines(access).stream().filter(l -> l.contains(transId)).findFirst().orElseThrow();
        assertTrue(line, line.matches("127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\S+ GET /hello%3Fitest%3Daccess HTTP/1\\.1 200 .*"));
        assertFalse("the access line is not in karaf.log", karafLog().contains(transId));
    }

    @Test
    public void aServletThatThrowsGives500WithoutItsDetails() throws Exception {
        ServiceRegistration<AppFactory> boom = app("itest-boom", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalStateException("itest secret detail");
            }
        });
        Configuration pipeline = pipeline("boom", Map.of("pipeline", "catch_errors itest-boom", "path", "/itest-boom"));
        try {
            HttpResponse<String> response = awaitStatus("/itest-boom", 500);

            assertEquals("An error occurred", response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String transId = response.headers().firstValue("X-Trans-Id").orElse(null);
            assertNotNull(transId);
            assertFalse(response.body().contains("itest secret detail"));
            assertFalse(response.body().contains("Exception"));

            // The operator finds the exception in the log under the id the client was given.
            await("karaf.log names " + transId + " with the exception", () -> {
                try {
                    String text = karafLog();
                    int at = text.indexOf("transaction " + transId);
                    return at >= 0 && text.indexOf("itest secret detail", at) > at;
                } catch (IOException e) {
                    return false;
                }
            });
        } finally {
            pipeline.delete();
            boom.unregister();
        }
    }

    @Test
    public void theEffectiveConfigurationIsLoggedOnceAtStart() throws Exception {
        awaitLog("berth.listener-main.bind_port = " + mainPort());

        String log = karafLog();
        assertTrue(log, log.contains("Berth configuration, effective now (secrets masked)"));
        assertTrue(log, log.contains("berth.listener-main.bind_ip = 0.0.0.0"));
        assertTrue(log, log.matches("(?s).*Configuration gathered from:.*etc/berth\\.listener-main\\.cfg.*"));
        assertFalse(log, log.contains("berth.listener-main.service.pid"));
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
                for (Callback callback : callbacks) {
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
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readAllLines(etc.resolve("keys.properties")).stream()
                .anyMatch(line -> line.startsWith("karaf = AAAAB3NzaC1yc2E") && line.endsWith(",_g_:admingroup")));
    }
}
