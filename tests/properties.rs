//! Property tests of the engine's invariants, through the public API (plan text + tables).
//! Each property computes its expected answer independently of the engine's own code path
//! (another plan, another dataset, or the docs' arithmetic done here with rust_decimal):
//!
//! - graduated pay is monotone in the amount for non-negative rates;
//! - retroactive equals graduated inside the first tier;
//! - a period cap (component or plan level) pays the lesser of the uncapped total (the same
//!   plan without the cap) and the cap, cut in line order (docs/language.md §9);
//! - lines sum to totals exactly, and totals are what §3.4 says, at every rounding stage;
//! - a deal split across payees pays each payee what that payee's share alone computes, in
//!   every tier mode and scope (§4.4, §8);
//! - a deal split 100% conserves the deal amount in credit, and the commission under a flat rate;
//! - results do not depend on input row order;
//! - every line's trace replays to its amount (`Results::verify_traces`), in every case run.
//!
//! The properties that count their cases also assert they are not vacuous (enough cases pay,
//! hit the cap, split a deal). Cases per property: `PROPTEST_CASES` (default 256). The long
//! run, at least 1,000 cases each:
//!
//! ```text
//! PROPTEST_CASES=1000 cargo test --release -p commissio-conformance --test properties
//! ```

use commissio::core::Decimal;
use commissio::{CompiledPlan, Inputs};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use std::cell::Cell;
use std::collections::BTreeMap;

/// Cases per property: `PROPTEST_CASES` when set, else 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn runner() -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })
}

fn plan(body: &str) -> CompiledPlan {
    plan_with("half_even 2 per line", body)
}

/// A quarterly USD plan with the given `rounding` and body.
fn plan_with(rounding: &str, body: &str) -> CompiledPlan {
    let text = format!(
        "plan \"P\" {{
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding {rounding}
  input deal {{ amount: money, new_logo: bool }}
  input payee {{ quota: money, cap: money }}
  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota
  {body}
}}"
    );
    match CompiledPlan::compile(&text) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn cents(c: i64) -> String {
    Decimal::new(c, 2).to_string()
}

/// Deals as (amount in cents, day of quarter 0..89, new logo).
fn deals_csv(deals: &[(i64, u32, bool)], owner: &str) -> String {
    let mut s = String::from("id,payee,date,amount,new_logo\n");
    for (i, (amount, day, new_logo)) in deals.iter().enumerate() {
        let date = commissio::core::period::Date::from_ymd(2026, 1, 1)
            .and_then(|d| d.add_days(i64::from(*day)))
            .map(|d| d.to_string())
            .unwrap_or_default();
        s.push_str(&format!(
            "{},{owner},{date},{},{new_logo}\n",
            i + 1,
            cents(*amount)
        ));
    }
    s
}

fn total(plan: &CompiledPlan, payees: &str, deals: &str, credits: Option<&str>) -> Decimal {
    let inputs = match Inputs::from_csv(payees, deals, credits, None) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    match plan.evaluate(&inputs, "2026-Q1") {
        Ok(r) => {
            if let Err(m) = every_trace_replays(&r) {
                panic!("{m}");
            }
            r.grand_total()
        }
        Err(e) => panic!("{e}"),
    }
}

/// Every line of `r` has a trace, and each replays to the line's amount.
fn every_trace_replays(r: &commissio::Results) -> Result<(), String> {
    match r.verify_traces() {
        Ok(n) if n == r.line_count() => Ok(()),
        Ok(n) => Err(format!("{n} of {} lines have a trace", r.line_count())),
        Err(m) => Err(format!("a trace does not replay: {m}")),
    }
}

const PAYEES: &str = "id,quota,cap\nA,100000.00,5000.00\nB,100000.00,5000.00\n";

fn graduated() -> CompiledPlan {
    plan("component c { commission on credit.amount rate graduated by amount per deal { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% } }")
}

