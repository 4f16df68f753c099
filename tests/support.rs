//! Reading conformance cases (tests/corpus/README.md) and running them through the Rust engine.
#![allow(clippy::result_large_err)]

pub mod fuzzing;
#[path = "program_support.rs"]
pub mod programs;
use commissio::{CompiledPlan, Error, Inputs, LineIndex, Results};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// One case folder.
pub struct Case {
    /// Folder name, e.g. `001-p01-graduated`.
    pub name: String,
    /// Plan text.
    pub plan: String,
    /// Parsed case.json.
    pub spec: Value,
}

/// Every case folder under `tests/<folder>`, sorted by name: (folder name, path).
pub fn case_dirs(folder: &str) -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, d)
        })
        .collect()
}

/// Every case under `tests/corpus`, sorted by name.
pub fn cases() -> Vec<Case> {
    case_dirs("corpus")
        .into_iter()
        .map(|(name, d)| {
            let plan = std::fs::read_to_string(d.join("plan.comp")).unwrap_or_default();
            let text = std::fs::read_to_string(d.join("case.json")).unwrap_or_default();
            let spec = serde_json::from_str(&text).unwrap_or(Value::Null);
            Case { name, plan, spec }
        })
        .collect()
}

fn table(spec: &Value, key: &str) -> Option<String> {
    spec.get(key).map(|v| without_numbers(v).to_string())
}

/// The text of a host-number marker (`{"$number": "0.1"}`, tests/corpus/README.md), if `v` is
/// one.
pub fn number_marker(v: &Value) -> Option<&str> {
    match v {
        Value::Object(o) if o.len() == 1 => o.get("$number").and_then(Value::as_str),
        _ => None,
    }
}

/// A table's rows with every host-number marker replaced by `null` (its cell is set after
/// reading, [`host_numbers`]).
fn without_numbers(rows: &Value) -> Value {
    let mut rows = rows.clone();
    if let Value::Array(items) = &mut rows {
        for row in items.iter_mut().filter_map(Value::as_object_mut) {
            for v in row.values_mut() {
                if number_marker(v).is_some() {
                    *v = Value::Null;
                }
            }
        }
    }
    rows
}

/// The cell a host-number marker's text gives: the text read as the binary float a host would
/// hold (Python `float(text)`, JavaScript `Number(text)`), then the facade's rule for host
/// numbers ([`commissio::host::number_cell`]): a safe integer is that whole number (a Python
/// `int` in that runner), anything else is refused with the facade's message. Texts that the
/// hosts would not agree on are refused here, so a case cannot pass in one runner only: the
/// text is `-?digits` within ±(2^53 − 1), or `-?digits.digits` with a fraction that is not zero.
pub fn number_marker_cell(text: &str) -> Result<commissio::Cell, String> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let portable = digits(whole)
        && if unsigned.contains('.') {
            digits(fraction) && fraction.bytes().any(|b| b != b'0')
        } else {
            text.parse::<i64>()
                .is_ok_and(|i| i.abs() <= commissio::host::MAX_SAFE_INTEGER)
        };
    let x: f64 = text.parse().map_err(|e| format!("{text:?}: {e}"))?;
    if !portable {
        return Err(format!(
            "{text:?} is not a portable host number (a safe integer, or a decimal with a fraction)"
        ));
    }
    Ok(commissio::host::number_cell(x))
}

/// Sets the cells of the host-number markers of a case's tables (read with `null` there).
fn host_numbers(spec: &Value, inputs: &mut Inputs) -> Result<(), String> {
    for kind in commissio::core::load::TableKind::ALL {
        let Some(Value::Array(rows)) = spec.get(kind.name()) else {
            continue;
        };
        let table = match kind {
            commissio::core::load::TableKind::Payees => Some(&mut inputs.payees),
            commissio::core::load::TableKind::Deals => Some(&mut inputs.deals),
            commissio::core::load::TableKind::Credits => inputs.credits.as_mut(),
            commissio::core::load::TableKind::Quotas => inputs.quotas.as_mut(),
            commissio::core::load::TableKind::Managers => inputs.managers.as_mut(),
            // A program's table, not an input of one plan (tests/programs).
            commissio::core::load::TableKind::Assignments => None,
        };
        let Some(table) = table else { continue };
        let mut cells = None;
        for (r, row) in rows.iter().enumerate() {
            for (key, v) in row.as_object().into_iter().flatten() {
                let Some(text) = number_marker(v) else {
                    continue;
                };
                let cells = cells.get_or_insert_with(|| table.to_rows());
                let c = table.columns().iter().position(|c| c == key);
                match (c, cells.get_mut(r)) {
                    (Some(c), Some(row)) if c < row.len() => row[c] = number_marker_cell(text)?,
                    _ => return Err(format!("{kind} row {}: no cell {key:?}", r + 1)),
                }
            }
        }
        if let Some(cells) = cells {
            *table = commissio::Table::from_rows(table.columns().to_vec(), cells);
        }
    }
    Ok(())
}

