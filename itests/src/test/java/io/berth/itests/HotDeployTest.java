package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.AppFactory;
import io.berth.api.Listener;

/**
 * Stages and apps docking and undocking while Berth serves: a jar in deploy/, features installed
 * and uninstalled, a stage bundle updated in place, all under load.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployTest extends BerthTestSupport {

    /** Jar updates in a row under load: 20 in CI; -Dberth.itest.updates=100 for the long run. */
    /** Into karaf.log (kept under target/exam with -Dberth.itest.keep=true, and in CI). */
    private static final Logger LOG = LoggerFactory.getLogger(HotDeployTest.class);

    private static final int UPDATES = Integer.getInteger("berth.itest.updates", 20);

    /** Requests in a loop on a few threads, remembering every answer that is not what it should be. */
    private final class Load implements AutoCloseable {
        final AtomicInteger served = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(String path, Predicate<HttpResponse<String>> good) {
            URI uri = URI.create("http://127.0.0.1:" + mainPort() + path);
            for (int i = 0; i < 2; i++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> response = get(uri);
                            if (!good.test(response)) {
                                failures.add(path + ": " + response.statusCode() + " " + response.body().trim());
                            }
                            served.incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            failures.add(path + ": " + e);
                        }
                    }
                }, "itest-hot-load-" + i);
                thread.start();
                threads.add(thread);
            }
        }

        void awaitMore(int requests) throws InterruptedException {
            int target = served.get() + requests;
            await(requests + " more requests on the load", () -> served.get() >= target);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(PATIENCE.toMillis());
            }
        }
    }

    private static boolean hello(HttpResponse<String> response) {
        return response.statusCode() == 200 && response.body().equals("Hello from Berth");
    }

    @Test
    public void aStageJarInDeployGoesLiveUpdatesFailNoRequestAndItsRemovalFailsClosed() throws Exception {
        Path jar = Paths.get(System.getProperty("berth.example.stage.jar"));
        Path deploy = Paths.get(System.getProperty("karaf.base"), "deploy");
        Path deployed = deploy.resolve("berth-example-stage.jar");
        Configuration hot = pipeline("hot", Map.of("pipeline", "example_header hello", "path", "/hot"));
        Configuration other = pipeline("other", Map.of("pipeline", "hello", "path", "/other"));
        try {
            assertEquals("Pipeline hot is waiting for stages: example_header\n", awaitStatus("/hot/", 503).body());
            awaitStatus("/other/", 200);

            long copied = System.nanoTime();
            drop(jar, deployed, 0);
            HttpResponse<String> live = awaitStatus("/hot/", 200);
            long goneLiveMs = (System.nanoTime() - copied) / 1_000_000;
            LOG.info("BERTH-MEASURE jar copy to first served request: {} ms", goneLiveMs);
            assertEquals("berth", live.headers().firstValue("X-Example").orElse(null));

            try (Load onHot = new Load("/hot/", r -> hello(r) && "berth".equals(r.headers().firstValue("X-Example").orElse(null)));
                    Load onOther = new Load("/other/", HotDeployTest::hello)) {
                Bundle bundle = exampleStageBundle();
                for (int update = 1; update <= UPDATES; update++) {
                    long modified = bundle.getLastModified();
                    onHot.awaitMore(10);
                    drop(jar, deployed, update);
                    await("FileInstall updated the bundle (update " + update + ")",
                            () -> exampleStageBundle().getLastModified() != modified
                                    && exampleStageBundle().getState() == Bundle.ACTIVE);
                }
                onHot.awaitMore(50);
                onOther.awaitMore(50);
                onHot.close();
                onOther.close();
                LOG.info("BERTH-MEASURE {} updates under load: {} requests on /hot, {} on /other, failed: {} + {}", UPDATES,
                        onHot.served.get(), onOther.served.get(), onHot.failures.size(), onOther.failures.size());
                assertEquals(List.of(), new ArrayList<>(onHot.failures));
                assertEquals(List.of(), new ArrayList<>(onOther.failures));
            }

            try (Load onOther = new Load("/other/", HotDeployTest::hello)) {
                Files.delete(deployed);
                assertEquals("Pipeline hot is waiting for stages: example_header\n", awaitStatus("/hot/", 503).body());
                onOther.awaitMore(20);
                onOther.close();
                assertEquals(List.of(), new ArrayList<>(onOther.failures));
            }
        } finally {
            Files.deleteIfExists(deployed);
            hot.delete();
            other.delete();
        }
    }

    @Test
    public void featuresInstallAndUninstallUnderLoadWithoutRestartingTheRest() throws Exception {
        Configuration other = pipeline("plain", Map.of("pipeline", "hello", "path", "/plain"));
        try {
            awaitStatus("/plain/", 200);
            Map<String, Long> before = berthBundlesModified();
            Map<Long, Object> contexts = activeBundleContexts();
            long listenerServiceId = listenerReference().getProperty("service.id") instanceof Long id ? id : -1;

            try (Load onPlain = new Load("/plain/", HotDeployTest::hello)) {
                LOG.info("{}", executeAsAdmin("feature:uninstall berth-middleware"));
                HttpResponse<String> closed = awaitStatus("/hello", 503);
                assertEquals("Pipeline main is waiting for stages: catch_errors, gatekeeper, healthcheck, proxy_logging\n",
                        closed.body());
                onPlain.awaitMore(20);

                LOG.info("{}", executeAsAdmin("feature:install berth-middleware"));
                HttpResponse<String> back = awaitStatus("/hello", 200);
                assertTrue(back.headers().firstValue("X-Trans-Id").isPresent());

                LOG.info("{}", executeAsAdmin("feature:install berth-example-stage"));
                Configuration stamped = pipeline("stamped", Map.of("pipeline", "example_header hello", "path", "/stamped"));
                await("pipeline stamped serves through example_header", () -> {
                    try {
                        return get(URI.create("http://127.0.0.1:" + mainPort() + "/stamped/")).headers()
                                .firstValue("X-Example").isPresent();
                    } catch (IOException | InterruptedException e) {
                        return false;
                    }
                });
                LOG.info("{}", executeAsAdmin("feature:uninstall berth-example-stage"));
                awaitStatus("/stamped/", 503);
                stamped.delete();

                onPlain.awaitMore(20);
                onPlain.close();
                assertEquals(List.of(), new ArrayList<>(onPlain.failures));
            }

            Map<String, Long> after = berthBundlesModified();
            after.keySet().retainAll(before.keySet());
            Map<String, Long> unchanged = new HashMap<>(before);
            unchanged.remove("io.berth.middleware");
            after.remove("io.berth.middleware");
            assertEquals("no Berth bundle but the middleware was refreshed or reinstalled", unchanged, after);
            assertEquals("the listener service was not re-registered", listenerServiceId,
                    listenerReference().getProperty("service.id"));
            Map<Long, Object> now = activeBundleContexts();
            List<String> restarted = new ArrayList<>();
            for (Map.Entry<Long, Object> bundle : contexts.entrySet()) {
                Bundle current = context.getBundle(bundle.getKey());
                if (current != null && !"io.berth.middleware".equals(current.getSymbolicName())
                        && !"io.berth.example.stage".equals(current.getSymbolicName())
                        && now.get(bundle.getKey()) != bundle.getValue()) {
                    restarted.add(current.getSymbolicName());
                }
            }
            assertEquals("bundles stopped and started again by the feature changes", List.of(), restarted);
        } finally {
            other.delete();
        }
    }

    /** Each active bundle's context: a bundle stopped and started again (a refresh) gets a new one. */
    private Map<Long, Object> activeBundleContexts() {
        Map<Long, Object> contexts = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() == Bundle.ACTIVE && bundle.getBundleContext() != null) {
                contexts.put(bundle.getBundleId(), bundle.getBundleContext());
            }
        }
        return contexts;
    }

    @Test
    public void theExampleAppFeatureUninstallsAndItsPipelinesFailClosed() throws Exception {
        awaitStatus("/hello", 200);

        LOG.info("{}", executeAsAdmin("feature:uninstall berth-example-hello"));
        HttpResponse<String> closed = awaitStatus("/hello", 503);
        assertEquals("Pipeline main is waiting for stages: hello\n", closed.body());

        LOG.info("{}", executeAsAdmin("feature:install berth-example-hello"));
        assertEquals("Hello from Berth", awaitStatus("/hello", 200).body());
    }

    @Test
    public void anAppBundleUpdatedUnderLoadFailsNoRequest() throws Exception {
        ServiceRegistration<AppFactory> otherApp = app("itest-other-app", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("other app");
            }
        });
        Configuration other = pipeline("other-app", Map.of("pipeline", "catch_errors itest-other-app", "path", "/other-app"));
        try {
            awaitStatus("/hello", 200);
            // Until its pipeline is mounted, /other-app/ is answered by the pipeline at /.
            await("pipeline other-app serves", () -> {
                try {
                    return get(URI.create("http://127.0.0.1:" + mainPort() + "/other-app/")).body().equals("other app");
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            Bundle hello = bundle("io.berth.example.hello");
            try (Load onHello = new Load("/hello", HotDeployTest::hello);
                    Load onOther = new Load("/other-app/", r -> r.statusCode() == 200 && r.body().equals("other app"))) {
                for (int update = 1; update <= UPDATES / 4; update++) {
                    onHello.awaitMore(10);
                    long modified = hello.getLastModified();
                    executeAsAdmin("bundle:update " + hello.getBundleId());
                    await("bundle:update " + update + " done", () -> hello.getLastModified() != modified
                            && hello.getState() == Bundle.ACTIVE);
                }
                onHello.awaitMore(50);
                onOther.awaitMore(50);
                onHello.close();
                onOther.close();
                LOG.info("BERTH-MEASURE {} bundle:update of the hello app under load: {} requests on /hello, {} on /other-app, "
                        + "failed: {} + {}", UPDATES / 4, onHello.served.get(), onOther.served.get(), onHello.failures.size(),
                        onOther.failures.size());
                assertEquals(List.of(), new ArrayList<>(onHello.failures));
                assertEquals(List.of(), new ArrayList<>(onOther.failures));
            }
        } finally {
            other.delete();
            otherApp.unregister();
        }
    }

    /** Copies the jar into deploy/ in one step (FileInstall never sees half a jar), newer each time. */
    private static void drop(Path jar, Path deployed, int version) throws IOException {
        // Beside deploy/, not in it: FileInstall watches only deploy/ itself.
        Path partial = deployed.getParent().resolveSibling("berth-example-stage.jar.partial");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(partial, FileTime.fromMillis(System.currentTimeMillis() + version * 1000L));
        Files.move(partial, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Bundle exampleStageBundle() {
        return bundle("io.berth.example.stage");
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    private Map<String, Long> berthBundlesModified() {
        Map<String, Long> modified = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("io.berth")) {
                modified.put(bundle.getSymbolicName(), bundle.getLastModified());
            }
        }
        return modified;
    }

    private ServiceReference<Listener> listenerReference() throws Exception {
        return context.getServiceReferences(Listener.class, "(berth.listener.name=main)").iterator().next();
    }
}
