//! The W1 reference plan (benches/README.md) on the golden data set, to the cent.

mod eval_support;
use commissio_core::results::LineKind;
use commissio_core::{evaluate, evaluate_with, EvalOptions};
use eval_support::*;
use std::collections::BTreeMap;

const DEALS: &str = include_str!("eval_data/w1_golden/deals.csv");
const REPS: &str = include_str!("eval_data/w1_golden/reps.csv");
const SPLITS: &str = include_str!("eval_data/w1_golden/splits.csv");
const LINES: &str = include_str!("eval_data/w1_golden/expected_lines.csv");
const TOTALS: &str = include_str!("eval_data/w1_golden/expected_totals.csv");

fn w1_label(label: &str) -> String {
    label.replace("-Q", "Q")
}

#[test]
fn w1_golden_lines_and_totals() -> TestResult {
    let plan = w1_plan();
    let data = w1_data(DEALS, REPS, SPLITS);
    let r = evaluate(&plan, &data, q(2026, 1), q(2026, 4))?;
    // Lines per (deal, rep) = core line + SPIFF line.
    let mut got: BTreeMap<(String, String), commissio_core::Decimal> = BTreeMap::new();
    for l in r.lines() {
        assert_eq!(l.kind, LineKind::Deal);
        let key = (
            r.deal_id(&l).unwrap_or("").to_string(),
            r.payee_id(&l).to_string(),
        );
        let e = got.entry(key).or_default();
        *e += l.amount;
    }
    let mut expected = BTreeMap::new();
    for line in LINES.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        expected.insert((f[0].to_string(), f[1].to_string()), d(f[3]));
    }
    assert_eq!(got.len(), 14);
    assert_eq!(got, expected);
    // Totals.
    let mut totals = BTreeMap::new();
    for t in &r.totals {
        let label = w1_label(&r.periods[t.period as usize].label());
        totals.insert((r.payee_ids[t.payee as usize].clone(), label), t.amount);
    }
    let mut exp_totals = BTreeMap::new();
    for line in TOTALS.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        exp_totals.insert((f[0].to_string(), f[1].to_string()), d(f[2]));
    }
    assert_eq!(totals, exp_totals);
    assert_eq!(r.grand_total().to_string(), "37700.11");
    Ok(())
}

#[test]
fn w1_golden_traces() -> TestResult {
    let plan = w1_plan();
    let data = w1_data(DEALS, REPS, SPLITS);
    let r = evaluate(&plan, &data, q(2026, 1), q(2026, 4))?;
    let find = |deal: &str, payee: &str, comp: &str| {
        r.lines().find(|l| {
            r.deal_id(l) == Some(deal)
                && r.payee_id(l) == payee
                && r.component_name(l.component) == comp
        })
    };
    // Deal 102: slices 20000×2% + 30000.25×8%, ×1.2, 3360.024 → 3360.02.
    let l = find("102", "rA", "core").ok_or("line 102 missing")?;
    let slices = r.slices_of(&l);
    assert_eq!(slices.len(), 2);
    assert_eq!((slices[0].lo, slices[0].hi), (d("80000"), d("100000")));
    assert_eq!((slices[0].rate, slices[0].amount), (d("0.02"), d("400.00")));
    assert_eq!((slices[1].lo, slices[1].hi), (d("100000"), d("130000.25")));
    assert_eq!(
        (slices[1].rate, slices[1].amount),
        (d("0.08"), d("2400.02"))
    );
    assert_eq!(r.multipliers_of(&l).len(), 1);
    assert_eq!(r.multipliers_of(&l)[0].factor.to_string(), "1.2");
    assert_eq!(r.trace(&l).unrounded, d("3360.024"));
    assert_eq!(r.trace(&l).rounded.to_string(), "3360.02");
    // Deal 104: the cap cuts the line; the trace shows the cap step.
    let l = find("104", "rA", "core").ok_or("line 104 missing")?;
    assert_eq!(l.amount.to_string(), "15689.97");
    let steps = r.limits_of(&l);
    assert_eq!(steps.len(), 1);
    assert_eq!(
        (
            steps[0].value.to_string(),
            steps[0].before.to_string(),
            steps[0].after.to_string()
        ),
        ("30000.00".into(), "19680.01".into(), "15689.97".into())
    );
    // Deal 112 pays 0.00 and is still output.
    let l = find("112", "rA", "core").ok_or("line 112 missing")?;
    assert_eq!(l.amount.to_string(), "0.00");
    // Deal 103 for rB: SPIFF 250 × 0.40 = 100.00, line cut by cap 5000 − 240.
    let s = find("103", "rB", "platform_spiff").ok_or("spiff missing")?;
    let c = find("103", "rB", "core").ok_or("core missing")?;
    assert_eq!((c.amount + s.amount).to_string(), "4760.00");
    assert_eq!(r.trace(&s).rounded.to_string(), "100.00");
    // rE deal 111: 0.008 → 0.01 (one rounding per line, not per slice).
    let l = find("111", "rE", "core").ok_or("line 111 missing")?;
    assert_eq!(r.slices_of(&l).len(), 2);
    assert_eq!(l.amount.to_string(), "0.01");
    // rC deal 109 starts exactly at 50%: T2 from its first cent.
    let l = find("109", "rC", "core").ok_or("line 109 missing")?;
    assert_eq!(r.slices_of(&l)[0].band, 1);
    assert_eq!(l.amount.to_string(), "0.08");
    // JSON is stable and amounts are strings.
    let json = r.to_json()?;
    assert!(json.starts_with("{\"lines\":[{\"payee\":\"rA\",\"period\":\"2026-Q1\",\"component\":\"core\",\"deal\":\"101\""));
    assert!(json.contains("\"amount\":\"15689.97\""));
    Ok(())
}

#[test]
fn w1_trace_off_same_amounts() -> TestResult {
    let plan = w1_plan();
    let data = w1_data(DEALS, REPS, SPLITS);
    let a = evaluate(&plan, &data, q(2026, 1), q(2026, 4))?;
    let b = evaluate_with(
        &plan,
        &data,
        q(2026, 1),
        q(2026, 4),
        &EvalOptions {
            trace: false,
            ..EvalOptions::default()
        },
    )?;
    let am = |r: &commissio_core::Results| r.lines().map(|l| l.amount).collect::<Vec<_>>();
    assert_eq!(am(&a), am(&b));
    assert_eq!(b.trace_bytes(), 0);
    assert!(b
        .lines()
        .all(|l| !b.has_trace(&l) && b.trace(&l) == Default::default()));
    Ok(())
}

#[test]
fn w1_single_quarter_reports_only_that_quarter() -> TestResult {
    let plan = w1_plan();
    let data = w1_data(DEALS, REPS, SPLITS);
    let r = evaluate(&plan, &data, q(2026, 2), q(2026, 2))?;
    assert_eq!(r.periods.len(), 1);
    assert_eq!(amounts(&r, "rA"), vec!["20.00", "20.02"]);
    assert_eq!(
        r.total("rA", "2026-Q2").map(|x| x.to_string()),
        Some("40.02".into())
    );
    assert_eq!(r.totals.len(), 1);
    Ok(())
}
