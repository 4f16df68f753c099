//! Fuzz harness shared by the cargo-fuzz targets (fuzz/fuzz_targets) and ordinary
//! `cargo test` (tests/fuzz_regressions.rs replays every saved input through these checks).
//!
//! Every target is one function from bytes to `Ok(())` or `Err(description)`; a fuzz target
//! panics on `Err`, the replay test asserts `Ok`.
//!
//! - [`check_parse`]: any text parses and checks without panicking, and every diagnostic has a
//!   documented code other than `E0005` (internal error).
//! - [`check_format_roundtrip`]: formatting is idempotent and keeps the plan's meaning.
//! - [`check_eval_reference`]: a generated plan and data, evaluated by the engine and by the
//!   naive reference of [`reference`], give the same lines and totals, exactly.
//! - [`check_decimal_edges`]: plans and data with extreme or malformed numbers never panic;
//!   evaluation returns results whose totals are the sums of their lines, or a documented error.
//! - [`load::check_load_tables`]: any bytes as a CSV or JSON table: no panic, and every record
//!   in the text is a row, and every row a deal or an error (nothing silently dropped).

pub mod load;
pub mod model;
pub mod reference;
pub mod render;

use arbitrary::Unstructured;
use commissio::core::Decimal;
use commissio::{CompiledPlan, Error, Results};
use model::{Gen, Stage};
use reference::{Expect, RefLine};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The fuzz targets, as named in fuzz/Cargo.toml and under fuzz/regressions/.
pub const TARGETS: [&str; 5] = [
    "parse",
    "format_roundtrip",
    "eval_reference",
    "decimal_edges",
    "load_tables",
];

/// Runs the check of `target` on one input.
pub fn check(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "parse" => check_parse(data),
        "format_roundtrip" => check_format_roundtrip(data),
        "eval_reference" => check_eval_reference(data),
        "decimal_edges" => check_decimal_edges(data),
        "load_tables" => load::check_load_tables(data),
        _ => Err(format!("unknown fuzz target {target:?}")),
    }
}

const LANGUAGE: &str = include_str!("../../docs/language.md");

