//! Link settings of the wasm32 build.
//!
//! The plan parser, checker, formatter and evaluator recurse once per nesting level of a plan,
//! and a plan may nest as deeply as on every other platform (docs/language.md §14: depth 64,
//! 256 operators per statement). Measured on this build (the stack pointer of the module
//! patched down): the deepest plans within those limits (conformance cases 090, 092, 098, 099:
//! brackets, `if`s, operator chains, `not`s, unary minus, nested calls) parse, check, format
//! and evaluate with 256 KiB of shadow stack and trap with 128 KiB. Rust's wasm32 default is
//! 1 MiB; 8 MiB keeps more than 30 times the measured need as margin for future recursion in
//! the engine. The stack lives in linear memory, so this only raises the module's initial
//! memory (to 129 pages); it applies to every way build.sh builds the module (rustup's or
//! Debian's toolchain), and native builds are untouched. bindings/wasm/tests/limits.test.cjs
//! evaluates those plans through the packed package.

/// Shadow stack size of the wasm32 module, in bytes.
const WASM_STACK_BYTES: u32 = 8 * 1024 * 1024;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={WASM_STACK_BYTES}");
    }
}
