//! # commissio-wasm
//!
//! The WebAssembly layer of the `commissio` npm package. It is deliberately thin: every
//! function takes and returns text (plan source, JSON rows, JSON results), and every error is
//! thrown as a JSON envelope string (see [`api`]) that the hand-written JavaScript wrapper
//! (`js/api.js`) turns into `PlanError`, `DataError`, `PeriodError` or `EvalError`. Money
//! crosses as decimal strings both ways.
//!
//! Nothing here may panic: on wasm32 a panic aborts the instance. Inputs are validated by the
//! core (`commissio::core::load`), the parser has depth and size limits (the same values as
//! native: `build.rs` links a larger stack), and the workspace lints deny `unwrap`, `expect`
//! and `panic`.

pub mod api;

use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn throw(envelope: String) -> JsValue {
    JsValue::from_str(&envelope)
}

/// The JS numbers of a call's rows that JSON does not carry exactly: where they are (JSON)
/// and their values (see [`api::set_host_numbers`]).
type HostNumbers = (Option<String>, Option<Vec<f64>>);

/// The input tables of a call (UTF-8 JSON bytes), read into [`commissio::Inputs`], and the
/// JS numbers JSON does not carry exactly.
fn inputs_of(
    payees: &[u8],
    deals: &[u8],
    credits: Option<Vec<u8>>,
    quotas: Option<Vec<u8>>,
    managers: Option<Vec<u8>>,
    numbers: HostNumbers,
) -> Result<commissio::Inputs, JsValue> {
    let t = api::Utf8Tables::new(
        payees,
        deals,
        credits.as_deref(),
        quotas.as_deref(),
        managers.as_deref(),
        None,
    )
    .map_err(throw)?;
    let (mut inputs, _) = api::tables(&t).map_err(throw)?;
    if let (Some(places), Some(values)) = numbers {
        api::set_host_numbers(&mut inputs, None, &places, &values).map_err(throw)?;
    }
    Ok(inputs)
}

/// A JS number given as a decimal argument, by the facade's rule for host numbers (see
/// [`api::number_argument`]): the whole number's text, or throws an argument error envelope.
#[wasm_bindgen]
pub fn number_argument(name: &str, x: f64) -> Result<String, JsValue> {
    api::number_argument(name, x).map_err(throw)
}

/// The crate version (the npm package has the same).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Every diagnostic of plan text, as a JSON array (`[]` when the plan is fine).
#[wasm_bindgen]
pub fn check(source: &str) -> String {
    api::check(source)
}

/// The data-error envelope of problems found in JavaScript row values (see
/// [`api::host_value_errors`]).
#[wasm_bindgen]
pub fn host_value_errors(problems: &str) -> String {
    api::host_value_errors(problems)
}

/// The canonical layout of plan text; throws a plan error envelope.
#[wasm_bindgen]
pub fn format(source: &str) -> Result<String, JsValue> {
    api::format(source).map_err(throw)
}

/// A checked plan.
#[wasm_bindgen]
pub struct WasmPlan {
    inner: api::Compiled,
}

/// The results of one evaluation, kept on the wasm side for `explain` and `statement`: a
/// plan's own, or one plan's part of a program's results (shared, not copied).
#[wasm_bindgen]
pub struct WasmResults {
    inner: Held,
}

// wasm-bindgen keeps every exported struct in its own heap cell, so one more indirection for
// the small variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Held {
    Plan(commissio::Results),
    /// The program's results and the plan's index in them (in range: see
    /// [`WasmProgramResults::plan`]).
    Program(Rc<commissio::ProgramResults>, usize),
}

impl WasmResults {
    fn results(&self) -> Result<&commissio::Results, JsValue> {
        match &self.inner {
            Held::Plan(r) => Ok(r),
            Held::Program(p, i) => p
                .plans
                .get(*i)
                .map(|p| &p.results)
                .ok_or_else(|| JsValue::from_str(api::OUT_OF_ORDER)),
        }
    }
}

#[wasm_bindgen]
impl WasmResults {
    /// Lines (without traces), totals, component totals, periods and grand total as JSON.
    pub fn json(&self) -> Result<String, JsValue> {
        api::results_json(self.results()?).map_err(throw)
    }

    /// Every line's trace, in line order, as a JSON array.
    pub fn traces(&self) -> Result<String, JsValue> {
        api::traces_json(self.results()?).map_err(throw)
    }

    /// Recomputes every traced line's amount from its trace alone; the number of lines checked.
    pub fn verify_traces(&self) -> Result<usize, JsValue> {
        api::verify_traces(self.results()?).map_err(throw)
    }

    /// The engine's canonical JSON of the results (`Results::to_json`), byte for byte the same
    /// as from Rust and Python.
    pub fn canonical_json(&self) -> Result<String, JsValue> {
        api::canonical_json(self.results()?).map_err(throw)
    }
}