fn retroactive() -> CompiledPlan {
    plan("component c { commission on credit.amount rate retroactive by amount per deal { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% } }")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn graduated_is_monotone(a in 0i64..10_000_000, extra in 0i64..5_000_000) {
        let p = graduated();
        let lo = total(&p, PAYEES, &deals_csv(&[(a, 5, false)], "A"), None);
        let hi = total(&p, PAYEES, &deals_csv(&[(a + extra, 5, false)], "A"), None);
        prop_assert!(hi >= lo, "{} pays {} but {} pays {}", a, lo, a + extra, hi);
    }

    #[test]
    fn retroactive_equals_graduated_in_first_tier(a in 0i64..999_999) {
        let deals = deals_csv(&[(a, 3, false)], "A");
        prop_assert_eq!(total(&graduated(), PAYEES, &deals, None), total(&retroactive(), PAYEES, &deals, None));
    }

    #[test]
    fn a_full_split_conserves_the_deal(amount in 1i64..100_000_000, share_a in 1u32..100) {
        // Credit is conserved exactly; a flat 10% rate then pays 10% of the deal, give or take
        // each line's rounding (at most half a cent per line).
        let p = plan("measure credited = sum(credit.amount)\n  component c { commission on credit.amount rate 10% }\n  component shown { pay credited * 0 once }");
        let deals = deals_csv(&[(amount, 10, false)], "A");
        let credits = format!("deal,payee,share\n1,A,{}\n1,B,{}\n", Decimal::new(i64::from(share_a), 2), Decimal::new(i64::from(100 - share_a), 2));
        let whole = total(&p, PAYEES, &deals, None);
        let split = total(&p, PAYEES, &deals, Some(&credits));
        prop_assert!((whole - split).abs() <= Decimal::new(1, 2), "whole {} vs split {}", whole, split);
        let inputs = Inputs::from_csv(PAYEES, &deals, Some(&credits), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let data = p.dataset(&inputs).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let credited: Decimal = data.credit_lines().map(|l| l.share * Decimal::new(amount, 2)).sum();
        prop_assert_eq!(credited, Decimal::new(amount, 2));
    }

    #[test]
    fn row_order_does_not_matter(deals in prop::collection::vec((1i64..5_000_000, 0u32..90, any::<bool>()), 1..20), seed in any::<u64>()) {
        let p = plan("component c { commission on credit.amount rate graduated by attainment { [0%, 50%) 2%  [50%, ..) 8% } multiply 1.2 when deal.new_logo cap per period at payee.cap }");
        let text = deals_csv(&deals, "A");
        let mut rows: Vec<&str> = text.lines().skip(1).collect();
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..rows.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            rows.swap(i, (s >> 33) as usize % (i + 1));
        }
        let shuffled = format!("id,payee,date,amount,new_logo\n{}\n", rows.join("\n"));
        let a = Inputs::from_csv(PAYEES, &text, None, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = Inputs::from_csv(PAYEES, &shuffled, None, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let ra = p.evaluate(&a, "2026-Q1").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let rb = p.evaluate(&b, "2026-Q1").map_err(|e| TestCaseError::fail(e.to_string()))?;
        every_trace_replays(&ra).map_err(TestCaseError::fail)?;
        every_trace_replays(&rb).map_err(TestCaseError::fail)?;
        let ja = ra.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let jb = rb.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Deal rows differ between the two inputs, so compare what the lines say, not indices.
        prop_assert_eq!(ja, jb);
    }

}

/// One result line, as the JSON results say it.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    payee: String,
    component: String,
    deal: Option<String>,
    kind: String,
    amount: String,
}

/// Lines in output order, totals by payee, component totals by (payee, component).
#[derive(Debug, Default)]
struct Out {
    lines: Vec<Line>,
    totals: BTreeMap<String, String>,
    component_totals: BTreeMap<(String, String), String>,
}

fn text(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn dec(s: &str) -> Decimal {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a decimal: {e}"))
}

fn run(
    plan: &CompiledPlan,
    payees: &str,
    deals: &str,
    credits: Option<&str>,
) -> Result<Out, TestCaseError> {
    let fail = |e: String| TestCaseError::fail(e);
    let inputs = Inputs::from_csv(payees, deals, credits, None).map_err(|e| fail(e.to_string()))?;
    let r = plan
        .evaluate(&inputs, "2026-Q1")
        .map_err(|e| fail(e.to_string()))?;
    every_trace_replays(&r).map_err(fail)?;
    let json: serde_json::Value = r
        .to_json()
        .map_err(|e| e.to_string())
        .and_then(|j| serde_json::from_str(&j).map_err(|e| e.to_string()))
        .map_err(fail)?;
    let mut out = Out::default();
    for l in json["lines"].as_array().into_iter().flatten() {
        out.lines.push(Line {
            payee: text(l, "payee"),
            component: text(l, "component"),
            deal: l["deal"].as_str().map(str::to_string),
            kind: text(l, "kind"),
            amount: text(l, "amount"),
        });
    }
    for t in json["totals"].as_array().into_iter().flatten() {
        out.totals.insert(text(t, "payee"), text(t, "amount"));
    }
    for t in json["component_totals"].as_array().into_iter().flatten() {
        out.component_totals
            .insert((text(t, "payee"), text(t, "component")), text(t, "amount"));
    }
    // Lines sum to totals exactly, per payee and per component, whatever the plan.
    let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut comp_sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for l in &out.lines {
        *sums.entry(l.payee.clone()).or_default() += dec(&l.amount);
        *comp_sums
            .entry((l.payee.clone(), l.component.clone()))
            .or_default() += dec(&l.amount);
    }
    let totals: BTreeMap<String, Decimal> = out
        .totals
        .iter()
        .map(|(k, v)| (k.clone(), dec(v)))
        .collect();
    prop_assert_eq!(
        &sums,
        &totals,
        "payee totals are not the sums of their lines"
    );
    let comp_totals: BTreeMap<(String, String), Decimal> = out
        .component_totals
        .iter()
        .map(|(k, v)| (k.clone(), dec(v)))
        .collect();
    prop_assert_eq!(
        &comp_sums,
        &comp_totals,
        "component totals are not the sums of their lines"
    );
    Ok(out)
}

/// A deal: owner, amount in cents, day of the quarter (0..89), new logo.
type Deal = (&'static str, i64, u32, bool);

fn date(day: u32) -> String {
    commissio::core::period::Date::from_ymd(2026, 1, 1)
        .and_then(|d| d.add_days(i64::from(day)))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Deals with ids 1, 2, ... in the order given.
fn deal_rows(deals: &[Deal]) -> String {
    let mut s = String::from("id,payee,date,amount,new_logo\n");
    for (i, (owner, amount, day, new_logo)) in deals.iter().enumerate() {
        s.push_str(&format!(
            "{},{owner},{},{},{new_logo}\n",
            i + 1,
            date(*day),
            cents(*amount)
        ));
    }
    s
}

fn deal_strategy(max_cents: i64) -> impl Strategy<Value = Deal> {
    (
        prop_oneof![Just("A"), Just("B")],
        1i64..max_cents,
        0u32..90,
        any::<bool>(),
    )
}

/// §9: paidᵢ = min(Lᵢ, cap) − min(Lᵢ₋₁, cap) over `lines` (already in line order).
fn allocate(lines: &[Decimal], cap: Decimal) -> Vec<Decimal> {
    let mut before = Decimal::ZERO;
    lines
        .iter()
        .map(|l| {
            let after = before + l;
            let paid = after.min(cap) - before.min(cap);
            before = after;
            paid
        })
        .collect()
}

const TIERED: &str = "component c { commission on credit.amount rate graduated by attainment { [0%, 50%) 2%  [50%, 100%) 8%  [100%, ..) 16% } multiply by 1.2 when deal.new_logo COMPONENT_CAP }\n  component d { commission on credit.amount rate 1.5% }\n  PLAN_CAP";

/// A period cap, at component level (`c` only) or plan level (`c` and `d`), pays the uncapped
/// lines of the same plan without the cap, allocated in line order (deal date, deal id, then
/// component order, §10.1) under the payee's cap.
#[test]
fn a_period_cap_pays_the_uncapped_lines_cut_in_line_order() {
    let uncapped = plan(&TIERED.replace("COMPONENT_CAP", "").replace("PLAN_CAP", ""));
    let component = plan(
        &TIERED
            .replace("COMPONENT_CAP", "cap per period at payee.cap")
            .replace("PLAN_CAP", ""),
    );
    let total = plan(
        &TIERED
            .replace("COMPONENT_CAP", "")
            .replace("PLAN_CAP", "cap total per period at payee.cap"),
    );
    // Counted in cells: the runner takes a `Fn`.
    let (hit, under, n) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    let strategy = (
        prop::collection::vec(deal_strategy(8_000_000), 1..12),
        0i64..1_500_000,
        0i64..1_500_000,
    );
    let result = runner().run(&strategy, |(deals, cap_a, cap_b)| {
        n.set(n.get() + 1);
        let payees = format!(
            "id,quota,cap\nA,100000.00,{}\nB,100000.00,{}\n",
            cents(cap_a),
            cents(cap_b)
        );
        let rows = deal_rows(&deals);
        let free = run(&uncapped, &payees, &rows, None)?;
        let mut case_hit = false;
        let mut case_under = false;
        for (capped, capped_components) in [(&component, &["c"][..]), (&total, &["c", "d"][..])] {
            let got = run(capped, &payees, &rows, None)?;
            for (payee, cap) in [("A", cap_a), ("B", cap_b)] {
                let cap = Decimal::new(cap, 2);
                // The uncapped lines of the payee, keyed by (day, deal id, component index).
                let mut keyed: Vec<((u32, usize, usize), &Line)> = free
                    .lines
                    .iter()
                    .filter(|l| l.payee == payee)
                    .map(|l| {
                        let id: usize = l.deal.as_deref().and_then(|d| d.parse().ok()).unwrap_or(0);
                        let day = deals.get(id.wrapping_sub(1)).map_or(0, |d| d.2);
                        let comp = usize::from(l.component != "c");
                        ((day, id, comp), l)
                    })
                    .collect();
                keyed.sort_by_key(|(k, _)| *k);
                let (limited, free_lines): (Vec<_>, Vec<_>) = keyed
                    .into_iter()
                    .map(|(_, l)| l)
                    .partition(|l| capped_components.contains(&l.component.as_str()));
                let amounts: Vec<Decimal> = limited.iter().map(|l| dec(&l.amount)).collect();
                let sum: Decimal = amounts.iter().sum();
                case_hit |= sum > cap;
                case_under |= sum < cap && sum > Decimal::ZERO;
                let mut want: BTreeMap<(String, Option<String>), String> = BTreeMap::new();
                for (l, paid) in limited.iter().zip(allocate(&amounts, cap)) {
                    want.insert((l.component.clone(), l.deal.clone()), paid.to_string());
                }
                for l in free_lines {
                    want.insert((l.component.clone(), l.deal.clone()), l.amount.clone());
                }
                let have: BTreeMap<(String, Option<String>), String> = got
                    .lines
                    .iter()
                    .filter(|l| l.payee == payee)
                    .map(|l| ((l.component.clone(), l.deal.clone()), l.amount.clone()))
                    .collect();
                prop_assert_eq!(&have, &want, "lines of {} under cap {}", payee, cap);
                let want_total: Decimal = sum.min(cap)
                    + free
                        .lines
                        .iter()
                        .filter(|l| {
                            l.payee == payee && !capped_components.contains(&l.component.as_str())
                        })
                        .map(|l| dec(&l.amount))
                        .sum::<Decimal>();
                let got_total = got.totals.get(payee).map(|t| dec(t));
                let free_total = free.totals.get(payee);
                prop_assert_eq!(
                    got_total,
                    free_total.map(|_| want_total),
                    "total of {}",
                    payee
                );
            }
        }
        hit.set(hit.get() + u32::from(case_hit));
        under.set(under.get() + u32::from(case_under));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Not vacuous: many cases cut lines at the cap, many pay under it.
    let (hit, under, n) = (hit.get(), under.get(), n.get());
    assert!(hit * 4 >= n, "only {hit} of {n} cases reach a cap");
    assert!(under * 4 >= n, "only {under} of {n} cases pay under a cap");
}

const MODES: [&str; 7] = [
    "half_even",
    "half_up",
    "half_down",
    "down",
    "up",
    "floor",
    "ceiling",
];

/// `x` rounded to `scale` places by `mode`, from the table of §3.4, done on the digits here
/// (not with the engine's or the decimal crate's rounding); the result keeps the scale.
fn round(x: Decimal, scale: u32, mode: &str) -> Decimal {
    let unit = Decimal::from(10i64.pow(scale));
    let f = x * unit;
    let toward = f.trunc();
    let frac = (f - toward).abs();
    let away = if x.is_sign_negative() {
        toward - Decimal::ONE
    } else {
        toward + Decimal::ONE
    };
    let half = Decimal::new(5, 1);
    let pick_away = !frac.is_zero()
        && match mode {
            "half_even" => frac > half || (frac == half && toward % Decimal::TWO != Decimal::ZERO),
            "half_up" => frac >= half,
            "half_down" => frac > half,
            "down" => false,
            "up" => true,
            "floor" => x.is_sign_negative(),
            "ceiling" => !x.is_sign_negative(),
            _ => panic!("unknown mode {mode}"),
        };
    let mut r = if pick_away { away } else { toward } / unit;
    r.rescale(scale);
    r
}

#[test]
fn the_rounding_of_this_file_follows_the_table_of_section_3_4() {
    // The table of §3.4: 2.675, 1.005, 0.125, −2.345 to 2 places, mode by mode.
    let want = [
        ("half_even", ["2.68", "1.00", "0.12", "-2.34"]),
        ("half_up", ["2.68", "1.01", "0.13", "-2.35"]),
        ("half_down", ["2.67", "1.00", "0.12", "-2.34"]),
        ("down", ["2.67", "1.00", "0.12", "-2.34"]),
        ("up", ["2.68", "1.01", "0.13", "-2.35"]),
        ("floor", ["2.67", "1.00", "0.12", "-2.35"]),
        ("ceiling", ["2.68", "1.01", "0.13", "-2.34"]),
    ];
    for (mode, values) in want {
        for (x, w) in ["2.675", "1.005", "0.125", "-2.345"].iter().zip(values) {
            assert_eq!(round(dec(x), 2, mode).to_string(), w, "{x} {mode}");
        }
    }
    assert_eq!(round(dec("2.5"), 2, "half_even").to_string(), "2.50");
}

/// At every rounding stage the lines sum to the totals exactly, and the totals are what §3.4
/// says, computed here from the exact line amounts (basis × rate × multiplier):
/// `line`: every line rounded; `component`: each component's sum rounded once, the difference
/// a `rounding` line of the component; `payout`: the payee's sum rounded once, the difference a
/// plan-level `rounding` line.
#[test]
fn lines_sum_to_totals_at_every_rounding_stage() {
    let (rounded, n) = (Cell::new(0u32), Cell::new(0u32));
    let strategy = (
        prop::collection::vec(
            (
                prop_oneof![Just("A"), Just("B")],
                -2_000_000i64..20_000_000,
                0u32..90,
                any::<bool>(),
            ),
            1..10,
        ),
        0usize..7,
        0u32..5,
        0usize..3,
    );
    let stages = ["line", "component", "payout"];
    let plans: Vec<Vec<CompiledPlan>> = MODES
        .iter()
        .map(|mode| {
            (0..5u32)
                .flat_map(|scale| {
                    stages.iter().map(move |stage| {
                        plan_with(
                            &format!("{mode} {scale} per {stage}"),
                            "component a { commission on credit.amount rate 3.335% multiply by 1.15 when deal.new_logo }\n  component b { commission on credit.amount rate 0.125% }",
                        )
                    })
                })
                .collect()
        })
        .collect();
    let result = runner().run(&strategy, |(deals, mode, scale, stage)| {
        n.set(n.get() + 1);
        let p = &plans[mode][scale as usize * 3 + stage];
        let (mode, stage) = (MODES[mode], stages[stage]);
        let got = run(p, PAYEES, &deal_rows(&deals), None)?;
        let mut changed = false;
        for payee in ["A", "B"] {
            // Exact lines per component, in deal order (line order does not matter here).
            let mut exact: BTreeMap<(&str, String), Decimal> = BTreeMap::new();
            for (i, (owner, amount, _, new_logo)) in deals.iter().enumerate() {
                if *owner != payee {
                    continue;
                }
                let amount = Decimal::new(*amount, 2);
                let kicker = if *new_logo {
                    Decimal::new(115, 2)
                } else {
                    Decimal::ONE
                };
                exact.insert(
                    ("a", (i + 1).to_string()),
                    amount * Decimal::new(3335, 5) * kicker,
                );
                exact.insert(("b", (i + 1).to_string()), amount * Decimal::new(125, 5));
            }
            let lines: Vec<&Line> = got.lines.iter().filter(|l| l.payee == payee).collect();
            if exact.is_empty() {
                prop_assert!(lines.is_empty() && !got.totals.contains_key(payee));
                continue;
            }
            changed |= exact.values().any(|x| round(*x, scale, mode) != *x);
            let r = |x: Decimal| round(x, scale, mode);
            let deal_lines: BTreeMap<(&str, String), &str> = lines
                .iter()
                .filter(|l| l.kind == "deal")
                .map(|l| {
                    (
                        (l.component.as_str(), l.deal.clone().unwrap_or_default()),
                        l.amount.as_str(),
                    )
                })
                .collect();
            prop_assert_eq!(
                deal_lines.len(),
                exact.len(),
                "one deal line per component and deal"
            );
            let rounding = |component: &str| -> Decimal {
                lines
                    .iter()
                    .filter(|l| l.kind == "rounding" && l.component == component)
                    .map(|l| dec(&l.amount))
                    .sum()
            };
            prop_assert!(lines
                .iter()
                .all(|l| l.kind == "deal" || l.kind == "rounding"));
            let sum_of = |c: &str| -> Decimal {
                exact
                    .iter()
                    .filter(|((k, _), _)| *k == c)
                    .map(|(_, v)| *v)
                    .sum()
            };
            let total = dec(got.totals.get(payee).map_or("", String::as_str));
            match stage {
                "line" => {
                    for (key, x) in &exact {
                        // At the plan's scale, as text (§7.1).
                        prop_assert_eq!(deal_lines[key], r(*x).to_string(), "line {:?}", key);
                    }
                    prop_assert!(lines.iter().all(|l| l.kind == "deal"));
                    prop_assert_eq!(total, exact.values().map(|x| r(*x)).sum::<Decimal>());
                }
                "component" => {
                    for (key, x) in &exact {
                        prop_assert_eq!(
                            dec(deal_lines[key]),
                            *x,
                            "line {:?} keeps full precision",
                            key
                        );
                    }
                    for c in ["a", "b"] {
                        prop_assert_eq!(
                            rounding(c),
                            r(sum_of(c)) - sum_of(c),
                            "rounding line of {}",
                            c
                        );
                        let ct = got
                            .component_totals
                            .get(&(payee.to_string(), c.to_string()));
                        prop_assert_eq!(
                            ct.map(|t| dec(t)),
                            Some(r(sum_of(c))),
                            "component total of {}",
                            c
                        );
                    }
                    prop_assert!(rounding("(plan)").is_zero());
                    prop_assert_eq!(total, r(sum_of("a")) + r(sum_of("b")));
                }
                _ => {
                    for (key, x) in &exact {
                        prop_assert_eq!(
                            dec(deal_lines[key]),
                            *x,
                            "line {:?} keeps full precision",
                            key
                        );
                    }
                    let all = sum_of("a") + sum_of("b");
                    prop_assert!(rounding("a").is_zero() && rounding("b").is_zero());
                    prop_assert_eq!(rounding("(plan)"), r(all) - all, "plan rounding line");
                    prop_assert_eq!(total, r(all));
                }
            }
        }
        rounded.set(rounded.get() + u32::from(changed));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (rounded, n) = (rounded.get(), n.get());
    // Not vacuous: most cases have a line that rounding changes.
    assert!(
        rounded * 2 >= n,
        "only {rounded} of {n} cases round anything"
    );
}

/// Every tier mode and scope, on the basis (`by amount`) and on a measure (`by attainment`).
const SPLIT_BODIES: [&str; 12] = [
    "rate graduated by amount { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }",
    "rate graduated by amount per deal { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }",
    "rate graduated by amount at period end { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }",
    "rate graduated by attainment { [0%, 50%) 2%  [50%, 100%) 8%  [100%, ..) 16% }",
    "rate retroactive by amount { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }",
    "rate retroactive by amount running { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }",
    "rate retroactive by amount per deal { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }",
    "rate retroactive by attainment { [0%, 50%) 2%  [50%, 100%) 8%  [100%, ..) 16% }",
    "rate interpolated by amount { 0 => 1%  20000 => 5%  50000 => 9% }",
    "rate interpolated by amount per deal { 0 => 1%  20000 => 5%  50000 => 9% }",
    "rate interpolated by attainment { 0% => 0  100% => 5000  150% => 9000 }",
    "rate interpolated by amount per deal { 0 => 0  30000 => 600 }",
];

/// A deal split across payees pays each payee what that payee's share alone computes (§4.4:
/// `credit.amount` is `deal.amount × credit.share`; §8: tiers read the payee's own credited
/// basis): the split dataset, and a dataset where each payee owns one deal per credit line
/// with the credited amount, give each payee the same lines and total, in every tier mode.
#[test]
fn a_split_pays_each_payee_what_its_share_alone_computes() {
    let plans: Vec<CompiledPlan> = SPLIT_BODIES
        .iter()
        .map(|b| {
            plan(&format!(
                "component c {{ commission on credit.amount {b} }}"
            ))
        })
        .collect();
    let (both_paid, n) = (Cell::new(0u32), Cell::new(0u32));
    // Whole-dollar amounts and whole-percent shares, so every credited amount is valid money.
    let strategy = prop::collection::vec(
        (
            prop_oneof![Just("A"), Just("B")],
            1i64..60_000,
            0u32..90,
            prop::option::weighted(0.6, 1u32..100),
        ),
        1..8,
    );
    let result = runner().run(&strategy, |deals| {
        n.set(n.get() + 1);
        let rows: Vec<Deal> = deals
            .iter()
            .map(|(owner, dollars, day, _)| (*owner, dollars * 100, *day, false))
            .collect();
        let mut credits = String::from("deal,payee,share\n");
        for (i, (_, _, _, split)) in deals.iter().enumerate() {
            if let Some(a) = split {
                let (a, b) = (
                    Decimal::new(i64::from(*a), 2),
                    Decimal::new(i64::from(100 - a), 2),
                );
                credits.push_str(&format!("{},A,{a}\n{},B,{b}\n", i + 1, i + 1));
            }
        }
        // Each payee alone: its credited amount of every deal, as a deal it owns outright.
        let alone = |payee: &str| {
            let mut s = String::from("id,payee,date,amount,new_logo\n");
            for (i, (owner, dollars, day, split)) in deals.iter().enumerate() {
                let share = match (split, payee) {
                    (Some(a), "A") => Decimal::new(i64::from(*a), 2),
                    (Some(a), _) => Decimal::new(i64::from(100 - a), 2),
                    (None, p) if p == *owner => Decimal::ONE,
                    (None, _) => continue,
                };
                let amount = Decimal::new(*dollars, 0) * share;
                s.push_str(&format!(
                    "{},{payee},{},{amount},false\n",
                    i + 1,
                    date(*day)
                ));
            }
            s
        };
        let mut paid_both = true;
        for (p, body) in plans.iter().zip(SPLIT_BODIES) {
            let split = run(p, PAYEES, &deal_rows(&rows), Some(&credits))?;
            for payee in ["A", "B"] {
                let own = run(p, PAYEES, &alone(payee), None)?;
                let pick = |o: &Out| -> Vec<(String, Option<String>, String, String)> {
                    o.lines
                        .iter()
                        .filter(|l| l.payee == payee)
                        .map(|l| {
                            (
                                l.component.clone(),
                                l.deal.clone(),
                                l.kind.clone(),
                                l.amount.clone(),
                            )
                        })
                        .collect()
                };
                prop_assert_eq!(
                    pick(&split),
                    pick(&own),
                    "lines of {} under {}",
                    payee,
                    body
                );
                prop_assert_eq!(
                    split.totals.get(payee),
                    own.totals.get(payee),
                    "total of {} under {}",
                    payee,
                    body
                );
                paid_both &= split.totals.get(payee).is_some_and(|t| !dec(t).is_zero());
            }
        }
        let any_split = deals.iter().any(|d| d.3.is_some());
        both_paid.set(both_paid.get() + u32::from(paid_both && any_split));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (both_paid, n) = (both_paid.get(), n.get());
    // Not vacuous: in most cases a deal is split and both payees are paid under every mode.
    assert!(
        both_paid * 2 >= n,
        "only {both_paid} of {n} cases split a deal and pay both payees"
    );
}
