//! Link settings of the wasm32 build.
//!
//! The plan parser, checker, formatter and evaluator recurse once per nesting level of a plan,
//! and a plan may nest as deeply as on every other platform (docs/language.md §14: depth 64,
//! 256 operators per statement). Rust's wasm32 default shadow stack is 1 MiB, which the
//! deepest plans within those limits can exhaust; 8 MiB leaves a wide margin. The stack lives
//! in linear memory, so this only raises the module's initial memory (no code changes), and
//! it applies to every way build.sh builds the module (rustup's or Debian's toolchain).
//! Native builds are untouched. bindings/wasm/tests/limits.test.cjs evaluates plans at the
//! limits through the packed package.

/// Shadow stack size of the wasm32 module, in bytes.
const WASM_STACK_BYTES: u32 = 8 * 1024 * 1024;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={WASM_STACK_BYTES}");
    }
}
