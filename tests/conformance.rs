//! Runs every case of the conformance corpus (tests/corpus) through the Rust engine and
//! compares the exact result. The Python and JavaScript suites run the same files.
//!
//! Everything here runs on small stacks: each case on a thread spawned with 1 MiB and the
//! evaluator's parallel part on a rayon pool of 1 MiB threads, in debug as in release builds.
//! A host may embed the engine in a debug build or call it from such a thread (Rust spawns
//! threads with 2 MiB; Node workers and some Python hosts give less); the documented plan
//! limits (docs/language.md §14) must hold there, so the corpus, the limit cases and every
//! kind of nesting at the limit are checked that way (a stack overflow aborts the run).

use commissio::{CompiledPlan, Error, Inputs, LineIndex};
use commissio_conformance::{
    canonical_json, cases, determinism_dir, evaluate, expected, outcome, outcome_of, Case,
};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

/// Stack of every thread the tests run the engine on.
const SMALL_STACK: usize = 1 << 20;

/// Runs `f` on a new thread with a [`SMALL_STACK`] stack, the global rayon pool (which the
/// evaluator uses) having threads of the same size.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    static POOL: OnceLock<Result<(), String>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(SMALL_STACK)
            .build_global()
            .map_err(|e| e.to_string())
    });
    assert_eq!(pool, &Ok(()), "the rayon pool of 1 MiB threads");
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn corpus() {
    let cases = cases();
    let count = cases.len();
    assert!(count >= 50, "expected the full corpus, found {count} cases");
    // The canonical JSON of every case, for the determinism check of scripts/test.sh, which
    // compares it byte for byte with what the Python and JavaScript packages write.
    let out = determinism_dir("rust");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let (name, json, mut got, want, replay) = on_small_stack(move || {
            let result = evaluate(&case);
            let json = canonical_json(&case, &result);
            // Every line's trace replays to its amount (`Results::verify_traces`).
            let replay = match &result {
                Ok(r) => match r.verify_traces() {
                    Ok(n) if n == r.line_count() => None,
                    Ok(n) => Some(format!("{n} of {} lines have a trace", r.line_count())),
                    Err(m) => Some(m.to_string()),
                },
                Err(_) => None,
            };
            (
                case.name.clone(),
                json,
                outcome_of(&case, &result),
                expected(&case),
                replay,
            )
        });
        if let Some(m) = replay {
            failures.push(format!("{name}: trace replay: {m}"));
        }
        std::fs::write(out.join(format!("{name}.json")), json).unwrap();
        // A data error case may leave out `field`; compare the keys it states.
        if let (Some(g), Some(w)) = (got.get_mut("data_error"), want.get("data_error")) {
            if w.get("field").is_none() {
                if let Some(o) = g.as_object_mut() {
                    o.remove("field");
                }
            }
        }
        if got != want {
            failures.push(format!(
                "{name}:\n  want {}\n  got  {}",
                serde_json::to_string(&want).unwrap_or_default(),
                serde_json::to_string(&got).unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---- the limit cases, every stage ----------------------------------------------------------

/// The plan error of a compile, as (code, line, column, message).
fn plan_error(source: &str, e: &Error) -> Failure {
    match e {
        Error::Plan(d) => {
            let p = LineIndex::new(source).position(d[0].primary.span.start as usize);
            (
                d[0].code.to_string(),
                p.line,
                p.column,
                d[0].message.clone(),
            )
        }
        other => panic!("expected a plan error, got {other}"),
    }
}

/// What the limit cases 090-100 give on a 1 MiB thread: each plan within the limits compiles,
/// formats (idempotently, to a plan with the same results), serialises, evaluates to the exact
/// lines of its case and explains them; each one beyond gives the exact error (code, line and
/// column from its case, message here), from the formatter too.
#[test]
fn limit_cases_hold_on_a_1_mib_thread() {
    let limit_cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.name.contains("-limit-"))
        .collect();
    let names: Vec<&str> = limit_cases.iter().map(|c| &c.name[..3]).collect();
    assert_eq!(
        names,
        ["090", "091", "092", "093", "094", "095", "096", "097", "098", "099", "100"]
    );
    for case in limit_cases {
        let name = case.name.clone();
        let (got, want, errors) = on_small_stack(move || stages(&case));
        assert_eq!(got, want, "{name}");
        assert_eq!(errors, Vec::<String>::new(), "{name}");
    }
    // The messages of the cases one beyond a plan limit, exactly.
    let messages: Vec<(String, String)> = cases()
        .into_iter()
        .filter(|c| ["091", "093", "095", "097"].contains(&&c.name[..3]))
        .map(|c| {
            on_small_stack(move || match CompiledPlan::compile(&c.plan) {
                Err(Error::Plan(d)) => (d[0].code.to_string(), d[0].message.clone()),
                Err(other) => panic!("{}: expected a plan error, got {other}", c.name),
                Ok(_) => panic!("{}: a plan beyond a limit compiled", c.name),
            })
        })
        .collect();
    let want = [
        ("E0003", "nesting is deeper than the limit of 64 levels"),
        ("E0003", "this statement has more than 256 operators"),
        ("E0008", "the tier table has more than 1000 rows"),
        ("E0009", "the plan has more than 256 components"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(c, m)| (c.to_string(), m.to_string()))
        .collect();
    assert_eq!(messages, want);
}

/// Every stage of one case: (what it gave, what its case states, stage failures).
fn stages(case: &Case) -> (Value, Value, Vec<String>) {
    let mut errors = Vec::new();
    let result = evaluate(case);
    let got = outcome_of(case, &result);
    let want = expected(case);
    let Ok(results) = result else {
        // Beyond a limit: the formatter refuses a plan beyond a parse limit with the same
        // error; one beyond a checker limit (tier rows, components) it formats, to a plan the
        // checker refuses the same way.
        let code = |e: Result<CompiledPlan, Error>| match e {
            Err(Error::Plan(d)) => Some((d[0].code, d[0].message.clone())),
            _ => None,
        };
        let compiled = code(CompiledPlan::compile(&case.plan));
        let formatted = match commissio::dsl::format(&case.plan) {
            Err(d) => Some((d[0].code, d[0].message.clone())),
            Ok(text) => code(CompiledPlan::compile(&text)),
        };
        if compiled.is_none() || compiled != formatted {
            errors.push(format!("compile gave {compiled:?}, format {formatted:?}"));
        }
        return (got, want, errors);
    };
    let plan = match CompiledPlan::compile(&case.plan) {
        Ok(p) => p,
        Err(e) => return (got, want, vec![format!("compile: {e}")]),
    };
    // Format: idempotent, and the formatted plan pays the same.
    match plan.format() {
        Ok(text) => {
            match commissio::dsl::format(&text) {
                Ok(again) if again == text => {}
                _ => errors.push("format is not idempotent".into()),
            }
            let formatted = Case {
                name: case.name.clone(),
                plan: text,
                spec: case.spec.clone(),
            };
            let again = evaluate(&formatted).map(|r| outcome(&r));
            if again.as_ref().ok() != Some(&outcome(&results)) {
                errors.push("the formatted plan pays differently".into());
            }
        }
        Err(e) => errors.push(format!("format: {e}")),
    }
    // Serialisation of the typed plan and of the results.
    match serde_json::to_string(&plan.plan) {
        Ok(s) if s.contains(&format!("{:?}", plan.plan.versions[0].name)) => {}
        _ => errors.push("the plan does not serialise".into()),
    }
    if results.to_json().is_err() {
        errors.push("the results do not serialise".into());
    }
    // Plain-language explanations of the first payee.
    if let Some(payee) = results.payee_ids.first().cloned() {
        if plan.explain(&results, &payee, None).is_none()
            || plan.statement(&results, &payee).is_none()
        {
            errors.push(format!("no explanation for {payee}"));
        }
    }
    (got, want, errors)
}

// ---- every kind of nesting at the limit ----------------------------------------------------
//
// A plan with one deep expression in one place (a slot), built from wrappers that each keep
// the value they wrap: brackets, `if`s on either branch, calls, unary minus and `not` in pairs,
// and left- and right-nested operator chains. Where the limits fall is computed here from the
// wrappers' own structure (which of their bytes open a level, which are operators), not by
// scanning the text, so the position of the error one beyond a limit is known independently.

const MAX_DEPTH: usize = 64;
const MAX_OPERATORS: usize = 256;

/// Where the deep expression goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    /// `rate R`, a percent (base `3%`), inside the plan's and the component's braces.
    Rate,
    /// `measure f = F`, a number (base `1`) read by `multiply by f`, inside the plan's brace.
    Measure,
    /// `eligible when E`, a condition (base `deal.won`).
    Eligible,
    /// `multiply by 2 when M`, a condition (base `deal.won`).
    MultiplyWhen,
    /// `rate if C then 3% else 1%`: a condition inside the rate's `if`.
    IfCondition,
}

const SLOTS: [Slot; 5] = [
    Slot::Rate,
    Slot::Measure,
    Slot::Eligible,
    Slot::MultiplyWhen,
    Slot::IfCondition,
];

impl Slot {
    fn is_condition(self) -> bool {
        !matches!(self, Slot::Rate | Slot::Measure)
    }
    /// Levels open around the slot: the plan's brace, the component's, the rate's `if`.
    fn enclosing(self) -> usize {
        match self {
            Slot::Measure => 1,
            Slot::IfCondition => 3,
            _ => 2,
        }
    }
    fn base(self) -> &'static str {
        match self {
            Slot::Rate => "3%",
            Slot::Measure => "1",
            _ => "deal.won",
        }
    }
    /// Lines (component, deal, amount) of the plan, whatever the wrappers: D1 (won, 1,000.00)
    /// and D2 (not won, 200.00) at 3%, times 2 when won; `eligible when deal.won` leaves D2
    /// out; `if deal.won then 3% else 1%` pays D2 1%.
    fn lines(self) -> Vec<Line> {
        let line = |d: &str, a: &str| ("c".to_string(), d.to_string(), a.to_string());
        match self {
            // 1000.00 x 3% x 2 = 60.00; 200.00 x 3% = 6.00.
            Slot::Rate | Slot::Measure | Slot::MultiplyWhen => {
                vec![line("D1", "60.00"), line("D2", "6.00")]
            }
            Slot::Eligible => vec![line("D1", "60.00")],
            // 200.00 x 1% = 2.00.
            Slot::IfCondition => vec![line("D1", "60.00"), line("D2", "2.00")],
        }
    }
    /// The plan text with `expr` in this slot, and the byte offset where `expr` starts.
    fn plan(self, expr: &str) -> (String, usize) {
        let pick = |s: Slot, default: &str| {
            if s == self {
                "\u{1}".to_string()
            } else {
                default.to_string()
            }
        };
        let rate = if self == Slot::IfCondition {
            "if \u{1} then 3% else 1%".to_string()
        } else {
            pick(Slot::Rate, "3%")
        };
        let text = format!(
            "plan \"Nesting\" {{
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {{ amount: money, units: integer, won: bool }}

  measure f = {}
  component c {{
    commission on credit.amount
    rate {rate}
    multiply by f
    multiply by 2 when {}
    eligible when {}
  }}
}}
",
            pick(Slot::Measure, "1"),
            pick(Slot::MultiplyWhen, "deal.won"),
            pick(Slot::Eligible, "deal.units >= 1"),
        );
        let at = text.find('\u{1}').unwrap_or(0);
        (text.replacen('\u{1}', expr, 1), at)
    }
}

