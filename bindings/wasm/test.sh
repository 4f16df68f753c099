#!/usr/bin/env bash
# The JavaScript package's test command: build, pack, install the packed package into a fresh
# project, then run the Node suites (ES module and CommonJS: conformance corpus, API, bad
# inputs, packaging and types) and the browser suite (examples/web in headless Chromium).
#
#   bindings/wasm/test.sh
#
# Installs what is missing (as root on Debian): see build.sh for the wasm toolchain; Chromium
# from apt (`chromium`); playwright-core and typescript from npm into the temporary project
# only (no browser download: Debian's Chromium is driven). CHROMIUM=/path/to/chrome picks
# another browser. COMMISSIO_SKIP_BUILD=1 reuses bindings/wasm/dist.
# Writes target/wasm-artifacts/ (the preview screenshot, the packed .tgz).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ARTIFACTS="$ROOT/target/wasm-artifacts"
PLAYWRIGHT_CORE_VERSION=1.65.1
TYPESCRIPT_VERSION=5.9.3
say() { printf '[wasm test] %s\n' "$*"; }

command -v node >/dev/null || { say "node (>= 18) is required"; exit 1; }
command -v npm >/dev/null || { say "npm is required"; exit 1; }

if [ "${COMMISSIO_SKIP_BUILD:-0}" != 1 ]; then
  bash "$HERE/build.sh"
fi
[ -f "$HERE/dist/commissio_wasm_bg.wasm" ] || { say "no build in $HERE/dist"; exit 1; }

# Chromium for the browser suite.
CHROMIUM="${CHROMIUM:-}"
if [ -z "$CHROMIUM" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$c" ]; then CHROMIUM="$c"; break; fi
  done
fi
if [ -z "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "apt-get install chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  CHROMIUM=/usr/bin/chromium
fi
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || { say "Chromium is required for the browser suite (set CHROMIUM=...)"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/commissio-js.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ARTIFACTS" "$WORK/project"

say "npm pack"
TGZ="$(cd "$HERE" && npm pack --silent --pack-destination "$WORK" | tail -n 1)"
cp "$WORK/$TGZ" "$ARTIFACTS/"

say "install the packed package into a fresh project"
cat >"$WORK/project/package.json" <<'EOF'
{ "name": "commissio-package-test", "private": true, "version": "0.0.0" }
EOF
(cd "$WORK/project" && npm install --no-audit --no-fund --loglevel=error --no-package-lock \
  "$WORK/$TGZ" "playwright-core@$PLAYWRIGHT_CORE_VERSION" "typescript@$TYPESCRIPT_VERSION" >/dev/null)
cp -R "$HERE/tests" "$WORK/project/tests"

say "node --test (Node $(node --version), Chromium: $CHROMIUM)"
cd "$WORK/project"
COMMISSIO_CORPUS="$ROOT/tests/corpus" \
COMMISSIO_PROGRAMS="$ROOT/tests/programs" \
COMMISSIO_WEB="$ROOT/examples/web" \
COMMISSIO_ROOT="$ROOT" \
COMMISSIO_ARTIFACTS="$ARTIFACTS" \
CHROMIUM="$CHROMIUM" \
  node --test --test-reporter=spec \
  tests/*.test.mjs tests/*.test.cjs
