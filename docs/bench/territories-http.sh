#!/usr/bin/env bash
# GET /api/v1/scenarios/1/territories under load, two builds side by side.
#
#   docs/bench/territories-http.sh [BEFORE_REV] [AFTER_REV] [SECONDS]
#
# Builds terrane at both revisions (default: 6f4f7ae, the last commit before
# results were stored with their run, and the work tree), serves each on a
# fresh SQLite database with the sample, runs one allocate run so the
# territories have a finished run, then loads each with wrk (Debian's wrk,
# installed when missing) at concurrency 1 and 16, alternating the builds so
# both see the same machine. Prints the markdown table and writes it into
# docs/benchmarks.md between the "territories-http" markers.
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=${1:-6f4f7ae}
AFTER=${2:-}
SECS=${3:-15}
command -v wrk >/dev/null || { SUDO=$([ "$(id -u)" = 0 ] || echo sudo); $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; git worktree remove --force "$tmp/src-before" 2>/dev/null || true; rm -rf "$tmp"' EXIT

build() { # rev dir
  if [ -z "$1" ]; then go build -o "$2/terrane" ./cmd/terrane; return; fi
  git worktree add -q --detach "$tmp/src-$(basename "$2")" "$1"
  (cd "$tmp/src-$(basename "$2")" && go build -o "$2/terrane" ./cmd/terrane)
}
serve() { # dir port → prints token
  local d=$1 port=$2
  "$d/terrane" serve --addr "127.0.0.1:$port" --db "sqlite:$d/t.db" >"$d/serve.log" 2>&1 &
  for _ in $(seq 1 120); do curl -sf "127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  local tok; tok=$("$d/terrane" users add --name bench --role leader --password bench-password-1 --db "sqlite:$d/t.db" | tail -1)
  curl -sf -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d '{"kind":"allocate"}' "127.0.0.1:$port/api/v1/scenarios/1/runs" >/dev/null
  for _ in $(seq 1 120); do
    curl -sf -H "Authorization: Bearer $tok" "127.0.0.1:$port/api/v1/scenarios/1/runs" | grep -q '"status":"succeeded"' && break; sleep 0.5
  done
  echo "$tok"
}
load() { # port token conns → "rps p50 p99"
  local out; out=$(wrk -t "$([ "$3" = 1 ] && echo 1 || echo 2)" -c "$3" -d "${SECS}s" --latency -H "Authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/scenarios/1/territories")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $p50 $p99"
}
ms() { # wrk duration → ms
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}
mkdir -p "$tmp/before" "$tmp/after"
build "$BEFORE" "$tmp/before"
build "$AFTER" "$tmp/after"
tb=$(serve "$tmp/before" 18181)
ta=$(serve "$tmp/after" 18182)
for p in 18181 18182; do curl -sf -H "Authorization: Bearer $([ $p = 18181 ] && echo "$tb" || echo "$ta")" "127.0.0.1:$p/api/v1/scenarios/1/territories" >/dev/null; done
rows=()
for c in 1 16; do
  read -r brps bp50 bp99 <<<"$(load 18181 "$tb" $c)"
  read -r arps ap50 ap99 <<<"$(load 18182 "$ta" $c)"
  b99=$(ms "$bp99"); a99=$(ms "$ap99")
  rows+=("| $c | $brps | $(ms "$bp50") | $b99 | $arps | $(ms "$ap50") | $a99 | $(awk -v b="$b99" -v a="$a99" 'BEGIN{printf "%.1f×", b/a}') |")
done
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo '<!-- BEGIN territories-http -->'
  echo '## GET territories under load, before and after results were stored with their run'
  echo
  echo "Measured by \`docs/bench/territories-http.sh $BEFORE ${AFTER:-<work tree>} $SECS\` on $(date -u +%F): $(nproc) cores, $cpu,"
  echo "load average $(cut -d' ' -f1 /proc/loadavg) before the run. wrk ${SECS} s per cell (1 thread at concurrency 1, 2 at 16) on loopback against"
  echo "\`terrane serve\` on a fresh SQLite database with the sample and one finished allocate run; both builds served at once and loaded in turn."
  echo "Before: every read loaded every plan input (6 queries, every account) and the latest run, and recomputed the metrics."
  echo "After: a read is the scenario's row (it names its stored run) and the snapshot built once per version of the scenario, its layer and its results."
  echo
  echo '| concurrency | before req/s | before p50 ms | before p99 ms | after req/s | after p50 ms | after p99 ms | p99 before/after |'
  echo '|---|---|---|---|---|---|---|---|'
  printf '%s\n' "${rows[@]}"
  echo '<!-- END territories-http -->'
} >"$tmp/section.md"
cat "$tmp/section.md"
python3 - "$tmp/section.md" docs/benchmarks.md <<'PY'
import sys
sec, doc = open(sys.argv[1]).read().rstrip('\n'), sys.argv[2]
cur = open(doc).read()
b, e = '<!-- BEGIN territories-http -->', '<!-- END territories-http -->'
i, j = cur.find(b), cur.find(e)
cur = cur[:i] + sec + cur[j+len(e):] if i >= 0 and j > i else cur.rstrip('\n') + '\n\n' + sec + '\n'
open(doc, 'w').write(cur)
PY
