"""Serves Swift 2.30's own proxy pipeline (bench/swift/proxy-server.conf.in) with Swift's run_wsgi.

    /usr/bin/python3 serve.py PORT WORKERS CONF_OUT

Writes the configuration to CONF_OUT and runs swift.common.wsgi.run_wsgi on it, as
swift-proxy-server does: eventlet, a GreenPool of max_clients, and with WORKERS > 0 that many
forked workers on the one socket. The app is bench/eventlet/filters.py's hello_app.
"""
import getpass
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# run_wsgi changes to / before it loads the pipeline again: the app's module by absolute path.
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'eventlet'))

from swift.common import wsgi  # noqa: E402


def main():
    port, workers, conf_out = int(sys.argv[1]), int(sys.argv[2]), os.path.abspath(sys.argv[3])
    with open(os.path.join(HERE, 'proxy-server.conf.in')) as f:
        conf = f.read()
    conf = conf.replace('@PORT@', str(port)).replace('@WORKERS@', str(workers)).replace('@USER@', getpass.getuser())
    with open(conf_out, 'w') as f:
        f.write(conf)
    # run_wsgi first checks /etc/swift/swift.conf's hash path prefix and suffix, which only name
    # objects in the rings of a storage cluster; this pipeline has none, and the machine no swift.conf.
    wsgi.validate_configuration = lambda: None
    print('Swift run_wsgi serving on http://127.0.0.1:%d/ (workers = %d)' % (port, workers), flush=True)
    sys.exit(wsgi.run_wsgi(conf_out, 'proxy-server'))


if __name__ == '__main__':
    main()
