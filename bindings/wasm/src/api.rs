//! The binding's logic as plain Rust functions over text: JSON in, JSON out, errors as JSON
//! envelopes. `lib.rs` only wraps these for wasm-bindgen, so everything here is testable on
//! the host (`cargo test -p commissio-wasm`).
//!
//! The text of every `Err` is the facade's error view ([`commissio::ErrorView`]: `kind`,
//! `code`, `summary` and the kind's fields), the canonical error JSON, the same bytes as in
//! Rust and Python; `js/api.js` builds the JS errors from it and keeps it as `canonicalJson`.

use commissio::core::load::{
    read_json, table_text, DataError, DataErrorCode, DataErrors, TableKind,
};
use commissio::core::results::{LineKind, NamedTotal};
use commissio::core::Decimal;
use commissio::{
    CompiledPlan, CompiledProgram, Diagnostic, DiagnosticView, Error, Inputs, ProgramResults,
    Results, SourceLines, SplitRule,
};
use serde::Serialize;
use serde_json::{json, Value};

fn to_text(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| {
        json!({ "kind": "argument", "code": "A0002", "summary": format!("could not serialise a result: {e}") }).to_string()
    })
}

fn argument_error(message: impl Into<String>) -> String {
    error_text(
        &SourceLines::new(""),
        &Error::Argument(commissio::ArgumentError::new(message)),
    )
}

/// The data-error envelope for problems JavaScript found in row values before they could be
/// sent as JSON (a `Date`, a nested object, a lone surrogate; numbers are the facade's, see
/// [`set_host_numbers`]):
/// `problems` is `{"errors": [{code, table, row, id, field, message}], "omitted": n}`. The
/// errors and their summary are then the engine's, as for any other data error.
pub fn host_value_errors(problems: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Problem {
        code: String,
        table: Option<String>,
        row: Option<u64>,
        id: Option<String>,
        field: Option<String>,
        message: String,
    }
    #[derive(serde::Deserialize)]
    struct Problems {
        errors: Vec<Problem>,
        omitted: usize,
    }
    let parsed: Problems = match serde_json::from_str(problems) {
        Ok(p) => p,
        Err(e) => return argument_error(format!("host value problems: {e}")),
    };
    let errors = parsed
        .errors
        .into_iter()
        .map(|p| {
            let code = match p.code.as_str() {
                "D0002" => DataErrorCode::Shape,
                _ => DataErrorCode::WrongType,
            };
            let mut e = DataError::new(code, p.message);
            e.table = p.table.as_deref().and_then(TableKind::from_name);
            e.row = p.row;
            e.id = p.id;
            e.field = p.field;
            e
        })
        .collect();
    data_error(&DataErrors {
        errors,
        omitted: parsed.omitted,
    })
}

/// The error envelope of any facade error: its canonical JSON ([`commissio::ErrorView`]), which
/// `js/api.js` turns into the matching `CommissioError` and keeps as `canonicalJson`.
pub fn error_text(lines: &SourceLines, e: &Error) -> String {
    e.to_json_lines(lines)
}

fn plan_error(lines: &SourceLines, diags: &[Diagnostic]) -> String {
    error_text(lines, &Error::Plan(diags.to_vec()))
}

fn data_error(e: &DataErrors) -> String {
    error_text(&SourceLines::new(""), &Error::Data(e.clone()))
}

/// A checked plan with its source positions.
pub struct Compiled {
    /// The plan.
    pub plan: CompiledPlan,
    /// Positions in its source.
    pub lines: SourceLines,
}

/// Parses and checks plan text.
pub fn compile(source: &str) -> Result<Compiled, String> {
    let lines = SourceLines::new(source);
    match CompiledPlan::compile(source) {
        Ok(plan) => Ok(Compiled { plan, lines }),
        Err(e) => Err(error_text(&lines, &e)),
    }
}

/// Every diagnostic of plan text as a JSON array (`[]` when the plan is fine).
pub fn check(source: &str) -> String {
    let lines = SourceLines::new(source);
    match commissio::dsl::compile(source) {
        Ok(_) => "[]".to_string(),
        Err(diags) => to_text(
            &diags
                .iter()
                .map(|d| lines.diagnostic(d))
                .collect::<Vec<DiagnosticView>>(),
        ),
    }
}

/// The canonical layout of plan text (as a JSON string), or a plan error.
pub fn format(source: &str) -> Result<String, String> {
    commissio::dsl::format(source).map_err(|d| plan_error(&SourceLines::new(source), &d))
}

