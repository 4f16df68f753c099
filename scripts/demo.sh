#!/usr/bin/env bash
# The main job on bundled data: check the example plans, then evaluate the account-executive
# plan over the bundled dataset (50 payees, 5,000 deals of 2026, splits, quotas) for the first
# quarter and print every payee's statement; then run the same data as a small organisation
# (examples/org: account executives, SDRs promoted mid-quarter, managers reading their teams
# across plans) and explain one promoted rep's pay under both plans.
# Usage: scripts/demo.sh [PERIOD]      (default 2026-Q1; e.g. 2026, 2026-Q3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PERIOD=${1:-2026-Q1}
cargo build --release --locked -q -p commissio-cli
BIN=target/release/commissio
$BIN check examples/*.comp examples/org/*.comp
$BIN run examples/ae_quota_tiers.comp \
  --payees examples/data/payees.csv --deals examples/data/deals.csv \
  --credits examples/data/credits.csv --quotas examples/data/quotas.csv \
  --period "$PERIOD" --statements -
echo
echo "== the organisation as one program (examples/org/README.md), $PERIOD"
ORG=(examples/org/ae.comp examples/org/sdr.comp examples/org/manager.comp
  --assignments examples/org/assignments.csv --split days
  --payees examples/data/payees.csv --deals examples/data/deals.csv
  --credits examples/data/credits.csv --quotas examples/data/quotas.csv --period "$PERIOD")
$BIN run "${ORG[@]}"
echo
echo "== ae35, promoted from SDR to AE on 16 February: each plan's share of the quarter"
# The deal lines' own steps are left out here (each block starts at an unindented line).
$BIN explain "${ORG[@]}" --payee ae35 | awk '/^[^ ]/ { show = ($0 !~ / · deal /) } show'