/// What a case produced, in the shape of its `expect` block.
pub fn run(case: &Case) -> Value {
    outcome_of(case, &evaluate(case))
}

/// A result or error in the shape of a case's `expect` block.
pub fn outcome_of(case: &Case, result: &Result<Results, Error>) -> Value {
    match result {
        Ok(results) => outcome(results),
        Err(Error::Plan(diags)) => {
            let idx = LineIndex::new(&case.plan);
            let d = &diags[0];
            let p = idx.position(d.primary.span.start as usize);
            json!({ "plan_error": { "code": d.code, "line": p.line, "column": p.column } })
        }
        Err(Error::Data(errs)) => {
            let e = &errs.errors[0];
            let mut o = json!({ "code": e.code.as_str(), "table": e.table.map(|t| t.name()), "row": e.row });
            if let Some(f) = &e.field {
                o["field"] = json!(f);
            }
            json!({ "data_error": o })
        }
        Err(e @ Error::Period(_)) => json!({ "period_error": e.to_string() }),
        Err(Error::Eval(e)) => json!({ "eval_error": { "code": e.code } }),
        Err(Error::Argument(a)) => json!({ "argument_error": a.message }),
    }
}

/// The engine's canonical JSON of a case's outcome: `Results::to_json`, or the error's
/// `Error::to_json`. The Python and JavaScript suites write the same text through their
/// bindings; scripts/determinism.sh compares the three byte for byte.
pub fn canonical_json(case: &Case, result: &Result<Results, Error>) -> String {
    match result {
        Ok(results) => results
            .to_json()
            .unwrap_or_else(|e| format!("cannot serialise: {e}")),
        Err(e) => e.to_json(&case.plan),
    }
}

/// Where a suite writes its canonical JSON per case: `$COMMISSIO_DETERMINISM_DIR/<suite>`
/// (scripts/test.sh sets it), else `target/determinism/<suite>` in the workspace.
pub fn determinism_dir(suite: &str) -> PathBuf {
    let root = std::env::var_os("COMMISSIO_DETERMINISM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
                .join("determinism")
        });
    root.join(suite)
}

/// Parses the plan, reads the tables (JSON arrays of objects, like the other bindings; a
/// host-number marker becomes the cell the facade's rule gives, [`number_marker_cell`]) and
/// evaluates the case's period.
pub fn evaluate(case: &Case) -> Result<Results, Error> {
    let plan = CompiledPlan::compile(&case.plan)?;
    let payees = table(&case.spec, "payees").unwrap_or_else(|| "[]".into());
    let deals = table(&case.spec, "deals").unwrap_or_else(|| "[]".into());
    let credits = table(&case.spec, "credits");
    let quotas = table(&case.spec, "quotas");
    let mut inputs = Inputs::from_json(&payees, &deals, credits.as_deref(), quotas.as_deref())
        .map_err(Error::Data)?;
    if let Some(managers) = table(&case.spec, "managers") {
        inputs = inputs.with_managers_json(&managers).map_err(Error::Data)?;
    }
    // A bad marker fails the case (an argument error is no case's outcome).
    host_numbers(&case.spec, &mut inputs).map_err(|m| {
        Error::Argument(commissio::ArgumentError::new(format!(
            "a host-number marker: {m}"
        )))
    })?;
    let period = case
        .spec
        .get("period")
        .and_then(Value::as_str)
        .unwrap_or("");
    plan.evaluate(&inputs, period)
}

/// Lines and totals as sorted JSON arrays, the way cases state them.
pub fn outcome(r: &Results) -> Value {
    let mut lines: Vec<Value> = r
        .lines()
        .map(|l| {
            let v = r.view(&l);
            json!({ "payee": v.payee, "period": v.period, "component": v.component, "deal": v.deal, "amount": v.amount.to_string() })
        })
        .collect();
    let mut totals: Vec<Value> = r
        .totals
        .iter()
        .map(|t| {
            json!({
                "payee": r.payee_ids.get(t.payee as usize),
                "period": r.periods.get(t.period as usize).map(|p| p.label()),
                "amount": t.amount.to_string(),
            })
        })
        .collect();
    lines.sort_by_key(|v| v.to_string());
    totals.sort_by_key(|v| v.to_string());
    json!({ "lines": lines, "totals": totals })
}

/// The case's `expect` block, with lines and totals sorted like [`outcome`].
pub fn expected(case: &Case) -> Value {
    let mut e = case.spec.get("expect").cloned().unwrap_or(Value::Null);
    for key in ["lines", "totals"] {
        if let Some(Value::Array(items)) = e.get_mut(key) {
            items.sort_by_key(|v| v.to_string());
        }
    }
    if let Some(d) = e.get_mut("data_error") {
        // `field` may be omitted in a case; compare only what the case states.
        if d.get("field").is_none() {
            if let Some(o) = d.as_object_mut() {
                o.remove("field");
            }
        }
    }
    e
}
