//! A generated plan (tiers, caps, floors, splits, rounding) and its data: the engine pays
//! exactly what the naive reference in tests/fuzzing/reference.rs computes from the language
//! reference.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = commissio_conformance::fuzzing::check_eval_reference(data) {
        panic!("{e}");
    }
});
