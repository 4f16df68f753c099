//! The evaluator's specialised kernels against the general evaluator alone
//! (`EvalOptions::fast_paths`): the same results, traces and errors, byte for byte, on random
//! data that includes refunds, zero amounts, split credit and amounts too large for the
//! kernels' machine words (which must hand the whole component back to the general path), and
//! conditions the fast predicates test (`deal.flag`, text and money comparisons, `and`, `or`).

use commissio::core::{evaluate_with, Decimal, EvalOptions};
use commissio::{CompiledPlan, Inputs};
use proptest::prelude::*;

const PLAN: &str = r#"plan "P" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money, new_logo: bool, product: text }
  input payee { quota: money, cap: money }
  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota
  component core {
    commission on credit.amount
    rate graduated by attainment running { [0%, 50%) 2%  [50%, 100%) 8%  [100%, 150%) 12.5%  [150%, ..) 16% }
    multiply by 1.2 when deal.new_logo
    multiply by 0.5 when deal.amount < 0
  }
  component volume {
    commission on credit.amount
    rate graduated by amount running { [0, 10000.005) 3%  [10000.005, 25000) 0%  [25000, ..) 7.25% }
  }
  component spiff {
    pay 250 per deal when (deal.product = "Platform" and deal.amount >= 100000) or (deal.new_logo and deal.product != "Core") or deal.amount < 0
  }
  cap total per period at payee.cap
}"#;

const PAYEES: &str = "id,quota,cap\nA,100000.00,9000.00\nB,0.30,1000000000000000.00\n";

/// A deal: amount in cents, day of the year, new logo, and A's share in percent when split.
fn deal() -> impl Strategy<Value = (i64, u32, bool, Option<u32>)> {
    let amount = prop_oneof![
        8 => -2_000_000i64..20_000_000,
        1 => Just(0i64),
        // Past what the kernels' 64-bit keys hold once scaled: the general path takes over.
        1 => 1_000_000_000_000_000i64..9_000_000_000_000_000_000,
    ];
    (
        amount,
        0u32..365,
        any::<bool>(),
        prop::option::of(1u32..100),
    )
}

fn tables(deals: &[(i64, u32, bool, Option<u32>)]) -> (String, String) {
    let mut d = String::from("id,payee,date,amount,new_logo,product\n");
    let mut c = String::from("deal,payee,share\n");
    for (i, (cents, day, new_logo, split)) in deals.iter().enumerate() {
        let date = commissio::core::period::Date::from_ymd(2026, 1, 1)
            .and_then(|x| x.add_days(i64::from(*day)))
            .map(|x| x.to_string())
            .unwrap_or_default();
        let owner = if i % 3 == 2 { "B" } else { "A" };
        let product = ["Core", "Platform", "Support"][i % 3];
        d.push_str(&format!(
            "{},{owner},{date},{},{new_logo},{product}\n",
            i + 1,
            Decimal::new(*cents, 2)
        ));
        if let Some(a) = split {
            let share = |p: u32| Decimal::new(i64::from(p), 2);
            c.push_str(&format!(
                "{},A,{}\n{},B,{}\n",
                i + 1,
                share(*a),
                i + 1,
                share(100 - a)
            ));
        }
    }
    (d, c)
}

/// Canonical JSON of the results (or of the error), with the fast paths on or off.
fn run(plan: &CompiledPlan, inputs: &Inputs, trace: bool, fast_paths: bool) -> String {
    let data = match plan.dataset(inputs) {
        Ok(d) => d,
        Err(e) => return format!("dataset error: {e}"),
    };
    let (first, last) = match plan.periods("2026") {
        Ok(p) => p,
        Err(e) => return format!("period error: {e}"),
    };
    let opts = EvalOptions { trace, fast_paths };
    match evaluate_with(&plan.plan, &data, first, last, &opts) {
        Ok(r) => r.to_json().unwrap_or_else(|e| format!("json error: {e}")),
        Err(e) => e.to_json().unwrap_or_else(|e| format!("json error: {e}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fast_paths_are_the_general_evaluator(deals in prop::collection::vec(deal(), 1..40)) {
        let plan = CompiledPlan::compile(PLAN).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (d, c) = tables(&deals);
        let inputs = Inputs::from_csv(PAYEES, &d, Some(&c), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for trace in [true, false] {
            let general = run(&plan, &inputs, trace, false);
            prop_assert!(general.starts_with('{'), "{}", general);
            prop_assert_eq!(run(&plan, &inputs, trace, true), general);
        }
    }
}

/// A year of one payee whose running total leaves the kernels' range half way through a
/// quarter: the component is evaluated again by the general path, and the lines are those
/// of the general evaluator, to the cent.
#[test]
fn a_component_the_kernel_gives_up_on_half_way_is_the_general_evaluation() {
    let plan = match CompiledPlan::compile(PLAN) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    let deals = [
        (1_000_000, 10, true, None),
        (5_000_000_000_000_000_000, 20, false, None),
        (250_000, 30, false, None),
    ];
    let (d, c) = tables(&deals);
    let inputs = match Inputs::from_csv(PAYEES, &d, Some(&c), None) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    let fast = run(&plan, &inputs, true, true);
    assert_eq!(fast, run(&plan, &inputs, true, false));
    // Deal 1 (10,000.00, new logo, A at a 100,000.00 quota): 2% of 10,000.00 × 1.2 = 240.00
    // from `core`, and 3% of 10,000.00 from `volume`.
    let line = |comp: &str, amount: &str| {
        format!("\"payee\":\"A\",\"period\":\"2026-Q1\",\"component\":\"{comp}\",\"deal\":\"1\",\"kind\":\"deal\",\"share\":\"1\",\"amount\":\"{amount}\"")
    };
    assert!(fast.contains(&line("core", "240.00")), "{fast}");
    assert!(fast.contains(&line("volume", "300.00")), "{fast}");
    // Deal 2 (50,000,000,000,000,000.00) takes A's lines to the 9,000.00 cap.
    assert!(
        fast.contains("{\"payee\":\"A\",\"period\":\"2026-Q1\",\"amount\":\"9000.00\"}"),
        "{fast}"
    );
}
