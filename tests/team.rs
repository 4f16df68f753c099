//! Team commission and the effective-dated hierarchy through the public API: the trace of a
//! team commission input, and properties (team commission equals the sum of the reports'
//! counted components; a managers table with open-ended assignments equals the payees'
//! manager column; results do not depend on row order).

use commissio::core::Decimal;
use commissio::{CompiledPlan, Inputs};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn compile(text: &str) -> CompiledPlan {
    match CompiledPlan::compile(text) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

const DIRECT: &str = include_str!("corpus/058-team-commission-direct/plan.comp");

#[test]
fn the_trace_shows_the_team_commission_input() {
    let plan = compile(DIRECT);
    let inputs = Inputs::from_csv(
        "id,manager\nVP,\nM1,VP\nR1,M1\nR2,M1\n",
        "id,payee,date,amount\nD1,R1,2026-01-20,100000.00\nD2,R2,2026-02-20,33333.33\nD3,M1,2026-03-20,20000.00\n",
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = plan
        .evaluate(&inputs, "2026-Q1")
        .unwrap_or_else(|e| panic!("{e}"));
    let json: Value = serde_json::from_str(&r.to_json().unwrap_or_default()).unwrap_or_default();
    let lines = json["lines"].as_array().cloned().unwrap_or_default();
    let line = |payee: &str, component: &str| -> Value {
        lines
            .iter()
            .find(|l| l["payee"] == payee && l["component"] == component)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let m1 = line("M1", "override");
    assert_eq!(m1["amount"], "616.67");
    let team = &m1["trace"]["team"];
    assert_eq!(team.as_array().map(Vec::len), Some(1));
    assert_eq!(team[0]["value"], "12333.33");
    assert_eq!(
        team[0]["reports"],
        serde_json::json!([
            { "payee": "R1", "amount": "9000.00" },
            { "payee": "R2", "amount": "3333.33" }
        ])
    );
    // The span is the `direct commission(rep)` of the measure.
    let (s, e) = (
        team[0]["source"]["start"].as_u64().unwrap_or(0) as usize,
        team[0]["source"]["end"].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(DIRECT.get(s..e), Some("direct_pay"));
    let vp = line("VP", "override");
    assert_eq!(vp["trace"]["team"][0]["value"], "2000.00");
    // Lines of components that read no team commission have no `team` key.
    assert!(line("R1", "rep")["trace"].get("team").is_none());
    let text = r
        .lines()
        .find(|l| r.payee_id(l) == "M1" && r.component_name(l.component) == "override")
        .map(|l| commissio::core::report::explain_line(&r, &l))
        .unwrap_or_default();
    assert!(
        text.contains("team commission 12,333.33 (R1 9,000.00, R2 3,333.33)"),
        "{text}"
    );
    // Without tracing the amounts are the same and no inputs are kept.
    let data = plan.dataset(&inputs).unwrap_or_else(|e| panic!("{e}"));
    let (first, last) = plan.periods("2026-Q1").unwrap_or_else(|e| panic!("{e}"));
    let quiet = commissio::core::evaluate_with(
        &plan.plan,
        &data,
        first,
        last,
        &commissio::core::EvalOptions {
            trace: false,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(quiet.trace_bytes(), 0);
    assert!(quiet.lines().all(|l| quiet.trace(&l).team.is_empty()));
    assert_eq!(quiet.grand_total(), r.grand_total());
}

const TEAM_PLAN: &str = "plan \"P\" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  measure team_pay = team commission(rep)
  measure direct_pay = direct commission(rep)
  component rep {
    commission on credit.amount
    rate 7%
  }
  component team_override {
    pay team_pay once when team_pay != 0
  }
  component direct_override {
    pay direct_pay once when direct_pay != 0
  }
}";

/// A random forest: payee i's manager is some j < i, or none.
fn forest() -> impl Strategy<Value = (Vec<Option<usize>>, Vec<(usize, i64)>)> {
    (2usize..12).prop_flat_map(|n| {
        (
            (0..n)
                .map(|i| {
                    if i == 0 {
                        Just(None).boxed()
                    } else {
                        prop::option::of(0..i).boxed()
                    }
                })
                .collect::<Vec<_>>(),
            prop::collection::vec((0..n, 1i64..5_000_000), 0..20),
        )
    })
}

fn run(
    plan: &CompiledPlan,
    payees: &str,
    deals: &str,
    managers: Option<&str>,
) -> BTreeMap<(String, String), Decimal> {
    let mut inputs = Inputs::from_csv(payees, deals, None, None).unwrap_or_else(|e| panic!("{e}"));
    if let Some(m) = managers {
        inputs = inputs
            .with_managers_csv(m)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let r = plan
        .evaluate(&inputs, "2026-Q1")
        .unwrap_or_else(|e| panic!("{e}"));
    r.lines()
        .map(|l| {
            let key = (
                r.payee_id(&l).to_string(),
                format!(
                    "{}/{}",
                    r.component_name(l.component),
                    r.deal_id(&l).unwrap_or("-")
                ),
            );
            (key, l.amount)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn team_commission_is_the_sum_of_the_reports(
        (managers, deals) in forest(),
        reverse in any::<bool>(),
    ) {
        let plan = compile(TEAM_PLAN);
        let n = managers.len();
        let mut payee_rows: Vec<String> = (0..n)
            .map(|i| format!("P{i},{}\n", managers[i].map(|m| format!("P{m}")).unwrap_or_default()))
            .collect();
        let mut deal_rows: Vec<String> = deals
            .iter()
            .enumerate()
            .map(|(k, (p, cents))| format!("D{k},P{p},2026-02-{:02},{}\n", 1 + k % 28, Decimal::new(*cents, 2)))
            .collect();
        if reverse {
            payee_rows.reverse();
            deal_rows.reverse();
        }
        let payees = format!("id,manager\n{}", payee_rows.concat());
        let deals_csv = format!("id,payee,date,amount\n{}", deal_rows.concat());
        let got = run(&plan, &payees, &deals_csv, None);

        // Expected: each payee's rep commission, then sums over direct and all reports.
        let mut rep = vec![Decimal::ZERO; n];
        for (p, cents) in &deals {
            rep[*p] += (Decimal::new(*cents, 2) * Decimal::new(7, 2)).round_dp(2);
        }
        let ancestors = |mut i: usize| {
            let mut out = Vec::new();
            while let Some(m) = managers[i] {
                out.push(m);
                i = m;
            }
            out
        };
        let mut team = vec![Decimal::ZERO; n];
        let mut direct = vec![Decimal::ZERO; n];
        for i in 0..n {
            if let Some(m) = managers[i] {
                direct[m] += rep[i];
            }
            for a in ancestors(i) {
                team[a] += rep[i];
            }
        }
        for i in 0..n {
            let get = |c: &str| got.get(&(format!("P{i}"), format!("{c}/-"))).copied();
            let want = |v: Decimal| if v.is_zero() { None } else { Some(v) };
            prop_assert_eq!(get("team_override"), want(team[i]));
            prop_assert_eq!(get("direct_override"), want(direct[i]));
        }

        // The same hierarchy as a managers table of open-ended assignments.
        let mut rows = String::from("payee,manager,from,to\n");
        for (i, m) in managers.iter().enumerate() {
            if let Some(m) = m {
                rows.push_str(&format!("P{i},P{m},2026-01-01,\n"));
            }
        }
        let plain = format!("id\n{}", (0..n).map(|i| format!("P{i}\n")).collect::<String>());
        let dated = run(&plan, &plain, &deals_csv, Some(&rows));
        prop_assert_eq!(dated, got);
    }
}
