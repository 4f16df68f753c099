#!/usr/bin/env bash
# Builds the `commissio` npm package into bindings/wasm/dist/ (then `npm pack` works here).
#
#   bindings/wasm/build.sh            build (installs what is missing, see below)
#
# 1. The wasm32 build, the normal way first: `rustup target add wasm32-unknown-unknown` and
#    cargo. Where rustup cannot fetch the wasm32 standard library (our machines), Debian's
#    Rust (`rustc-web`, `cargo-web`, `rust-web-src`, `lld-16`, apt-installed when missing and
#    running as root) builds std from source (`build_debian` below). Each compiler has
#    its own target dir (target/wasm32-rustup, target/wasm32-debian) so artifacts never mix.
# 2. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock
#    (`cargo install --locked` when missing; about 4.5 minutes once, then kept in ~/.cargo/bin).
# 3. wasm-bindgen twice over the same .wasm: `--target nodejs` (CommonJS glue for Node) and
#    `--target web` (ES module glue for browsers); the .wasm is shipped once.
# 4. wasm-opt -O3 with Binaryen 116 or later (installed from npm, pinned, when the system's is
#    older or missing), else the wasm as wasm-bindgen wrote it.
#
# Environment: COMMISSIO_WASM_TOOLCHAIN=rustup|debian forces one way; COMMISSIO_NO_INSTALL=1
# never installs anything (fails instead).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="$HERE/dist"
CRATE=commissio-wasm
LIB=commissio_wasm
TARGET=wasm32-unknown-unknown
say() { printf '[wasm build] %s\n' "$*"; }

# Size-oriented release settings for this build only (the workspace profile stays as it is).
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_PANIC=abort
# Size first ("s"), except the engine and its decimal arithmetic, which run every line: the
# module stays under 400 KB gzipped and Node within 3x of native (bindings/wasm/README.md).
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${COMMISSIO_WASM_OPT_LEVEL:-s}"
SPEED_PACKAGES=(--config 'profile.release.package.commissio-core.opt-level=3'
  --config 'profile.release.package.rust_decimal.opt-level=3')
export CARGO_PROFILE_RELEASE_DEBUG=false

install_ok() { [ "${COMMISSIO_NO_INSTALL:-0}" != 1 ]; }

# --- 1. wasm32 build ------------------------------------------------------------------------
build_rustup() {
  command -v rustup >/dev/null 2>&1 || return 1
  command -v cargo >/dev/null 2>&1 || return 1
  local sysroot
  sysroot="$(rustc --print sysroot 2>/dev/null)" || return 1
  if [ ! -d "$sysroot/lib/rustlib/$TARGET/lib" ]; then
    install_ok || return 1
    say "rustup target add $TARGET"
    timeout 120 rustup target add "$TARGET" >/dev/null 2>&1 || return 1
    [ -d "$sysroot/lib/rustlib/$TARGET/lib" ] || return 1
  fi
  say "cargo build ($(rustc --version))"
  (cd "$ROOT" && cargo build --release --locked --target "$TARGET" -p "$CRATE" "${SPEED_PACKAGES[@]}" \
    --target-dir "$ROOT/target/wasm32-rustup") || return 2
  WASM="$ROOT/target/wasm32-rustup/$TARGET/release/$LIB.wasm"
}

debian_ready() {
  [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && command -v wasm-ld-16 >/dev/null 2>&1 &&
    [ -d /usr/lib/rustlib/src/rust/library ]
}

build_debian() {
  if ! debian_ready; then
    install_ok && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    say "apt-get install rustc-web cargo-web rust-web-src lld-16"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src lld-16 >/dev/null
    debian_ready || return 1
  fi
  say "cargo build -Zbuild-std ($(/usr/bin/rustc --version))"
  (cd "$ROOT" && PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
    /usr/bin/cargo build --release --locked -Zbuild-std=std,panic_abort --target "$TARGET" -p "$CRATE" "${SPEED_PACKAGES[@]}" \
    --target-dir "$ROOT/target/wasm32-debian") || return 2
  WASM="$ROOT/target/wasm32-debian/$TARGET/release/$LIB.wasm"
}

WASM=""
case "${COMMISSIO_WASM_TOOLCHAIN:-auto}" in
  rustup) build_rustup ;;
  debian) build_debian ;;
  *)
    rc=0
    build_rustup || rc=$?
    if [ "$rc" = 2 ]; then exit 1; fi
    if [ "$rc" != 0 ]; then
      say "no wasm32 standard library from rustup; using Debian's Rust"
      build_debian || { say "no way to build for $TARGET (see the comment at the top of bindings/wasm/build.sh)"; exit 1; }
    fi
    ;;
esac
[ -f "$WASM" ] || { say "build produced no $WASM"; exit 1; }

