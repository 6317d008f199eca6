#!/usr/bin/env bash
# Scale-out benchmark (issue 9): articles/s with 1, 2 and 4 `storyfold worker` processes on one
# JetStream, story membership against `storyfold run`, and the kill test (one of two workers
# killed with SIGKILL every few seconds). Needs nats-server (apt-get install -y nats-server).
# Usage: bench/scale.sh [ARTICLES] [EVENTS]      (default 10000 300)
#        SKIP_SPEED=1 bench/scale.sh ...           (the kill test only)
#        COUNTS="1 2" bench/scale.sh ...           (worker counts of the speed runs; default 1 2 4)
#        WORKER_OPTS="--commit-every 1000" ...     (extra options for the speed runs' workers)
# Each speed run also prints the CPU seconds of every worker and of nats-server (from
# /proc/PID/stat) and nats-server's messages and bytes in and out per article (its /varz),
# which move far less with the box's load than the rates do.
# Cores: each worker process is pinned to one core (taskset), worker i on core (i-1) mod CORES
# (CORES = nproc unless set), so 1 worker uses 1 core, 2 workers 2 cores, 4 workers 2 per core
# on a 2-core box; `storyfold run` is pinned to core 0 as well. nats-server and the status polls
# are not pinned. PIN=0 runs everything unpinned. PIN=set gives the workers of a W-worker run
# the cores 0..min(W,CORES)-1 together (W workers on W cores, each process free to use any of
# them: a leader's second thread can then use time the other worker leaves idle); 1 worker is
# on core 0 as with PIN=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000}
EVENTS=${2:-300}
KILL_EVERY=${KILL_EVERY:-4}
PIN=${PIN:-1}
CORES=${CORES:-$(nproc)}
pinned() {  # core-index: the taskset prefix that runs a command on one core (empty if PIN=0)
  command -v taskset >/dev/null || return 0
  if [ "$PIN" = set ] && [ "${SET_CORES:-1}" -gt 1 ]; then echo "taskset -c 0-$((SET_CORES - 1))"
  elif [ "$PIN" = 1 ] || [ "$PIN" = set ]; then echo "taskset -c $(($1 % CORES))"; fi
}
set_cores() { SET_CORES=$(($1 < CORES ? $1 : CORES)); }  # workers: the cores PIN=set gives them
command -v nats-server >/dev/null || { echo "nats-server not found: apt-get install -y nats-server" >&2; exit 1; }
cd "$ROOT"
# SF=/path/to/storyfold bench/scale.sh ... measures another build (e.g. the previous commit's).
if [ -z "${SF:-}" ]; then
  cargo build --release -q -p storyfold-cli --features storyfold-worker/nats
  SF="${CARGO_TARGET_DIR:-$ROOT/target}/release/storyfold"
fi
WORK=$(mktemp -d)
NATS_PID=""
WORKERS=()
cleanup() {
  for p in "${WORKERS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$NATS_PID" ] && kill "$NATS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 bench/scale_gen.py "$N" "$EVENTS" "$WORK/stream.jsonl"
echo "stream: $N articles, $EVENTS events, $(nproc) cores (workers pinned: PIN=$PIN, CORES=$CORES), $(date -u +%F), load: $(cut -d' ' -f1-3 /proc/loadavg)"

