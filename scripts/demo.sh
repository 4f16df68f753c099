#!/usr/bin/env bash
# The main job on bundled data: check the example plans, then evaluate the account-executive
# plan over the bundled dataset (50 payees, 5,000 deals of 2026, splits, quotas) for the first
# quarter and print every payee's statement.
# Usage: scripts/demo.sh [PERIOD]      (default 2026-Q1; e.g. 2026, 2026-Q3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PERIOD=${1:-2026-Q1}
cargo build --release --locked -q -p commissio-cli
BIN=target/release/commissio
$BIN check examples/*.comp
$BIN run examples/ae_quota_tiers.comp \
  --payees examples/data/payees.csv --deals examples/data/deals.csv \
  --credits examples/data/credits.csv --quotas examples/data/quotas.csv \
  --period "$PERIOD" --statements -
