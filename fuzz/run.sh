#!/usr/bin/env bash
# Runs a fuzz target for a while, seeded with every plan in examples/ and tests/corpus/ and the
# grammar's token dictionary. Crashes land in fuzz/artifacts/<target>/.
# Usage: fuzz/run.sh parse|format_roundtrip [seconds]     (needs cargo-fuzz and a nightly)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
TARGET=${1:?target: parse or format_roundtrip}
SECONDS_TO_RUN=${2:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p "corpus/$TARGET"
cp ../examples/*.comp "corpus/$TARGET/"
for d in ../tests/corpus/*/; do cp "$d/plan.comp" "corpus/$TARGET/$(basename "$d").comp"; done
cargo +nightly fuzz run "$TARGET" "corpus/$TARGET" -- -dict=plan.dict -max_len=8192 -max_total_time="$SECONDS_TO_RUN"
