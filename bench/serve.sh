#!/usr/bin/env bash
# Read load on `storyfold serve` (issue 8): requests/s and p99 latency on loopback for the story
# list page, a story page and the JSON API, with wrk (Debian: apt-get install -y wrk).
# Builds the release binary, ingests examples/ plus a synthetic corpus (bench/serve_corpus.py) into
# a temp store, starts the server on a free loopback port, runs wrk per route, prints a table.
# Usage: bench/serve.sh [ARTICLES] [SECONDS] [CONNECTIONS]     (default 10000 10 64)
# wrk sends `Accept-Encoding: gzip` like a browser does, so it gets the precompressed bodies
# (set SERVE_ACCEPT_ENCODING=identity to measure the uncompressed ones).
# Target: >= 5,000 requests/s with p99 < 50 ms per route.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000}
SECS=${2:-10}
CONNS=${3:-64}
THREADS=${WRK_THREADS:-2}
ACCEPT=${SERVE_ACCEPT_ENCODING:-gzip}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl not found: apt-get install -y curl" >&2; exit 1; }
cd "$ROOT"
cargo build --release -q -p storyfold-cli
SF="${CARGO_TARGET_DIR:-$ROOT/target}/release/storyfold"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 bench/serve_corpus.py "$N" > "$WORK/corpus.jsonl"
start=$(date +%s.%N)
"$SF" --quiet --store "$WORK/store.db" run examples/articles.jsonl examples/html/ "$WORK/corpus.jsonl" > /dev/null
ingest_secs=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")

PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
"$SF" --quiet --store "$WORK/store.db" serve --addr "127.0.0.1:$PORT" 2> "$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "$BASE/api/health" > "$WORK/health.json" && break; sleep 0.1; done
[ -s "$WORK/health.json" ] || { echo "server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
read -r ARTICLES STORIES < <(python3 -c "import json;h=json.load(open('$WORK/health.json'));print(h['articles'],h['stories'])")
# A story of median size (the typical page) and the largest story (the worst page), by article
# count over the whole list.
read -r MEDIAN MEDIAN_N LARGEST LARGEST_N < <(python3 -c '
import json, sys, urllib.request
base, stories, offset = sys.argv[1], [], 0
while offset is not None:
    page = json.load(urllib.request.urlopen(f"{base}/api/stories?limit=500&offset={offset}"))
    stories += page["stories"]
    offset = page["next_offset"]
stories.sort(key=lambda s: (s["articles"], s["id"]))
median, largest = stories[len(stories) // 2], stories[-1]
print(median["id"], median["articles"], largest["id"], largest["articles"])
' "$BASE")

size() { # bytes on the wire for a path: plain, and with the benchmark's Accept-Encoding
  echo "$(curl -fs "$BASE$1" | wc -c) plain / $(curl -fs -H "Accept-Encoding: $ACCEPT" "$BASE$1" | wc -c) $ACCEPT"
}
echo "store: $ARTICLES articles, $STORIES stories (ingested in ${ingest_secs} s); $(nproc) cores; wrk -t$THREADS -c$CONNS -d${SECS}s -H 'Accept-Encoding: $ACCEPT'; $(date -u +%F)"
echo "median story $MEDIAN ($MEDIAN_N articles): page $(size "/stories/$MEDIAN") bytes, API $(size "/api/stories/$MEDIAN")"
echo "largest story $LARGEST ($LARGEST_N articles): page $(size "/stories/$LARGEST") bytes, API $(size "/api/stories/$LARGEST")"
printf '%-32s %12s %10s %10s %8s\n' route "requests/s" p50 p99 errors
status=0
for path in "/" "/?q=harbour" "/stories/$MEDIAN" "/api/stories" "/api/stories/$MEDIAN" "/api/articles/e0-0" "/articles/e0-0" "/api/health" "/stories/$LARGEST" "/api/stories/$LARGEST"; do
  # Warm the response cache once, as a reader would.
  curl -fs -o /dev/null "$BASE$path"
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H "Accept-Encoding: $ACCEPT" "$BASE$path")
  python3 - "$path" "$out" <<'EOF' || status=1
import re, sys
path, out = sys.argv[1], sys.argv[2]
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
e = re.search(r"Socket errors: (.*)", out)
errors = (int(m.group(1)) if m else 0)
label = path if len(path) <= 32 else path[:29] + "..."
ok = rps >= 5000 and p99 < 50 and errors == 0 and not e
print(f"{label:<32} {rps:>12,.0f} {p50:>8.2f}ms {p99:>8.2f}ms {errors:>8}{'' if ok else '  MISSED'}")
if e:
    print(f"  socket errors: {e.group(1)}")
sys.exit(0 if ok else 1)
EOF
done
exit $status
