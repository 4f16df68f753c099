//! The bundled data set (examples/data) under the plan scripts/demo.sh evaluates
//! (examples/ae_quota_tiers.comp), for 2026-Q1: every payee's total equals the fixture
//! tests/fixtures/bundled-2026-Q1-totals.csv, which scripts/independent_totals.py computes from
//! the CSV files alone with Python's `decimal`, following docs/language.md, not the engine.
//! To regenerate after an intended change to the data or the plan (then review the diff):
//!
//! ```text
//! python3 scripts/independent_totals.py > tests/fixtures/bundled-2026-Q1-totals.csv
//! ```

use commissio::{CompiledPlan, Inputs};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    let p = root().join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const FIXTURE: &str = "tests/fixtures/bundled-2026-Q1-totals.csv";

#[test]
fn the_engine_pays_the_independent_totals_of_the_bundled_data() {
    let plan = CompiledPlan::compile(&read("examples/ae_quota_tiers.comp"))
        .unwrap_or_else(|e| panic!("{e}"));
    let inputs = Inputs::from_csv(
        &read("examples/data/payees.csv"),
        &read("examples/data/deals.csv"),
        Some(&read("examples/data/credits.csv")),
        Some(&read("examples/data/quotas.csv")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = plan
        .evaluate(&inputs, "2026-Q1")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut rows: Vec<(String, String)> = r
        .totals
        .iter()
        .map(|t| {
            assert_eq!(r.periods[t.period as usize].label(), "2026-Q1");
            (r.payee_ids[t.payee as usize].clone(), t.amount.to_string())
        })
        .collect();
    rows.sort();
    let mut got = String::from("payee,total\n");
    for (payee, total) in rows {
        got.push_str(&format!("{payee},{total}\n"));
    }
    assert_eq!(got, read(FIXTURE));
}

#[test]
fn the_independent_script_prints_the_fixture() {
    // Python 3 is a prerequisite of the repository (README); its absence fails, not skips.
    let out = Command::new("python3")
        .arg(root().join("scripts/independent_totals.py"))
        .arg(root().join("examples/data"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 scripts/independent_totals.py: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), read(FIXTURE));
}

/// The fixture is not vacuous: it has a total for every payee with Q1 deals, and many are
/// not simply a cap (cents, or under the payee's target).
#[test]
fn the_fixture_covers_the_data_set() {
    let fixture = read(FIXTURE);
    let rows: Vec<&str> = fixture.lines().skip(1).collect();
    assert_eq!(rows.len(), 44);
    let with_cents = rows.iter().filter(|r| !r.ends_with(".00")).count();
    assert_eq!(with_cents, 7);
}
