"""Turns the raw numbers bench/run wrote into RESULTS/compare.md, the two charts, and the figures
as CSV and JSON for scripts that compare one run with another.

    python3 bench/lib/report.py RESULTS_DIR

Reads RESULTS_DIR/raw/ (meta.env, runs.tsv, starts.tsv, reload-C.tsv, reload-events-C.txt);
writes compare.md, compare.png (gnuplot), reload-timeline.png, results.csv (one row per target and
connection count: the medians) and results.json (those rows, the starts, the targets checked and
the run's settings). Standard library only.
"""
import csv
import json
import os
import statistics
import subprocess
import sys

NAMES = {
    1: ('jetty', 'bare Jetty 12 servlet'),
    2: ('berth-bare', 'Berth, hello alone'),
    3: ('berth-default', 'Berth, default pipeline'),
    4: ('nginx', 'nginx return 200'),
    5: ('eventlet', 'eventlet + paste, 5 filters'),
    6: ('swift', "Swift 2.30's pipeline, 1 process"),
    7: ('swift-2w', "Swift 2.30's pipeline, 2 workers"),
}
SWIFT = 6
# What the issue asks of Berth; checked here, never by a timed test.
RPS_VS_JETTY = 0.90
BARE_RPS_VS_JETTY = 0.97
P99_VS_JETTY = 1.2
RPS_VS_SWIFT = 10
START_MS = 3000
RESTART_MS = 2000
IDLE_RSS_MB = 200
PEAK_RSS_MB = 400


def read_table(path):
    with open(path) as f:
        header = f.readline().split()
        return [dict(zip(header, line.split())) for line in f if line.strip()]


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip('\n').partition('=')
            meta[key] = value
    return meta


def ms(us):
    return '%.2f ms' % (us / 1000)


def mb(kb):
    return '%d MB' % round(kb / 1024)


def ratio(a, b):
    return '%.2f×' % (a / b) if b else '–'


def verdict(ok):
    return 'met' if ok else '**missed**'