# --- 2. wasm-bindgen-cli at the locked version ----------------------------------------------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
[ -n "$WB_VERSION" ] || { say "wasm-bindgen is not in Cargo.lock"; exit 1; }
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
have_wb() { command -v wasm-bindgen >/dev/null 2>&1 && [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WB_VERSION" ]; }
if ! have_wb; then
  install_ok || { say "wasm-bindgen $WB_VERSION is missing"; exit 1; }
  say "cargo install wasm-bindgen-cli --version $WB_VERSION --locked (a few minutes, once)"
  # `--locked` first; if the registry lacks a version the CLI's lock file names, resolve anew.
  cargo install -q wasm-bindgen-cli --version "$WB_VERSION" --locked ||
    cargo install -q wasm-bindgen-cli --version "$WB_VERSION"
  have_wb || { say "wasm-bindgen $WB_VERSION did not install"; exit 1; }
fi

# --- 3. glue for Node (CommonJS) and browsers (ES module) ------------------------------------
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
wasm-bindgen --target nodejs --experimental-reset-state-function --out-dir "$OUT/node" "$WASM"
wasm-bindgen --target web --experimental-reset-state-function --out-dir "$OUT/web" "$WASM"
cmp -s "$OUT/node/${LIB}_bg.wasm" "$OUT/web/${LIB}_bg.wasm" ||
  { say "the nodejs and web targets produced different .wasm files"; exit 1; }

rm -rf "$DIST"
mkdir -p "$DIST"
cp "$OUT/web/${LIB}_bg.wasm" "$DIST/${LIB}_bg.wasm"
sed '1{/@ts-self-types/d}' "$OUT/node/$LIB.js" >"$DIST/glue.cjs"
sed '1{/@ts-self-types/d}' "$OUT/web/$LIB.js" >"$DIST/glue.mjs"

# --- 4. wasm-opt -------------------------------------------------------------------------------
# Binaryen 116 or later only: older releases (Debian 12 ships 108) break the externref table
# that wasm-bindgen uses. Without one on PATH, binaryen's npm package (wasm-opt compiled to
# WebAssembly, pinned) is installed under target/tools. -O3 takes the module from about 408 to
# about 371 KB gzipped and makes it faster. The result is kept only if it still loads and answers.
BINARYEN_NPM_VERSION=132.0.0
opt_version() { "$1" --version 2>/dev/null | sed -n 's/^wasm-opt version \([0-9]*\).*/\1/p'; }
WASM_OPT=wasm-opt
if [ "$(opt_version wasm-opt)" -ge 116 ] 2>/dev/null; then
  :
else
  WASM_OPT="$ROOT/target/tools/binaryen/node_modules/binaryen/bin/wasm-opt"
  if [ ! -x "$WASM_OPT" ] && install_ok && command -v npm >/dev/null 2>&1; then
    say "npm install binaryen@$BINARYEN_NPM_VERSION (wasm-opt; once, into target/tools)"
    mkdir -p "$ROOT/target/tools/binaryen"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/target/tools/binaryen" \
      "binaryen@$BINARYEN_NPM_VERSION" >/dev/null 2>&1 || true
  fi
fi
WASM_OPT_VERSION="$(opt_version "$WASM_OPT")"
if [ "${WASM_OPT_VERSION:-0}" -ge 116 ] 2>/dev/null && [ "${COMMISSIO_WASM_OPT:-1}" = 1 ]; then
  cp "$DIST/${LIB}_bg.wasm" "$OUT/plain.wasm"
  if "$WASM_OPT" -O3 --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
      --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
      "$OUT/plain.wasm" -o "$DIST/${LIB}_bg.wasm" 2>"$OUT/opt.log" &&
    node -e "const g = require(process.argv[1]); if (g.check('plan \"x\" {}').length < 1) process.exit(1)" \
      "$DIST/glue.cjs" >/dev/null 2>&1; then
    say "wasm-opt -O3 applied ($("$WASM_OPT" --version))"
  else
    cp "$OUT/plain.wasm" "$DIST/${LIB}_bg.wasm"
    say "wasm-opt output unusable with $("$WASM_OPT" --version 2>/dev/null); kept wasm-bindgen's output"
  fi
else
  say "kept wasm-bindgen's output (no wasm-opt 116 or later, or COMMISSIO_WASM_OPT=0)"
fi

# --- 5. the JavaScript API -------------------------------------------------------------------
{ cat "$HERE/js/api.js"; printf '\nmodule.exports = { createApi };\n'; } >"$DIST/api.cjs"
{ cat "$HERE/js/api.js"; printf '\nexport { createApi };\n'; } >"$DIST/api.mjs"
cp "$HERE/js/node.cjs" "$HERE/js/node.mjs" "$HERE/js/browser.mjs" "$DIST/"
cp "$HERE/index.d.ts" "$DIST/index.d.ts"
cp "$HERE/index.d.ts" "$DIST/index.d.cts"

raw=$(wc -c <"$DIST/${LIB}_bg.wasm")
gz=$(gzip -9 -c "$DIST/${LIB}_bg.wasm" | wc -c)
say "dist/${LIB}_bg.wasm: $raw bytes, $gz gzipped (gzip -9)"
