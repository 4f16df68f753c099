#!/usr/bin/env bash
# Runs a fuzz target for a while. Crashes land in fuzz/artifacts/<target>/; once fixed, copy
# them to fuzz/regressions/<target>/ so `cargo test` replays them (tests/fuzz_regressions.rs).
#
#   parse, format_roundtrip   plan text: seeded with every plan in examples/ and tests/corpus/
#                             and the grammar's token dictionary (plan.dict)
#   eval_reference            structured bytes → a generated plan and data, checked against the
#                             naive reference (tests/fuzzing/)
#   decimal_edges             structured bytes → plans and data with extreme numbers
#   load_tables               bytes → a CSV (first byte even) or JSON (odd) deals table: no
#                             panic, no record dropped between the text, the table and the dataset
#
# Every target is also seeded with its saved inputs in fuzz/regressions/<target>/.
# Usage: fuzz/run.sh parse|format_roundtrip|eval_reference|decimal_edges|load_tables [seconds]
#        (needs cargo-fuzz and a nightly toolchain)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
TARGET=${1:?target: parse, format_roundtrip, eval_reference, decimal_edges or load_tables}
SECONDS_TO_RUN=${2:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p "corpus/$TARGET"
cp regressions/"$TARGET"/* "corpus/$TARGET/" 2>/dev/null || true
case "$TARGET" in
  parse|format_roundtrip)
    cp ../examples/*.comp "corpus/$TARGET/"
    for d in ../tests/corpus/*/; do cp "$d/plan.comp" "corpus/$TARGET/$(basename "$d").comp"; done
    ARGS=(-dict=plan.dict -max_len=8192)
    ;;
  load_tables)
    for f in ../examples/data/*.csv; do { printf '\0'; head -c 4000 "$f"; } > "corpus/$TARGET/$(basename "$f")"; done
    ARGS=(-max_len=4096)
    ;;
  eval_reference|decimal_edges)
    # Bytes are decisions, not text: no dictionary; 4 KiB is more than a whole case draws.
    ARGS=(-max_len=4096)
    ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
cargo +nightly fuzz run "$TARGET" "corpus/$TARGET" -- "${ARGS[@]}" -max_total_time="$SECONDS_TO_RUN"
