#!/usr/bin/env bash
# The determinism check: every conformance case (tests/corpus/*/, and every program case of
# tests/programs/*/ in $DIR/programs/<suite>/) must give byte-identical
# canonical JSON (results, or the error) from the Rust engine, the Python package (the
# installed wheel) and the npm package (the packed, installed package; ES module and
# CommonJS). The suites write it while they run the corpus (scripts/test.sh runs them first):
#
#   $DIR/rust/<case>.json     tests/conformance.rs          Results::to_json / Error::to_json
#   $DIR/python/<case>.json   bindings/python/tests/test_corpus.py   Results.to_json() / .canonical_json
#   $DIR/js/<case>.json       bindings/wasm/tests/corpus.test.mjs    results.canonicalJson() / .canonicalJson
#   $DIR/js-cjs/<case>.json   bindings/wasm/tests/corpus.test.cjs    (the same through require)
#
# Fails listing every case that is missing from a directory or differs from the Rust file,
# and every file that names no case.
# Usage: scripts/determinism.sh [DIR]      (default: $COMMISSIO_DETERMINISM_DIR, else target/determinism)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=${1:-${COMMISSIO_DETERMINISM_DIR:-$PWD/target/determinism}}
SUITES=(rust python js js-cjs)

problems=0
report() { echo "determinism: $*"; problems=$((problems + 1)); }

# compare CORPUS OUT: every case folder of CORPUS against the files each suite wrote in OUT.
compare() {
  local corpus=$1 out=$2 cases=() d s c f name ref
  for d in "$corpus"/*/; do
    [ -f "$d/case.json" ] && cases+=("$(basename "$d")")
  done
  [ "${#cases[@]}" -gt 0 ] || { report "no cases in $corpus"; return; }
  for s in "${SUITES[@]}"; do
    [ -d "$out/$s" ] || { report "no results from the $s suite ($out/$s)"; continue; }
    for c in "${cases[@]}"; do
      [ -f "$out/$s/$c.json" ] || report "$s: missing $c"
    done
    for f in "$out/$s"/*.json; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .json)
      [ -d "$corpus/$name" ] || report "$s: $name.json names no case of $corpus"
    done
  done
  for c in "${cases[@]}"; do
    ref="$out/rust/$c.json"
    [ -f "$ref" ] || continue
    [ -s "$ref" ] || report "rust: $c.json is empty"
    for s in "${SUITES[@]:1}"; do
      f="$out/$s/$c.json"
      [ -f "$f" ] || continue
      if ! cmp -s "$ref" "$f"; then
        report "$s differs from rust: $c ($(cmp "$ref" "$f" 2>&1 | head -n 1))"
      fi
    done
  done
  echo "determinism: $corpus: ${#cases[@]} cases compared"
}

compare tests/corpus "$DIR"
compare tests/programs "$DIR/programs"

if [ "$problems" -gt 0 ]; then
  echo "determinism: FAILED ($problems problem(s); files in $DIR)"
  exit 1
fi
echo "determinism: byte-identical canonical JSON from ${SUITES[*]}"
