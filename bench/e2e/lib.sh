# Shared pieces of the end-to-end benchmark scripts. Everything runs on loopback, bounded in time.
# shellcheck shell=bash
# Callers read BACKENDS_PID and LAST_PID, set by the start_* functions.
# shellcheck disable=SC2034

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${RUN_DIR:-/tmp/ballast-bench}"
PROXY_CPU="${PROXY_CPU:-0}"   # the proxy under test is pinned here
LOAD_CPU="${LOAD_CPU:-1}"     # load generator and backends share this one
BACKEND_PORT1=19001
BACKEND_PORT2=19002
CONFIGS="$BENCH_ROOT/bench/e2e/configs"
BENCH_JAR="$BENCH_ROOT/bench/target/benchmarks.jar"
# Ballast's heap in the harness; the launcher adds its own defaults (G1, pause goal, ...).
BALLAST_HEAP_OPTS="${BALLAST_HEAP_OPTS:--Xms512m -Xmx512m}"
# The Java peer gets the same collector and heap as Ballast, so the two JVMs compare like for like.
VERTX_JAVA_OPTS="${VERTX_JAVA_OPTS:---enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -Xss512k -Xms512m -Xmx512m -Dio.netty.leakDetection.level=disabled -Dslf4j.internal.verbosity=ERROR}"
# The open-loop generator: a small young generation collected serially (sub-millisecond pauses).
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:---enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms256m -Xmx256m -Xmn128m -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled -Dslf4j.internal.verbosity=ERROR}"
PIDS=()

# shellcheck source=bin/lib.sh
. "$BENCH_ROOT/bin/lib.sh"

# Installs the Debian packages the harness uses, when missing.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "please install: ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts services on install; the harness runs its own instances.
  systemctl stop nginx haproxy >/dev/null 2>&1 || true
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

