"""
Swift's own proxy_logging (python3-swift) in front of a fake Swift app: sends, for each request
named on the command line, the StatsD lines Swift sends, to the UDP port given.

    python3 swift_statsd.py PORT PREFIX SAMPLE_RATE FACTOR RANDOM METHOD:PATH:STATUS:BODY_IN:BODY_OUT[:raise] ...

RANDOM stands in for random.random() when sampling (so that a test knows which lines go).
A request ending in ':raise' makes the app raise instead of answering, as an app that fails does.
The request 'errors' counts an error as Swift's proxy server does when it refuses a request
(self.logger.increment('errors'), with the same StatsD client and prefix).
Prints one line per request done, so that the caller knows when the datagrams have left.
"""
import sys

from swift.common.middleware.proxy_logging import ProxyLoggingMiddleware
from swift.common.swob import Request

port, prefix, rate, factor, rnd = sys.argv[1:6]
requests = sys.argv[6:]

REASONS = {200: 'OK', 201: 'Created', 204: 'No Content', 404: 'Not Found', 500: 'Internal Error'}


class FakeApp(object):
    """Reads the request body, then answers with the status and body it is told to."""

    def __call__(self, env, start_response):
        status, body_out, fail = env['test.answer']
        env['wsgi.input'].read()
        if fail:
            raise Exception('the app failed')
        start_response('%d %s' % (status, REASONS.get(status, 'Status')),
                       [('Content-Length', str(len(body_out))), ('Content-Type', 'text/plain')])
        return [body_out] if body_out else []


conf = {
    'log_statsd_host': '127.0.0.1',
    'log_statsd_port': port,
    'log_statsd_default_sample_rate': rate,
    'log_statsd_sample_rate_factor': factor,
    # access lines are not wanted here, only StatsD's
    'log_level': 'ERROR',
}
if prefix != '-':
    conf['log_statsd_metric_prefix'] = prefix
app = ProxyLoggingMiddleware(FakeApp(), conf)
app.access_logger.logger.statsd_client.random = lambda: float(rnd)

for spec in requests:
    if spec == 'errors':
        app.access_logger.increment('errors')
        print('done errors', flush=True)
        continue
    parts = spec.split(':')
    method, path, status, body_in, body_out = parts[:5]
    fail = parts[5:] == ['raise']
    env = {'REQUEST_METHOD': method,
           'test.answer': (int(status), body_out.encode('ascii'), fail)}
    req = Request.blank(path, environ=env, body=body_in.encode('ascii'))
    try:
        resp = req.get_response(app)
        resp.body  # runs the body to its end: proxy_logging logs then
    except Exception:
        pass
    print('done %s %s' % (method, path), flush=True)