#[wasm_bindgen]
impl WasmPlan {
    /// Parses and checks plan text; throws a plan error envelope.
    pub fn compile(source: &str) -> Result<WasmPlan, JsValue> {
        api::compile(source)
            .map(|inner| WasmPlan { inner })
            .map_err(throw)
    }

    /// The plan's source text.
    pub fn source(&self) -> String {
        self.inner.plan.source.clone()
    }

    /// Name, currency, calendar, components and input fields of every version (JSON).
    pub fn info(&self) -> String {
        api::info(&self.inner)
    }

    /// Evaluates the plan over `period` with input tables given as UTF-8 JSON text (bytes:
    /// `TextEncoder` output crosses into wasm memory in one copy, where a string would be
    /// copied character by character) and the JS numbers JSON does not carry exactly
    /// (`number_places`, `number_values`: see [`api::set_host_numbers`]). `max_rows` lowers
    /// the row limit per table (`D0108`).
    // Positional because this is the raw wasm-bindgen boundary; js/api.js exposes it as
    // `evaluate(inputs, period, options)`.
    #[allow(clippy::too_many_arguments)]
    pub fn evaluate(
        &self,
        payees: &[u8],
        deals: &[u8],
        credits: Option<Vec<u8>>,
        quotas: Option<Vec<u8>>,
        managers: Option<Vec<u8>>,
        number_places: Option<String>,
        number_values: Option<Vec<f64>>,
        period: &str,
        max_rows: Option<u32>,
    ) -> Result<WasmResults, JsValue> {
        let numbers = (number_places, number_values);
        let inputs = inputs_of(payees, deals, credits, quotas, managers, numbers)?;
        api::evaluate_with(&self.inner, inputs, period, max_rows.map(|n| n as usize))
            .map(|r| WasmResults {
                inner: Held::Plan(r),
            })
            .map_err(throw)
    }
}

#[wasm_bindgen]
impl WasmPlan {
    /// The plain-text explanation of a payee's lines (or of one deal's lines).
    pub fn explain(
        &self,
        results: &WasmResults,
        payee: &str,
        deal: Option<String>,
    ) -> Option<String> {
        let r = results.results().ok()?;
        api::explain(&self.inner, r, payee, deal.as_deref())
    }

    /// A payee's statement in Markdown.
    pub fn statement(&self, results: &WasmResults, payee: &str) -> Option<String> {
        api::statement(&self.inner, results.results().ok()?, payee)
    }

    /// The plan text in canonical layout.
    pub fn format(&self) -> Result<String, JsValue> {
        api::format(&self.inner.plan.source).map_err(throw)
    }

    /// Pay curve points as JSON; `from`, `to`, `step` are decimal text (1 = 100%).
    #[allow(clippy::too_many_arguments)]
    pub fn pay_curve(
        &self,
        payees: &[u8],
        deals: &[u8],
        credits: Option<Vec<u8>>,
        quotas: Option<Vec<u8>>,
        managers: Option<Vec<u8>>,
        number_places: Option<String>,
        number_values: Option<Vec<f64>>,
        payee: &str,
        period: &str,
        from: &str,
        to: &str,
        step: &str,
    ) -> Result<String, JsValue> {
        let numbers = (number_places, number_values);
        let inputs = inputs_of(payees, deals, credits, quotas, managers, numbers)?;
        api::pay_curve(&self.inner, inputs, payee, period, from, to, step).map_err(throw)
    }
}

/// A program: several plans evaluated together over one set of tables and an `assignments`
/// table. Made in steps (`new(split)`, `add_plan` for each plan, `finish`) so that JavaScript
/// knows which plan did not compile.
#[wasm_bindgen]
pub struct WasmProgram {
    building: Option<api::ProgramBuilder>,
    program: Option<commissio::CompiledProgram>,
    /// The plan the last failed evaluation's error arose in.
    failed_plan: Option<String>,
}

#[wasm_bindgen]
impl WasmProgram {
    /// A program split by the rule named `split`; throws an argument error envelope (`A0001`)
    /// for any other name.
    pub fn new(split: &str) -> Result<WasmProgram, JsValue> {
        Ok(WasmProgram {
            building: Some(api::ProgramBuilder::new(split).map_err(throw)?),
            program: None,
            failed_plan: None,
        })
    }

    /// Compiles the next plan; throws its plan error envelope (the same as `WasmPlan.compile`).
    pub fn add_plan(&mut self, source: &str) -> Result<(), JsValue> {
        match self.building.as_mut() {
            Some(b) => b.add_plan(source).map_err(throw),
            None => Err(JsValue::from_str(api::OUT_OF_ORDER)),
        }
    }