/// What a host needs to know about a plan to build forms and pick periods (JSON object).
pub fn info(c: &Compiled) -> String {
    let fields = |r: &commissio::core::plan::RecordSchema| -> Vec<Value> {
        r.fields
            .iter()
            .map(|f| json!({ "name": f.name, "column": f.column, "type": f.ty }))
            .collect()
    };
    let versions: Vec<Value> = c
        .plan
        .plan
        .versions
        .iter()
        .map(|v| {
            json!({
                "name": v.name,
                "currency": v.currency.code,
                "minorUnits": v.currency.minor_units,
                "period": v.calendar.grain,
                "fiscalYearStartMonth": v.calendar.fiscal_year_start_month,
                "effective": { "start": v.effective.start.to_string(), "end": v.effective.end.to_string() },
                "components": v.components.iter().map(|k| k.name.clone()).collect::<Vec<_>>(),
                "inputs": {
                    "deal": fields(&v.schema.deal),
                    "payee": fields(&v.schema.payee),
                    "dealColumns": {
                        "id": v.schema.deal.builtin_column("id"),
                        "payee": v.schema.deal.builtin_column("payee"),
                        "date": v.schema.deal.builtin_column("date"),
                    },
                    "payeeColumns": {
                        "id": v.schema.payee.builtin_column("id"),
                        "manager": v.schema.payee.builtin_column("manager"),
                        "start": v.schema.payee.builtin_column("start"),
                        "end": v.schema.payee.builtin_column("end"),
                    },
                },
            })
        })
        .collect();
    to_text(&json!({ "versions": versions }))
}

/// Input tables as UTF-8 JSON bytes, checked to be text.
pub struct Utf8Tables<'a> {
    /// `payees` JSON.
    pub payees: &'a str,
    /// `deals` JSON.
    pub deals: &'a str,
    /// `credits` JSON, if given.
    pub credits: Option<&'a str>,
    /// `quotas` JSON, if given.
    pub quotas: Option<&'a str>,
    /// `managers` JSON (manager assignments with effective dates), if given.
    pub managers: Option<&'a str>,
    /// A program's `assignments` JSON (`None` for one plan).
    pub assignments: Option<&'a str>,
}

impl<'a> Utf8Tables<'a> {
    /// Checks that every table is text (UTF-8 without NUL bytes; a `D0001` data error naming
    /// the table and the first bad byte's line, column and offset otherwise).
    pub fn new(
        payees: &'a [u8],
        deals: &'a [u8],
        credits: Option<&'a [u8]>,
        quotas: Option<&'a [u8]>,
        managers: Option<&'a [u8]>,
        assignments: Option<&'a [u8]>,
    ) -> Result<Self, String> {
        let mut errors = Vec::new();
        let mut text = |kind: TableKind, b: &'a [u8]| match table_text(b) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e.in_table(kind));
                ""
            }
        };
        let t = Utf8Tables {
            payees: text(TableKind::Payees, payees),
            deals: text(TableKind::Deals, deals),
            credits: credits.map(|b| text(TableKind::Credits, b)),
            quotas: quotas.map(|b| text(TableKind::Quotas, b)),
            managers: managers.map(|b| text(TableKind::Managers, b)),
            assignments: assignments.map(|b| text(TableKind::Assignments, b)),
        };
        if errors.is_empty() {
            Ok(t)
        } else {
            Err(data_error(&DataErrors { errors, omitted: 0 }))
        }
    }
}

fn read_table(kind: TableKind, text: &str) -> Result<commissio::Table, DataError> {
    read_json(text).map_err(|e| e.in_table(kind))
}

/// Sets the cells of the JS numbers that JSON does not carry exactly, by the facade's rule
/// for host numbers ([`commissio::host::number_cell`]). `places` is a JSON array of
/// `[table, row, column]` (the table's name, the 0-based row and the column, the row's key,
/// `null` in the table's JSON) and `values` the numbers themselves, in the same order (a
/// `Float64Array`: the binary floats exactly as JavaScript held them). `assignments` is a
/// program's `assignments` table (`None` for one plan's evaluation).
pub fn set_host_numbers(
    inputs: &mut Inputs,
    mut assignments: Option<&mut commissio::Table>,
    places: &str,
    values: &[f64],
) -> Result<(), String> {
    let places: Vec<(String, usize, String)> =
        serde_json::from_str(places).map_err(|e| argument_error(format!("host numbers: {e}")))?;
    if places.len() != values.len() {
        return Err(argument_error(format!(
            "host numbers: {} places for {} values",
            places.len(),
            values.len()
        )));
    }
    for kind in TableKind::ALL {
        let mine: Vec<_> = places
            .iter()
            .zip(values)
            .filter(|(p, _)| p.0 == kind.name())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let table = match kind {
            TableKind::Payees => Some(&mut inputs.payees),
            TableKind::Deals => Some(&mut inputs.deals),
            TableKind::Credits => inputs.credits.as_mut(),
            TableKind::Quotas => inputs.quotas.as_mut(),
            TableKind::Managers => inputs.managers.as_mut(),
            TableKind::Assignments => assignments.as_deref_mut(),
        };
        let Some(table) = table else {
            return Err(argument_error(format!("host numbers: no {kind} table")));
        };
        let mut rows = table.to_rows();
        for ((_, row, column), &x) in mine {
            let col = table.columns().iter().position(|c| c == column);
            match (col, rows.get_mut(*row)) {
                (Some(c), Some(cells)) if c < cells.len() => {
                    if let Some(cell) = cells.get_mut(c) {
                        *cell = commissio::host::number_cell(x);
                    }
                }
                _ => {
                    return Err(argument_error(format!(
                        "host numbers: {kind} row {} has no column {column:?}",
                        row + 1
                    )))
                }
            }
        }
        *table = commissio::Table::from_rows(table.columns().to_vec(), rows);
    }
    Ok(())
}

