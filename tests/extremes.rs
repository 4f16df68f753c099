//! Exactness at the 96-bit limit (docs/language.md §2.4, §11): amounts next to the largest
//! mantissa a decimal holds, at a rate, rounded per line. Each run is either the exact result,
//! every line at the plan's scale and the total the exact sum of the lines, or `R0102` naming
//! the payee and the deal where the exact value first leaves 96 bits; never a quietly rounded
//! line or total.
//!
//! The expected outcome is computed here in `i128` fixed point, independently of the engine's
//! decimal arithmetic.

use commissio::{CompiledPlan, Error, Inputs};
use proptest::prelude::*;

/// 2^96: the first mantissa a decimal cannot hold.
const LIMIT: u128 = 1 << 96;

#[derive(Debug, Clone, Copy)]
enum Mode {
    HalfEven,
    HalfUp,
    Down,
    Up,
    Floor,
    Ceiling,
}

impl Mode {
    fn keyword(self) -> &'static str {
        match self {
            Mode::HalfEven => "half_even",
            Mode::HalfUp => "half_up",
            Mode::Down => "down",
            Mode::Up => "up",
            Mode::Floor => "floor",
            Mode::Ceiling => "ceiling",
        }
    }

    /// `m / unit` rounded to an integer in this mode.
    fn div(self, m: i128, unit: i128) -> i128 {
        let (q, r) = (m / unit, m % unit);
        if r == 0 {
            return q;
        }
        let twice = 2 * r.abs();
        let away = match self {
            Mode::Down => false,
            Mode::Up => true,
            Mode::Floor => m < 0,
            Mode::Ceiling => m > 0,
            Mode::HalfUp => twice >= unit,
            Mode::HalfEven => twice > unit || (twice == unit && q % 2 != 0),
        };
        if away {
            q + m.signum()
        } else {
            q
        }
    }
}

fn fits(m: i128) -> bool {
    m.unsigned_abs() < LIMIT
}

/// `m` with trailing zeros removed while `scale` allows.
fn stripped(mut m: i128, mut scale: u32) -> i128 {
    while scale > 0 && m != 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    m
}

/// `m / 10^scale` as text with exactly `scale` places.
fn show(m: i128, scale: u32) -> String {
    let digits = m.unsigned_abs().to_string();
    let sign = if m < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let s = scale as usize;
    let padded = format!("{digits:0>width$}", width = s + 1);
    let (int, frac) = padded.split_at(padded.len() - s);
    format!("{sign}{int}.{frac}")
}

/// What the engine must give: every line (text at the plan's scale) and the total, or the
/// index of the deal where the first value leaves 96 bits.
fn expected(
    deals: &[(i128, u32)],
    rate_bp: i128,
    scale: u32,
    mode: Mode,
) -> Result<(Vec<String>, String), usize> {
    let mut lines = Vec::new();
    for (i, &(m, s)) in deals.iter().enumerate() {
        // amount × rate: the rate is rate_bp / 10^4 (a percent with two places).
        let exact = m * rate_bp;
        let at = s + 4;
        if !fits(stripped(exact, at)) {
            return Err(i);
        }
        let q = mode.div(exact, 10i128.pow(at - scale));
        if !fits(q) {
            return Err(i);
        }
        lines.push(q);
    }
    // The total adds the lines in order; each running sum must fit at the plan's scale.
    let mut total = 0i128;
    for (i, q) in lines.iter().enumerate() {
        total += q;
        if !fits(total) {
            return Err(i);
        }
    }
    Ok((
        lines.iter().map(|q| show(*q, scale)).collect(),
        show(total, scale),
    ))
}

/// An amount mantissa near the limit at 0..=2 places, either sign.
fn amount() -> impl Strategy<Value = (i128, u32)> {
    let top = (LIMIT - 1) as i128;
    let mantissa = prop_oneof![
        (0i128..1_000).prop_map(move |k| top - k),
        (0i128..(1 << 70)).prop_map(move |k| top - k),
        ((1i128 << 88)..top),
        ((1i128 << 60)..(1i128 << 90)),
    ];
    (mantissa, 0u32..=2, any::<bool>()).prop_map(|(m, s, neg)| (if neg { -m } else { m }, s))
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        Just(Mode::HalfEven),
        Just(Mode::HalfUp),
        Just(Mode::Down),
        Just(Mode::Up),
        Just(Mode::Floor),
        Just(Mode::Ceiling),
    ]
}

