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

# One release build serves the Rust tests, the CLI tests and the bindings' builds. The default
# workspace members are the Rust crates; the Python and wasm crates are built by their suites.
step "rust: build and test (release)"
cargo test --release --locked

step "rust: clippy (unwrap/expect/panic denied in library code)"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --release --locked --lib --bins -- -D warnings
else
  echo "clippy not installed: skipped"
fi

# ---- Python package (bindings/python) ------------------------------------------------------
# Builds the wheel with maturin (sharing target/ with the Rust build), installs it into a FRESH
# virtualenv with the pinned test dependencies, runs the pytest suite against the installed
# wheel (never the source tree), then a small run of the W1 benchmark script. The steps live
# in bindings/python/run-tests.sh, which can also be run on its own. Safe to re-run: the build
# venv is reused, the test venv is made anew each time.
python_suite() {
  bash "$ROOT/bindings/python/run-tests.sh"
}
python_suite
# ---- end of Python package section ---------------------------------------------------------

step "all tests passed"
