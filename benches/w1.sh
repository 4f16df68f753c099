#!/usr/bin/env bash
# W1 (benches/README.md) at 100k and 1M deals: Commissio beside the polars and DuckDB peers,
# in one run on one machine, with the ratios.
#
#   bash benches/w1.sh
#
# What it does:
#   1. builds `w1` (crate commissio-benches) in release;
#   2. when the shared benchmark folder is present (${W1_SHARED:-$ROOT/../shared/bench}):
#      creates the peers' virtualenv if missing ($VENV, from its requirements.txt, as its run.sh
#      does), generates the data with its gen.py (seed 20260101, R = 2000) into $W1_DATA, and
#      runs its run.sh for the polars and DuckDB peers only, from a scratch copy of the folder
#      (run.sh writes results/ next to itself, and the shared folder is read-only);
#      without the folder, the peers are skipped and existing data in $W1_DATA is used;
#   3. runs `w1 --data $W1_DATA/n{N}_r2000` for each N: load and compute best of $REPEAT,
#      traces on (and off, for the trace cost), SPEC §7 checksums checked (non-zero exit on a
#      mismatch);
#   4. prints a table: compute seconds, ratios peer/ours, and memory: the peak resident size
#      while loading (CSV text, tables, dataset) and while evaluating (dataset, line index,
#      results with every trace), the results' own bytes, and the peak against the CSV size.
#      The checksums computed afterwards (which sort strings) are not counted.
#
# The peers' scripts are run beside ours as tools; nothing of them is part of this project.
#
# Knobs: SIZES="100000 1000000"  REPEAT=3  W1_DATA=/tmp/w1data  VENV=/tmp/w1peers-venv
#        W1_SHARED=...  OUT=<dir for the JSON records; default a fresh /tmp/w1bench.*>
#        PEERS=1 (0 = ours only)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${W1_SHARED:-$ROOT/../shared/bench}"
VENV="${VENV:-/tmp/w1peers-venv}"
export W1_DATA="${W1_DATA:-/tmp/w1data}"
SIZES="${SIZES:-100000 1000000}"
REPEAT="${REPEAT:-3}"
PEERS="${PEERS:-1}"
R=2000
OUT="${OUT:-$(mktemp -d /tmp/w1bench.XXXXXX)}"
mkdir -p "$OUT"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

log "building w1 (release)"
(cd "$ROOT" && cargo build --release -q -p commissio-benches --bin w1)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/w1"

HAVE_SHARED=0
if [[ -f "$SHARED/run.sh" && -f "$SHARED/gen.py" ]]; then
  HAVE_SHARED=1
  if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV from $SHARED/requirements.txt"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$SHARED/requirements.txt"
  fi
  PY="$VENV/bin/python"
  for n in $SIZES; do
    log "gen.py --n $n --r $R (kept in $W1_DATA between runs)"
    "$PY" "$SHARED/gen.py" --n "$n" --r "$R" --out "$W1_DATA" >/dev/null 2>&1
  done
else
  log "no shared benchmark folder at $SHARED: peers skipped"
  PEERS=0
  PY="$(command -v python3 || true)"
fi

: > "$OUT/commissio.jsonl"
status=0
for n in $SIZES; do
  d="$W1_DATA/n${n}_r$R"
  if [[ ! -f "$d/deals.csv" ]]; then
    log "no data in $d: N=$n skipped"
    continue
  fi
  log "commissio N=$n x$REPEAT"
  if ! "$BIN" --data "$d" --repeat "$REPEAT" >> "$OUT/commissio.jsonl"; then
    log "commissio N=$n: checksum mismatch or failure"
    status=1
  fi
done

if [[ "$PEERS" == 1 ]]; then
  rm -rf "$OUT/peers"
  cp -r "$SHARED" "$OUT/peers"
  chmod -R u+w "$OUT/peers"
  rm -f "$OUT/peers/results/runs.jsonl"
  log "peers: polars, duckdb (run.sh in $OUT/peers)"
  (cd "$OUT/peers" && VENV="$VENV" IMPLS="w1_polars w1_duckdb" SIZES="$SIZES" BIG_SIZES= \
     CHECK=0 FLOOR=0 HYPERFINE=0 CSV_VARIANTS=0 REF_BIG=0 APPEND=1 REPEAT="$REPEAT" \
     bash run.sh >&2) || { log "peer run failed (see $OUT/peers/results/run.log)"; status=1; }
  cp "$OUT/peers/results/runs.jsonl" "$OUT/peers.jsonl" 2>/dev/null || true
fi

if [[ -z "$PY" ]]; then
  cat "$OUT/commissio.jsonl"
  exit "$status"
fi
REPEAT="$REPEAT" "$PY" - "$OUT" <<'EOF'
import json, os, sys
out = sys.argv[1]
def recs(name):
    p = os.path.join(out, name)
    return [json.loads(l) for l in open(p) if l.strip()] if os.path.exists(p) else []
ours = {r["n"]: r for r in recs("commissio.jsonl")}
peers = {}
for r in recs("peers.jsonl"):
    peers[(r["impl"], r.get("n_deals"))] = r
def f(x, nd=3):
    return "-" if x is None else f"{x:.{nd}f}"
print()
print("W1, best of %s per implementation; compute = in-memory inputs -> per-line payouts + "
      "rep-quarter totals; peers load Parquet, ours CSV" % os.environ.get("REPEAT", "3"))
print()
print("| N | ours compute s (traces on) | traces off s | polars s | duckdb s | polars/ours | duckdb/ours | ours load s (CSV) | CSV MiB | ours peak RSS MiB (load; compute) | of which results MiB (trace records) | peak/CSV | polars RSS MiB | duckdb RSS MiB | checksums |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for n in sorted(ours):
    o = ours[n]
    p = next((r for (i, k), r in peers.items() if k == n and "polars" in i), None)
    d = next((r for (i, k), r in peers.items() if k == n and "duckdb" in i), None)
    ratio = lambda r: None if r is None else r["compute_s"] / o["compute_s"]
    mb = lambda kb: kb / 1024
    load_peak = mb(o["rss_after_load_kb"])
    compute_peak = mb(o.get("compute_peak_rss_kb", o["rss_after_compute_kb"]))
    peak = max(load_peak, compute_peak)
    csv = o["input_bytes"] / 1048576
    print("| {:,} | {} | {} | {} | {} | {} | {} | {} | {:.1f} | {:.0f}; {:.0f} | {:.0f} ({:.0f}) | {:.1f}x | {} | {} | {} |".format(
        n, f(o["compute_s"]), f(o.get("compute_notrace_s")),
        f(p and p["compute_s"]), f(d and d["compute_s"]),
        f(ratio(p), 2) + ("x" if p else ""), f(ratio(d), 2) + ("x" if d else ""),
        f(o["load_s"]), csv, load_peak, compute_peak,
        o.get("result_bytes", 0) / 1048576, o.get("trace_bytes", 0) / 1048576,
        peak / csv,
        f(p and p.get("peak_rss_mb"), 0), f(d and d.get("peak_rss_mb"), 0),
        o.get("agreement") or "not in SPEC table"))
    for name, r in (("polars", p), ("duckdb", d)):
        if r is not None and r.get("lines_sha256") and r.get("lines_sha256") != o["lines_sha256"]:
            print(f"  !! {name} lines_sha256 differs from ours at N={n}")
print()
print("records:", out)
EOF
exit "$status"