def main(results):
    raw = os.path.join(results, 'raw')
    meta = read_meta(os.path.join(raw, 'meta.env'))
    runs = read_table(os.path.join(raw, 'runs.tsv'))
    starts = read_table(os.path.join(raw, 'starts.tsv'))
    quick = meta.get('mode') == 'quick'
    connections = sorted({int(r['connections']) for r in runs})
    reload_connections = sorted(int(f[len('reload-'):-len('.tsv')]) for f in os.listdir(raw)
                                if f.startswith('reload-') and f.endswith('.tsv'))

    # Medians over the cycles, per target and connection count.
    med = {}
    for t in NAMES:
        for c in connections:
            rows = [r for r in runs if int(r['target']) == t and int(r['connections']) == c]
            if not rows:
                continue
            med[t, c] = {
                'rps': statistics.median(float(r['rps']) for r in rows),
                'p50': statistics.median(int(r['p50_us']) for r in rows),
                'p99': statistics.median(int(r['p99_us']) for r in rows),
                'errors': sum(int(r['errors']) for r in rows),
                'requests': sum(int(r['requests']) for r in rows),
                'rss': statistics.median(int(r['peak_rss_kb']) for r in rows),
                'cpu': statistics.median(float(r['cpu_us_per_req']) for r in rows),
                'each': [float(r['rps']) for r in sorted(rows, key=lambda r: int(r['cycle']))],
                'detail': sorted({r['error_detail'] for r in rows if int(r['errors'])}),
            }
    cycles = int(meta.get('cycles', 0))
    fresh = [s for s in starts if s['kind'] == 'fresh']
    restart = [s for s in starts if s['kind'] == 'restart']
    answered = [s for s in fresh if int(s['ms']) >= 0]
    hung = [s for s in starts if int(s['ms']) < 0]
    fresh_ms = statistics.median(int(s['ms']) for s in answered)
    restart_ok = [int(s['ms']) for s in restart if int(s['ms']) >= 0]
    restart_ms = statistics.median(restart_ok) if restart_ok else None
    idle_kb = statistics.median(int(s['idle_rss_kb']) for s in answered)

    out = []
    w = out.append
    w('# Berth side by side: throughput, latency, memory')
    w('')
    if quick:
        w('> **QUICK MODE (`BENCH_QUICK=1`): %s s runs after a %s s warm-up. This checks the harness; '
          'the numbers are NOT representative** (the JVMs are far from warm and short runs are noisy). '
          'Run `bench/run` without `BENCH_QUICK` on an idle machine for numbers to quote.'
          % (meta['duration'], meta['warmup_jvm']))
        w('')
    w('Written by `bench/run` (%s mode) on %s.' % (meta['mode'], meta['date']))
    w('')
    load1 = float(meta['load_start'].split()[0])
    if load1 > 1.0:
        w('> **The machine was busy when the run began** (load average %.2f over the last minute, before '
          'any of the run\'s own processes): others\' work competed for the cores, so requests/s, latencies '
          'and start-up times are lower and noisier than on an idle machine. Server CPU per request is the '
          'column least affected.' % load1)
        w('')
    w('**Machine**: %s, %s cores, %s, %s, Linux %s. %s; wrk %s; %s; %s. Berth: %s.'
      % (meta['cpu'] or 'CPU unknown', meta['cores'], meta['memory'], meta['os'], meta['kernel'],
         meta['java'], meta['wrk'].replace('wrk ', ''), meta['nginx'], meta['python'], meta['berth']))
    w('')
    w('**Caveat**: the load generator and the servers share the same %s cores over loopback. wrk runs '
      'with %s thread(s) and takes a core of its own share, so every number is lower than a server '
      'would reach with a separate client machine, and the ceiling (nginx) is partly wrk\'s own limit. '
      'Ratios between targets measured in the same run are what this report is for. Load average '
      '(1, 5, 15 min) at the start: %s; at the end: %s (others may share this machine).'
      % (meta['cores'], meta['wrk_threads'], meta['load_start'], meta['load_end']))
    w('')
    w('## How it was measured')
    w('')
    w('| # | target | what runs |')
    w('| --- | --- | --- |')
    w('| 1 | jetty | `bench/jetty-hello`: embedded Jetty 12.0.32 (Berth\'s version), one servlet answering as '
      '`hello` does; JVM defaults (max heap %s MB) |' % meta.get('jetty_max_heap_mb', '?'))
    w('| 2 | berth-bare | the Berth distribution, pipeline `bare` = `hello` alone at `/bare` '
      '(`etc/berth.pipeline-bare.cfg`); max heap %s MB |' % meta.get('berth_max_heap_mb', '?'))
    w('| 3 | berth-default | the same Berth process: the shipped pipeline `main` at `/`, '
      '`catch_errors gatekeeper healthcheck proxy_logging hello`, access log to '
      '`data/log/berth-access.log` (proxy_logging\'s writer thread) |')
    w('| 4 | nginx | `return 200 "Hello from Berth"`, one worker, no access log |')
    w('| 5 | eventlet | `bench/eventlet`: paste.deploy `loadapp` of `catch_errors request_limits gatekeeper '
      'healthcheck proxy_logging hello` (Swift-style filters written for the bench; access line to a file), '
      '`eventlet.wsgi.server`, one process, as Swift\'s `run_wsgi` does |')
    w('| 6 | swift | `bench/swift`: Swift\'s own `catch_errors gatekeeper healthcheck proxy_logging` '
      '(Debian\'s python3-swift) in front of the same hello app, loaded and served by Swift\'s own '
      '`run_wsgi` with `workers = 0`: one process, as the seed system runs; access lines to syslog '
      '(UDP, nothing listening) |')
    w('| 7 | swift-2w | the same with `workers = 2`: run_wsgi forks two workers on the one socket '
      '(CPU and RSS: parent and workers) |')
    w('')
    w('Targets 2 and 3 are two paths of one Berth JVM, so their peak RSS is that JVM\'s. Every server '
      'was started once and warmed up once (JVMs %s s, nginx and eventlet %s s, half at each connection '
      'count); then %d interleaved cycles measured each target for %s s at %s connections (the order '
      'rotates per cycle), wrk `-t%s --timeout 5s`, `GET /hello` (`/bare/hello` for 2), all over 127.0.0.1. '
      'Medians of the cycles are shown; errors are summed over all cycles (socket errors, timeouts and '
      'non-2xx answers). Peak RSS is `VmHWM` of the server process during each run (%s); for nginx, '
      'master + worker. Server CPU per request is the user + system CPU time of the server process(es) during '
      'the run divided by the requests served: it moves much less than requests/s when others load the '
      'machine, so it is the better number to compare on a shared machine.'
      % (meta['warmup_jvm'], meta['warmup_other'], cycles, meta['duration'],
         ' and '.join(map(str, connections)), meta['wrk_threads'],
         'reset before each run with `clear_refs`' if meta.get('hwm_reset') == 'yes'
         else 'since the process started: `clear_refs` was refused'))
    if meta.get('berth_extra_java_opts'):
        w('')
        w('Berth ran with extra JVM options `%s` (`BERTH_EXTRA_JAVA_OPTS`).' % meta['berth_extra_java_opts'])
    w('')
    w('## Results (median of %d cycles)' % cycles)
    w('')
    w('![requests/s and p99 per target](compare.png)')
    w('')
    w('| target | conns | requests/s | vs (1) jetty | vs (6) swift | p50 | p99 | p99 vs (1) | errors | peak RSS | server CPU per request | requests/s per cycle |')
    w('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for c in connections:
        for t, (name, _) in NAMES.items():
            m = med.get((t, c))
            if not m:
                continue
            j, e = med.get((1, c)), med.get((SWIFT, c))
            w('| %d %s | %d | %.0f | %s | %s | %s | %s | %s | %d | %s | %.1f µs | %s |' % (
                t, name, c, m['rps'], ratio(m['rps'], j['rps']) if j else '–',
                ratio(m['rps'], e['rps']) if e else '–', ms(m['p50']), ms(m['p99']),
                ratio(m['p99'], j['p99']) if j else '–', m['errors'], mb(m['rss']), m['cpu'],
                ' / '.join('%.0f' % x for x in m['each'])))
    details = ['%s at %d: %s' % (NAMES[t][0], c, ', '.join(m['detail'])) for (t, c), m in sorted(med.items()) if m['detail']]
    if details:
        w('')
        w('Errors by kind (wrk): ' + '; '.join(details) + '.')
    w('')
    w('## Berth start-up and idle memory')
    w('')
    w('Separate starts of the distribution, one after the other, each from a fresh unpack (empty '
      '`data/`) and then restarted with its `data/` kept. Time from launching `bin/karaf server` to '
      'the first `200` on `/hello` (polled every 20 ms); idle RSS (`VmRSS`) %s s after that, with '
      'no load. Berth\'s effective max heap: %s MB.' % (meta['idle_settle'], meta.get('berth_max_heap_mb', '?')))
    w('')
    w('| start | to first 200, fresh | idle RSS, fresh | to first 200, restart | idle RSS, restart |')
    w('| --- | --- | --- | --- | --- |')
    def cell(row):
        if row is None:
            return '– | –'
        if int(row['ms']) < 0:
            return '**no 200 within 180 s** | –'
        return '%.2f s | %s' % (int(row['ms']) / 1000, mb(int(row['idle_rss_kb'])))
    for f in fresh:
        r = next((s for s in restart if s['start'] == f['start']), None)
        w('| %s | %s | %s |' % (f['start'], cell(f), cell(r)))
    if hung:
        w('')
        w('%d start(s) did not answer within 180 s; their `karaf.log` is in [raw/](raw/) '
          '(`failed-start-*`). The medians leave them out.' % len(hung))
    w('')
    w('## Targets')
    w('')
    w('Checked here, from the medians above; never by a timed test.')
    w('')
    w('| target | measured | |')
    w('| --- | --- | --- |')
    checks = []

    def check(what, measured, ok):
        checks.append({'target': what, 'measured': measured, 'met': bool(ok)})
        w('| %s | %s | %s |' % (what, measured, verdict(ok)))

    for c in connections:
        d, b, j, e = med.get((3, c)), med.get((2, c)), med.get((1, c)), med.get((SWIFT, c))
        if d and j:
            check('default pipeline ≥ %d%% of bare Jetty requests/s, %d connections' % (RPS_VS_JETTY * 100, c),
                  '%.0f%% (%.0f vs %.0f)' % (100 * d['rps'] / j['rps'], d['rps'], j['rps']),
                  d['rps'] >= RPS_VS_JETTY * j['rps'])
            check('default pipeline p99 ≤ %.1f× bare Jetty, %d connections' % (P99_VS_JETTY, c),
                  '%.2f× (%s vs %s)' % (d['p99'] / j['p99'], ms(d['p99']), ms(j['p99'])),
                  d['p99'] <= P99_VS_JETTY * j['p99'])
        if b and j:
            check('bare Berth path ≥ %d%% of bare Jetty requests/s, %d connections' % (BARE_RPS_VS_JETTY * 100, c),
                  '%.0f%% (%.0f vs %.0f)' % (100 * b['rps'] / j['rps'], b['rps'], j['rps']),
                  b['rps'] >= BARE_RPS_VS_JETTY * j['rps'])
        if d and e:
            check('default pipeline ≥ %d× Swift\'s own pipeline in one process, %d connections' % (RPS_VS_SWIFT, c),
                  '%.1f× (%.0f vs %.0f)' % (d['rps'] / e['rps'], d['rps'], e['rps']),
                  d['rps'] >= RPS_VS_SWIFT * e['rps'])
    check('start to first 200 ≤ %d s (median, fresh unpack)' % (START_MS // 1000), '%.2f s' % (fresh_ms / 1000),
          fresh_ms <= START_MS)
    if restart_ms is not None:
        check('restart to first 200 ≤ %d s (median, data/ kept)' % (RESTART_MS // 1000), '%.2f s' % (restart_ms / 1000),
              restart_ms <= RESTART_MS)
    check('idle RSS ≤ %d MB (median, fresh unpack)' % IDLE_RSS_MB, mb(idle_kb), idle_kb <= IDLE_RSS_MB * 1024)
    loaded = [med[3, c]['rss'] for c in connections if (3, c) in med]
    if loaded:
        check('Berth\'s peak RSS under load ≤ %d MB (highest median over the connection counts)' % PEAK_RSS_MB,
              mb(max(loaded)), max(loaded) <= PEAK_RSS_MB * 1024)
    w('')
    w('Where a target is missed, [profile.md](profile.md) says where the time or memory goes and what '
      'would fix it.')
    w('')

    # Reloads under load
    if reload_connections:
        w('## Reloads under load')
        w('')
        w('On the same warm Berth process: load on the default pipeline (`/hello`) in back-to-back 1 s '
          'wrk runs (so each second gives its requests/s and p99, and connections are opened anew every '
          'second), %s s per connection count, while every listener is reloaded every %s s from the '
          '3rd second on, by %s.' % (meta['reload_duration'], meta['reload_interval'], meta['reload_method']))
        w('')
        w('![requests/s and p99 over time while reloading](reload-timeline.png)')
        w('')
        w('| conns | reloads sent | reloads done (karaf.log) | requests | failed (expected 0) | requests/s median (min) | p99 median (max) |')
        w('| --- | --- | --- | --- | --- | --- | --- |')
        for c in reload_connections:
            rows = read_table(os.path.join(raw, 'reload-%d.tsv' % c))
            rps = [float(r['rps']) for r in rows]
            p99 = [int(r['p99_us']) for r in rows]
            failed = sum(int(r['errors']) for r in rows)
            kinds = sorted({r['error_detail'] for r in rows if int(r['errors'])})
            w('| %d | %s | %s | %d | %d%s | %.0f (%.0f) | %s (%s) |' % (
                c, meta.get('reloads_sent_%d' % c, '?'), meta.get('reloads_done_%d' % c, '?'),
                sum(int(r['requests']) for r in rows), failed, ' (' + '; '.join(kinds) + ')' if kinds else '',
                statistics.median(rps), min(rps), ms(statistics.median(p99)), ms(max(p99))))
        w('')
    w('Raw numbers: [raw/](raw/). Berth\'s access log at the end of the run: %s lines in '
      '`data/log/berth-access.log*` (lines a full queue dropped are not in it: see karaf.log).'
      % meta.get('access_log_lines', '?'))
    w('')
    with open(os.path.join(results, 'compare.md'), 'w') as f:
        f.write('\n'.join(out))
    machine_readable(results, meta, med, starts, checks)

    charts(results, raw, med, connections, reload_connections, quick, int(meta.get('reload_duration', 60)))


def machine_readable(results, meta, med, starts, checks):
    """results.csv: the medians, a row per target and connection count; results.json: all of it."""
    fields = ['target', 'name', 'connections', 'rps', 'p50_us', 'p99_us', 'errors', 'requests',
              'peak_rss_kb', 'cpu_us_per_req', 'rps_per_cycle']
    rows = []
    for (t, c), m in sorted(med.items()):
        rows.append({'target': t, 'name': NAMES[t][0], 'connections': c, 'rps': round(m['rps'], 1),
                     'p50_us': m['p50'], 'p99_us': m['p99'], 'errors': m['errors'], 'requests': m['requests'],
                     'peak_rss_kb': m['rss'], 'cpu_us_per_req': m['cpu'],
                     'rps_per_cycle': ' '.join('%.0f' % x for x in m['each'])})
    with open(os.path.join(results, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with open(os.path.join(results, 'results.json'), 'w') as f:
        json.dump({'meta': meta, 'runs': rows, 'targets': checks,
                   'starts': [{'start': int(s['start']), 'kind': s['kind'], 'ms': int(s['ms']),
                               'idle_rss_kb': int(s['idle_rss_kb'])} for s in starts]}, f, indent=2, sort_keys=True)
        f.write('\n')


def charts(results, raw, med, connections, reload_connections, quick, duration):
    label = ' (QUICK MODE: not representative)' if quick else ''
    data = os.path.join(raw, 'compare.dat')
    with open(data, 'w') as f:
        f.write('# target ' + ' '.join('rps%d' % c for c in connections) + ' '
                + ' '.join('p99ms%d' % c for c in connections) + '\n')
        for t, (name, _) in NAMES.items():
            if any((t, c) not in med for c in connections):
                continue
            f.write('"%d %s" ' % (t, name) + ' '.join('%.0f' % med[t, c]['rps'] for c in connections) + ' '
                    + ' '.join('%.3f' % (med[t, c]['p99'] / 1000) for c in connections) + '\n')
    n = len(connections)
    rps_cols = ', '.join("'%s' using %d:xtic(1) title '%d connections'" % (data if i == 0 else '', 2 + i, c)
                         for i, c in enumerate(connections))
    p99_cols = ', '.join("'%s' using %d:xtic(1) title '%d connections'" % (data if i == 0 else '', 2 + n + i, c)
                         for i, c in enumerate(connections))
    script = '''
set terminal pngcairo size 1400,560 font "sans,10"
set output '{out}'
set multiplot layout 1,2 title "Berth side by side, median of the cycles{label}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set grid ytics
set key top right
set title "requests/s (higher is better)"
set yrange [0:*]
plot {rps}
set title "p99 latency, ms (lower is better; log scale)"
set logscale y
set yrange [*:*]
plot {p99}
unset multiplot
'''.format(out=os.path.join(results, 'compare.png'), label=label, rps=rps_cols, p99=p99_cols)
    subprocess.run(['gnuplot'], input=script, text=True, check=True)

    if not reload_connections:
        return
    plots_rps, plots_p99, arrows = [], [], []
    for i, c in enumerate(reload_connections):
        rows = read_table(os.path.join(raw, 'reload-%d.tsv' % c))
        dat = os.path.join(raw, 'reload-%d.dat' % c)
        with open(dat, 'w') as f:
            for r in rows:
                f.write('%.2f %s %.3f %s\n' % (int(r['t_ms']) / 1000 + 0.5, r['rps'], int(r['p99_us']) / 1000, r['errors']))
        failed = sum(int(r['errors']) for r in rows)
        plots_rps.append("'%s' using 1:2 with linespoints lt %d pt 7 ps 0.5 title '%d connections (%d failed)'"
                         % (dat, i + 1, c, failed))
        plots_p99.append("'%s' using 1:3 with linespoints lt %d pt 7 ps 0.5 title '%d connections'" % (dat, i + 1, c))
    events = os.path.join(raw, 'reload-events-%d.txt' % reload_connections[0])
    with open(events) as f:
        for line in f:
            if line.strip():
                x = int(line) / 1000
                arrows.append('set arrow from %.2f, graph 0 to %.2f, graph 1 nohead lc rgb "#bbbbbb" dt 2' % (x, x))
    script = '''
set terminal pngcairo size 1200,700 font "sans,10"
set output '{out}'
set multiplot layout 2,1 title "Berth default pipeline while every listener reloads (dashed lines: reloads){label}"
set grid
set key top right opaque
set xrange [0:{duration}]
{arrows}
set title "requests/s, each 1 s slice"
set yrange [0:*]
set xlabel ""
plot {rps}
set title "p99 latency of each 1 s slice, ms"
set xlabel "seconds"
set yrange [0:*]
plot {p99}
unset multiplot
'''.format(out=os.path.join(results, 'reload-timeline.png'), label=label, arrows='\n'.join(arrows), duration=duration,
           rps=', '.join(plots_rps), p99=', '.join(plots_p99))
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


if __name__ == '__main__':
    main(sys.argv[1])
