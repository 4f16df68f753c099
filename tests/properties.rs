//! Property tests of the engine's invariants, through the public API (plan text + tables).
//!
//! - graduated pay is monotone in the amount for non-negative rates;
//! - retroactive equals graduated inside the first tier;
//! - no cap is ever exceeded;
//! - a deal split 100% conserves the deal amount in credit, and the commission under a flat rate;
//! - results do not depend on input row order;
//! - evaluation is deterministic.

use commissio::core::Decimal;
use commissio::{CompiledPlan, Inputs};
use proptest::prelude::*;

fn plan(body: &str) -> CompiledPlan {
    let text = format!(
        "plan \"P\" {{
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
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
        Ok(r) => r.grand_total(),
        Err(e) => panic!("{e}"),
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
    #![proptest_config(ProptestConfig::with_cases(64))]

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
    fn no_cap_is_exceeded(deals in prop::collection::vec((1i64..20_000_000, 0u32..90, any::<bool>()), 1..25)) {
        let p = plan("component c { commission on credit.amount rate graduated by attainment { [0%, 50%) 2%  [50%, 100%) 8%  [100%, ..) 16% } multiply 1.2 when deal.new_logo cap per period at payee.cap }");
        let inputs = Inputs::from_csv(PAYEES, &deals_csv(&deals, "A"), None, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let r = p.evaluate(&inputs, "2026-Q1").map_err(|e| TestCaseError::fail(e.to_string()))?;
        for t in &r.totals {
            prop_assert!(t.amount <= Decimal::new(500000, 2), "total {} over the cap", t.amount);
        }
        for l in r.lines() {
            prop_assert!(l.amount >= Decimal::ZERO);
        }
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
        let ja = ra.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let jb = rb.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Deal rows differ between the two inputs, so compare what the lines say, not indices.
        prop_assert_eq!(ja, jb);
    }

    #[test]
    fn evaluation_is_deterministic(deals in prop::collection::vec((1i64..5_000_000, 0u32..90, any::<bool>()), 1..20)) {
        let p = graduated();
        let inputs = Inputs::from_csv(PAYEES, &deals_csv(&deals, "A"), None, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let first = p.evaluate(&inputs, "2026-Q1").map_err(|e| TestCaseError::fail(e.to_string()))?.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
        for _ in 0..3 {
            let again = p.evaluate(&inputs, "2026-Q1").map_err(|e| TestCaseError::fail(e.to_string()))?.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&first, &again);
        }
    }
}
