//! W1 at scale against the SPEC §7 reference values (benches/README.md). Needs data from the
//! benchmark's `gen.py` in `$W1_DATA/n{N}_r{R}/` (default N=1000000, R=2000); ignored by
//! default. Prints compute time with and without traces (informative only; the benchmark is
//! the measure of performance).
//!
//!     W1_DATA=/tmp/w1data cargo test --release -p commissio-core --test eval_w1_scale -- --ignored --nocapture

mod eval_support;
use commissio_core::{evaluate_with, EvalOptions};
use eval_support::*;
use std::time::Instant;

#[test]
#[ignore]
fn w1_reference_checksums() -> TestResult {
    let root = std::env::var("W1_DATA").unwrap_or_else(|_| "/tmp/w1data".into());
    let n = std::env::var("W1_N").unwrap_or_else(|_| "1000000".into());
    let dir = format!("{root}/n{n}_r2000");
    let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}"));
    let (deals, reps, splits) = (read("deals.csv")?, read("reps.csv")?, read("splits.csv")?);
    let t = Instant::now();
    let data = w1_data(&deals, &reps, &splits);
    println!("test-helper load: {:?}", t.elapsed());
    let plan = w1_plan();
    for trace in [true, false, true, false] {
        let t = Instant::now();
        let r = evaluate_with(
            &plan,
            &data,
            q(2026, 1),
            q(2026, 4),
            &EvalOptions {
                trace,
                ..EvalOptions::default()
            },
        )?;
        println!(
            "compute (trace={trace}): {:?}, {} result lines",
            t.elapsed(),
            r.line_count()
        );
        // Lines per (deal, rep) = sum of core + SPIFF lines; SPEC counts (deal, rep) pairs.
        let core = r
            .lines()
            .filter(|l| r.component_name(l.component) == "core")
            .count();
        let total = r.grand_total();
        if n == "1000000" {
            assert_eq!(core, 1_099_582);
            assert_eq!(total.to_string(), "1418853982.21");
        }
        println!("count {core} total {total}");
    }
    Ok(())
}