/// An error's code, payee and deal (the message for other errors, without payee or deal).
type Failure = (String, Option<String>, Option<String>);

fn run(
    deals: &[(i128, u32)],
    rate_bp: i128,
    scale: u32,
    mode: Mode,
) -> Result<(Vec<String>, String), Failure> {
    let text = format!(
        "plan \"X\" {{
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding {} {scale} per line
  input deal {{ amount: money }}
  component c {{
    commission on credit.amount
    rate {}.{:02}%
  }}
}}",
        mode.keyword(),
        rate_bp / 100,
        rate_bp % 100
    );
    let plan = CompiledPlan::compile(&text).map_err(|e| (e.to_string(), None, None))?;
    let mut csv = String::from("id,payee,date,amount\n");
    for (i, (m, s)) in deals.iter().enumerate() {
        csv.push_str(&format!("D{i},A,2026-01-{:02},{}\n", i + 1, show(*m, *s)));
    }
    let inputs =
        Inputs::from_csv("id\nA\n", &csv, None, None).map_err(|e| (e.to_string(), None, None))?;
    match plan.evaluate(&inputs, "2026-Q1") {
        Ok(r) => {
            let mut lines: Vec<(String, String)> = r
                .lines()
                .map(|l| {
                    let id = r.deal_id(&l).unwrap_or("").to_string();
                    (id, l.amount.to_string())
                })
                .collect();
            lines.sort();
            let total = r
                .totals
                .first()
                .map(|t| t.amount.to_string())
                .unwrap_or_default();
            Ok((lines.into_iter().map(|(_, a)| a).collect(), total))
        }
        Err(Error::Eval(e)) => Err((e.code, e.payee, e.deal)),
        Err(e) => Err((e.to_string(), None, None)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn exact_at_the_plan_scale_or_r0102(
        deals in proptest::collection::vec(amount(), 1..=3),
        rate_bp in prop_oneof![Just(10_000i128), Just(500), 1i128..=20_000],
        scale in 0u32..=4,
        mode in mode(),
    ) {
        let want = expected(&deals, rate_bp, scale, mode);
        let got = run(&deals, rate_bp, scale, mode);
        match want {
            Ok(lines) => prop_assert_eq!(got, Ok(lines)),
            Err(i) => prop_assert_eq!(
                got,
                Err(("R0102".to_string(), Some("A".to_string()), Some(format!("D{i}"))))
            ),
        }
    }
}

#[test]
fn two_deals_of_the_largest_amount_at_5_percent_are_r0102() {
    let top = (LIMIT - 1) as i128;
    let deals = [(top, 0), (top, 0)];
    assert_eq!(
        run(&deals, 500, 2, Mode::HalfEven),
        Err((
            "R0102".to_string(),
            Some("A".to_string()),
            Some("D0".to_string())
        ))
    );
}

#[test]
fn lines_at_the_limit_sum_exactly() {
    // 396140812571321687967719751.67 + 396140812571321687967719751.68 at 100%.
    let half = ((LIMIT - 1) / 2) as i128;
    let deals = [(half, 2), (half + 1, 2)];
    assert_eq!(
        run(&deals, 10_000, 2, Mode::HalfEven),
        Ok((
            vec![
                "396140812571321687967719751.67".to_string(),
                "396140812571321687967719751.68".to_string()
            ],
            "792281625142643375935439503.35".to_string()
        ))
    );
    // One cent more and the total leaves 96 bits: R0102 at the second deal.
    let deals = [(half + 1, 2), (half + 1, 2)];
    assert_eq!(
        run(&deals, 10_000, 2, Mode::HalfEven),
        Err((
            "R0102".to_string(),
            Some("A".to_string()),
            Some("D1".to_string())
        ))
    );
}

/// Found by the proptest above in a debug run: the running total of two lines at 2 places
/// that ends in a zero (…174.60) must not be kept at 1 place, so the overflow is named at the
/// line whose total cannot be held at the plan's scale (D1), not at a later one.
#[test]
fn a_running_total_keeps_the_plan_scale_and_names_its_first_overflow() {
    let deals = [
        (10018903164602974389741668541i128, 0),
        (79228162514264337593543949510, 1),
        (79228162371287408913621462058, 2),
    ];
    assert_eq!(
        run(&deals, 500, 2, Mode::HalfEven),
        Err((
            "R0102".to_string(),
            Some("A".to_string()),
            Some("D1".to_string())
        ))
    );
}