/// A wrapper around an expression that keeps its value: `pre` + inner + `post`.
#[derive(Debug, Clone)]
struct Wrap {
    pre: String,
    post: String,
    /// Offsets in `pre` of the bytes that open a nesting level (a bracket or an `if`).
    opens: Vec<usize>,
    /// Offsets in `pre` and in `post` of the operators.
    pre_ops: Vec<usize>,
    post_ops: Vec<usize>,
}

fn wrap(pre: &str, post: &str, opens: &[usize], pre_ops: &[usize], post_ops: &[usize]) -> Wrap {
    Wrap {
        pre: pre.into(),
        post: post.into(),
        opens: opens.into(),
        pre_ops: pre_ops.into(),
        post_ops: post_ops.into(),
    }
}

/// Every wrapper a slot's expression can take, named.
fn kinds(slot: Slot) -> Vec<(&'static str, Wrap)> {
    if slot.is_condition() {
        return vec![
            ("brackets", wrap("(", ")", &[0], &[], &[])),
            ("not not", wrap("not not ", "", &[], &[0, 4], &[])),
            ("and chain", wrap("", " and true", &[], &[], &[1])),
            ("or chain", wrap("", " or false", &[], &[], &[1])),
            (
                "if, then branch",
                wrap("if deal.units >= 1 then ", " else false", &[0], &[], &[]),
            ),
            (
                "if, else branch",
                wrap("if deal.units < 1 then false else ", "", &[0], &[], &[]),
            ),
        ];
    }
    // A measure reads no deal, so its `if`s test constants.
    let (yes, no, zero, hundred) = if slot == Slot::Measure {
        ("true", "false", "0", "100")
    } else {
        ("deal.units >= 1", "deal.units < 1", "0%", "100%")
    };
    vec![
        ("brackets", wrap("(", ")", &[0], &[], &[])),
        ("unary minus", wrap("- - ", "", &[], &[0, 2], &[])),
        (
            "if, then branch",
            wrap(
                &format!("if {yes} then "),
                &format!(" else {zero}"),
                &[0],
                &[],
                &[],
            ),
        ),
        (
            "if, else branch",
            wrap(&format!("if {no} then {zero} else "), "", &[0], &[], &[]),
        ),
        ("max", wrap(&format!("max({zero}, "), ")", &[3], &[], &[])),
        (
            "min",
            wrap(&format!("min({hundred}, "), ")", &[3], &[], &[]),
        ),
        ("abs", wrap("abs(", ")", &[3], &[], &[])),
        ("round", wrap("round(", ", 4, half_even)", &[5], &[], &[])),
        (
            "clamp",
            wrap("clamp(", &format!(", {zero}, {hundred})"), &[5], &[], &[]),
        ),
        ("+ chain", wrap("", &format!(" + {zero}"), &[], &[], &[1])),
        ("- chain", wrap("", &format!(" - {zero}"), &[], &[], &[1])),
        ("* chain", wrap("", " * 1", &[], &[], &[1])),
        ("/ chain", wrap("", " / 1", &[], &[], &[1])),
        ("1 * on the left", wrap("1 * ", "", &[], &[2], &[])),
    ]
}