/// A JS number given as a decimal argument (a pay-curve bound), by the facade's rule for host
/// numbers: a safe integer is its whole number's text; anything else is an argument error
/// (`A0001`) naming the argument, in the facade's words.
pub fn number_argument(name: &str, x: f64) -> Result<String, String> {
    match commissio::host::number_cell(x) {
        commissio::Cell::Integer(i) => Ok(i.to_string()),
        commissio::Cell::Refused(why) => Err(argument_error(format!("{name}: {why}"))),
        _ => Err(argument_error(format!(
            "{name}: {}",
            commissio::host::refusal(x)
        ))),
    }
}

/// Reads the input tables from JSON text (arrays of flat objects); every table's syntax
/// errors are reported together.
pub fn inputs(
    payees: &str,
    deals: &str,
    credits: Option<&str>,
    quotas: Option<&str>,
    managers: Option<&str>,
) -> Result<Inputs, String> {
    tables(&Utf8Tables {
        payees,
        deals,
        credits,
        quotas,
        managers,
        assignments: None,
    })
    .map(|(inputs, _)| inputs)
}

/// Reads the input tables and a program's `assignments` table (when given) from JSON text;
/// every table's syntax errors are reported together.
pub fn tables(t: &Utf8Tables<'_>) -> Result<(Inputs, Option<commissio::Table>), String> {
    let mut errors = Vec::new();
    let mut one = |kind, text: &str| match read_table(kind, text) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            commissio::Table::default()
        }
    };
    let inputs = Inputs {
        payees: one(TableKind::Payees, t.payees),
        deals: one(TableKind::Deals, t.deals),
        credits: t.credits.map(|t| one(TableKind::Credits, t)),
        quotas: t.quotas.map(|t| one(TableKind::Quotas, t)),
        managers: t.managers.map(|t| one(TableKind::Managers, t)),
    };
    let assignments = t.assignments.map(|t| one(TableKind::Assignments, t));
    if errors.is_empty() {
        Ok((inputs, assignments))
    } else {
        Err(data_error(&DataErrors { errors, omitted: 0 }))
    }
}

/// Validates the inputs and evaluates the plan over a period or range.
pub fn evaluate(c: &Compiled, inputs: Inputs, period: &str) -> Result<Results, String> {
    evaluate_with(c, inputs, period, None)
}

/// [`evaluate`] with an optional lower row limit per table (`D0108`; at most
/// [`commissio::MAX_ROWS`]).
pub fn evaluate_with(
    c: &Compiled,
    mut inputs: Inputs,
    period: &str,
    max_rows: Option<usize>,
) -> Result<Results, String> {
    c.plan.input_schema().complete_empty_tables(&mut inputs);
    let options = commissio::LoadOptions {
        max_rows: max_rows.unwrap_or(commissio::MAX_ROWS),
    };
    c.plan
        .evaluate_owned(inputs, period, options)
        .map_err(|e| error_text(&c.lines, &e))
}

/// Recomputes every traced line's amount from its trace alone ([`Results::verify_traces`]);
/// the number of lines checked, or an internal error (`X0004`) naming the first mismatch.
pub fn verify_traces(r: &Results) -> Result<usize, String> {
    r.verify_traces().map_err(|m| {
        json!({
            "kind": "internal",
            "code": "X0004",
            "summary": format!("a trace does not replay to its line (this is a bug; please report it): {m}"),
        })
        .to_string()
    })
}

/// The engine's canonical JSON of results (`Results::to_json`: lines with traces, totals,
/// component totals), the same bytes as in Rust and Python.
pub fn canonical_json(r: &Results) -> Result<String, String> {
    r.to_json()
        .map_err(|e| argument_error(format!("could not serialise the results: {e}")))
}

