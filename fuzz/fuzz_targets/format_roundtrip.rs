//! Formatting is idempotent and keeps the meaning: same checks, same lowered plan, same pay on a sample.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = commissio_conformance::fuzzing::check_format_roundtrip(data) {
        panic!("{e}");
    }
});
