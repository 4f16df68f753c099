//! Reading program cases (tests/programs/README.md) and running them through the Rust facade.

use commissio::core::load::read_json;
use commissio::{
    CompiledPlan, CompiledProgram, Error, Inputs, LineIndex, ProgramError, ProgramResults,
    SplitRule,
};
use serde_json::{json, Value};

/// One program case folder.
pub struct ProgramCase {
    /// Folder name, e.g. `001-promotion-split-by-days`.
    pub name: String,
    /// The plan files named by `plans`, in program order: (file name, text).
    pub plans: Vec<(String, String)>,
    /// Parsed case.json.
    pub spec: Value,
}

/// Every case under `tests/programs`, sorted by name.
pub fn program_cases() -> Vec<ProgramCase> {
    crate::case_dirs("programs")
        .into_iter()
        .map(|(name, d)| {
            let text = std::fs::read_to_string(d.join("case.json")).unwrap_or_default();
            let spec: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let plans = spec
                .get("plans")
                .and_then(Value::as_array)
                .map(|files| {
                    files
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|f| {
                            let text = std::fs::read_to_string(d.join(f)).unwrap_or_default();
                            (f.to_string(), text)
                        })
                        .collect()
                })
                .unwrap_or_default();
            ProgramCase { name, plans, spec }
        })
        .collect()
}

/// What running a program case gave: the program when every plan compiled, and its result.
pub enum ProgramRun {
    /// A plan did not compile: its file and error.
    Plan(String, Error),
    /// The program could not be made (`R0003`).
    Program(Error),
    /// The program's evaluation.
    Ran(CompiledProgram, Result<ProgramResults, ProgramError>),
}

fn table(spec: &Value, key: &str) -> Option<String> {
    spec.get(key).map(|v| v.to_string())
}

/// Compiles the case's plans, makes the program and evaluates it on the case's tables.
pub fn run_program(case: &ProgramCase) -> ProgramRun {
    let mut plans = Vec::new();
    for (file, text) in &case.plans {
        match CompiledPlan::compile(text) {
            Ok(p) => plans.push(p),
            Err(e) => return ProgramRun::Plan(file.clone(), e),
        }
    }
    let split = case
        .spec
        .get("split")
        .and_then(Value::as_str)
        .and_then(SplitRule::from_name)
        .unwrap_or(SplitRule::Days);
    let program = match CompiledProgram::new(plans, split) {
        Ok(p) => p,
        Err(e) => return ProgramRun::Program(e),
    };
    let result = (|| {
        let payees = table(&case.spec, "payees").unwrap_or_else(|| "[]".into());
        let deals = table(&case.spec, "deals").unwrap_or_else(|| "[]".into());
        let credits = table(&case.spec, "credits");
        let quotas = table(&case.spec, "quotas");
        let mut inputs = Inputs::from_json(&payees, &deals, credits.as_deref(), quotas.as_deref())
            .map_err(Error::Data)?;
        if let Some(managers) = table(&case.spec, "managers") {
            inputs = inputs.with_managers_json(&managers).map_err(Error::Data)?;
        }
        let assignments = read_json(&table(&case.spec, "assignments").unwrap_or_default())
            .map_err(|e| {
                Error::Data(commissio::DataErrors {
                    errors: vec![e.in_table(commissio::core::load::TableKind::Assignments)],
                    omitted: 0,
                })
            })?;
        let period = case
            .spec
            .get("period")
            .and_then(Value::as_str)
            .unwrap_or("");
        program.evaluate(&inputs, &assignments, period)
    })();
    ProgramRun::Ran(program, result)
}

fn error_outcome(plan_text: &str, e: &Error) -> Value {
    match e {
        Error::Plan(diags) => {
            let d = &diags[0];
            let p = LineIndex::new(plan_text).position(d.primary.span.start as usize);
            json!({ "plan_error": { "code": d.code, "line": p.line, "column": p.column } })
        }
        Error::Data(errs) => {
            let e = &errs.errors[0];
            let mut o = json!({ "code": e.code.as_str(), "table": e.table.map(|t| t.name()), "row": e.row });
            if let Some(f) = &e.field {
                o["field"] = json!(f);
            }
            json!({ "data_error": o })
        }
        Error::Period(_) => json!({ "period_error": e.to_string() }),
        Error::Eval(e) => json!({ "eval_error": { "code": e.code } }),
        Error::Argument(a) => json!({ "argument_error": a.message }),
    }
}

/// A program run in the shape of a case's `expect` block: lines (with their plan and kind)
/// and the program's totals, sorted, or the error.
pub fn program_outcome(case: &ProgramCase, run: &ProgramRun) -> Value {
    match run {
        ProgramRun::Plan(file, e) => {
            let text = case
                .plans
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, t)| t.as_str())
                .unwrap_or("");
            error_outcome(text, e)
        }
        ProgramRun::Program(e) => error_outcome("", e),
        ProgramRun::Ran(_, Err(e)) => error_outcome("", &e.error),
        ProgramRun::Ran(_, Ok(r)) => {
            let mut lines: Vec<Value> = Vec::new();
            for p in &r.plans {
                for l in p.results.lines() {
                    let v = p.results.view(&l);
                    lines.push(json!({
                        "plan": p.name, "payee": v.payee, "period": v.period,
                        "component": v.component, "deal": v.deal, "kind": l.kind.name(),
                        "amount": v.amount.to_string()
                    }));
                }
            }
            let mut totals: Vec<Value> = r
                .totals
                .iter()
                .map(|t| json!({ "payee": t.payee, "period": t.period, "amount": t.amount.to_string() }))
                .collect();
            lines.sort_by_key(|v| v.to_string());
            totals.sort_by_key(|v| v.to_string());
            json!({ "lines": lines, "totals": totals })
        }
    }
}

/// The case's `expect` block, lines and totals sorted like [`program_outcome`].
pub fn program_expected(case: &ProgramCase) -> Value {
    let mut e = case.spec.get("expect").cloned().unwrap_or(Value::Null);
    for key in ["lines", "totals"] {
        if let Some(Value::Array(items)) = e.get_mut(key) {
            items.sort_by_key(|v| v.to_string());
        }
    }
    e
}

/// The canonical JSON of a program run: `ProgramResults::to_json`, or the error's canonical
/// JSON (`ProgramError::to_json`, `Error::to_json` of the plan that did not compile).
pub fn program_canonical_json(case: &ProgramCase, run: &ProgramRun) -> String {
    match run {
        ProgramRun::Plan(file, e) => {
            let text = case
                .plans
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, t)| t.as_str())
                .unwrap_or("");
            e.to_json(text)
        }
        ProgramRun::Program(e) => e.to_json(""),
        ProgramRun::Ran(program, Err(e)) => e.to_json(program),
        ProgramRun::Ran(_, Ok(r)) => r
            .to_json()
            .unwrap_or_else(|e| format!("cannot serialise: {e}")),
    }
}