/// The lines of a result without their traces, column by column: names are given once
/// (`payees`, `periods`, `components`, `kinds`) and each line refers to them by index, which
/// JavaScript reads several times faster than one object per line.
#[derive(Serialize)]
struct LineColumns<'a> {
    payees: &'a [String],
    periods: &'a [String],
    components: Vec<&'a str>,
    kinds: [&'static str; LineKind::ALL.len()],
    /// Payee index per line.
    payee: Vec<u32>,
    /// Period index per line.
    period: Vec<u32>,
    /// Component index per line (into `components`, whose last entry is the plan level).
    component: Vec<u32>,
    /// Deal id per line (null for period-level lines).
    deal: Vec<Option<&'a str>>,
    /// Kind index per line (into `kinds`).
    kind: Vec<u8>,
    share: Vec<Decimal>,
    amount: Vec<Decimal>,
}

fn line_columns<'a>(r: &'a Results, periods: &'a [String]) -> LineColumns<'a> {
    let n = r.line_count();
    let plan_level = r.components.len() as u32;
    let mut components: Vec<&str> = r.components.iter().map(|c| c.name.as_str()).collect();
    components.push(commissio::core::results::PLAN_COMPONENT_NAME);
    let mut cols = LineColumns {
        payees: &r.payee_ids,
        periods,
        components,
        kinds: LineKind::ALL.map(LineKind::name),
        payee: Vec::with_capacity(n),
        period: Vec::with_capacity(n),
        component: Vec::with_capacity(n),
        deal: Vec::with_capacity(n),
        kind: Vec::with_capacity(n),
        share: Vec::with_capacity(n),
        amount: Vec::with_capacity(n),
    };
    for line in r.lines() {
        cols.payee.push(line.payee);
        cols.period.push(line.period);
        cols.component.push(
            if line.component == commissio::core::results::PLAN_COMPONENT {
                plan_level
            } else {
                line.component.min(plan_level)
            },
        );
        cols.deal.push(r.deal_id(&line));
        // Declaration order, which is the order of `LineKind::ALL` (the `kinds` list).
        cols.kind.push(line.kind as u8);
        cols.share.push(line.share);
        cols.amount.push(line.amount);
    }
    cols
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    lines: LineColumns<'a>,
    totals: Vec<NamedTotal<'a>>,
    component_totals: Vec<NamedTotal<'a>>,
    periods: Vec<String>,
    grand_total: Decimal,
}

/// Results without traces: `lines` as [`LineColumns`], `totals`, `componentTotals` (shaped
/// like the core's `Results::to_json`), `periods`, `grandTotal`. Traces come from
/// [`traces_json`].
pub fn results_json(r: &Results) -> Result<String, String> {
    let periods: Vec<String> = r.periods.iter().map(|p| p.label()).collect();
    let summary = Summary {
        lines: line_columns(r, &periods),
        totals: r.named_totals().collect(),
        component_totals: r.named_component_totals().collect(),
        periods: periods.clone(),
        grand_total: r.grand_total(),
    };
    serde_json::to_string(&summary)
        .map_err(|e| argument_error(format!("could not serialise the results: {e}")))
}

/// The trace of every line, in line order (JSON array).
pub fn traces_json(r: &Results) -> Result<String, String> {
    struct Traces<'a>(&'a Results);
    impl Serialize for Traces<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(self.0.line_count()))?;
            for line in self.0.lines() {
                seq.serialize_element(&self.0.view(&line).trace)?;
            }
            seq.end()
        }
    }
    serde_json::to_string(&Traces(r))
        .map_err(|e| argument_error(format!("could not serialise the traces: {e}")))
}

/// Reads a decimal argument given as text by the facade's one rule
/// ([`commissio::parse_decimal_argument`]).
pub fn decimal_arg(
    name: &str,
    text: &str,
    kind: commissio::ArgumentKind,
) -> Result<Decimal, String> {
    commissio::parse_decimal_argument(name, text, kind).map_err(|e| argument_error(e.message))
}

/// The pay curve of `payee` in one `period`: JSON array of `{attainment, credited, payout}`
/// (decimal strings). `from`, `to` and `step` are plain decimal text (1 = 100%).
pub fn pay_curve(
    c: &Compiled,
    mut inputs: Inputs,
    payee: &str,
    period: &str,
    from: &str,
    to: &str,
    step: &str,
) -> Result<String, String> {
    let ratio = commissio::ArgumentKind::Ratio;
    let from = decimal_arg("from", from, ratio)?;
    let to = decimal_arg("to", to, ratio)?;
    let step = decimal_arg("step", step, ratio)?;
    c.plan.input_schema().complete_empty_tables(&mut inputs);
    let points = c
        .plan
        .pay_curve(&inputs, payee, period, from, to, step)
        .map_err(|e| error_text(&c.lines, &e))?;
    Ok(to_text(&points))
}

