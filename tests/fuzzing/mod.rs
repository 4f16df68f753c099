//! Fuzz harness shared by the cargo-fuzz targets (fuzz/fuzz_targets) and ordinary
//! `cargo test` (tests/fuzz_regressions.rs replays every saved input through these checks).
//!
//! Every target is one function from bytes to `Ok(())` or `Err(description)`; a fuzz target
//! panics on `Err`, the replay test asserts `Ok`.
//!
//! - [`check_parse`]: any text parses and checks without panicking, and every diagnostic has a
//!   documented code other than `E0005` (internal error).
//! - [`check_format_roundtrip`]: formatting is idempotent and keeps the plan's meaning (the
//!   same lowered plan, the same results on a sample dataset).
//! - [`check_eval_reference`]: a generated plan and data, evaluated by the engine and by the
//!   naive reference of [`mod@reference`], give the same lines and totals, exactly: as the same
//!   strings, scale included, wherever the docs fix an amount's text (see `exact`).
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
use commissio::{CompiledPlan, Error, Inputs, Results};
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

/// Formatting is idempotent and keeps the plan's meaning: the formatted text checks exactly
/// when the original does, and when both check, they lower to the same plan (source positions
/// aside) and pay the same on a sample dataset ([`sample_outcome`]).
pub fn check_format_roundtrip(data: &[u8]) -> Result<(), String> {
    check_format_roundtrip_with(data, |t| commissio::dsl::format(t).ok())
}

/// [`check_format_roundtrip`] with the formatter passed in (`None` = the text is refused), so a
/// test can show the check catches a formatter that changes a plan's meaning.
pub fn check_format_roundtrip_with(
    data: &[u8],
    format: impl Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Some(once) = format(text) else {
        return Ok(());
    };
    let twice = format(&once).unwrap_or_default();
    if once != twice {
        return Err(format!(
            "format is not idempotent:\n--- once\n{once}\n--- twice\n{twice}"
        ));
    }
    let (a, b) = match (
        commissio::dsl::compile(text),
        commissio::dsl::compile(&once),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(_), Err(_)) => return Ok(()),
        _ => {
            return Err(format!(
                "formatting changed whether the plan checks:\n--- before\n{text}\n--- after\n{once}"
            ))
        }
    };
    if without_sources(&a) != without_sources(&b) {
        return Err(format!(
            "formatting changed the compiled plan:\n--- before\n{text}\n--- after\n{once}\n--- plan before\n{}\n--- plan after\n{}",
            without_sources(&a),
            without_sources(&b)
        ));
    }
    let (ra, rb) = (sample_outcome(text), sample_outcome(&once));
    if ra != rb {
        return Err(format!(
            "formatting changed what the plan pays on the sample dataset:\n--- before\n{text}\n--- after\n{once}\n--- results before\n{ra}\n--- results after\n{rb}"
        ));
    }
    Ok(())
}

/// One CSV field, always quoted (column names may hold commas or quotes).
fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A sample value of a declared field; `i` varies it between rows.
fn sample_value(ty: commissio::core::plan::FieldType, i: usize, date: &str) -> String {
    use commissio::core::plan::FieldType as T;
    match ty {
        // Whole amounts: valid in every currency, whatever its minor units.
        T::Money => ["1200", "34000", "560"][i % 3].to_string(),
        T::Number => ["1.5", "0.25", "7"][i % 3].to_string(),
        T::Percent => ["30%", "0.05", "100%"][i % 3].to_string(),
        T::Integer => ["3", "1", "12"][i % 3].to_string(),
        T::Date => date.to_string(),
        T::Text => ["a", "b", "a"][i % 3].to_string(),
        T::Bool => ["true", "false", "true"][i % 3].to_string(),
    }
}

