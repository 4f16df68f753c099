//! Traces that are complete: the inputs a true-up line adjusts and where a cap over the
//! period's lines stood are in the line's trace, and every line replays from its trace alone
//! to its amount (`Results::replay_line`, `Results::verify_traces`).

use commissio::core::report::explain_line;
use commissio::core::results::{Accrued, LineKind, TrueUp};
use commissio::core::Decimal;
use commissio::{CompiledPlan, Inputs, Results};
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn run(plan: &str, deals: &str, period: &str) -> Results {
    let plan = CompiledPlan::compile(plan).unwrap_or_else(|e| panic!("{e}"));
    let inputs = Inputs::from_csv("id,target\nA,1000.00\n", deals, None, None)
        .unwrap_or_else(|e| panic!("{e}"));
    plan.evaluate(&inputs, period)
        .unwrap_or_else(|e| panic!("{e}"))
}

const TRUE_UP: &str = r#"plan "True-up" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate retroactive by amount {
      [0, 100_000)    5%
      [100_000, ..)   8%
    }
    true_up ytd
  }
}"#;

#[test]
fn a_true_up_line_traces_what_it_adjusts() {
    // Q1 books 80,000 at 5% (4,000.00); in Q2 the year to date is 120,000, all at 8%
    // (9,600.00): Q2 pays 5,600.00, 3,200.00 on its deal and 2,400.00 on the true-up line.
    let r = run(
        TRUE_UP,
        "id,payee,date,amount\nD1,A,2026-02-15,80000.00\nD2,A,2026-05-15,40000.00\n",
        "2026-Q2",
    );
    let (i, line) = r
        .lines()
        .enumerate()
        .find(|(_, l)| l.kind == LineKind::TrueUp)
        .unwrap_or_else(|| panic!("no true-up line"));
    assert_eq!(line.amount.to_string(), "2400.00");
    let t = r.trace(&line);
    assert_eq!(
        t.true_up,
        Some(TrueUp {
            year_to_date: dec("9600.00"),
            earlier: dec("4000.00"),
            this_period: dec("3200.00"),
        })
    );
    assert_eq!(
        r.replay_line(i).map(|v| v.to_string()),
        Ok("2400.00".into())
    );
    assert_eq!(r.verify_traces(), Ok(2));
    assert_eq!(
        explain_line(&r, &line),
        "A · 2026-Q2 · core · year-to-date true-up: 2,400.00\n  \
         year to date 9,600.00 − earlier periods 4,000.00 − this period's lines 3,200.00 = 2,400.00\n  \
         paid 2,400.00\n"
    );
}

const CAPPED: &str = r#"plan "Capped" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    target: money
  }

  component core {
    commission on credit.amount
    rate 10%
  }
  cap total per period at payee.target * 50%
}"#;

#[test]
fn a_period_cap_step_traces_where_the_period_stood() {
    // 10% of 3,000.00, 2,500.00 and 1,000.00 against a cap of 500.0000: 300.00, then 200.00
    // of 250.00, then 0.00.
    let r = run(
        CAPPED,
        "id,payee,date,amount\nD1,A,2026-01-05,3000.00\nD2,A,2026-01-06,2500.00\nD3,A,2026-01-07,1000.00\n",
        "2026-Q1",
    );
    let seen: Vec<(String, Option<Accrued>)> = r
        .lines()
        .map(|l| {
            let steps = r.limits_of(&l);
            (l.amount.to_string(), steps.first().and_then(|s| s.accrued))
        })
        .collect();
    let accrued = |total: &str, paid: &str| {
        Some(Accrued {
            total: dec(total),
            paid: dec(paid),
        })
    };
    assert_eq!(
        seen,
        vec![
            ("300.00".to_string(), accrued("0", "0")),
            ("200.00".to_string(), accrued("300.00", "300.00")),
            ("0.00".to_string(), accrued("550.00", "500.0000")),
        ]
    );
    assert_eq!(r.verify_traces(), Ok(3));
    let second = r.lines().nth(1).unwrap_or_else(|| panic!("no second line"));
    assert!(
        explain_line(&r, &second).contains(
            "  cap total per period (plan) at 500.00: 250.00 → 200.00 (earlier lines 300.00, 300.00 of it paid)\n"
        ),
        "{}",
        explain_line(&r, &second)
    );
    assert_eq!(
        (0..3)
            .map(|i| r.replay_line(i).map(|v| v.to_string()))
            .collect::<Vec<_>>(),
        vec![Ok("300.00".into()), Ok("200.00".into()), Ok("0.00".into())]
    );
}

