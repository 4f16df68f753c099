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

/// Every case under `tests/corpus`, sorted by name.
pub fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
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
            let plan = std::fs::read_to_string(d.join("plan.comp")).unwrap_or_default();
            let text = std::fs::read_to_string(d.join("case.json")).unwrap_or_default();
            let spec = serde_json::from_str(&text).unwrap_or(Value::Null);
            Case { name, plan, spec }
        })
        .collect()
}

fn table(spec: &Value, key: &str) -> Option<String> {
    spec.get(key).map(|v| v.to_string())
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

/// Parses the plan, reads the tables (JSON arrays of objects, like the other bindings) and
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
