//! Generated plans and data with extreme or malformed numbers: no panic; a documented error
//! (plan E…, data D…, numeric R…) or results whose totals are the sums of their lines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = commissio_conformance::fuzzing::check_decimal_edges(data) {
        panic!("{e}");
    }
});
