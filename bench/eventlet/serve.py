"""Serves bench/eventlet/pipeline.ini the way Swift's run_wsgi does, in one process.

    /usr/bin/python3 serve.py PORT ACCESS_LOG

paste.deploy's loadapp, one listening socket, eventlet's wsgi.server with a GreenPool of 1024
(Swift's max_clients), a 60 s client_timeout, the poll hub Swift picks on Linux, and no
eventlet access log of its own (Swift passes a null logger; proxy_logging writes the line).
"""
import os
import socket
import sys

import eventlet
import eventlet.debug
import eventlet.hubs
import eventlet.wsgi
from paste.deploy import loadapp


class NullLogger:
    def write(self, *args):
        pass


def main():
    port, access_log = int(sys.argv[1]), sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    eventlet.hubs.use_hub('poll')
    eventlet.patcher.monkey_patch(all=False, socket=True, select=True, thread=True)
    eventlet.debug.hub_exceptions(False)
    app = loadapp('config:' + os.path.join(here, 'pipeline.ini'),
                  global_conf={'access_log': access_log})
    sock = eventlet.listen(('127.0.0.1', port), backlog=4096)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print('eventlet %s serving on http://127.0.0.1:%d/' % (eventlet.__version__, port), flush=True)
    eventlet.wsgi.server(sock, app, NullLogger(), custom_pool=eventlet.GreenPool(1024),
                         socket_timeout=60, capitalize_response_headers=False, log_output=False)


if __name__ == '__main__':
    main()