/// The expression of `wraps` (outermost first) around the slot's base.
fn build(slot: Slot, wraps: &[&Wrap]) -> String {
    let mut s: String = wraps.iter().map(|w| w.pre.as_str()).collect();
    s.push_str(slot.base());
    wraps.iter().rev().for_each(|w| s.push_str(&w.post));
    s
}

/// The first byte of the expression beyond a limit, and which: walks the wrappers' levels
/// and operators in text order (every `pre` comes before the base and every `post`).
fn first_beyond(slot: Slot, wraps: &[&Wrap]) -> Option<(usize, &'static str)> {
    let (mut depth, mut ops, mut at) = (slot.enclosing(), 0, 0);
    for w in wraps {
        let mut events: Vec<(usize, bool)> = w.opens.iter().map(|&o| (o, true)).collect();
        events.extend(w.pre_ops.iter().map(|&o| (o, false)));
        events.sort_unstable();
        for (o, open) in events {
            if open {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((at + o, "nesting is deeper than the limit of 64 levels"));
                }
            } else {
                ops += 1;
                if ops > MAX_OPERATORS {
                    return Some((at + o, "this statement has more than 256 operators"));
                }
            }
        }
        at += w.pre.len();
    }
    at += slot.base().len();
    for w in wraps.iter().rev() {
        for &o in &w.post_ops {
            ops += 1;
            if ops > MAX_OPERATORS {
                return Some((at + o, "this statement has more than 256 operators"));
            }
        }
        at += w.post.len();
    }
    None
}

