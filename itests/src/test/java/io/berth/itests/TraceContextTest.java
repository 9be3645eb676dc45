package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.berth.api.AppFactory;

/**
 * A request followed by its W3C traceparent from the client into the app and the access log, in a
 * pipeline configured as an operator would: {@code catch_errors proxy_logging APP} with
 * {@code {trace_id}} in the access line.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TraceContextTest extends BerthTestSupport {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    public void theCallersTraceReachesTheAppAndTheAccessLineAndAMissingOneIsMade() throws Exception {
        ServiceRegistration<AppFactory> echo = app("itest-trace", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print(req.getHeader("traceparent") + " " + req.getHeader("tracestate"));
            }
        });
        Configuration pipeline = pipeline("traced", Map.of("pipeline", "catch_errors proxy_logging itest-trace",
                "path", "/traced", "proxy_logging.log_msg_template", "trace {transaction_id} {trace_id} {path}"));
        try {
            awaitStatus("/traced/warm", 200);

            HttpResponse<String> passed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mainPort()
                    + "/traced/passed")).header("traceparent", TRACEPARENT).header("tracestate", "congo=t61rcWkgMzE")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(TRACEPARENT + " congo=t61rcWkgMzE", passed.body());
            assertEquals("trace " + transId(passed) + " 4bf92f3577b34da6a3ce929d0e0e4736 /traced/passed",
                    accessLine(transId(passed)));

            HttpResponse<String> made = get(URI.create("http://127.0.0.1:" + mainPort() + "/traced/made"));
            String traceparent = made.body().split(" ")[0];
            assertTrue(made.body(), traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
            assertEquals("trace " + transId(made) + " " + traceparent.substring(3, 35) + " /traced/made",
                    accessLine(transId(made)));
        } finally {
            pipeline.delete();
            echo.unregister();
        }
    }

    private static String transId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Trans-Id").orElseThrow();
    }

    private static String accessLine(String transId) throws Exception {
        Path access = Paths.get(System.getProperty("karaf.log"), "berth-access.log");
        await("berth-access.log has the line of " + transId, () -> {
            try {
                return Files.exists(access) && Files.readString(access).contains(transId);
            } catch (IOException e) {
                return false;
            }
        });
        return Files.readAllLines(access).stream().filter(line -> line.contains(transId)).findFirst().orElseThrow();
    }
}
