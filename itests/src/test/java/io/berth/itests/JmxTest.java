package io.berth.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Berth's MBeans read and steered through Karaf's real JMX connector (RMI, on loopback, with
 * Karaf's JAAS login and JMX ACL), as jconsole would: the distribution ships no user with a
 * password, so this test adds two to its own copy, with a password it makes up for the run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JmxTest extends BerthTestSupport {

    private static final String ADMIN = "jmx-admin";
    private static final String VIEWER = "jmx-viewer";

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() throws IOException {
        String password = UUID.randomUUID().toString();
        return OptionUtils.combine(super.config(),
                editConfigurationFilePut("etc/users.properties", ADMIN, password + ",_g_:admingroup"),
                editConfigurationFilePut("etc/users.properties", VIEWER, password + ",viewer"),
                systemProperty("berth.test.jmx.password").value(password));
    }

    @Test
    public void listenerAndPipelineMBeansShowTheirNumbersAndDrainAndResumeWork() throws Exception {
        awaitStatus("/hello", 200);
        try (JMXConnector connector = connect(ADMIN)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName listener = new ObjectName("io.berth:type=Listener,name=main");
            ObjectName pipeline = new ObjectName("io.berth:type=Pipeline,name=main");

            assertEquals("main", jmx.getAttribute(listener, "Name"));
            assertEquals("SERVING", jmx.getAttribute(listener, "State"));
            assertEquals("http://0.0.0.0:" + mainPort() + "/", jmx.getAttribute(listener, "Url"));
            assertTrue((Long) jmx.getAttribute(listener, "Requests") >= 1);
            CompositeData[] workers = (CompositeData[]) jmx.getAttribute(listener, "Workers");
            assertTrue("workers: " + workers.length, workers.length >= 1);
            assertEquals(0, workers[0].get("index"));

            assertEquals("/", jmx.getAttribute(pipeline, "Path"));
            assertEquals("LIVE", jmx.getAttribute(pipeline, "State"));
            assertArrayEquals(new String[] {"catch_errors", "gatekeeper", "healthcheck", "proxy_logging", "hello"},
                    (String[]) jmx.getAttribute(pipeline, "Stages"));
            long before = (Long) jmx.getAttribute(pipeline, "Requests");
            awaitStatus("/hello", 200);
            await("the pipeline counts the request", () -> requests(jmx, pipeline) > before);
            CompositeData[] stages = (CompositeData[]) jmx.getAttribute(pipeline, "StageTimes");
            assertEquals("catch_errors", stages[0].get("stage"));
            assertFalse(Double.isNaN((Double) jmx.getAttribute(pipeline, "LatencyP99Millis")));

            jmx.invoke(listener, "drain", null, null);
            assertEquals("DRAINING", awaitStatus("/healthcheck", 503).body());
            assertEquals(true, jmx.getAttribute(listener, "OutOfService"));
            jmx.invoke(listener, "resume", null, null);
            assertEquals("OK", awaitStatus("/healthcheck", 200).body());
            assertEquals(false, jmx.getAttribute(listener, "OutOfService"));
        }
    }

    @Test
    public void aViewerReadsButCannotDrainAndAWrongPasswordGetsNothing() throws Exception {
        awaitStatus("/hello", 200);
        ObjectName listener = new ObjectName("io.berth:type=Listener,name=main");
        try (JMXConnector connector = connect(VIEWER)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            assertEquals("SERVING", jmx.getAttribute(listener, "State"));
            try {
                jmx.invoke(listener, "drain", null, null);
                fail("a viewer drained the listener");
            } catch (SecurityException expected) {
                assertNotNull(expected.getMessage());
            }
            assertEquals(false, jmx.getAttribute(listener, "OutOfService"));
        }
        try (JMXConnector connector = connect(ADMIN, "not the password")) {
            fail("connected with a wrong password");
        } catch (SecurityException expected) {
            // Karaf's JAAS login refused it
        }
    }

    private static long requests(MBeanServerConnection jmx, ObjectName pipeline) {
        try {
            return (Long) jmx.getAttribute(pipeline, "Requests");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JMXConnector connect(String user) throws Exception {
        return connect(user, System.getProperty("berth.test.jmx.password"));
    }

    /** Karaf's own service URL, on the registry port this test's copy of Karaf was given. */
    private JMXConnector connect(String user, String password) throws Exception {
        Object port = configurationAdmin.getConfiguration("org.apache.karaf.management", null).getProperties()
                .get("rmiRegistryPort");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/karaf-"
                + System.getProperty("karaf.name"));
        return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }
}
