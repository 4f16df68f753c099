//! Runs every program case (tests/programs: several plans, an assignments table) through the
//! Rust facade and compares the exact result; every line's trace must replay to its amount.
//! The Python and JavaScript suites run the same files.

use commissio_conformance::determinism_dir;
use commissio_conformance::programs::{
    program_canonical_json, program_cases, program_expected, program_outcome, run_program,
    ProgramRun,
};

#[test]
fn program_corpus() {
    let cases = program_cases();
    let count = cases.len();
    assert!(
        count >= 20,
        "expected the program corpus, found {count} cases"
    );
    let out = determinism_dir("programs").join("rust");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let run = run_program(case);
        if let ProgramRun::Ran(_, Ok(r)) = &run {
            for p in &r.plans {
                match p.results.verify_traces() {
                    Ok(n) if n == p.results.line_count() => {}
                    Ok(n) => failures.push(format!(
                        "{}: plan {}: {n} of {} lines have a trace",
                        case.name,
                        p.name,
                        p.results.line_count()
                    )),
                    Err(m) => failures.push(format!("{}: plan {}: replay: {m}", case.name, p.name)),
                }
            }
        }
        std::fs::write(
            out.join(format!("{}.json", case.name)),
            program_canonical_json(case, &run),
        )
        .unwrap();
        let mut got = program_outcome(case, &run);
        let want = program_expected(case);
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
        "{} problem(s) in {count} program cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