/// What a plan pays on a small fixed dataset filled from its input schema, for the first
/// period of its first version: the canonical JSON of the results, or the error code. Two
/// payees (`B` manages `A`), three deals, one quota each; `"no plan"` when it does not check.
pub fn sample_outcome(text: &str) -> String {
    use commissio::core::period::Period;
    let plan = match CompiledPlan::compile(text) {
        Ok(p) => p,
        Err(e) => return format!("no plan: {}", e.code()),
    };
    let Some(v) = plan.plan.versions.first() else {
        return "no version".to_string();
    };
    let period = Period::containing(
        v.effective.start,
        v.calendar.grain,
        v.calendar.fiscal_year_start_month,
    );
    let label = period.label();
    let day = |n: i64| {
        let first = period.range().start.max(v.effective.start);
        first
            .add_days(n)
            .filter(|d| period.range().contains(*d))
            .unwrap_or(first)
            .to_string()
    };
    let row = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
            + "\n"
    };
    let ps = &v.schema.payee;
    let mut head = vec![
        ps.builtin_column("id").to_string(),
        ps.builtin_column("manager").to_string(),
    ];
    head.extend(ps.fields.iter().map(|f| f.column.clone()));
    let mut payees = row(head);
    for (i, (id, manager)) in [("A", "B"), ("B", "")].into_iter().enumerate() {
        let mut cells = vec![id.to_string(), manager.to_string()];
        cells.extend(ps.fields.iter().map(|f| sample_value(f.ty, i, &day(0))));
        payees.push_str(&row(cells));
    }
    let ds = &v.schema.deal;
    let mut head = vec![
        ds.builtin_column("id").to_string(),
        ds.builtin_column("payee").to_string(),
        ds.builtin_column("date").to_string(),
    ];
    head.extend(ds.fields.iter().map(|f| f.column.clone()));
    let mut deals = row(head);
    for (i, owner) in ["A", "B", "A"].into_iter().enumerate() {
        let date = day(1 + 20 * i as i64);
        let mut cells = vec![format!("D{i}"), owner.to_string(), date.clone()];
        cells.extend(ds.fields.iter().map(|f| sample_value(f.ty, i, &date)));
        deals.push_str(&row(cells));
    }
    let quotas = format!("payee,period,amount\nA,{label},10000\nB,{label},50000\n");
    let inputs = match Inputs::from_csv(&payees, &deals, None, Some(&quotas)) {
        Ok(i) => i,
        Err(e) => return format!("data error: {e}"),
    };
    match plan.evaluate(&inputs, &label) {
        Ok(r) => match r.to_json().map(|j| serde_json::from_str(&j)) {
            Ok(Ok(mut json)) => {
                drop_source_refs(&mut json);
                json.to_string()
            }
            Ok(Err(e)) | Err(e) => format!("unserialisable: {e}"),
        },
        Err(e) => format!("error {}", e.code()),
    }
}

/// Results name plan byte ranges (`{"start":..,"end":..}`, e.g. a team commission's source),
/// which formatting moves; blank them so only what is paid and why is compared.
fn drop_source_refs(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            if m.len() == 2
                && m.get("start").is_some_and(|x| x.is_u64())
                && m.get("end").is_some_and(|x| x.is_u64())
            {
                *v = serde_json::Value::Null;
            } else {
                m.values_mut().for_each(drop_source_refs);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_source_refs),
        _ => {}
    }
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

/// A line as (component, deal, amount text).
type TextLine<'a> = (&'a str, Option<&'a str>, String);

/// A payee-period's lines and total as text. With `rounding ... per line` the docs fix the
/// text of every amount that the plan's scale can hold (§7.1: shown at that scale whenever it
/// loses no digit; totals are sums of such lines), so those compare as exact strings and a
/// wrong scale (`5000.0000` for `5000.00`) is a difference. The docs fix no scale for the
/// rest: an amount a cap or floor with more decimals than the plan leaves between rounding
/// steps (and a total with such a line), and every line at the `component` and `payout` stages, which keep full precision
/// (its scale depends on how a product was formed); those compare by value.
fn exact(x: &(Vec<RefLine>, Decimal), stage: Stage, scale: u32) -> (Vec<TextLine<'_>>, String) {
    let held = |d: Decimal| stage == Stage::Line && d.round_dp(scale) == d;
    let text = |d: Decimal, exact: bool| {
        if exact {
            d.to_string()
        } else {
            format!("{} (by value)", d.normalize())
        }
    };
    // The total's text is fixed when every line's is.
    let total_exact = held(x.1) && x.0.iter().all(|l| held(l.amount));
    (
        x.0.iter()
            .map(|l| {
                let t = text(l.amount, held(l.amount));
                (l.component.as_str(), l.deal.as_deref(), t)
            })
            .collect(),
        text(x.1, total_exact),
    )
}

