"""The reference system of bench/run: Swift-style WSGI middleware equivalent to Berth's stages.

Each filter does what its Berth stage does on a plain GET, the way Swift's middleware does it
(swift/common/middleware/catch_errors.py, gatekeeper.py, healthcheck.py, proxy_logging.py), in
a few lines and without Swift's own dependencies, so that the comparison is eventlet + paste's
per-request cost against Berth's, not a stripped-down toy against a full server.
"""
import logging
import os
import re
import time
import uuid
from urllib.parse import quote

HELLO = b'Hello from Berth'


def _plain(start_response, status, body, extra=()):
    body = body.encode('utf-8')
    start_response(status, [('Content-Type', 'text/plain;charset=utf-8'),
                            ('Content-Length', str(len(body)))] + list(extra))
    return [body]


def hello_app(global_conf, **local_conf):
    """Berth's hello app: GET answers 'Hello from Berth' (delay_ms is read, and must be absent)."""
    def app(environ, start_response):
        if 'delay_ms=' in environ.get('QUERY_STRING', ''):
            return _plain(start_response, '400 Bad Request', 'delay_ms is not supported here')
        start_response('200 OK', [('Content-Type', 'text/plain;charset=utf-8'),
                                  ('Content-Length', str(len(HELLO)))])
        return [HELLO]
    return app


def catch_errors_filter(global_conf, **local_conf):
    """Swift's catch_errors: a transaction id on every response, an escaped exception is a 500."""
    suffix = quote(local_conf.get('trans_id_suffix', ''))
    log = logging.getLogger('bench.catch_errors')

    def factory(app):
        def filtered(environ, start_response):
            extra = environ.get('HTTP_X_TRANS_ID_EXTRA')
            trans_id = 'tx%s-%010x%s' % (uuid.uuid4().hex[:21], int(time.time()), suffix)
            if extra:
                trans_id += '-' + quote(extra[:32])
            environ['swift.trans_id'] = trans_id
            ids = [('X-Trans-Id', trans_id), ('X-Openstack-Request-Id', trans_id)]

            def ids_start_response(status, headers, exc_info=None):
                return start_response(status, list(headers) + ids, exc_info)
            try:
                return app(environ, ids_start_response)
            except Exception:
                log.exception('Error: An error occurred (transaction %s)', trans_id)
                return _plain(start_response, '500 Internal Server Error', 'An error occurred', ids)
        return filtered
    return factory


def gatekeeper_filter(global_conf, **local_conf):
    """Swift's gatekeeper: internal headers never come in with a request nor go out in a response."""
    patterns = local_conf.get('remove_headers', 'X-Backend-* X-*-Sysmeta-*').split()
    regex = re.compile('^(?:%s)$' % '|'.join(
        re.escape(p.lower()).replace(r'\*', '.*') for p in patterns))
    environ_regex = re.compile('^(?:%s)$' % '|'.join(
        'HTTP_' + re.escape(p.upper().replace('-', '_')).replace(r'\*', '.*') for p in patterns))

    def factory(app):
        def filtered(environ, start_response):
            for key in [k for k in environ if k.startswith('HTTP_X_') and environ_regex.match(k)]:
                del environ[key]

            def clean_start_response(status, headers, exc_info=None):
                return start_response(status, [(k, v) for k, v in headers
                                               if not regex.match(k.lower())], exc_info)
            return app(environ, clean_start_response)
        return filtered
    return factory


def healthcheck_filter(global_conf, **local_conf):
    """Swift's healthcheck: GET /healthcheck answers OK, or 503 while disable_path exists."""
    path = local_conf.get('path', '/healthcheck')
    disable_path = local_conf.get('disable_path', '')

    def factory(app):
        def filtered(environ, start_response):
            if environ.get('PATH_INFO') == path:
                if disable_path and os.path.exists(disable_path):
                    return _plain(start_response, '503 Service Unavailable', 'DISABLED BY FILE')
                return _plain(start_response, '200 OK', 'OK')
            return app(environ, start_response)
        return filtered
    return factory


def request_limits_filter(global_conf, **local_conf):
    """The cheap fifth filter: method and declared body size checked before the app runs."""
    max_body = int(local_conf.get('max_body_size', 5 * 1024 ** 3 + 2))
    methods = set(local_conf.get('allowed_methods', 'GET HEAD PUT POST DELETE').split())

    def factory(app):
        def filtered(environ, start_response):
            if environ['REQUEST_METHOD'] not in methods:
                return _plain(start_response, '405 Method Not Allowed', 'Method not allowed')
            length = environ.get('CONTENT_LENGTH')
            if length and int(length) > max_body:
                return _plain(start_response, '413 Request Entity Too Large', 'Body too large')
            return app(environ, start_response)
        return filtered
    return factory


def _q(value):
    if not value:
        return '-'
    return quote(str(value), safe='_.-~:/{}')


def proxy_logging_filter(global_conf, **local_conf):
    """Swift's proxy_logging: one access line per request, Swift's fields, to a file."""
    access = logging.getLogger('bench.access')
    access.propagate = False
    access.setLevel(logging.INFO)
    handler = logging.FileHandler(local_conf.get('access_log') or global_conf['access_log'])
    handler.setFormatter(logging.Formatter('%(message)s'))
    access.addHandler(handler)

    def factory(app):
        def filtered(environ, start_response):
            start = time.time()
            status = ['-']

            def logging_start_response(st, headers, exc_info=None):
                status[0] = st.split(' ', 1)[0]
                return start_response(st, headers, exc_info)
            body = app(environ, logging_start_response)
            sent = 0
            for chunk in body:
                sent += len(chunk)
                yield chunk
            end = time.time()
            path = environ.get('PATH_INFO', '')
            if environ.get('QUERY_STRING'):
                path += '?' + environ['QUERY_STRING']
            client = environ.get('REMOTE_ADDR')
            access.info(' '.join(_q(v) for v in (
                client, client, time.strftime('%d/%b/%Y/%H/%M/%S', time.gmtime(end)),
                environ['REQUEST_METHOD'], path, environ.get('SERVER_PROTOCOL'), status[0],
                environ.get('HTTP_REFERER'), environ.get('HTTP_USER_AGENT'),
                environ.get('HTTP_X_AUTH_TOKEN'), environ.get('CONTENT_LENGTH'), sent,
                environ.get('HTTP_ETAG'), environ.get('swift.trans_id'), None,
                '%.4f' % (end - start), None, None, '%.9f' % start, '%.9f' % end)))
        return filtered
    return factory
