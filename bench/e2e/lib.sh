# Shared pieces of the end-to-end benchmark scripts. Everything runs on loopback, bounded in time.
# shellcheck shell=bash

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${RUN_DIR:-/tmp/ballast-bench}"
PROXY_CPU="${PROXY_CPU:-0}"   # the proxy under test is pinned here
LOAD_CPU="${LOAD_CPU:-1}"     # load generator and backends share this one
BACKEND_PORT1=19001
BACKEND_PORT2=19002
PIDS=()

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

wait_port() {
  local port=$1 i
  for i in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listening on $port" >&2
  return 1
}

# Two NGINX backends (one worker, pinned with the load generator): fixed small body and 64 KiB.
start_backends() {
  mkdir -p "$RUN_DIR"
  head -c 65536 /dev/urandom >"$RUN_DIR/64k.bin"
  sed -e "s#@RUN@#$RUN_DIR#g; s#@PORT1@#$BACKEND_PORT1#; s#@PORT2@#$BACKEND_PORT2#" \
    "$BENCH_ROOT/bench/e2e/nginx-backends.conf.tmpl" >"$RUN_DIR/nginx-backends.conf"
  taskset -c "$LOAD_CPU" nginx -c "$RUN_DIR/nginx-backends.conf" -e "$RUN_DIR/nginx-backends.error.log" &
  PIDS+=($!)
  wait_port "$BACKEND_PORT1"
}

# Ballast on one event loop, pinned to the proxy CPU.
start_ballast() {
  local port=$1 algorithm=${2:-round-robin}
  cat >"$RUN_DIR/ballast.yaml" <<YAML
node: { name: bench, event-loops: 1 }
admin: { enabled: false }
listeners:
  - { name: web, listen: 127.0.0.1:$port, pool: web }
pools:
  - name: web
    algorithm: $algorithm
    backends:
      - { id: b1, address: 127.0.0.1:$BACKEND_PORT1 }
      - { id: b2, address: 127.0.0.1:$BACKEND_PORT2 }
YAML
  "$BENCH_ROOT/bin/ballast" --version >/dev/null # builds the jar if needed, outside the timing
  BALLAST_JAVA_OPTS="${BALLAST_JAVA_OPTS:--Xms512m -Xmx512m}" BALLAST_SKIP_BUILD=1 \
    taskset -c "$PROXY_CPU" "$BENCH_ROOT/bin/ballast" run --config "$RUN_DIR/ballast.yaml" \
    >"$RUN_DIR/ballast.log" 2>&1 &
  PIDS+=($!)
  wait_port "$port"
}

# wrk pinned to the load CPU; prints "rps p50_ms p99_ms p999_ms".
run_wrk() {
  local url=$1 conns=$2 secs=$3
  taskset -c "$LOAD_CPU" wrk -t1 -c"$conns" -d"${secs}s" --latency \
    -s "$BENCH_ROOT/bench/e2e/percentiles.lua" "$url" 2>/dev/null | awk '/^RESULT/ {print $2, $3, $4, $5, $6}'
}

median() {
  sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'
}

machine_line() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
}
