//! Replays every saved fuzz input (fuzz/regressions/<target>/: fixed crashes and mismatches,
//! and seeds) through the same checks the fuzz targets run, so a fixed bug stays fixed under
//! plain `cargo test`. Also runs a few thousand pseudo-random inputs through the generated-plan
//! checks, so the harness itself is exercised without a fuzzer.

use commissio_conformance::fuzzing::{check, TARGETS};
use std::path::{Path, PathBuf};

fn files(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_saved_input_passes_its_check() {
    let mut failures = Vec::new();
    for target in TARGETS {
        let inputs = files(target);
        assert!(
            !inputs.is_empty(),
            "no saved inputs for {target} in fuzz/regressions/{target}/"
        );
        for path in &inputs {
            let data = std::fs::read(path).expect("readable input");
            if let Err(e) = check(target, &data) {
                failures.push(format!("{target} {}:\n{e}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A fixed pseudo-random stream (xorshift), so the run is the same every time.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

#[test]
fn random_inputs_pass_the_generated_plan_checks() {
    let mut failures = Vec::new();
    for seed in 0..1500u64 {
        let data = bytes(seed, 256 + (seed as usize % 8) * 512);
        for target in ["eval_reference", "decimal_edges"] {
            if let Err(e) = check(target, &data) {
                failures.push(format!("{target} seed {seed}:\n{e}"));
            }
        }
        if failures.len() >= 3 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// CSV- and JSON-like text from a small alphabet (quotes, separators, line ends and the
/// pieces of valid deal rows), so the loader check sees real tables, not only refused bytes.
#[test]
fn random_tables_pass_the_loader_check() {
    const PIECES: [&str; 16] = [
        ",",
        "\"",
        "\n",
        "\r\n",
        "\r",
        "A",
        "B",
        "d1",
        "2026-01-05",
        "100.00",
        "1e3",
        "{",
        "}",
        "[",
        "]",
        ":",
    ];
    let mut failures = Vec::new();
    for seed in 0..3000u64 {
        let noise = bytes(seed, 40);
        let mut data = vec![(seed % 2) as u8];
        let head = if seed % 2 == 0 {
            "id,payee,date,amount\n"
        } else {
            "[{\"id\":\"d1\",\"payee\":\"A\",\"date\":\"2026-01-05\",\"amount\":"
        };
        data.extend_from_slice(head.as_bytes());
        for b in noise {
            data.extend_from_slice(PIECES[(b % 16) as usize].as_bytes());
        }
        if let Err(e) = check("load_tables", &data) {
            failures.push(format!("seed {seed}:\n{e}"));
        }
        if failures.len() >= 3 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Found by eval_reference: with `rounding ... per line`, a plan floor's top-up showed `967`
/// under a 3-decimal plan, and a top-up of `5.50` cut by a later cap showed `0.00` under a
/// 4-decimal plan; every line is shown at the plan's scale when that loses no digit (§7.1).
#[test]
fn line_stage_pads_top_ups_and_capped_lines_to_the_plan_scale() {
    let plan = commissio::CompiledPlan::compile(
        "plan \"P\" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 4 per line
  input deal { amount: money }
  component c { commission on credit.amount  rate 10% }
  floor total per period at 5.5
  cap total per period at 3
}",
    )
    .expect("plan checks");
    let inputs = commissio::Inputs::from_csv(
        "id\nA\nB\n",
        "id,payee,date,amount\n1,B,2026-02-01,20000.00\n2,B,2026-02-02,10.00\n",
        None,
        None,
    )
    .expect("data loads");
    let r = plan.evaluate(&inputs, "2026-Q1").expect("evaluates");
    let lines: Vec<(String, String, Option<String>, String)> = r
        .lines()
        .map(|l| {
            let v = r.view(&l);
            (
                v.payee.to_string(),
                v.component.to_string(),
                v.deal.map(str::to_string),
                v.amount.to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        lines,
        [
            (s("A"), s("(plan)"), None, s("3.0000")),
            (s("B"), s("c"), Some(s("1")), s("3.0000")),
            (s("B"), s("c"), Some(s("2")), s("0.0000")),
        ]
    );
    assert_eq!(
        r.total("A", "2026-Q1").map(|t| t.to_string()),
        Some(s("3.0000"))
    );
    assert_eq!(
        r.total("B", "2026-Q1").map(|t| t.to_string()),
        Some(s("3.0000"))
    );
}

/// Found by eval_reference: a component whose gate failed still had its line limits applied,
/// so `cap per line at -8` paid −8.00 per line and `floor per line at 5` paid 5.00; a failed
/// gate pays 0 and none of the component's caps or floors apply (§7.6).
#[test]
fn a_failed_gate_pays_zero_whatever_the_limits() {
    let plan = commissio::CompiledPlan::compile(
        "plan \"P\" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  measure bookings = sum(credit.amount)
  component low {
    commission on credit.amount
    rate 10%
    gate bookings >= 1_000_000
    cap per line at -8
    cap per period at -20
  }
  component lifted {
    commission on credit.amount
    rate 10%
    gate bookings >= 1_000_000
    floor per line at 5
    floor per period at 50
  }
}",
    )
    .expect("plan checks");
    let inputs = commissio::Inputs::from_csv(
        "id\nA\n",
        "id,payee,date,amount\n1,A,2026-02-01,100.00\n2,A,2026-02-02,300.00\n",
        None,
        None,
    )
    .expect("data loads");
    let r = plan.evaluate(&inputs, "2026-Q1").expect("evaluates");
    let lines: Vec<(String, Option<String>, String)> = r
        .lines()
        .map(|l| {
            let v = r.view(&l);
            (
                v.component.to_string(),
                v.deal.map(str::to_string),
                v.amount.to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        lines,
        [
            (s("low"), Some(s("1")), s("0.00")),
            (s("lifted"), Some(s("1")), s("0.00")),
            (s("low"), Some(s("2")), s("0.00")),
            (s("lifted"), Some(s("2")), s("0.00")),
        ]
    );
    assert_eq!(
        r.total("A", "2026-Q1").map(|t| t.to_string()),
        Some(s("0.00"))
    );
}
