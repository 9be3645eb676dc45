"""Where a JFR recording's execution samples are: by thread, by frame of interest, by top frame.

    python3 bench/lib/jfr-summary.py recording.jfr

Reads the recording with the JDK's `jfr print --json`. A frame's share is inclusive: the share of
samples with that frame anywhere on the stack. Standard library only.
"""
import collections
import json
import re
import subprocess
import sys

# Frames whose inclusive share says where a request's time goes in Berth's default pipeline.
INTERESTING = [
    ('Jetty: the whole request', 'ServletChannel.handle'),
    ('Felix whiteboard dispatch', 'Dispatcher.dispatch'),
    ('catch_errors and all after it', 'CatchErrorsFilter.doFilter'),
    ('gatekeeper and all after it', 'GatekeeperFilter.doFilter'),
    ('healthcheck and all after it', 'HealthcheckFilter.doFilter'),
    ('proxy_logging and all after it', 'ProxyLoggingFilter.doFilter'),
    ('proxy_logging: writing the line', 'ProxyLoggingFilter.finish'),
    ('  formatting the line', 'AccessLogTemplate.format'),
    ('  pax-logging (SLF4J to log4j)', 'PaxLoggerImpl.doLog'),
    ('  pax-logging: MDC of the bundle', 'PaxLoggerImpl.setDelegateContext'),
    ('  pax-logging: EventAdmin post', 'EventAdminTracker.postEvent'),
    ('  pax-logging: LogReaderService', 'LogReaderServiceImpl.fireEvent'),
    ('  log4j: to the async queue', 'AsyncAppender.append'),
    ('the hello app', 'HelloServlet.doGet'),
    ('EventAdmin delivery threads', 'EventHandlerProxy.sendEvent'),
    ('log4j writer thread', 'AsyncAppenderEventDispatcher.run'),
]


def frames_of(event):
    stack = event['values'].get('stackTrace')
    if not stack:
        return None
    return ['%s.%s' % (f['method']['type']['name'].split('/')[-1], f['method']['name']) for f in stack['frames']]


def main(path):
    printed = subprocess.run(['jfr', 'print', '--json', '--stack-depth', '128', '--events',
                              'jdk.ExecutionSample', path], capture_output=True, text=True, check=True).stdout
    events = json.loads(printed)['recording']['events']
    inclusive, top, threads = collections.Counter(), collections.Counter(), collections.Counter()
    callers = collections.defaultdict(collections.Counter)
    total = 0
    for event in events:
        frames = frames_of(event)
        if not frames:
            continue
        total += 1
        thread = (event['values'].get('sampledThread') or {}).get('javaName') or '?'
        threads[re.sub(r'[-#\s]*\d+', '', thread)] += 1
        top[frames[0]] += 1
        callers[frames[0]][' < '.join(frames[1:4])] += 1
        for name in set(frames):
            inclusive[name] += 1
    if not total:
        print('  no execution samples')
        return
    print('  %d execution samples (Java code only: time in the kernel, GC and JIT is not sampled)' % total)
    print('  by thread:')
    for name, count in threads.most_common(6):
        print('    %5.1f%%  %s' % (100.0 * count / total, name))
    print('  inclusive share of frames that matter:')
    for label, frame in INTERESTING:
        print('    %5.1f%%  %-36s %s' % (100.0 * inclusive[frame] / total, label, frame))
    print('  top frames (self):')
    for name, count in top.most_common(15):
        print('    %5.1f%%  %s' % (100.0 * count / total, name))
    print('  most common callers of the top 5:')
    for name, _ in top.most_common(5):
        chain, count = callers[name].most_common(1)[0]
        print('    %s < %s (%d of %d)' % (name, chain, count, top[name]))


if __name__ == '__main__':
    main(sys.argv[1])