/// 1-based line and byte column of an offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = offset - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line as u32, column as u32)
}

/// A line as (component, deal, amount).
type Line = (String, String, String);

/// An error as (code, line, column, message).
type Failure = (String, u32, u32, String);

/// The lines of a plan over D1 and D2, sorted, or the plan error.
fn pay(text: &str) -> Result<Vec<Line>, Failure> {
    let plan = CompiledPlan::compile(text).map_err(|e| plan_error(text, &e))?;
    let inputs = Inputs::from_json(
        r#"[{ "id": "A" }]"#,
        r#"[{ "id": "D1", "payee": "A", "date": "2026-01-10", "amount": "1000.00", "units": "1", "won": true },
            { "id": "D2", "payee": "A", "date": "2026-02-10", "amount": "200.00", "units": "2", "won": false }]"#,
        None,
        None,
    )
    .map_err(|e| ("data".into(), 0, 0, e.to_string()))?;
    let results = plan
        .evaluate(&inputs, "2026-Q1")
        .map_err(|e| ("eval".into(), 0, 0, e.to_string()))?;
    let mut lines: Vec<Line> = results
        .lines()
        .map(|l| {
            let v = results.view(&l);
            (
                v.component.to_string(),
                v.deal.unwrap_or_default().to_string(),
                v.amount.to_string(),
            )
        })
        .collect();
    lines.sort();
    Ok(lines)
}

