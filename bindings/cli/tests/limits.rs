//! The documented limits (docs/language.md §14) through the `commissio` binary, at and one
//! beyond each: plan size, nesting depth and operators (`E0002`, `E0003`), tier rows
//! (`E0008`), components (`E0009`) with `check`, and rows per table (`D0108`) with
//! `run --max-rows`. The plans at and beyond the limits are the conformance cases
//! `tests/corpus/09x-limit-*`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use support::{run, run_in, tempdir};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("tests")
        .join("corpus")
}

#[test]
fn plan_limits_at_and_beyond() {
    let cases = [
        (
            "090-limit-depth-64",
            "091-limit-depth-65",
            "error[E0003]: nesting is deeper than the limit of 64 levels\n  --> 091-limit-depth-65/plan.comp:13:1077\n",
        ),
        (
            "092-limit-operators-256",
            "093-limit-operators-257",
            "error[E0003]: this statement has more than 256 operators\n  --> 093-limit-operators-257/plan.comp:12:4129\n",
        ),
        (
            "094-limit-tier-rows-1000",
            "095-limit-tier-rows-1001",
            "error[E0008]: the tier table has more than 1000 rows\n  --> 095-limit-tier-rows-1001/plan.comp:1013:7\n",
        ),
        (
            "096-limit-components-256",
            "097-limit-components-257",
            "error[E0009]: the plan has more than 256 components\n  --> 097-limit-components-257/plan.comp:266:13\n",
        ),
    ];
    for (at, beyond, error) in cases {
        let ok = run_in(&corpus(), &["check", &format!("{at}/plan.comp")]);
        ok.code(0);
        assert_eq!(ok.stderr, format!("{at}/plan.comp: ok\n"));
        let out = run_in(&corpus(), &["check", &format!("{beyond}/plan.comp")]);
        let stderr = out.refused();
        assert!(stderr.starts_with(error), "{beyond}:\n{stderr}");
        assert!(
            stderr.ends_with(&format!("{beyond}/plan.comp: 1 error(s)\n")),
            "{stderr}"
        );
    }
}

#[test]
fn plan_size_at_and_beyond() {
    let dir = tempdir();
    let plan = std::fs::read_to_string(support::fixtures().join("tiny.comp")).unwrap();
    for extra in [0, 1] {
        // The tiny plan, then a comment line that pads it to 1 MiB (+ extra) bytes.
        let pad = (1 << 20) + extra - plan.len() - "# \n".len();
        let text = format!("{plan}# {}\n", "x".repeat(pad));
        assert_eq!(text.len(), (1 << 20) + extra);
        std::fs::write(dir.path().join("big.comp"), &text).unwrap();
        let out = run_in(dir.path(), &["check", "big.comp"]);
        if extra == 0 {
            out.code(0);
            assert_eq!(out.stderr, "big.comp: ok\n");
        } else {
            let lines = plan.lines().count() + 1;
            let stderr = out.refused();
            let first = format!(
                "error[E0002]: the plan is more than 1048576 bytes; the limit is 1048576 bytes\n  --> big.comp:{lines}:{}\n",
                pad + 3
            );
            assert!(stderr.starts_with(&first), "{}", &stderr[..300]);
        }
    }
}

const TOTALS_Q1: &str = "\
payee        period               amount
A            2026-Q1            1,300.03
B            2026-Q1              100.01
total                           1,400.04
";

fn tiny_run(max_rows: &str) -> support::Output {
    run(&[
        "run",
        "tiny.comp",
        "--payees",
        "payees.csv",
        "--deals",
        "deals.csv",
        "--credits",
        "credits.csv",
        "--quotas",
        "quotas.csv",
        "--period",
        "2026-Q1",
        "--max-rows",
        max_rows,
    ])
}

#[test]
fn max_rows_at_and_beyond() {
    // quotas.csv is the longest table: 8 rows.
    assert_eq!(tiny_run("8").ok(), TOTALS_Q1);
    assert_eq!(
        tiny_run("7").refused(),
        "error[D0108]: quotas.csv, row 8: the table has 8 rows; the limit is 7 rows per table\n\
         nothing was evaluated: fix the data and run again\n"
    );
    // Every table beyond the limit is named (deals.csv has 4 rows), in table order.
    assert_eq!(
        tiny_run("3").refused(),
        "error[D0108]: deals.csv, row 4: the table has 4 rows; the limit is 3 rows per table\n\
         error[D0108]: quotas.csv, row 4: the table has 8 rows; the limit is 3 rows per table\n\
         nothing was evaluated: fix the data and run again\n"
    );
    // Above the engine's limit it is the engine's limit.
    assert_eq!(tiny_run("99999999999").ok(), TOTALS_Q1);
    let bad = tiny_run("many");
    bad.code(2);
    assert!(
        bad.stderr.starts_with(
            "error: invalid value 'many' for '--max-rows <N>': invalid digit found in string\n"
        ),
        "{}",
        bad.stderr
    );
}
