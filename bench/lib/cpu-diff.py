#!/usr/bin/env python3
"""Where two builds spend CPU per request: async-profiler samples turned into microseconds.

    cpu-diff.py ROWS A.collapsed B.collapsed CLK_TCK

ROWS has one line per build: "SIDE REQUESTS CPU_TICKS" (requests wrk counted and the JVM's user +
system clock ticks while the profiler ran). A.collapsed and B.collapsed are async-profiler's
collapsed stacks (option threads: the first frame names the thread). Each sample stands for an
equal slice of the CPU the JVM used, so a frame's share of the samples times the CPU per request
is its microseconds per request, comparable between builds measured at different rates.

Prints, for both builds and their difference: CPU by thread group, the time in the frames of a
request that matter (inclusive), and the Berth methods that own most time (each sample goes to the
innermost io.berth frame of its stack: that method's own code and everything it calls below it
until the next Berth frame), then the leaf frames whose cost moved most.
"""
import collections
import re
import sys

THREADS = [
    ("request threads (qtp)", re.compile(r"^\[qtp")),
    ("access log writer", re.compile(r"^\[berth-access-log")),
    ("GC (VM Thread, GC threads)", re.compile(r"^\[(VM Thread|GC Thread|G1 |Parallel GC)")),
    ("JIT compilers", re.compile(r"^\[C[12] Compiler")),
]

FRAMES = [
    ("Jetty: the whole request", "org/eclipse/jetty/ee10/servlet/ServletChannel.handle"),
    ("Felix whiteboard dispatch", "org/apache/felix/http/base/internal/dispatch/Dispatcher.dispatch"),
    ("listener: counted stream", "io/berth/socket/internal/BerthConnector$Counted"),
    ("pipeline: handleSecurity", "io/berth/pipeline/internal/Generation.handleSecurity"),
    ("pipeline: finishSecurity", "io/berth/pipeline/internal/Generation.finishSecurity"),
    ("stage gate", "io/berth/pipeline/internal/StageGate.doFilter"),
    ("catch_errors and all after it", "io/berth/middleware/internal/CatchErrorsFilter.doFilter"),
    ("gatekeeper and all after it", "io/berth/middleware/internal/GatekeeperFilter.doFilter"),
    ("healthcheck and all after it", "io/berth/middleware/internal/HealthcheckFilter.doFilter"),
    ("proxy_logging and all after it", "io/berth/middleware/internal/ProxyLoggingFilter.doFilter"),
    ("proxy_logging: the line's record", "io/berth/middleware/internal/ProxyLoggingFilter.finish"),
    ("the hello app", "io/berth/example/hello/internal/HelloServlet.doGet"),
]


def read(path):
    stacks = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if stack:
                stacks.append((stack.split(";"), int(count)))
    return stacks


def method(frame):
    """A frame without async-profiler's annotations (_[j] JIT, _[i] inlined, _[k] kernel), and with
    the pipeline bundle's package as it is named since issue 18 (io.berth.config before), so that
    builds from before and after the rename compare frame by frame."""
    frame = re.sub(r"_\[[a-z0-9]+\]$", "", frame)
    frame = frame.replace("io/berth/config/internal/PipelineComponent$Generation", "io/berth/pipeline/internal/Generation")
    return frame.replace("io/berth/config/", "io/berth/pipeline/")


def measure(stacks, us_per_sample):
    threads = collections.Counter()
    frames = collections.Counter()
    owners = collections.Counter()
    leaves = collections.Counter()
    for frames_of, count in stacks:
        thread = frames_of[0]
        group = next((label for label, pattern in THREADS if pattern.search(thread)), "other threads")
        threads[group] += count
        if group != "request threads (qtp)":
            continue
        names = [method(f) for f in frames_of[1:]]
        seen = set()
        for label, prefix in FRAMES:
            if any(name.startswith(prefix) for name in names) and label not in seen:
                frames[label] += count
                seen.add(label)
        owner = next((n for n in reversed(names) if n.startswith("io/berth/")), "(no Berth frame)")
        owners[owner.replace("io/berth/", "")] += count
        leaves[names[-1] if names else thread] += count
    scale = lambda counter: {k: v * us_per_sample for k, v in counter.items()}
    return scale(threads), scale(frames), scale(owners), scale(leaves)


def main():
    rows_path, a_path, b_path, clk_tck = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rows = {}
    with open(rows_path) as f:
        for line in f:
            side, requests, ticks = line.split()
            rows[side] = (int(requests), int(ticks))
    result = {}
    for side, path in (("A", a_path), ("B", b_path)):
        stacks = read(path)
        samples = sum(c for _, c in stacks)
        requests, ticks = rows[side]
        cpu_us = ticks / clk_tck * 1e6 / requests
        result[side] = (cpu_us, samples, requests) + measure(stacks, cpu_us / samples)
    a, b = result["A"], result["B"]
    print("CPU per request, us (async-profiler, ctimer; %d and %d samples, %d and %d requests)"
          % (a[1], b[1], a[2], b[2]))
    print("  %-44s %8s %8s %8s" % ("", "A", "B", "B-A"))
    print("  %-44s %8.2f %8.2f %+8.2f" % ("the JVM, all threads (/proc ticks)", a[0], b[0], b[0] - a[0]))

    def table(title, index, keys, limit=None):
        print("  " + title)
        keys = list(keys)
        if limit:
            keys.sort(key=lambda k: -abs(b[index].get(k, 0) - a[index].get(k, 0)))
            keys = keys[:limit]
        for k in keys:
            va, vb = a[index].get(k, 0.0), b[index].get(k, 0.0)
            print("    %-42s %8.2f %8.2f %+8.2f" % (k[:42], va, vb, vb - va))

    table("by thread", 3, [label for label, _ in THREADS] + ["other threads"])
    table("request threads, inclusive", 4, [label for label, _ in FRAMES])
    table("request threads, by innermost Berth frame (largest moves)", 5, set(a[5]) | set(b[5]), 20)
    table("request threads, by leaf frame (largest moves)", 6, set(a[6]) | set(b[6]), 20)


if __name__ == "__main__":
    main()