start_nats() {
  [ -n "$NATS_PID" ] && { kill "$NATS_PID"; wait "$NATS_PID" 2>/dev/null || true; }
  rm -rf "$WORK/js"; PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  MPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  nats-server -js -sd "$WORK/js" -a 127.0.0.1 -p "$PORT" -m "$MPORT" >/dev/null 2>&1 & NATS_PID=$!
  URL="nats://127.0.0.1:$PORT"
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.05; done
}
now() { date +%s.%N; }
# CPU seconds (user + system) a process has used so far, and nats-server's message and byte
# counters (/varz of its monitoring port): the load-independent side of each speed run.
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
varz() {
  python3 -c "import json,urllib.request as u;v=json.load(u.urlopen('http://127.0.0.1:$MPORT/varz'));print(v['in_msgs'],v['out_msgs'],v['in_bytes'],v['out_bytes'])"
}
wait_done() {
  while ! "$SF" -q worker --nats "$URL" --status | grep -q '"done":true'; do sleep 0.2; done
}
start_worker() {  # name core-index
  # shellcheck disable=SC2086
  $(pinned "$2") "$SF" -q worker --nats "$URL" --name "$1" --ack-wait "${ACK_WAIT:-5}" --lease-ms 2000 ${WORKER_OPTS:-} & WORKERS+=($!)
}
stop_workers() { for p in "${WORKERS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; WORKERS=(); }

t0=$(now); $(pinned 0) "$SF" -q --store "$WORK/ref.db" run "$WORK/stream.jsonl" >/dev/null; t1=$(now)
RUN_RATE=$(python3 -c "print(round($N/($t1-$t0)))")
echo "storyfold run (1 process): $(python3 -c "print(round($t1-$t0,2))") s, $RUN_RATE articles/s"

# The project's example corpus: membership with 1, 2 and 4 workers against `storyfold run`.
if [ -d examples ] && [ "${SKIP_EXAMPLES:-0}" != 1 ]; then
  "$SF" -q --store "$WORK/ex-ref.db" run examples >/dev/null
  for W in 1 2 4; do
    start_nats; set_cores "$W"
    "$SF" -q publish --nats "$URL" examples 2>/dev/null
    for i in $(seq "$W"); do start_worker "e$i" $((i - 1)); done
    wait_done; stop_workers
    "$SF" -q --store "$WORK/ex$W.db" worker --nats "$URL" --sync 2>/dev/null
    echo "examples/, $W worker(s): $(python3 bench/scale_compare.py "$WORK/ex-ref.db" "$WORK/ex$W.db")"
  done
fi

declare -A RATE
if [ "${SKIP_SPEED:-0}" != 1 ]; then
for W in ${COUNTS:-1 2 4}; do
  start_nats; set_cores "$W"
  "$SF" -q publish --nats "$URL" "$WORK/stream.jsonl" 2>/dev/null
  v0=$(varz); n0=$(cpu_s "$NATS_PID")
  t0=$(now)
  for i in $(seq "$W"); do start_worker "w$i" $((i - 1)); done
  wait_done; t1=$(now)
  v1=$(varz); n1=$(cpu_s "$NATS_PID")
  wcpu=(); for p in "${WORKERS[@]}"; do wcpu+=("$(cpu_s "$p")"); done
  stop_workers
  RATE[$W]=$(python3 -c "print(round($N/($t1-$t0)))")
  "$SF" -q --store "$WORK/w$W.db" worker --nats "$URL" --sync 2>/dev/null
  echo "$W worker(s): $(python3 -c "print(round($t1-$t0,2))") s, ${RATE[$W]} articles/s; $(python3 bench/scale_compare.py "$WORK/ref.db" "$WORK/w$W.db")"
  python3 - "$N" "$n0" "$n1" "$v0" "$v1" "${wcpu[@]}" <<'PY'
import sys
n, n0, n1, v0, v1, workers = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4].split(), sys.argv[5].split(), [float(c) for c in sys.argv[6:]]
d = [int(b) - int(a) for a, b in zip(v0, v1)]
print(f"  CPU-s: workers {' + '.join(f'{c:.2f}' for c in workers)} = {sum(workers):.2f}, nats-server {n1 - n0:.2f}, "
      f"total {sum(workers) + n1 - n0:.2f}; nats per article: {d[0]/n:.1f} msgs in, {d[1]/n:.1f} out, "
      f"{d[2]/n/1024:.1f} KiB in, {d[3]/n/1024:.1f} KiB out")
PY
done
fi
if [ "${SKIP_SPEED:-0}" != 1 ] && [ -n "${RATE[1]:-}" ]; then
  for W in ${COUNTS:-1 2 4}; do
    if [ "$W" != 1 ]; then echo "speed-up: $W workers $(python3 -c "print(round(${RATE[$W]}/${RATE[1]},2))")x over 1 worker"; fi
  done
fi

[ "${SKIP_KILL:-0}" = 1 ] && exit 0
# Kill test: two workers; every KILL_EVERY seconds one of them (alternately, so the sequencing
# worker is among the victims) is killed with SIGKILL and restarted under a new name, until
# every article is applied.
start_nats; set_cores 2
"$SF" -q publish --nats "$URL" "$WORK/stream.jsonl" 2>/dev/null
KILL_OPTS=(--ack-wait 2 --lease-ms 1500 --commit-every 250 --snapshot-every 1000)
$(pinned 0) "$SF" -q worker --nats "$URL" --name k0 "${KILL_OPTS[@]}" & WORKERS+=($!)
$(pinned 1) "$SF" -q worker --nats "$URL" --name k1 "${KILL_OPTS[@]}" & WORKERS+=($!)
kills=0; t0=$(now)
while ! "$SF" -q worker --nats "$URL" --status | grep -q '"done":true'; do
  sleep "$KILL_EVERY"
  "$SF" -q worker --nats "$URL" --status | grep -q '"done":true' && break
  victim=$((kills % 2))
  kill -9 "${WORKERS[$victim]}" 2>/dev/null || true; wait "${WORKERS[$victim]}" 2>/dev/null || true
  $(pinned "$victim") "$SF" -q worker --nats "$URL" --name "k$victim-$kills" "${KILL_OPTS[@]}" & WORKERS[$victim]=$!
  kills=$((kills + 1))
done
t1=$(now)
stop_workers
"$SF" -q --store "$WORK/kill.db" worker --nats "$URL" --sync 2>/dev/null
echo "kill test: $kills SIGKILLs in $(python3 -c "print(round($t1-$t0,2))") s; $(python3 bench/scale_compare.py "$WORK/ref.db" "$WORK/kill.db")"
