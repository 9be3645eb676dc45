package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;
import io.berth.example.objects.internal.Requests.Target;

/**
 * OpenStack Swift's v1 API over an {@link ObjectStore}, under the pipeline's mount point: the
 * dispatcher. It reads the path, hands {@code /info}, {@code /v1/ACCOUNT}, {@code .../CONTAINER}
 * and {@code .../OBJECT} to their resource, and turns what fails into the answer ({@link ErrorAnswer}).
 * Authentication is the pipeline's business (a stage in front, such as tempauth); the resources
 * apply Swift's container ACLs to the users such a stage names ({@link Acls}).
 */
final class ObjectsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ObjectsServlet.class);

    private final transient InfoResource info;
    private final transient AccountResource accounts;
    private final transient ContainerResource containers;
    private final transient ObjectResource objects;
    private final transient BulkDelete bulkDelete;
    private final transient Expirer expirer;
    private final long expirerInterval;

    /** @param store shared with the other generations on the same root: see {@link ObjectsApp} */
    ObjectsServlet(ObjectStore store, ObjectsApp.Config config) {
        this(store, config, System::currentTimeMillis);
    }

    /** @param clock epoch milliseconds: when objects expire */
    ObjectsServlet(ObjectStore store, ObjectsApp.Config config, LongSupplier clock) {
        this.info = new InfoResource(config);
        this.accounts = new AccountResource(store, config);
        this.containers = new ContainerResource(store, config);
        this.objects = new ObjectResource(store, config, clock);
        this.bulkDelete = new BulkDelete(store, clock);
        this.expirer = new Expirer(store, clock, Expirer.MAX_PER_RUN);
        this.expirerInterval = config.expirer__interval();
    }

    /** The whiteboard initialises the servlet when its pipeline starts serving: the expirer runs from then. */
    @Override
    public void init() {
        expirer.start(expirerInterval);
    }

    /** The whiteboard destroys the servlet when its pipeline generation goes: so does its expirer. */
    @Override
    public void destroy() {
        expirer.close();
    }

    Expirer expirer() {
        return expirer;
    }

    /** Overridden rather than doGet/doPut/...: HttpServlet answers methods it does not know, such as COPY, with 501. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = "?";
        // What the stages before us set (X-Trans-Id and the like) stays on an error answer.
        ErrorAnswer error = ErrorAnswer.keeping(response);
        try {
            path = Requests.path(request);
            if (path.equals("/info")) {
                info.serve(request, response);
                return;
            }
            Target target = Requests.target(path);
            if (BulkDelete.asked(request)) {
                // Swift's bulk middleware, before the auth stage in its pipeline: each line is authorized as its own DELETE.
                bulkDelete.serve(request, response, path, target);
            } else if (target.container() == null) {
                accounts.serve(request, response, target);
            } else if (target.object() == null) {
                containers.serve(request, response, target);
            } else {
                objects.serve(request, response, target);
            }
        } catch (SwiftException e) {
            error.send(request, response, e.status, e.getMessage(), false, e.challenge);
        } catch (BodyReadException e) {
            // Only the request's body: ObjectCopy turns a failure to read its source into an IOException.
            LOG.debug("{} {}: {}", method, path, e.getMessage());
            error.unreadableBody(request, response, e);
        } catch (IOException | RuntimeException e) {
            if (response.isCommitted() && Berth.clientGone(e)) {
                // A download the client dropped: no fault of the server's, and clients do it by the
                // hundred. Jetty finds the connection gone and gives the response up.
                LOG.debug("{} {}: the client went away during the response: {}", method, path, e.toString());
                return;
            }
            if (response.isCommitted()) {
                // Mid-body (a disk error, a DLO segment replaced): only cutting the response is honest.
                LOG.warn("{} {} failed after the response began: {}", method, path, e.toString());
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
            LOG.error("{} {} failed: {}", method, path, e.toString());
            LOG.debug("{} {} failed", method, path, e);
            error.send(request, response, 500, "Internal Server Error: the object store failed; the server log has the details",
                    false);
        }
    }
}