/// The first difference between engine and reference results, if any.
fn diff(got: &Grouped, want: &Grouped, stage: Stage, scale: u32) -> Option<String> {
    let keys: std::collections::BTreeSet<&(String, String)> =
        got.keys().chain(want.keys()).collect();
    for key in keys {
        match (got.get(key), want.get(key)) {
            (Some(g), Some(w)) if exact(g, stage, scale) == exact(w, stage, scale) => {}
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

/// Engine and naive reference agree on a generated case, and on the same case with some tier
/// tables turned into interpolated tables (drawn from a second byte stream derived from the
/// input, so the first case of every saved input is the one it was saved for).
pub fn check_eval_reference(data: &[u8]) -> Result<(), String> {
    let mut u = Unstructured::new(data);
    let case = Gen::new(&mut u, false).case();
    check_case(&case)?;
    let side = side_bytes(data);
    let mut curved = case;
    if Gen::new(&mut Unstructured::new(&side), false).curves(&mut curved.plan) {
        check_case(&curved)?;
    }
    Ok(())
}

/// 512 bytes derived from `data` (FNV-1a, then xorshift): a second stream for the generator.
pub fn side_bytes(data: &[u8]) -> Vec<u8> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut x = h | 1;
    (0..512)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Engine and naive reference agree on one case.
fn check_case(case: &model::Case) -> Result<(), String> {
    let case = case.clone();
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
            if let Some(d) = diff(&got, &want, case.plan.stage, case.plan.scale) {
                return Err(format!(
                    "engine and reference differ\n{d}{}",
                    describe(&case, &text)
                ));
            }
            if case.plan.stage == Stage::Line {
                check_line_scale(&r, case.plan.scale)
                    .map_err(|e| format!("{e}\n{}", describe(&case, &text)))?;
            }
            // Every line's trace replays to its amount.
            r.verify_traces()
                .map_err(|m| format!("a trace does not replay: {m}\n{}", describe(&case, &text)))?;
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
            // Extreme values included, every line's trace replays to its amount.
            r.verify_traces()
                .map_err(|m| format!("a trace does not replay: {m}\n{}", describe(&case, &text)))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLES: [(&str, &str); 7] = [
        (
            "ae_quota_tiers",
            include_str!("../../examples/ae_quota_tiers.comp"),
        ),
        (
            "channel_partner_margin",
            include_str!("../../examples/channel_partner_margin.comp"),
        ),
        (
            "manager_override",
            include_str!("../../examples/manager_override.comp"),
        ),
        (
            "new_hire_ramp",
            include_str!("../../examples/new_hire_ramp.comp"),
        ),
        (
            "sdr_meetings",
            include_str!("../../examples/sdr_meetings.comp"),
        ),
        (
            "smb_ae_versions",
            include_str!("../../examples/smb_ae_versions.comp"),
        ),
        (
            "w1_reference",
            include_str!("../../examples/w1_reference.comp"),
        ),
    ];

    /// The real formatter passes on every example, and the sample dataset is not vacuous:
    /// each example evaluates on it (no error) and most pay something.
    #[test]
    fn every_example_keeps_its_meaning_and_the_sample_pays() {
        let mut paying = 0;
        for (name, text) in EXAMPLES {
            assert_eq!(check_format_roundtrip(text.as_bytes()), Ok(()), "{name}");
            let out = sample_outcome(text);
            let json: serde_json::Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}: {out}"));
            let totals = json["totals"].as_array().cloned().unwrap_or_default();
            if totals.iter().any(|t| {
                t["amount"]
                    .as_str()
                    .and_then(|a| a.parse::<Decimal>().ok())
                    .is_some_and(|a| !a.is_zero())
            }) {
                paying += 1;
            }
        }
        assert!(paying >= 5, "only {paying} of 7 examples pay on the sample");
    }

    /// A "formatter" that changes one literal after formatting: the plans differ.
    #[test]
    fn a_formatter_that_changes_a_literal_is_caught() {
        let text = EXAMPLES[0].1;
        // The only "8%" is the second band's rate; formatting again keeps the change, so the
        // bad formatter is idempotent and only the plan comparison can catch it.
        assert_eq!(text.matches("8%").count(), 1);
        let err = check_format_roundtrip_with(text.as_bytes(), |t| {
            commissio::dsl::format(t)
                .ok()
                .map(|f| f.replacen("8%", "9%", 1))
        })
        .expect_err("a changed rate must be reported");
        assert!(
            err.starts_with("formatting changed the compiled plan:"),
            "{err}"
        );
    }

    /// A "formatter" that drops a component also fails, as a changed plan.
    #[test]
    fn a_formatter_that_drops_a_component_is_caught() {
        let text = EXAMPLES[0].1;
        let drop_kicker = |t: &str| {
            let f = commissio::dsl::format(t).ok()?;
            // With the blank line before it, so formatting the result again changes nothing.
            let Some(start) = f.find("\n  component kicker {") else {
                return Some(f);
            };
            let end = start + f[start..].find("\n  }\n")? + 5;
            Some(format!("{}{}", &f[..start], &f[end..]))
        };
        let err = check_format_roundtrip_with(text.as_bytes(), drop_kicker)
            .expect_err("a dropped component must be reported");
        assert!(
            err.starts_with("formatting changed the compiled plan:"),
            "{err}"
        );
    }

    /// Team commission traces name plan byte ranges; moving the text (as formatting does) must
    /// not count as a change of meaning.
    #[test]
    fn moved_text_is_not_a_change_of_meaning() {
        let text = include_str!("../corpus/058-team-commission-direct/plan.comp");
        let moved = format!("# a comment that moves every byte\n{text}");
        let out = sample_outcome(text);
        // The team commission's source was there, and blanked.
        assert!(out.contains("\"source\":null"), "{out}");
        assert_eq!(out, sample_outcome(&moved));
        assert_eq!(check_format_roundtrip(text.as_bytes()), Ok(()));
    }

    /// Engine and reference results compare as exact text where the docs fix it: a line of
    /// `5000.0000` where the reference says `5000.00` differs under `per line` rounding, and
    /// only by value under `per payout`.
    #[test]
    fn the_reference_comparison_sees_a_wrong_scale() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let one = |amount: &str| {
            let line = RefLine {
                component: "c0".into(),
                deal: Some("1".into()),
                amount: d(amount),
            };
            let mut g = Grouped::new();
            g.insert(("A".into(), "2026-Q1".into()), (vec![line], d(amount)));
            g
        };
        let (got, want) = (one("5000.0000"), one("5000.00"));
        let err = diff(&got, &want, Stage::Line, 2).unwrap_or_default();
        assert!(
            err.contains("5000.0000") && err.contains("5000.00\n"),
            "{err}"
        );
        assert_eq!(diff(&got, &want, Stage::Payout, 2), None);
        assert_eq!(diff(&want, &want, Stage::Line, 2), None);
        // An amount the plan's scale cannot hold compares by value.
        assert_eq!(diff(&one("321.80"), &one("321.8"), Stage::Line, 0), None);
        assert!(diff(&one("321.80"), &one("321.9"), Stage::Line, 0).is_some());
    }

    /// The generator draws interpolated tables of every kind, and the engine agrees with the
    /// reference on them (the replay test runs the same check on more inputs).
    #[test]
    fn interpolated_tables_are_generated_and_agree() {
        let mut kinds = std::collections::BTreeMap::new();
        for seed in 0..400u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let data: Vec<u8> = (0..2048)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            let mut case = Gen::new(&mut Unstructured::new(&data), false).case();
            let side = side_bytes(&data);
            Gen::new(&mut Unstructured::new(&side), false).curves(&mut case.plan);
            let curves: Vec<(bool, bool)> = case
                .plan
                .comps
                .iter()
                .filter_map(|c| match &c.rate {
                    model::Rate::Curve(k) => Some((k.money, k.per_deal)),
                    _ => None,
                })
                .collect();
            if curves.is_empty() {
                continue;
            }
            assert_eq!(check_eval_reference(&data), Ok(()), "seed {seed}");
            for k in curves {
                *kinds.entry(k).or_insert(0) += 1;
            }
        }
        // (money, per deal): rate at period end, rate per deal, pay curve, money per deal.
        for k in [(false, false), (false, true), (true, false), (true, true)] {
            assert!(kinds.get(&k).copied().unwrap_or(0) >= 5, "{k:?}: {kinds:?}");
        }
    }

    /// The sample comparison on its own tells apart two plans that differ in one rate.
    #[test]
    fn the_sample_outcome_sees_a_changed_rate() {
        let text = EXAMPLES[0].1;
        let changed = text.replacen("[0%,   50%)  2%", "[0%,   50%)  3%", 1);
        assert_ne!(changed, text);
        assert_ne!(sample_outcome(text), sample_outcome(&changed));
    }
}