/// An SVG chart of curve points given as JSON (what [`pay_curve`] returns).
pub fn curve_svg(points: &str, title: &str) -> Result<String, String> {
    let values: Vec<Value> = serde_json::from_str(points).map_err(|e| {
        argument_error(format!(
            "points: expected an array of {{attainment, credited, payout}}: {e}"
        ))
    })?;
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let field = |name: &str| -> Result<Decimal, String> {
            let kind = match name {
                "attainment" => commissio::ArgumentKind::Ratio,
                _ => commissio::ArgumentKind::Amount,
            };
            match v.get(name) {
                Some(Value::String(s)) => decimal_arg(&format!("points[{i}].{name}"), s, kind),
                _ => Err(argument_error(format!(
                    "points[{i}].{name}: expected a decimal string"
                ))),
            }
        };
        out.push(commissio::core::curve::CurvePoint {
            attainment: field("attainment")?,
            credited: field("credited")?,
            payout: field("payout")?,
        });
    }
    if out.len() > commissio::core::curve::MAX_POINTS {
        return Err(argument_error(format!(
            "a curve has at most {} points",
            commissio::core::curve::MAX_POINTS
        )));
    }
    Ok(commissio::core::curve::svg(&out, title))
}

/// The plain-text story of a payee's lines (or one deal's), `None` when there are none.
pub fn explain(c: &Compiled, r: &Results, payee: &str, deal: Option<&str>) -> Option<String> {
    c.plan.explain(r, payee, deal)
}

/// A payee's statement in Markdown, `None` when the payee has no lines.
pub fn statement(c: &Compiled, r: &Results, payee: &str) -> Option<String> {
    c.plan.statement(r, payee)
}

/// The internal error of a handle used out of order (a bug in `js/api.js`).
pub const OUT_OF_ORDER: &str = r#"{"kind":"internal","code":"X0002","summary":"internal error: a handle was used out of order"}"#;

/// A program being made: the split rule, then its plans one by one (so that a plan that does
/// not compile is known by its place), then [`ProgramBuilder::finish`].
pub struct ProgramBuilder {
    split: SplitRule,
    plans: Vec<CompiledPlan>,
}

impl ProgramBuilder {
    /// A program split by the rule named `split` (`days`, `credit_dates`); any other name is
    /// an argument error (`A0001`).
    pub fn new(split: &str) -> Result<ProgramBuilder, String> {
        match SplitRule::from_name(split) {
            Some(split) => Ok(ProgramBuilder {
                split,
                plans: Vec::new(),
            }),
            None => Err(argument_error(format!(
                "split: unknown split rule {split:?} (expected {})",
                SplitRule::ALL
                    .map(|r| format!("{:?}", r.name()))
                    .join(" or ")
            ))),
        }
    }

    /// Compiles the next plan; its error is the plan error of [`compile`], the same bytes.
    pub fn add_plan(&mut self, source: &str) -> Result<(), String> {
        self.plans.push(compile(source)?.plan);
        Ok(())
    }

    /// The program of the plans added ([`CompiledProgram::new`]: `R0003` when they share a
    /// name, a period grain and fiscal year start or a currency).
    pub fn finish(self) -> Result<CompiledProgram, String> {
        CompiledProgram::new(self.plans, self.split)
            .map_err(|e| error_text(&SourceLines::new(""), &e))
    }
}

/// A program evaluation that failed: the plan the error arose in (`None`: the program, its
/// tables or its assignments) and the error's canonical JSON
/// ([`commissio::ProgramError::to_json`]; its summary is led by the plan's name).
#[derive(Debug)]
pub struct ProgramFailure {
    /// The plan's name.
    pub plan: Option<String>,
    /// The canonical error JSON.
    pub json: String,
}

impl From<String> for ProgramFailure {
    fn from(json: String) -> Self {
        ProgramFailure { plan: None, json }
    }
}

/// Validates the inputs and the assignments and evaluates the program over a period or range
/// ([`CompiledProgram::evaluate_with`]). Tables given as `[]` (no rows, no columns) get the
/// columns of the program's input schema, the assignments table too: no rows, not a table
/// missing its columns.
pub fn evaluate_program(
    program: &CompiledProgram,
    mut inputs: Inputs,
    mut assignments: commissio::Table,
    period: &str,
    max_rows: Option<usize>,
) -> Result<ProgramResults, ProgramFailure> {
    let schema = program.input_schema();
    schema.complete_empty_tables(&mut inputs);
    if assignments.is_empty() && assignments.columns().is_empty() {
        assignments.set_columns(schema.column_names(TableKind::Assignments));
    }
    let options = commissio::LoadOptions {
        max_rows: max_rows.unwrap_or(commissio::MAX_ROWS),
    };
    program
        .evaluate_with(&inputs, &assignments, period, options)
        .map_err(|e| ProgramFailure {
            json: e.to_json(program),
            plan: e.plan,
        })
}