/// Checks one deep plan on a 1 MiB thread: within the limits it compiles, evaluates to the
/// slot's lines, formats idempotently to a plan that pays the same; beyond them it gives the
/// exact error, from the compiler and the formatter alike. Returns what differs.
fn check_nesting(slot: Slot, wraps: Vec<Wrap>) -> Vec<String> {
    on_small_stack(move || {
        let refs: Vec<&Wrap> = wraps.iter().collect();
        let expr = build(slot, &refs);
        let (text, at) = slot.plan(&expr);
        let mut bad = Vec::new();
        if let Some((offset, message)) = first_beyond(slot, &refs) {
            let (line, column) = line_column(&text, at + offset);
            let want = Err(("E0003".to_string(), line, column, message.to_string()));
            let got = pay(&text);
            if got != want {
                bad.push(format!("{slot:?}: want {want:?}, got {got:?}"));
            }
            match commissio::dsl::format(&text) {
                Err(d) if d[0].code == "E0003" && d[0].message == message => {}
                other => bad.push(format!("{slot:?}: format gave {:?}", other.err())),
            }
            return bad;
        }
        let want = Ok(slot.lines());
        let got = pay(&text);
        if got != want {
            bad.push(format!("{slot:?}: want {want:?}, got {got:?}"));
        }
        match commissio::dsl::format(&text) {
            Ok(formatted) => {
                if pay(&formatted) != want {
                    bad.push(format!("{slot:?}: the formatted plan pays differently"));
                }
                if commissio::dsl::format(&formatted).as_ref() != Ok(&formatted) {
                    bad.push(format!("{slot:?}: format is not idempotent"));
                }
            }
            Err(d) => bad.push(format!("{slot:?}: format refused it: {}", d[0].message)),
        }
        bad
    })
}