    /// Makes the program of the plans added; throws `R0003` when they do not make one.
    pub fn finish(&mut self) -> Result<(), JsValue> {
        let Some(b) = self.building.take() else {
            return Err(JsValue::from_str(api::OUT_OF_ORDER));
        };
        self.program = Some(b.finish().map_err(throw)?);
        Ok(())
    }

    fn program(&self) -> Result<&commissio::CompiledProgram, JsValue> {
        self.program
            .as_ref()
            .ok_or_else(|| JsValue::from_str(api::OUT_OF_ORDER))
    }

    /// The plans' names, in program order (JSON array).
    pub fn names(&self) -> Result<String, JsValue> {
        Ok(api::program_names(self.program()?))
    }

    /// Evaluates the program over `period`: the tables as in `WasmPlan.evaluate`, and the
    /// `assignments` table (UTF-8 JSON). On an error, `failed_plan` names the plan it arose in.
    #[allow(clippy::too_many_arguments)]
    pub fn evaluate(
        &mut self,
        payees: &[u8],
        deals: &[u8],
        credits: Option<Vec<u8>>,
        quotas: Option<Vec<u8>>,
        managers: Option<Vec<u8>>,
        assignments: &[u8],
        number_places: Option<String>,
        number_values: Option<Vec<f64>>,
        period: &str,
        max_rows: Option<u32>,
    ) -> Result<WasmProgramResults, JsValue> {
        self.failed_plan = None;
        let t = api::Utf8Tables::new(
            payees,
            deals,
            credits.as_deref(),
            quotas.as_deref(),
            managers.as_deref(),
            Some(assignments),
        )
        .map_err(throw)?;
        let (mut inputs, table) = api::tables(&t).map_err(throw)?;
        let mut table = table.unwrap_or_default();
        if let (Some(places), Some(values)) = (number_places, number_values) {
            api::set_host_numbers(&mut inputs, Some(&mut table), &places, &values)
                .map_err(throw)?;
        }
        let program = self.program()?;
        match api::evaluate_program(program, inputs, table, period, max_rows.map(|n| n as usize)) {
            Ok(r) => Ok(WasmProgramResults { inner: Rc::new(r) }),
            Err(e) => {
                self.failed_plan = e.plan;
                Err(throw(e.json))
            }
        }
    }

    /// The plan the last failed evaluation's error arose in (`undefined`: none, or the
    /// program's tables or assignments).
    pub fn failed_plan(&self) -> Option<String> {
        self.failed_plan.clone()
    }

    /// The plain-text explanation of a payee's payouts under every plan (or of one deal's).
    pub fn explain(
        &self,
        results: &WasmProgramResults,
        payee: &str,
        deal: Option<String>,
    ) -> Option<String> {
        self.program
            .as_ref()?
            .explain(&results.inner, payee, deal.as_deref())
    }

    /// A payee's statement in Markdown: one section per plan, then the program's totals.
    pub fn statement(&self, results: &WasmProgramResults, payee: &str) -> Option<String> {
        self.program.as_ref()?.statement(&results.inner, payee)
    }
}

/// The results of a program's evaluation: each plan's results and the program's totals.
#[wasm_bindgen]
pub struct WasmProgramResults {
    inner: Rc<commissio::ProgramResults>,
}

#[wasm_bindgen]
impl WasmProgramResults {
    /// The program's totals and grand total (JSON).
    pub fn json(&self) -> Result<String, JsValue> {
        api::program_totals_json(&self.inner).map_err(throw)
    }

    /// How many plans (the program's plans, in program order).
    pub fn plan_count(&self) -> usize {
        self.inner.plans.len()
    }

    /// The name of plan `i`.
    pub fn plan_name(&self, i: usize) -> Option<String> {
        self.inner.plans.get(i).map(|p| p.name.clone())
    }

    /// The results of plan `i`, sharing this program's (no copy).
    pub fn plan(&self, i: usize) -> Option<WasmResults> {
        (i < self.inner.plans.len()).then(|| WasmResults {
            inner: Held::Program(Rc::clone(&self.inner), i),
        })
    }

    /// The engine's canonical JSON of the program's results (`ProgramResults::to_json`).
    pub fn canonical_json(&self) -> Result<String, JsValue> {
        api::program_canonical_json(&self.inner).map_err(throw)
    }
}

/// An SVG line chart of pay-curve points given as JSON.
#[wasm_bindgen]
pub fn curve_svg(points: &str, title: &str) -> Result<String, JsValue> {
    api::curve_svg(points, title).map_err(throw)
}

/// Test hook, not part of the API: stops the instance the way a bug would (a wasm trap), so
/// the JavaScript suite can check that the wrapper recovers and leaks no internals.
#[wasm_bindgen]
pub fn __trap() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