const CURVE: &str = r#"plan "Curve" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    target: money
  }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.target

  component core {
    commission on credit.amount
    rate interpolated by attainment at period end {
      0%    => 0%
      50%   => 2%
      100%  => 10%
    }
  }
}"#;

#[test]
fn an_interpolated_line_traces_the_anchors_it_was_read_between() {
    // 800.00 of a 1,000.00 target is 80%: between 50% => 2% and 100% => 10%, 2% + 8% × 30/50
    // = 6.8%; 500.00 pays 34.00 and 300.00 pays 20.40.
    let r = run(
        CURVE,
        "id,payee,date,amount\nD1,A,2026-01-05,500.00\nD2,A,2026-01-06,300.00\n",
        "2026-Q1",
    );
    let lines: Vec<_> = r.lines().collect();
    assert_eq!(
        lines
            .iter()
            .map(|l| l.amount.to_string())
            .collect::<Vec<_>>(),
        ["34.00", "20.40"]
    );
    let t = r.trace(&lines[0]);
    assert_eq!(t.rate, Some(dec("0.068")));
    let c = t
        .interpolation
        .unwrap_or_else(|| panic!("no interpolation in the trace"));
    // Anchors in key units: the ratios times the target.
    assert_eq!(
        (c.key, c.lower.at, c.lower.value, c.upper.at, c.upper.value),
        (
            dec("800"),
            dec("500"),
            dec("0.02"),
            dec("1000"),
            dec("0.10")
        )
    );
    assert_eq!(r.verify_traces(), Ok(2));
    assert_eq!(
        explain_line(&r, &lines[0]),
        "A · 2026-Q1 · core · deal D1: 34.00\n  basis 500.00\n  rate 6.8%\n  \
         curve read at 800.00 between 500.00 => 2% and 1,000.00 => 10%\n  \
         unrounded 34.000000 → rounded half_even to 2 places: 34.00\n  paid 34.00\n"
    );
}

/// The JSON trace of the line at `index` of `r` (`Results::to_json`).
fn json_trace(r: &Results, index: usize) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(&r.to_json().unwrap_or_else(|e| panic!("{e}"))).unwrap();
    v["lines"][index]["trace"].clone()
}

#[test]
fn the_json_trace_carries_true_ups_accruals_and_interpolations() {
    // The three tests above, as every binding's JSON shows them; a line without such a part
    // has no such key.
    let r = run(
        TRUE_UP,
        "id,payee,date,amount\nD1,A,2026-02-15,80000.00\nD2,A,2026-05-15,40000.00\n",
        "2026-Q2",
    );
    assert_eq!(
        json_trace(&r, 1)["true_up"],
        serde_json::json!({ "year_to_date": "9600.00", "earlier": "4000.00", "this_period": "3200.00" })
    );
    assert!(json_trace(&r, 0).get("true_up").is_none());
    let r = run(
        CAPPED,
        "id,payee,date,amount\nD1,A,2026-01-05,3000.00\nD2,A,2026-01-06,2500.00\nD3,A,2026-01-07,1000.00\n",
        "2026-Q1",
    );
    assert_eq!(
        json_trace(&r, 2)["limits"][0]["accrued"],
        serde_json::json!({ "total": "550.00", "paid": "500.0000" })
    );
    let r = run(
        CURVE,
        "id,payee,date,amount\nD1,A,2026-01-05,500.00\nD2,A,2026-01-06,300.00\n",
        "2026-Q1",
    );
    assert_eq!(
        json_trace(&r, 0)["interpolation"],
        serde_json::json!({
            "key": "800.00", "lower": { "at": "500.0000", "value": "0.02" },
            "upper": { "at": "1000.00", "value": "0.10" }
        })
    );
    assert!(json_trace(&r, 0).get("true_up").is_none());
}

#[test]
fn totals_whose_sum_overflows_are_refused_not_panicked_on() {
    // Two payees paid 50,000,000,000,000,000,000,000,000,000 each: every total is a decimal,
    // their sum is not. The evaluation is refused (R0102), so `grand_total` never overflows.
    let plan = CompiledPlan::compile(
        r#"plan "Big" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 0 per line
  input deal { amount: money }
  component big { pay 50000000000000000000000000000 once }
}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let inputs = Inputs::from_csv(
        "id\nA\nB\n",
        "id,payee,date,amount\nD1,A,2026-01-05,1\nD2,B,2026-01-05,1\n",
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    match plan.evaluate(&inputs, "2026-Q1") {
        Err(commissio::Error::Eval(e)) => assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "R0102",
                "arithmetic overflow: the payees' totals add up to more than a decimal holds"
            )
        ),
        other => panic!("expected R0102, got {:?}", other.map(|r| r.line_count())),
    }
}
