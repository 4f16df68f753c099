#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, conformance corpus, property tests),
# then each binding's suite as it lands. Installs what a fresh machine lacks.
# Usage: scripts/test.sh            (from the repository root or anywhere)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n==> %s\n' "$*"; }

# Each suite writes the canonical JSON of every conformance case here; the last step compares
# them byte for byte (scripts/determinism.sh). Emptied first, so that nothing stale can pass.
export COMMISSIO_DETERMINISM_DIR="$ROOT/target/determinism"
rm -rf "$COMMISSIO_DETERMINISM_DIR"

step "toolchain"
command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }
cargo --version
# rustfmt and clippy are part of the suite, never skipped: a run without them would pass
# unformatted or unlinted code. rustup installs them when missing; without rustup, stop.
for tool in fmt clippy; do
  if ! cargo "$tool" --version >/dev/null 2>&1; then
    component=$([ "$tool" = fmt ] && echo rustfmt || echo clippy)
    command -v rustup >/dev/null || {
      echo "cargo $tool is missing and rustup is not installed: install the '$component' component of your toolchain"
      exit 1
    }
    rustup component add "$component"
    cargo "$tool" --version >/dev/null 2>&1 || { echo "cargo $tool is still missing after 'rustup component add $component'"; exit 1; }
  fi
  cargo "$tool" --version
done

step "rust: formatting (cargo fmt --check)"
cargo fmt --all -- --check

# No import cycle between the source files of a crate (scripts/check_cycles.py says what counts
# as an import), in core, dsl and every binding. One cycle is left in core's evaluator: the
# fast paths (eval/fast.rs) share helpers with the general evaluator in both directions, and
# the trace store reads the tier bands (issue 17, open). Its --allow names exactly the files in
# it and fails as soon as the cycle is gone or changes, so it cannot be forgotten.
step "import cycles between source files (core, dsl, bindings)"
python3 scripts/check_cycles.py --self-test
python3 scripts/check_cycles.py \
  --allow core/src/eval/compiled.rs,core/src/eval/expr.rs,core/src/eval/fast.rs,core/src/eval/index/lines.rs,core/src/eval/run.rs,core/src/eval/tiers.rs,core/src/tape.rs \
  core dsl bindings/rust bindings/cli bindings/python bindings/wasm

# One release build serves the Rust tests, the CLI tests and the bindings' builds. The default
# workspace members are the Rust crates; the Python and wasm crates are built by their suites.
step "rust: build and test (release)"
cargo test --release --locked

# The corpus in a debug build too (what `cargo test` gives a Rust developer): every case runs on
# a 1 MiB thread, so the depth limits must hold without release optimisations (issue 16).
step "rust: the conformance corpus in a debug build, on 1 MiB threads"
cargo test --locked -p commissio-conformance --test conformance

# Hostile inputs against the release binary just built (tests/attacks/): each defect class of
# issue 16 with its exact outcome, and peak memory within 3x the input + 64 MiB. Small scale
# here; `python3 tests/attacks/run.py --scale full` runs them at the sizes they were found at.
step "attacks: hostile inputs against the release CLI (small scale)"
python3 tests/attacks/run.py --scale small --report target/attacks-small.md

step "rust: clippy, tests and benches included (unwrap/expect/panic denied outside tests)"
cargo clippy --release --locked --all-targets -- -D warnings

# The API docs of the library crates (core, dsl, the `commissio` facade, the test support
# crate): `missing_docs` is warned in the public crates and any rustdoc warning (a missing doc,
# a broken or ambiguous intra-doc link) fails the step. `--lib` because the CLI binary is also
# named `commissio` and would overwrite the facade's pages.
step "rust: API docs (cargo doc --no-deps, warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --lib

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

# ---- JavaScript package (bindings/wasm) ----------------------------------------------------
# Host unit tests and clippy of the wasm-bindgen crate, then bindings/wasm/test.sh: builds the
# wasm32 module (rustup's wasm32 target when it can be had, else Debian's rustc-web with
# -Zbuild-std, apt-installed as root), installs wasm-bindgen-cli at the Cargo.lock version when
# missing (about 4.5 minutes, once), packs the npm package, installs it into a fresh temporary
# project with playwright-core and typescript, and runs the Node suites (ES module and
# CommonJS: conformance corpus, API, bad inputs, packaging, types) and the browser suite
# (examples/web in Debian's headless Chromium). Safe to re-run: everything it installs is
# checked first, and its temporary project is made anew each time.
wasm_suite() {
  step "wasm: host tests and clippy of bindings/wasm"
  # `--features parallel` only so the host build reuses the engine already built above (the
  # wasm32 build itself never has it).
  cargo test --release --locked -p commissio-wasm --features parallel
  cargo clippy --release --locked -p commissio-wasm --features parallel --lib --examples -- -D warnings
  step "wasm: build, pack, Node and browser suites"
  bash "$ROOT/bindings/wasm/test.sh"
}
wasm_suite
# ---- end of JavaScript package section -----------------------------------------------------

# ---- determinism ---------------------------------------------------------------------------
# The whole corpus gives byte-identical canonical JSON (results, or the error) from the Rust
# engine, the installed Python wheel and the installed npm package (ES module and CommonJS),
# as written by the suites above: no extra build.
step "determinism: Rust, Python and JavaScript agree byte for byte on the corpus"
bash "$ROOT/scripts/determinism.sh" "$COMMISSIO_DETERMINISM_DIR"

step "all tests passed"
