# Shared by bench/run and bench/profile: tools, builds, processes and measurements.
# Sourced after the caller has set BERTH_ASSEMBLY (or not), BERTH_EXTRA_JAVA_OPTS, BENCH_MVN_ARGS,
# BENCH_KEEP and WRK_THREADS. Every process started here is recorded in `started` and stopped on exit.
# shellcheck shell=bash
# Variables set here are read by the caller; root is the caller's (the repository's root).
# shellcheck disable=SC2034,SC2154

python=/usr/bin/python3   # Debian's, which has the Debian eventlet and paste packages
lua=$root/bench/lib/wrk-summary.lua

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_tools() { # installs from Debian what is missing
    local missing=() sudo=""
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
    [ -x "$python" ] || missing+=(python3)
    "$python" -c 'import eventlet' 2>/dev/null || missing+=(python3-eventlet)
    "$python" -c 'import paste.deploy' 2>/dev/null || missing+=(python3-pastedeploy)
    "$python" -c 'import paste.util' 2>/dev/null || missing+=(python3-paste)
    "$python" -c 'import swift.common.wsgi' 2>/dev/null || missing+=(python3-swift)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    if [ ${#missing[@]} -gt 0 ]; then
        log "Installing from Debian: ${missing[*]}"
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update -q >/dev/null
        # nginx's package would start a system nginx where there is an init system: not wanted here.
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
    fi
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    java -version 2>&1 | grep -q 'version "17' || log "WARNING: Berth is meant for Java 17; java here is $(java -version 2>&1 | head -1)"
}

mvn_quiet() { # mvn with its output shown only when it fails (Maven 3.8 prints colour codes even with -q)
    local out
    # shellcheck disable=SC2086
    out=$(mvn $BENCH_MVN_ARGS -q -B "$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
}

build_berth() { # unless BERTH_ASSEMBLY names a tarball: mvn install at the root, as a fresh clone needs
    if [ -z "${BERTH_ASSEMBLY:-}" ]; then
        log "Building Berth (mvn install -DskipTests)"
        mvn_quiet install -DskipTests
        BERTH_ASSEMBLY=$(ls karaf-assembly/target/berth-karaf-assembly-*.tar.gz | head -1)
        berth_source="this checkout, $(git rev-parse --short HEAD 2>/dev/null || echo '?') built by bench/run"
    else
        [ -f "$BERTH_ASSEMBLY" ] || die "BERTH_ASSEMBLY=$BERTH_ASSEMBLY is not a file"
        berth_source="$(basename "$BERTH_ASSEMBLY") of $(date -u -r "$BERTH_ASSEMBLY" +%Y-%m-%dT%H:%MZ)"
    fi
}

build_jetty_hello() { # target 1; never installed, never a module of the root pom
    log "Building the bare Jetty target (bench/jetty-hello)"
    mvn_quiet -f bench/jetty-hello/pom.xml package
    jetty_jar=$root/bench/jetty-hello/target/berth-bench-jetty-hello.jar
}

# --- Work directory, processes, cleanup --------------------------------------------------------
started=()      # every process this script started, stopped on exit
groups=()       # process groups it started (Berth's bin/karaf and the JVM it runs), stopped on exit
work=""
cleanup() {
    local pid
    for pid in "${started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${groups[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in "${started[@]}" "${groups[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    for pid in "${started[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${groups[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    if [ -n "$work" ]; then
        if [ "$BENCH_KEEP" = 1 ]; then log "Kept $work"; else rm -rf "$work"; fi
    fi
}
setup_work() { # a private directory for everything started; cleanup on any exit
    work=$(mktemp -d /tmp/berth-bench.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

free_port() { # a free loopback port below the kernel's ephemeral range, not handed out before in this run
    # Ports from the ephemeral range (what binding port 0 gives) can be taken meanwhile by the
    # outgoing connections of wrk or of anything else running here.
    "$python" - "$work/ports" <<'PY'
import os, random, socket, sys
used = set(open(sys.argv[1]).read().split()) if os.path.exists(sys.argv[1]) else set()
for _ in range(1000):
    port = random.randrange(20000, 32000)
    if str(port) in used:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    open(sys.argv[1], "a").write("%d\n" % port)
    print(port)
    break
else:
    sys.exit("no free port in 20000-31999")
PY
}
now_ms() { date +%s%3N; }
wait_200() { # url, seconds[, pid]: polls until the url answers 200; fails at once if pid is gone
    local deadline=$(( $(now_ms) + $2 * 1000 ))
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ]; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        [ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || return 1
        sleep 0.02
    done
}
status_kb() { # pid, field (VmRSS, VmHWM): kB, or 0 when the process is gone
    awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}
hwm_reset=yes
reset_hwm() { # pids: the kernel forgets their peak RSS (clear_refs 5), so the next run's peak is its own
    local pid
    for pid in "$@"; do echo 5 > "/proc/$pid/clear_refs" 2>/dev/null || hwm_reset=no; done
}
sum_kb() { # field, pids
    local field=$1 total=0 pid; shift
    for pid in "$@"; do total=$(( total + $(status_kb "$pid" "$field") )); done
    echo "$total"
}
cpu_ticks() { # pids: user + system CPU time they have used, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}
clk_tck=$(getconf CLK_TCK)
max_heap_mb() { # pid: the JVM's effective -Xmx
    jcmd "$1" VM.flags 2>/dev/null | tr ' ' '\n' | sed -n 's/^-XX:MaxHeapSize=//p' | awk '{ printf "%d", $1 / 1048576 }'
}

# A private copy of the distribution: loopback, ports of its own, plus pipeline "bare" at /bare.
berth_port=""
unpack_berth() { # dir
    [ -n "$berth_port" ] || berth_port=$(free_port)
    mkdir -p "$1"
    tar -xzf "$BERTH_ASSEMBLY" -C "$1" --strip-components=1
    sed -i "s/^bind_ip = .*/bind_ip = 127.0.0.1/; s/^bind_port = .*/bind_port = ${berth_port}/" "$1/etc/berth.listener-main.cfg"
    sed -i "s/^sshPort = .*/sshPort = $(free_port)/" "$1/etc/org.apache.karaf.shell.cfg"
    sed -i "s/^rmiRegistryPort = .*/rmiRegistryPort = $(free_port)/; s/^rmiServerPort = .*/rmiServerPort = $(free_port)/" \
        "$1/etc/org.apache.karaf.management.cfg"
    printf '# Target 2 of bench/run: the hello app with no stages.\npipeline = hello\npath = /bare\n' \
        > "$1/etc/berth.pipeline-bare.cfg"
}
berth_launcher=""; berth_pid=""; berth_start_ms=0
forget() { # pids: stopped by the script itself, so cleanup must not signal them (or their reused pids)
    local keep=() keep_groups=() pid gone
    for pid in "${started[@]}"; do
        for gone in "$@"; do [ "$pid" = "$gone" ] && continue 2; done
        keep+=("$pid")
    done
    for pid in "${groups[@]}"; do
        for gone in "$@"; do [ "$pid" = "$gone" ] && continue 2; done
        keep_groups+=("$pid")
    done
    started=("${keep[@]}")
    groups=("${keep_groups[@]}")
}
start_berth() { # dir: bin/karaf server in the background; sets berth_launcher, berth_pid, berth_start_ms
    # Fails (status 1, the group stopped, dir/karaf.log kept) when /hello does not answer 200 in 180 s.
    local t0
    t0=$(now_ms)
    # A process group of its own: bin/karaf runs java as a child and may restart it, so on any
    # exit the whole group is stopped, not just the script.
    EXTRA_JAVA_OPTS="$BERTH_EXTRA_JAVA_OPTS" setsid "$1/bin/karaf" server > "$1/karaf.out" 2>&1 &
    berth_launcher=$!
    groups+=("$berth_launcher")
    if ! wait_200 "http://127.0.0.1:${berth_port}/hello" 180 "$berth_launcher"; then
        log "Berth did not answer 200 on port ${berth_port} within 180 s; its last warnings and lines:"
        cat "$1/karaf.out" >&2
        grep -E " (ERROR|WARN) " "$1/data/log/karaf.log" 2>/dev/null | tail -n 20 >&2 || true
        tail -n 20 "$1/data/log/karaf.log" >&2 2>/dev/null || true
        kill -KILL -- "-$berth_launcher" 2>/dev/null || true
        wait "$berth_launcher" 2>/dev/null || true
        forget "$berth_launcher"
        return 1
    fi
    berth_start_ms=$(( $(now_ms) - t0 ))
    # bin/karaf runs java as its child (not exec): that child is the server.
    berth_pid=$(pgrep -P "$berth_launcher" java | head -1)
    [ -n "$berth_pid" ] || die "no java process under bin/karaf ($berth_launcher)"
}
stop_berth() { # SIGTERM (Karaf stops its bundles), bounded; then the launcher ends
    kill -TERM "$berth_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$berth_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$berth_launcher" 2>/dev/null || true
    wait "$berth_launcher" 2>/dev/null || true
    forget "$berth_launcher"
}

wrk_run() { # connections, seconds, url[, more wrk arguments]: prints "rps p50_us p99_us requests errors detail"
    local out
    out=$(wrk -t"$WRK_THREADS" -c"$1" -d"${2}s" --timeout 5s -s "$lua" "$3" "${@:4}" 2>&1) || true
    printf '%s\n' "$out" | wrk_summary
}
wrk_summary() { # wrk's output (run with -s $lua) on stdin: prints "rps p50_us p99_us requests errors detail"
    awk '
        /^BENCH / {
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            errors = v["connect"] + v["read"] + v["write"] + v["status"] + v["timeout"]
            printf "%.1f %d %d %d %d connect=%d,read=%d,write=%d,status=%d,timeout=%d\n",
                v["requests"] / (v["duration_us"] / 1e6), v["p50_us"], v["p99_us"], v["requests"], errors,
                v["connect"], v["read"], v["write"], v["status"], v["timeout"]
            found = 1
        }
        END { if (!found) print "0 0 0 0 1 wrk-failed" }'
}


# --- async-profiler (CPU samples with native, GC and JIT frames; JFR samples Java code only) ---
async_profiler() { # prints the path of libasyncProfiler.so, fetched with Maven into the work directory
    local version=3.0 jar
    jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
    [ -f "$jar" ] || mvn_quiet dependency:get -Dartifact="tools.profiler:async-profiler:$version"
    [ -f "$work/asprof/linux-x64/libasyncProfiler.so" ] || unzip -q -o "$jar" 'linux-x64/*' -d "$work/asprof"
    echo "$work/asprof/linux-x64/libasyncProfiler.so"
}
asprof() { # pid, options: loads the agent into the running JVM (jcmd reads name=value as its own, hence the quotes)
    jcmd "$1" JVMTI.agent_load "$(async_profiler)" "\"$2\"" > /dev/null
}