/// The plans' names, in program order (JSON array).
pub fn program_names(p: &CompiledProgram) -> String {
    to_text(&p.names())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgramTotals<'a> {
    totals: &'a [commissio::ProgramTotal],
    grand_total: Decimal,
}

/// The program's totals (`totals`: `{payee, period, amount}`, `grandTotal`) as JSON; each
/// plan's results are read like one plan's ([`results_json`]).
pub fn program_totals_json(r: &ProgramResults) -> Result<String, String> {
    serde_json::to_string(&ProgramTotals {
        totals: &r.totals,
        grand_total: r.grand_total(),
    })
    .map_err(|e| argument_error(format!("could not serialise the results: {e}")))
}

/// The engine's canonical JSON of a program's results ([`ProgramResults::to_json`]), the
/// same bytes as in Rust and Python.
pub fn program_canonical_json(r: &ProgramResults) -> Result<String, String> {
    r.to_json()
        .map_err(|e| argument_error(format!("could not serialise the results: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PLAN: &str = "plan \"Flat\" {\n  currency USD\n  period quarter\n  effective 2026-01-01 to 2026-12-31\n  rounding half_even 2 per line\n  input deal { amount: money }\n  component base { commission on credit.amount  rate 5% }\n}\n";

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn evaluates_to_cents() {
        let c = compile(PLAN).unwrap();
        let inputs = inputs(
            r#"[{"id":"A"}]"#,
            r#"[{"id":"D1","payee":"A","date":"2026-02-01","amount":"1000.30"}]"#,
            None,
            None,
            None,
        )
        .unwrap();
        let r = evaluate(&c, inputs, "2026-Q1").unwrap();
        let v = parse(&results_json(&r).unwrap());
        assert_eq!(v["totals"][0]["amount"], "50.02");
        assert_eq!(v["grandTotal"], "50.02");
        assert_eq!(v["periods"][0], "2026-Q1");
        assert!(v["componentTotals"].is_array());
        // Lines and traces, put back together, are exactly the core's own JSON.
        let core = parse(&r.to_json().unwrap());
        let traces = parse(&traces_json(&r).unwrap());
        let c = &v["lines"];
        let n = c["amount"].as_array().unwrap().len();
        let at = |col: &str, i: usize| c[col][i].as_u64().unwrap() as usize;
        let lines: Vec<Value> = (0..n)
            .map(|i| {
                json!({
                    "payee": c["payees"][at("payee", i)],
                    "period": c["periods"][at("period", i)],
                    "component": c["components"][at("component", i)],
                    "deal": c["deal"][i],
                    "kind": c["kinds"][at("kind", i)],
                    "share": c["share"][i],
                    "amount": c["amount"][i],
                    "trace": traces[i],
                })
            })
            .collect();
        assert_eq!(Value::Array(lines), core["lines"]);
        assert_eq!(v["totals"], core["totals"]);
        assert_eq!(v["componentTotals"], core["component_totals"]);
    }

    #[test]
    fn empty_tables_are_empty_not_missing_columns() {
        let c = compile(PLAN).unwrap();
        let r = evaluate(
            &c,
            inputs(r#"[{"id":"A"}]"#, "[]", Some("[]"), Some("[]"), Some("[]")).unwrap(),
            "2026-Q1",
        )
        .unwrap();
        assert!(r.line_count() == 0);
        let e = evaluate(
            &c,
            inputs(
                "[]",
                r#"[{"id":"D1","payee":"A","date":"2026-02-01","amount":"1"}]"#,
                None,
                None,
                None,
            )
            .unwrap(),
            "2026-Q1",
        );
        let v = parse(&e.err().unwrap_or_default());
        assert_eq!(v["errors"][0]["code"], "D0202");
    }

    #[test]
    fn plan_errors_have_utf16_positions() {
        // "€" is 3 bytes in UTF-8 and one UTF-16 unit: the bad currency starts at byte column
        // 14 but UTF-16 column 12 on line 2.
        let src = "plan \"€\" {\n  # €€\n  currency usd\n}\n";
        let v = parse(&check(src));
        assert!(v.is_array());
        let e = match compile(src) {
            Err(e) => parse(&e),
            Ok(_) => Value::Null,
        };
        assert_eq!(e["kind"], "plan");
        let d = &e["diagnostics"][0];
        assert!(d["line"].as_u64().is_some());
        assert!(d["column_utf16"].as_u64() <= d["column"].as_u64());
        let start16 = d["start_utf16"].as_u64().unwrap_or(0) as usize;
        let utf16: Vec<u16> = src.encode_utf16().collect();
        let byte_start = d["start"].as_u64().unwrap_or(0) as usize;
        let want: Vec<u16> = src.get(..byte_start).unwrap_or("").encode_utf16().collect();
        assert_eq!(start16, want.len());
        assert!(start16 <= utf16.len());
    }

    #[test]
    fn data_errors_name_table_row_field() {
        let e = inputs("[{\"id\":\"A\"}]", "[{\"id\":\"D1\"}, 5]", None, None, None)
            .err()
            .unwrap_or_default();
        let v = parse(&e);
        assert_eq!(v["kind"], "data");
        assert_eq!(v["errors"][0]["table"], "deals");
    }

    #[test]
    fn tables_must_be_utf8() {
        let e = Utf8Tables::new(b"[]", b"[\xff]", None, None, None, None)
            .err()
            .unwrap();
        let v = parse(&e);
        assert_eq!(v["errors"][0]["code"], "D0001");
        assert_eq!(v["errors"][0]["table"], "deals");
        assert!(Utf8Tables::new(b"[]", b"[]", Some(b"[]"), None, None, Some(b"[]")).is_ok());
    }

    #[test]
    fn decimal_args_follow_the_facade_rule() {
        let ratio = commissio::ArgumentKind::Ratio;
        assert_eq!(
            decimal_arg("from", "125%", ratio).map(|d| d.to_string()),
            Ok("1.25".into())
        );
        assert_eq!(
            decimal_arg("from", "1e3", ratio).map_err(|e| parse(&e)),
            Err(json!({
                "kind": "argument",
                "code": "A0001",
                "summary": "from: \"1e3\" is not a decimal such as 1.25 or a percentage such as 125%"
            }))
        );
    }

    #[test]
    fn js_numbers_follow_the_facade_rule() {
        let c = compile(PLAN).unwrap();
        let deals = r#"[{"id":"D1","payee":"A","date":"2026-02-01","amount":null},{"id":"D2","payee":"A","date":"2026-02-01","amount":1000}]"#;
        let mut i = inputs(r#"[{"id":"A"}]"#, deals, None, None, None).unwrap();
        set_host_numbers(&mut i, None, r#"[["deals",0,"amount"]]"#, &[0.1]).unwrap();
        let e = parse(&evaluate(&c, i, "2026-Q1").err().unwrap());
        let x = &e["errors"][0];
        assert_eq!(
            [&x["code"], &x["table"], &x["row"], &x["id"], &x["field"]],
            [
                &json!("D0102"),
                &json!("deals"),
                &json!(1),
                &json!("D1"),
                &json!("amount")
            ]
        );
        assert_eq!(x["message"], json!(commissio::host::refusal(0.1)));
        for (x, shown) in [
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e21, "1e+21"),
        ] {
            let mut i = inputs(r#"[{"id":"A"}]"#, deals, None, None, None).unwrap();
            set_host_numbers(&mut i, None, r#"[["deals",0,"amount"]]"#, &[x]).unwrap();
            let e = parse(&evaluate(&c, i, "2026-Q1").err().unwrap());
            let m = e["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(
                m.starts_with(&format!("binary floating-point number {shown} refused")),
                "{m}"
            );
        }
        // A whole number handed over in the side list is that number.
        let mut i = inputs(r#"[{"id":"A"}]"#, deals, None, None, None).unwrap();
        set_host_numbers(&mut i, None, r#"[["deals",0,"amount"]]"#, &[20.0]).unwrap();
        assert_eq!(
            evaluate(&c, i, "2026-Q1")
                .unwrap()
                .grand_total()
                .to_string(),
            "51.00"
        );
        // A bad side list is an argument error, never a panic.
        let mut i = inputs(r#"[{"id":"A"}]"#, deals, None, None, None).unwrap();
        for bad in [
            "{",
            r#"[["deals",5,"amount"]]"#,
            r#"[["deals",0,"nope"]]"#,
            r#"[["quotas",0,"amount"]]"#,
            r#"[["deals",0,"amount"],["deals",1,"amount"]]"#,
        ] {
            assert_eq!(
                parse(&set_host_numbers(&mut i, None, bad, &[1.0]).err().unwrap())["code"],
                "A0001",
                "{bad}"
            );
        }
        assert_eq!(number_argument("step", 2.0), Ok("2".to_string()));
        assert_eq!(
            parse(&number_argument("step", 0.05).err().unwrap())["summary"],
            json!(format!("step: {}", commissio::host::refusal(0.05)))
        );
    }

    fn monthly(name: &str, rate: &str) -> String {
        format!("plan \"{name}\" {{\n  currency USD\n  period month\n  effective 2026-01-01 to 2026-12-31\n  rounding half_even 2 per line\n  input deal {{ amount: money }}\n  component base {{ commission on credit.amount  rate {rate} }}\n}}\n")
    }

    fn program(split: &str, plans: &[String]) -> Result<CompiledProgram, String> {
        let mut b = ProgramBuilder::new(split)?;
        for p in plans {
            b.add_plan(p)?;
        }
        b.finish()
    }

    const DEALS: &str = r#"[{"id":"D1","payee":"R1","date":"2026-04-05","amount":"1000.00"},{"id":"D2","payee":"R1","date":"2026-04-20","amount":"3000.00"}]"#;

    fn program_tables(assignments: &str) -> (Inputs, commissio::Table) {
        let (i, a) = tables(&Utf8Tables {
            payees: r#"[{"id":"R1"}]"#,
            deals: DEALS,
            credits: None,
            quotas: None,
            managers: None,
            assignments: Some(assignments),
        })
        .unwrap();
        (i, a.unwrap())
    }

    #[test]
    fn programs_evaluate_and_name_their_plans() {
        let p = program("days", &[monthly("SDR", "2%"), monthly("AE", "10%")]).unwrap();
        assert_eq!(parse(&program_names(&p)), json!(["SDR", "AE"]));
        // tests/programs/001: 80.00 x 15/30 + 400.00 x 15/30.
        let (i, a) = program_tables(
            r#"[{"payee":"R1","plan":"SDR","from":"2026-01-01","to":"2026-04-15"},{"payee":"R1","plan":"AE","from":"2026-04-16"}]"#,
        );
        let r = evaluate_program(&p, i, a, "2026-04", None).unwrap();
        let v = parse(&program_totals_json(&r).unwrap());
        assert_eq!(
            v,
            json!({"totals":[{"payee":"R1","period":"2026-04","amount":"240.00"}],"grandTotal":"240.00"})
        );
        assert_eq!(program_canonical_json(&r), Ok(r.to_json().unwrap()));
        // A plan's error is led by its name and knows the plan.
        let (i, a) = program_tables("[]");
        let ae = monthly("AE", "10%").replace("amount: money", "amount: money, new_logo: bool");
        let p = program("days", &[monthly("SDR", "2%"), ae]).unwrap();
        let e = evaluate_program(&p, i, a, "2026-04", None).err().unwrap();
        assert_eq!(e.plan.as_deref(), Some("AE"));
        let v = parse(&e.json);
        assert_eq!(v["code"], "D0101");
        assert!(v["summary"].as_str().unwrap().starts_with("plan \"AE\": "));
    }

    #[test]
    fn empty_assignments_pay_nobody_and_numbers_reach_them() {
        let p = program("credit_dates", &[monthly("SDR", "2%")]).unwrap();
        let (i, a) = program_tables("[]");
        let r = evaluate_program(&p, i, a, "2026-04", None).unwrap();
        assert!(r.totals.is_empty());
        let (mut i, mut a) =
            program_tables(r#"[{"payee":"R1","plan":"SDR","from":"2026-01-01","weight":null}]"#);
        set_host_numbers(
            &mut i,
            Some(&mut a),
            r#"[["assignments",0,"weight"]]"#,
            &[0.5],
        )
        .unwrap();
        let e = evaluate_program(&p, i, a, "2026-04", None).err().unwrap();
        let x = &parse(&e.json)["errors"][0];
        assert_eq!(
            [&x["code"], &x["table"], &x["row"], &x["field"]],
            [
                &json!("D0102"),
                &json!("assignments"),
                &json!(1),
                &json!("weight")
            ]
        );
        assert_eq!(e.plan, None);
    }

    #[test]
    fn program_split_and_plan_errors() {
        let e = parse(&ProgramBuilder::new("weeks").err().unwrap());
        assert_eq!(
            e,
            json!({"kind":"argument","code":"A0001","summary":"split: unknown split rule \"weeks\" (expected \"days\" or \"credit_dates\")"})
        );
        let bad = "plan \"x\" {\n  currency usd\n}\n";
        let mut b = ProgramBuilder::new("days").unwrap();
        assert_eq!(b.add_plan(bad).err(), compile(bad).err());
        let e = parse(
            &program("days", &[monthly("A", "1%"), monthly("A", "2%")])
                .err()
                .unwrap(),
        );
        assert_eq!(e["code"], "R0003");
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let src = format!(
            "plan \"x\" {{ measure m = {}1{} }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let e = compile(&src)
            .err()
            .map(|e| parse(&e))
            .unwrap_or(Value::Null);
        assert_eq!(e["kind"], "plan");
        assert_eq!(e["diagnostics"][0]["code"], "E0003");
    }
}
