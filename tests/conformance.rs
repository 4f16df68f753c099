//! Runs every case of the conformance corpus (tests/corpus) through the Rust engine and
//! compares the exact result. The Python and JavaScript suites run the same files.

use commissio_conformance::{cases, expected, run};

#[test]
fn corpus() {
    let cases = cases();
    assert!(
        cases.len() >= 50,
        "expected the full corpus, found {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let mut got = run(case);
        let want = expected(case);
        // A data error case may leave out `field`; compare the keys it states.
        if let (Some(g), Some(w)) = (got.get_mut("data_error"), want.get("data_error")) {
            if w.get("field").is_none() {
                if let Some(o) = g.as_object_mut() {
                    o.remove("field");
                }
            }
        }
        if got != want {
            failures.push(format!(
                "{}:\n  want {}\n  got  {}",
                case.name,
                serde_json::to_string(&want).unwrap_or_default(),
                serde_json::to_string(&got).unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