# CPU caps: a process (and its children) in a cgroup of its own whose CPU time is limited to PCT %
# of one core (CFS bandwidth: cgroup v1's cpu controller, or cgroup v2's cpu.max). Needs root.
# cpu_cap_dir prints the cgroup directory to use for NAME, or fails when neither is available.
cpu_cap_dir() {
  if [ -w /sys/fs/cgroup/cpu/cgroup.procs ] && [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    echo "/sys/fs/cgroup/cpu/ballast-bench-$1"
  elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
    echo "/sys/fs/cgroup/ballast-bench-$1"
  else
    return 1
  fi
}
# Usage: cpu_cap NAME PCT PID... (the PIDs' children are moved too)
cpu_cap() {
  local name=$1 pct=$2 dir p
  shift 2
  dir=$(cpu_cap_dir "$name") || return 1
  mkdir -p "$dir"
  if [ -f "$dir/cpu.cfs_quota_us" ]; then
    echo 100000 >"$dir/cpu.cfs_period_us"
    echo $((pct * 1000)) >"$dir/cpu.cfs_quota_us"
  else
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
    echo "$((pct * 1000)) 100000" >"$dir/cpu.max"
  fi
  for p in "$@" $(for p in "$@"; do pgrep -P "$p" || true; done); do
    echo "$p" >"$dir/cgroup.procs"
  done
}
# Moves NAME's processes back to the root cgroup and removes NAME's. Usage: cpu_uncap NAME
cpu_uncap() {
  local dir p
  dir=$(cpu_cap_dir "$1") || return 0
  [ -d "$dir" ] || return 0
  while read -r p; do
    echo "$p" >"$(dirname "$dir")/cgroup.procs" 2>/dev/null || true
  done <"$dir/cgroup.procs"
  rmdir "$dir" 2>/dev/null || true
}

# Stops one process the harness started (TERM, then KILL after 5 s) and forgets it.
stop_pid() {
  local pid=$1 i keep=() p
  if kill "$pid" 2>/dev/null; then
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do
    [ "$p" = "$pid" ] || keep+=("$p")
  done
  PIDS=("${keep[@]}")
}

wait_port() {
  local port=$1 i
  for i in $(seq 300); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listening on $port" >&2
  return 1
}

# Fails when something already listens on a port: with SO_REUSEPORT (NGINX's "reuseport",
# Ballast's listeners) a leftover process would silently share it.
ensure_port_free() {
  local port=$1
  if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use (a leftover from an earlier run?): $(ss -Htlnp "sport = :$port" | head -1)" >&2
    return 1
  fi
}

# Waits (up to 10 s) until nothing listens on a port any more.
wait_port_free() {
  local port=$1 i
  for i in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || return 0
    sleep 0.1
  done
  echo "port $port still in use" >&2
  return 1
}

# The JDK the launcher would pick (JAVA_HOME, else /usr/lib/jvm/*).
bench_jdk() {
  if [ -z "${BENCH_JDK:-}" ]; then
    BENCH_JDK="$(find_jdk)" || { echo "no JDK 21 or newer found" >&2; exit 3; }
  fi
  echo "$BENCH_JDK"
}

# Builds bench/target/benchmarks.jar when missing or older than the bench module's sources.
build_bench_jar() {
  local jdk
  jdk="$(bench_jdk)"
  if [ -f "$BENCH_JAR" ] && [ -z "$(find "$BENCH_ROOT/bench/src" "$BENCH_ROOT/bench/pom.xml" -newer "$BENCH_JAR" -type f -print -quit)" ]; then
    return 0
  fi
  echo "building bench/target/benchmarks.jar..." >&2
  (cd "$BENCH_ROOT" && JAVA_HOME="$jdk" MAVEN_OPTS="$(maven_opts_for "$jdk")" ./mvnw -q -pl bench -am package \
    -DskipTests -Dspotless.check.skip=true -Dforbiddenapis.skip=true -Denforcer.skip=true) >&2
}

# Fills a template: every @NAME@ is replaced by the value of the environment variable R_NAME.
render() {
  local template=$1 out=$2
  awk '
    BEGIN { for (k in ENVIRON) if (k ~ /^R_/) val["@" substr(k, 3) "@"] = ENVIRON[k] }
    {
      line = $0
      for (key in val) {
        while ((i = index(line, key)) > 0) line = substr(line, 1, i - 1) val[key] substr(line, i + length(key))
      }
      print line
    }' "$template" >"$out"
}

# Two NGINX backends (one worker, pinned with the load generator): fixed small body and 64 KiB.
start_backends() {
  mkdir -p "$RUN_DIR"
  [ -f "$RUN_DIR/64k.bin" ] || head -c 65536 /dev/urandom >"$RUN_DIR/64k.bin"
  ensure_port_free "$BACKEND_PORT1"
  ensure_port_free "$BACKEND_PORT2"
  sed -e "s#@RUN@#$RUN_DIR#g; s#@PORT1@#$BACKEND_PORT1#; s#@PORT2@#$BACKEND_PORT2#" \
    "$BENCH_ROOT/bench/e2e/nginx-backends.conf.tmpl" >"$RUN_DIR/nginx-backends.conf"
  taskset -c "$LOAD_CPU" nginx -c "$RUN_DIR/nginx-backends.conf" -e "$RUN_DIR/nginx-backends.error.log" &
  PIDS+=($!)
  BACKENDS_PID=$!
  wait_port "$BACKEND_PORT1"
  wait_port "$BACKEND_PORT2"
}

# One NGINX backend process (one worker, pinned with the load generator unless CPU is given) on
# PORT, with the same fixed small body and /64k as start_backends; sets LAST_PID.
# Usage: start_nginx_backend PORT [CPU]
start_nginx_backend() {
  local port=$1 cpu=${2:-$LOAD_CPU} conf
  mkdir -p "$RUN_DIR"
  [ -f "$RUN_DIR/64k.bin" ] || head -c 65536 /dev/urandom >"$RUN_DIR/64k.bin"
  ensure_port_free "$port"
  conf="$RUN_DIR/nginx-backend-$port.conf"
  # The template listens on two ports; this process needs one, so the second line goes.
  sed -e "s#@RUN@#$RUN_DIR#g; s#@PORT1@#$port#; /@PORT2@/d; s#nginx-backends.pid#nginx-backend-$port.pid#" \
    "$BENCH_ROOT/bench/e2e/nginx-backends.conf.tmpl" >"$conf"
  taskset -c "$cpu" nginx -c "$conf" -e "$RUN_DIR/nginx-backend-$port.error.log" &
  PIDS+=($!)
  LAST_PID=$!
}

# A fast Java backend (bench/.../FastBackend) on one port, pinned with the load generator; sets
# LAST_PID. Usage: [DETACH=1] start_fast_backend PORT [--delay-ms 50] [--body N]
# DETACH=1 makes it a grandchild, so that bash does not report "Killed" when a scenario SIGKILLs it.
start_fast_backend() {
  local port=$1
  shift
  build_bench_jar
  ensure_port_free "$port"
  local cmd=(taskset -c "$LOAD_CPU" "$(bench_jdk)/bin/java" -XX:TieredStopAtLevel=1 -Xms64m -Xmx64m -XX:+UseSerialGC
    --enable-native-access=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled -Dslf4j.internal.verbosity=ERROR
    -cp "$BENCH_JAR" io.ballast.bench.peers.FastBackend --port "$port" "$@")
  if [ -n "${DETACH:-}" ]; then
    # shellcheck disable=SC2016
    LAST_PID=$(bash -c '"$@" >"$0" 2>&1 </dev/null & echo $!' "$RUN_DIR/fast-$port.log" "${cmd[@]}")
  else
    "${cmd[@]}" >"$RUN_DIR/fast-$port.log" 2>&1 &
    LAST_PID=$!
  fi
  PIDS+=("$LAST_PID")
}

# Backend lines for each system's config, from "host:port" arguments.
ballast_backends() {
  local i=0 a
  for a in "$@"; do
    i=$((i + 1))
    echo "      - { id: b$i, address: $a }"
  done
}
haproxy_backends() {
  local i=0 a
  for a in "$@"; do
    i=$((i + 1))
    echo "  server b$i $a check inter 1s fall 2 rise 2"
  done
}
nginx_backends() {
  local a
  for a in "$@"; do
    echo "    server $a max_fails=1 fail_timeout=10s;"
  done
}

# Ballast on one event loop, pinned to the proxy CPU; sets LAST_PID.
# Usage: start_ballast PORT [ALGORITHM [CLIENT_IDLE [BACKEND...]]]
start_ballast() {
  local port=$1 algorithm=${2:-round-robin} idle=${3:-60s}
  shift $(($# < 3 ? $# : 3))
  local backends=("$@")
  [ "${#backends[@]}" -gt 0 ] || backends=("127.0.0.1:$BACKEND_PORT1" "127.0.0.1:$BACKEND_PORT2")
  mkdir -p "$RUN_DIR"
  ensure_port_free "$port"
  R_PORT=$port R_ALGORITHM=$algorithm R_CLIENT_IDLE=$idle R_BACKENDS="$(ballast_backends "${backends[@]}")" \
    R_BUSY="${BALLAST_BUSY_POLLING:-false}" render "$CONFIGS/ballast.yaml.tmpl" "$RUN_DIR/ballast-$port.yaml"
  # Builds the jar (and its class-data archive) if needed; timed callers (start-up) have done it
  # already and set PREBUILT.
  [ -n "${PREBUILT:-}" ] || "$BENCH_ROOT/bin/ballast" --version >/dev/null
  BALLAST_JAVA_OPTS="${BALLAST_JAVA_OPTS:-$BALLAST_HEAP_OPTS}" BALLAST_SKIP_BUILD=1 \
    taskset -c "$PROXY_CPU" "$BENCH_ROOT/bin/ballast" run --config "$RUN_DIR/ballast-$port.yaml" \
    >"$RUN_DIR/ballast-$port.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  [ -n "${NO_WAIT:-}" ] || wait_port "$port"
}

# HAProxy, one thread, pinned; sets LAST_PID. Usage: start_haproxy PORT ALGORITHM BACKEND...
start_haproxy() {
  local port=$1 algorithm=$2
  shift 2
  ensure_port_free "$port"
  R_PORT=$port R_ALGORITHM=$algorithm R_BACKENDS="$(haproxy_backends "$@")" \
    R_GLOBAL_EXTRA="${HAPROXY_GLOBAL_EXTRA:-}" render "$CONFIGS/haproxy.cfg.tmpl" "$RUN_DIR/haproxy-$port.cfg"
  taskset -c "$PROXY_CPU" haproxy -db -f "$RUN_DIR/haproxy-$port.cfg" >"$RUN_DIR/haproxy-$port.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  [ -n "${NO_WAIT:-}" ] || wait_port "$port"
}

# NGINX as a reverse proxy, one worker, pinned; sets LAST_PID (the master; the worker is its
# child). Usage: start_nginx_proxy PORT ALGORITHM_DIRECTIVE BACKEND...  ("" for round robin)
start_nginx_proxy() {
  local port=$1 algorithm=$2
  shift 2
  ensure_port_free "$port"
  R_PORT=$port R_RUN="$RUN_DIR/nginx-$port" R_ALGORITHM="$algorithm" R_BACKENDS="$(nginx_backends "$@")" \
    render "$CONFIGS/nginx-proxy.conf.tmpl" "$RUN_DIR/nginx-proxy-$port.conf"
  mkdir -p "$RUN_DIR/nginx-$port"
  taskset -c "$PROXY_CPU" nginx -c "$RUN_DIR/nginx-proxy-$port.conf" -e "$RUN_DIR/nginx-$port/error.log" \
    >"$RUN_DIR/nginx-proxy-$port.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  [ -n "${NO_WAIT:-}" ] || wait_port "$port"
}

# Vert.x http-proxy (bench/.../VertxProxy), one event loop, pinned; sets LAST_PID.
# Usage: start_vertx PORT BACKEND...
start_vertx() {
  local port=$1 b args=()
  shift
  for b in "$@"; do args+=(--backend "$b"); done
  build_bench_jar
  ensure_port_free "$port"
  # shellcheck disable=SC2086
  taskset -c "$PROXY_CPU" "$(bench_jdk)/bin/java" $VERTX_JAVA_OPTS -cp "$BENCH_JAR" \
    io.ballast.bench.peers.VertxProxy --port "$port" "${args[@]}" >"$RUN_DIR/vertx-$port.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  [ -n "${NO_WAIT:-}" ] || wait_port "$port"
}

# wrk pinned to the load CPU; prints "rps p50_ms p99_ms p999_ms errors".
run_wrk() {
  local url=$1 conns=$2 secs=$3
  taskset -c "$LOAD_CPU" timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" --latency \
    -s "$BENCH_ROOT/bench/e2e/percentiles.lua" "$url" 2>/dev/null | awk '/^RESULT/ {print $2, $3, $4, $5, $6}'
}

# wrk pinned to the load CPU, every field: "rps p50 p99 p999 errors requests bytes_per_s p90".
# Extra wrk arguments (such as -H 'Connection: close') follow the first three.
run_wrk_full() {
  local url=$1 conns=$2 secs=$3
  shift 3
  taskset -c "$LOAD_CPU" timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" --latency "$@" \
    -s "$BENCH_ROOT/bench/e2e/percentiles.lua" "$url" 2>/dev/null | awk '/^RESULT/ {$1 = ""; print substr($0, 2)}'
}

# The open-loop generator pinned to the load CPU; prints its RESULT (and TIMELINE) lines.
run_openloop() {
  build_bench_jar
  # shellcheck disable=SC2086
  taskset -c "$LOAD_CPU" timeout 300 "$(bench_jdk)/bin/java" $LOAD_JAVA_OPTS -cp "$BENCH_JAR" \
    io.ballast.bench.load.OpenLoop "$@"
}

# CPU time (user + system, in clock ticks) of a process and its direct children.
cpu_ticks() {
  local pid=$1 p total=0 t
  for p in "$pid" $(pgrep -P "$pid" 2>/dev/null || true); do
    t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# One CPU's counters from /proc/stat, in clock ticks: "busy total steal" (busy includes steal).
cpu_counters() {
  awk -v c="cpu$1" '$1 == c {busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6, $9}' /proc/stat
}

# The value of key=value in a line: kv KEY "LINE"
kv() {
  local key=$1 line=$2
  awk -v k="$key" '{for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) {print substr($i, length(k) + 2); exit}}' <<<"$line"
}

median() {
  # Six significant digits for an even count: sub-millisecond latencies keep theirs.
  sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2}'
}

# The median of one column over the rows of one system, in a file of rows "ROUND SYSTEM VALUES...":
# median_of FILE SYSTEM COLUMN
median_of() {
  awk -v n="$2" -v c="$3" '$2 == n {print $c}' "$1" | median
}

machine_line() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r)"
}
