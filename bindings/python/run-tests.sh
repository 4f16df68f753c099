#!/usr/bin/env bash
# The Python package's whole test run, as on a fresh machine:
#   1. build the wheel with maturin (release, abi3) into $TARGET/wheels;
#   2. create a FRESH virtualenv, install the pinned test dependencies and the wheel;
#   3. run pytest from bindings/python/tests, where the source tree is not importable, so the
#      suite exercises the installed wheel (test_install.py checks that);
#   4. run the W1 benchmark script on a small dataset (the real run is 1M deals; see README).
# Usage: bindings/python/run-tests.sh     (scripts/test.sh calls it too)
# Env: PYTHON (default python3), CARGO_TARGET_DIR (default <repo>/target), PYTEST_ARGS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PY=${PYTHON:-python3}

step() { printf '\n==> %s\n' "$*"; }

command -v "$PY" >/dev/null || { echo "python3 (3.9 or newer) is required"; exit 1; }
command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }

# `python3 -m venv` needs Debian's python3-venv package on a bare Debian/Ubuntu python.
make_venv() {
  if ! "$PY" -m venv "$1" 2>/dev/null; then
    rm -rf "$1"
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      echo "installing python3-venv (apt-get)"
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    fi
    "$PY" -m venv "$1"
  fi
}

step "python: build the wheel (maturin, release, abi3)"
BUILD_VENV="$TARGET/py-build-venv"
if [ ! -x "$BUILD_VENV/bin/maturin" ]; then
  rm -rf "$BUILD_VENV"
  make_venv "$BUILD_VENV"
  "$BUILD_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==1.16.0"
fi
mkdir -p "$TARGET/wheels"
rm -f "$TARGET"/wheels/commissio-*.whl
CARGO_TARGET_DIR="$TARGET" "$BUILD_VENV/bin/maturin" build --release --locked \
  -m bindings/python/Cargo.toml -o "$TARGET/wheels"
WHEELS=("$TARGET"/wheels/commissio-*.whl)
[ "${#WHEELS[@]}" -eq 1 ] && [ -f "${WHEELS[0]}" ] || { echo "expected one wheel, found: ${WHEELS[*]}"; exit 1; }

step "python: fresh virtualenv with the pinned test dependencies and the wheel"
TEST_VENV="$TARGET/py-test-venv"
rm -rf "$TEST_VENV"
make_venv "$TEST_VENV"
"$TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r bindings/python/requirements-test.txt
"$TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "${WHEELS[0]}"

step "python: pytest against the installed wheel (corpus, API, inputs, properties, stubs, example)"
# shellcheck disable=SC2086
(cd bindings/python/tests && COMMISSIO_ROOT="$ROOT" "$TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider ${PYTEST_ARGS:-})

step "python: W1 benchmark script, small run (1M deals: python benches/python_w1.py)"
CARGO_TARGET_DIR="$TARGET" "$TEST_VENV/bin/python" benches/python_w1.py --n 20000 --repeat 1
