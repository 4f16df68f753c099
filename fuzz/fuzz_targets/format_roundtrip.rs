//! Formatting is idempotent, and the formatted text checks exactly when the original does.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = commissio_conformance::fuzzing::check_format_roundtrip(data) {
        panic!("{e}");
    }
});