/// How many of `w` fill a slot to its limit: its levels to the depth left, else its
/// operators to the operator limit.
fn fill(slot: Slot, w: &Wrap) -> usize {
    if !w.opens.is_empty() {
        (MAX_DEPTH - slot.enclosing()) / w.opens.len()
    } else {
        MAX_OPERATORS / (w.pre_ops.len() + w.post_ops.len())
    }
}

/// Each kind of nesting, alone, in each slot: at its limit it compiles, formats and
/// evaluates on a 1 MiB thread; one more gives the exact E0003.
#[test]
fn every_kind_of_nesting_at_the_limit_holds_on_a_1_mib_thread() {
    let mut bad = Vec::new();
    let mut count = 0;
    for slot in SLOTS {
        for (name, w) in kinds(slot) {
            let n = fill(slot, &w);
            for extra in [0, 1] {
                let wraps = vec![w.clone(); n + extra];
                let refs: Vec<&Wrap> = wraps.iter().collect();
                // The fill is exact: at the limit nothing is beyond it, one more is.
                assert_eq!(first_beyond(slot, &refs).is_some(), extra == 1, "{name}");
                bad.extend(
                    check_nesting(slot, wraps)
                        .into_iter()
                        .map(|b| format!("{name} x {}: {b}", n + extra)),
                );
                count += 1;
            }
        }
    }
    assert_eq!(count, 2 * (2 * 14 + 3 * 6));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random mixes of every kind of nesting, filled towards both limits at once (wrappers
    /// that would pass a limit are left out): each compiles, formats and evaluates on a
    /// 1 MiB thread to the slot's lines.
    #[test]
    fn mixed_nesting_within_the_limits_holds_on_a_1_mib_thread(
        slot in 0..SLOTS.len(),
        picks in proptest::collection::vec(0usize..14, 0..400),
    ) {
        let slot = SLOTS[slot];
        let kinds = kinds(slot);
        let mut wraps: Vec<Wrap> = Vec::new();
        for p in picks {
            let (_, w) = &kinds[p % kinds.len()];
            wraps.push(w.clone());
            let refs: Vec<&Wrap> = wraps.iter().collect();
            if first_beyond(slot, &refs).is_some() {
                wraps.pop();
            }
        }
        let bad = check_nesting(slot, wraps);
        prop_assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}

// ---- host-number markers -------------------------------------------------------------------

/// A host-number marker (tests/corpus/README.md) gives the facade's cell, and a text the hosts
/// would read differently (Python `float("2.0")` is refused, JavaScript `Number("2.0")` is the
/// safe integer 2) is refused by the runner, so no case can pass in one runner only.
#[test]
fn host_number_markers_are_the_facade_rule_and_portable() {
    use commissio::host::{number_cell, MAX_SAFE_INTEGER};
    use commissio::Cell;
    use commissio_conformance::number_marker_cell;
    assert_eq!(number_marker_cell("12345"), Ok(Cell::Integer(12345)));
    assert_eq!(number_marker_cell("-7"), Ok(Cell::Integer(-7)));
    assert_eq!(
        number_marker_cell("9007199254740991"),
        Ok(Cell::Integer(MAX_SAFE_INTEGER))
    );
    assert_eq!(number_marker_cell("0.1"), Ok(number_cell(0.1)));
    assert!(matches!(number_marker_cell("-2.5"), Ok(Cell::Refused(_))));
    for text in [
        "2.0",
        "1e3",
        "9007199254740992",
        "-9007199254740992",
        "+1",
        ".5",
        "1.",
        "NaN",
        "Infinity",
        "",
    ] {
        assert!(number_marker_cell(text).is_err(), "{text:?}");
    }
}