/// Plan codes listed in the diagnostics tables of docs/language.md (§15), without `E0005`,
/// the internal error that is always a bug.
pub fn documented_plan_codes() -> Vec<String> {
    let mut codes: Vec<String> = LANGUAGE
        .lines()
        .filter_map(|l| l.strip_prefix("| `E"))
        .filter_map(|rest| rest.get(..4))
        .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        .map(|digits| format!("E{digits}"))
        .filter(|c| c != "E0005")
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Evaluation errors extreme numbers may cause: division by zero (`R0101`), overflow
/// (`R0102`), a negative tier denominator (`R0105`), an integer key that is not whole
/// (`R0204`). Any other `R` code (such as `R0003`, an inconsistent dataset) is a bug.
pub const NUMERIC_EVAL_CODES: [&str; 4] = ["R0101", "R0102", "R0105", "R0204"];

/// Parsing and checking any text: no panic, documented codes only.
pub fn check_parse(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    if let Err(diags) = commissio::dsl::compile(text) {
        let known = documented_plan_codes();
        if let Some(d) = diags.iter().find(|d| !known.iter().any(|k| k == d.code)) {
            return Err(format!(
                "undocumented or internal diagnostic {} ({}) for {text:?}",
                d.code, d.message
            ));
        }
    }
    Ok(())
}

/// Plans compare by their lowered form with source positions removed.
fn without_sources(p: &commissio::Plan) -> String {
    let mut s = format!("{p:?}");
    // Source references differ after formatting; drop them.
    while let Some(i) = s.find("SourceRef {") {
        let Some(j) = s[i..].find('}') else { break };
        s.replace_range(i..i + j + 1, "");
    }
    s
}

/// Formatting is idempotent, and the formatted text checks exactly when the original does.
pub fn check_format_roundtrip(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(once) = commissio::dsl::format(text) else {
        return Ok(());
    };
    let twice = commissio::dsl::format(&once).unwrap_or_default();
    if once != twice {
        return Err(format!(
            "format is not idempotent:\n--- once\n{once}\n--- twice\n{twice}"
        ));
    }
    let a = commissio::dsl::compile(text)
        .map(|p| without_sources(&p))
        .ok();
    let b = commissio::dsl::compile(&once)
        .map(|p| without_sources(&p))
        .ok();
    if a.is_some() != b.is_some() {
        return Err(format!(
            "formatting changed whether the plan checks:\n--- before\n{text}\n--- after\n{once}"
        ));
    }
    Ok(())
}

/// Lines (component, deal, amount) in output order and the total, per (payee, period).
type Grouped = BTreeMap<(String, String), (Vec<RefLine>, Decimal)>;

/// The engine's results grouped like the reference's; also checks that every payee-period
/// with lines has exactly one total and that it is the sum of its lines.
fn group(r: &Results) -> Result<Grouped, String> {
    let mut lines: BTreeMap<(String, String), Vec<RefLine>> = BTreeMap::new();
    for l in r.lines() {
        let v = r.view(&l);
        lines
            .entry((v.payee.to_string(), v.period.clone()))
            .or_default()
            .push(RefLine {
                component: v.component.to_string(),
                deal: v.deal.map(str::to_string),
                amount: v.amount,
            });
    }
    let mut out = Grouped::new();
    for t in &r.totals {
        let key = (
            r.payee_ids
                .get(t.payee as usize)
                .cloned()
                .unwrap_or_default(),
            r.periods
                .get(t.period as usize)
                .map(|p| p.label())
                .unwrap_or_default(),
        );
        let Some(ls) = lines.remove(&key) else {
            return Err(format!("total {} of {key:?} has no lines", t.amount));
        };
        let mut sum = Decimal::ZERO;
        for l in &ls {
            sum = sum
                .checked_add(l.amount)
                .ok_or_else(|| format!("the lines of {key:?} overflow when added"))?;
        }
        if sum != t.amount {
            return Err(format!(
                "total of {key:?} is {} but its lines sum to {sum}",
                t.amount
            ));
        }
        if out.insert(key.clone(), (ls, t.amount)).is_some() {
            return Err(format!("two totals for {key:?}"));
        }
    }
    if let Some((key, _)) = lines.into_iter().next() {
        return Err(format!("lines of {key:?} have no total"));
    }
    Ok(out)
}

fn show(lines: &[RefLine]) -> String {
    let mut s = String::new();
    for l in lines {
        let _ = writeln!(
            s,
            "    {:8} {:6} {}",
            l.component,
            l.deal.as_deref().unwrap_or("-"),
            l.amount
        );
    }
    s
}

fn describe(case: &model::Case, text: &str) -> String {
    format!("--- plan\n{text}--- data\n{}", render::data_text(case))
}

/// The first difference between engine and reference results, if any.
fn diff(got: &Grouped, want: &Grouped) -> Option<String> {
    let keys: std::collections::BTreeSet<&(String, String)> =
        got.keys().chain(want.keys()).collect();
    for key in keys {
        match (got.get(key), want.get(key)) {
            (Some(g), Some(w)) if g == w => {}
            (g, w) => {
                let side = |x: Option<&(Vec<RefLine>, Decimal)>| match x {
                    None => "  (no lines, no total)\n".to_string(),
                    Some((ls, t)) => format!("{}    total {t}\n", show(ls)),
                };
                return Some(format!(
                    "payee {} period {}:\n  engine:\n{}  reference:\n{}",
                    key.0,
                    key.1,
                    side(g),
                    side(w)
                ));
            }
        }
    }
    None
}

/// Line stage: a line amount is shown at the plan's scale whenever that loses no digit (§7.1).
fn check_line_scale(r: &Results, scale: u32) -> Result<(), String> {
    for l in r.lines() {
        let a = l.amount;
        if a.round_dp(scale) == a && a.scale() != scale {
            let v = r.view(&l);
            return Err(format!(
                "line {} {} {:?} of {} ({:?}) shows {a}, not at scale {scale}",
                v.component, v.period, v.deal, v.payee, v.kind
            ));
        }
    }
    Ok(())
}

/// Engine and naive reference agree on a generated case.
pub fn check_eval_reference(data: &[u8]) -> Result<(), String> {
    let mut u = Unstructured::new(data);
    let case = Gen::new(&mut u, false).case();
    let text = render::plan_text(&case.plan);
    let plan = CompiledPlan::compile(&text).map_err(|e| {
        format!(
            "the generated plan is refused: {e:?}\n{}",
            describe(&case, &text)
        )
    })?;
    let got = plan.evaluate(&render::inputs(&case), &case.period_text());
    let want = reference::evaluate(&case)
        .map_err(|e| format!("reference failed: {e}\n{}", describe(&case, &text)))?;
    match (got, want) {
        (Err(e), Expect::Error(code)) if e.code() == code => Ok(()),
        (Ok(r), Expect::Results(want)) => {
            let got = group(&r).map_err(|e| format!("{e}\n{}", describe(&case, &text)))?;
            if let Some(d) = diff(&got, &want) {
                return Err(format!(
                    "engine and reference differ\n{d}{}",
                    describe(&case, &text)
                ));
            }
            if case.plan.stage == Stage::Line {
                check_line_scale(&r, case.plan.scale)
                    .map_err(|e| format!("{e}\n{}", describe(&case, &text)))?;
            }
            Ok(())
        }
        (Err(e), want) => Err(format!(
            "engine error [{}] {e}, reference expects {want:?}\n{}",
            e.code(),
            describe(&case, &text)
        )),
        (Ok(_), Expect::Error(code)) => Err(format!(
            "engine evaluates, reference expects {code}\n{}",
            describe(&case, &text)
        )),
    }
}

/// Extreme and malformed numbers: no panic; a documented error or consistent results.
pub fn check_decimal_edges(data: &[u8]) -> Result<(), String> {
    let mut u = Unstructured::new(data);
    let case = Gen::new(&mut u, true).case();
    let text = render::plan_text(&case.plan);
    let plan = match CompiledPlan::compile(&text) {
        Ok(p) => p,
        Err(Error::Plan(diags)) => {
            let known = documented_plan_codes();
            return match diags.iter().find(|d| !known.iter().any(|k| k == d.code)) {
                None if !diags.is_empty() => Ok(()),
                None => Err(format!("plan refused without a diagnostic\n{text}")),
                Some(d) => Err(format!(
                    "undocumented diagnostic {} ({})\n{}",
                    d.code,
                    d.message,
                    describe(&case, &text)
                )),
            };
        }
        Err(e) => return Err(format!("compile failed with {e:?}\n{text}")),
    };
    match plan.evaluate(&render::inputs(&case), &case.period_text()) {
        Ok(r) => {
            group(&r).map_err(|e| format!("{e}\n{}", describe(&case, &text)))?;
            // The explanations and statements render every traced value (rates as percents,
            // slices, caps): they must not panic on extreme ones either.
            for p in &case.payees {
                let _ = plan.explain(&r, &p.id, None);
                let _ = plan.statement(&r, &p.id);
            }
            for d in &case.deals {
                let _ = plan.explain(&r, &d.owner, Some(&d.id));
            }
            Ok(())
        }
        Err(Error::Data(errs)) if !errs.errors.is_empty() => Ok(()),
        Err(Error::Eval(e)) if NUMERIC_EVAL_CODES.contains(&e.code.as_str()) => Ok(()),
        Err(e) => Err(format!(
            "unexpected error [{}] {e}\n{}",
            e.code(),
            describe(&case, &text)
        )),
    }
}
