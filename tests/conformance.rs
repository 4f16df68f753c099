//! Runs every case of the conformance corpus (tests/corpus) through the Rust engine and
//! compares the exact result. The Python and JavaScript suites run the same files.

use commissio_conformance::{
    canonical_json, cases, determinism_dir, evaluate, expected, outcome_of,
};

#[test]
fn corpus() {
    let cases = cases();
    assert!(
        cases.len() >= 50,
        "expected the full corpus, found {} cases",
        cases.len()
    );
    // The canonical JSON of every case, for the determinism check of scripts/test.sh, which
    // compares it byte for byte with what the Python and JavaScript packages write.
    let out = determinism_dir("rust");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let result = evaluate(case);
        std::fs::write(
            out.join(format!("{}.json", case.name)),
            canonical_json(case, &result),
        )
        .unwrap();
        let mut got = outcome_of(case, &result);
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
