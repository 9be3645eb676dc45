package io.berth.jmx.internal;

import javax.management.MBeanServer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.berth.api.Listener;
import io.berth.api.Pipeline;

/**
 * Every listener and pipeline service as an MXBean, {@code io.berth:type=Listener,name=NAME} and
 * {@code io.berth:type=Pipeline,name=NAME}, registered in the MBeanServer service of Karaf's
 * {@code management} feature: the server its JMX connector exports (the platform MBeanServer,
 * behind Karaf's JMX ACL guard). Without that feature there is no connector to reach them, and this
 * component waits for it.
 */
@Component(service = {}, immediate = true)
public final class BerthMBeans {

    private final Registrations registrations;

    @Activate
    public BerthMBeans(@Reference(name = "server") MBeanServer server) {
        this.registrations = new Registrations(server);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(Listener listener) {
        registrations.add(Registrations.objectName("Listener", listener.name()), listener,
                DescribedMBean.listener(new ListenerBean(listener)));
    }

    void removeListener(Listener listener) {
        registrations.remove(listener);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPipeline(Pipeline pipeline) {
        registrations.add(Registrations.objectName("Pipeline", pipeline.name()), pipeline,
                DescribedMBean.pipeline(new PipelineBean(pipeline)));
    }

    void removePipeline(Pipeline pipeline) {
        registrations.remove(pipeline);
    }

    @Deactivate
    void deactivate() {
        registrations.clear();
    }
}
