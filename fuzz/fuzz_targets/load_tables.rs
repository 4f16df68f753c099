//! Any bytes as a deals table (first byte: CSV or JSON): no panic, and no record silently
//! dropped between the text, the table and the dataset.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = commissio_conformance::fuzzing::check("load_tables", data) {
        panic!("{e}");
    }
});
