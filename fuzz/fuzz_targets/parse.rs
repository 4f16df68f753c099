//! Any bytes: parsing and checking return diagnostics (with documented codes, never the
//! internal E0005) or a plan, never panic or overflow.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = commissio_conformance::fuzzing::check_parse(data) {
        panic!("{e}");
    }
});
