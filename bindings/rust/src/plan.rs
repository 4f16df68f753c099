//! A compiled plan: plan text checked into a typed plan, kept with its source, and everything a
//! binding does with one (periods, datasets, evaluation, explanations, statements, pay
//! curves, formatting, its input schema); and reading a plan file within the parser's limits.

use crate::error::Error;
use crate::schema::InputSchema;
use crate::view::SourceLines;
use commissio_core::load::{DataErrors, Inputs, LoadOptions};
use commissio_core::period::{parse_period_range, Period, PeriodParseError};
use commissio_core::plan::Plan;
use commissio_core::results::{EvalError, Results};
use commissio_dsl::{Diagnostic, LineIndex};

/// A plan file that could not be read as plan text (see [`read_plan_from`]).
#[derive(Debug)]
pub enum PlanReadError {
    /// The file could not be read.
    Io(std::io::Error),
    /// Refused before parsing: larger than the size limit (`E0002`), or a byte that is not
    /// UTF-8 (`E0001`). `start` is the text read before the problem, which the diagnostic's
    /// span points into (its end), so it renders like any other.
    Refused {
        /// The text read before the problem.
        start: String,
        /// The diagnostic.
        diagnostic: Diagnostic,
    },
}

/// Reads a plan file from `source` for [`CompiledPlan::compile`], as every binding does: at
/// most the parser's size limit plus one byte is read (a larger or endless file, such as
/// `/dev/zero`, is refused with `E0002` without reading the rest), and the first byte that is
/// not UTF-8 stops reading (`E0001`, with its line, column and byte offset).
pub fn read_plan_from(source: &mut dyn std::io::Read) -> Result<String, PlanReadError> {
    use commissio_core::load::{read_text_from, TextReadError};
    use commissio_dsl::ast::Span;
    let max = commissio_dsl::Limits::DEFAULT.max_bytes;
    read_text_from(source, max as u64, false).map_err(|e| match e {
        TextReadError::Io(e) => PlanReadError::Io(e),
        TextReadError::TooLarge { start } => PlanReadError::Refused {
            diagnostic: Diagnostic::error(
                "E0002",
                Span::new(start.len(), start.len() + 1),
                format!("the plan is more than {max} bytes; the limit is {max} bytes"),
            )
            .with_hint("split the plan into smaller plans"),
            start,
        },
        TextReadError::NotText { start, message, .. } => PlanReadError::Refused {
            diagnostic: Diagnostic::error(
                "E0001",
                Span::new(start.len(), start.len() + 1),
                format!("the plan is {message}"),
            )
            .with_hint("save the plan as UTF-8 text"),
            start,
        },
    })
}

/// A checked plan together with its source text (kept for error positions and formatting).
#[derive(Debug, Clone)]
pub struct CompiledPlan {
    /// The typed plan.
    pub plan: Plan,
    /// The plan text it was compiled from.
    pub source: String,
}

impl CompiledPlan {
    /// Parses and checks plan text; every problem is returned at once.
    pub fn compile(source: &str) -> Result<CompiledPlan, Error> {
        let plan = commissio_dsl::compile(source).map_err(Error::Plan)?;
        Ok(CompiledPlan {
            plan,
            source: source.to_string(),
        })
    }

    /// The plan's name, as written in `plan "…"` (the name a program's `assignments` table
    /// uses).
    pub fn name(&self) -> &str {
        self.plan
            .versions
            .first()
            .map(|v| v.name.as_str())
            .unwrap_or("")
    }

    /// Reads a period or range (`2026-Q1`, `2026-01..2026-06`, `2026`) with this plan's calendar.
    pub fn periods(&self, text: &str) -> Result<(Period, Period), Error> {
        let Some(v) = self.plan.versions.first() else {
            return Err(Error::Period(PeriodParseError {
                text: text.to_string(),
                reason: "the plan has no version".into(),
            }));
        };
        parse_period_range(text, v.calendar.grain, v.calendar.fiscal_year_start_month)
            .map_err(Error::Period)
    }

    /// Validates input tables against the plan's schema (at most [`MAX_ROWS`](crate::MAX_ROWS) rows per table).
    pub fn dataset(&self, inputs: &Inputs) -> Result<commissio_core::dataset::Dataset, Error> {
        self.dataset_with(inputs, LoadOptions::default())
    }

    /// [`CompiledPlan::dataset`] with options, e.g. a lower row limit per table (`D0108`).
    pub fn dataset_with(
        &self,
        inputs: &Inputs,
        options: LoadOptions,
    ) -> Result<commissio_core::dataset::Dataset, Error> {
        let Some(v) = self.plan.versions.first() else {
            return Err(Error::Data(DataErrors::default()));
        };
        commissio_core::load::build_dataset_with(v, inputs, options).map_err(Error::Data)
    }

    /// [`CompiledPlan::dataset_with`] taking the inputs by value: each table is freed as soon
    /// as it has been read, so a large CSV file and the dataset are not held at once. Same
    /// checks, same dataset, same errors.
    pub fn dataset_owned(
        &self,
        inputs: Inputs,
        options: LoadOptions,
    ) -> Result<commissio_core::dataset::Dataset, Error> {
        let Some(v) = self.plan.versions.first() else {
            return Err(Error::Data(DataErrors::default()));
        };
        commissio_core::load::build_dataset_owned_with(v, inputs, options).map_err(Error::Data)
    }

    /// Validates the inputs and evaluates the plan over a period or range, traces on.
    pub fn evaluate(&self, inputs: &Inputs, period: &str) -> Result<Results, Error> {
        self.evaluate_with(inputs, period, LoadOptions::default())
    }

    /// [`CompiledPlan::evaluate`] with load options, e.g. a lower row limit per table:
    /// `LoadOptions { max_rows: 1000 }` refuses a table of 1,001 rows with `D0108`.
    pub fn evaluate_with(
        &self,
        inputs: &Inputs,
        period: &str,
        options: LoadOptions,
    ) -> Result<Results, Error> {
        let (first, last) = self.periods(period)?;
        let data = self.dataset_with(inputs, options)?;
        commissio_core::evaluate(&self.plan, &data, first, last).map_err(Error::Eval)
    }

    /// [`CompiledPlan::evaluate_with`] taking the inputs by value (see
    /// [`CompiledPlan::dataset_owned`]): the way to evaluate inputs that are not needed
    /// afterwards, with the lower memory peak.
    pub fn evaluate_owned(
        &self,
        inputs: Inputs,
        period: &str,
        options: LoadOptions,
    ) -> Result<Results, Error> {
        let (first, last) = self.periods(period)?;
        let data = self.dataset_owned(inputs, options)?;
        commissio_core::evaluate(&self.plan, &data, first, last).map_err(Error::Eval)
    }

    /// The plain-text story of a payee's payouts (or of one deal's lines), built from the
    /// traces; `None` when the payee has no lines.
    pub fn explain(&self, results: &Results, payee: &str, deal: Option<&str>) -> Option<String> {
        commissio_core::report::explain_payee(results, payee, deal)
    }

    /// A payee's statement in Markdown; `None` when the payee has no lines.
    pub fn statement(&self, results: &Results, payee: &str) -> Option<String> {
        let (name, currency) = self
            .plan
            .versions
            .first()
            .map(|v| (v.name.as_str(), v.currency.code.as_str()))
            .unwrap_or(("", ""));
        commissio_core::report::statement_markdown(results, payee, name, currency)
    }

    /// The pay curve of `payee` in `period` (one period, e.g. `2026-Q1`): the payout at each
    /// attainment from `from` to `to` in steps of `step` (1 = 100%). Uses the payee's attributes
    /// and quotas from `inputs`; the payee's own deals are replaced by one synthetic deal.
    pub fn pay_curve(
        &self,
        inputs: &Inputs,
        payee: &str,
        period: &str,
        from: commissio_core::Decimal,
        to: commissio_core::Decimal,
        step: commissio_core::Decimal,
    ) -> Result<Vec<commissio_core::curve::CurvePoint>, Error> {
        let (first, last) = self.periods(period)?;
        if first != last {
            return Err(Error::Period(PeriodParseError {
                text: period.to_string(),
                reason: "a pay curve is drawn for one period".into(),
            }));
        }
        let data = self.dataset(inputs)?;
        let row = data.payee_row(payee).ok_or_else(|| {
            Error::Eval(EvalError::new(
                "R0304",
                format!("unknown payee {payee:?}"),
                Default::default(),
            ))
        })?;
        let points = commissio_core::curve::points(from, to, step).map_err(Error::Eval)?;
        commissio_core::curve::pay_curve(&self.plan, &data, row, first, &points)
            .map_err(Error::Eval)
    }

    /// Formats the plan text canonically.
    pub fn format(&self) -> Result<String, Error> {
        commissio_dsl::format(&self.source).map_err(Error::Plan)
    }

    /// The line and column index of the source, for rendering diagnostics.
    pub fn line_index(&self) -> LineIndex {
        LineIndex::new(&self.source)
    }

    /// The source indexed in every position unit, for [`Error::view`].
    pub fn source_lines(&self) -> SourceLines {
        SourceLines::new(&self.source)
    }

    /// The tables and columns this plan reads, over all its versions.
    pub fn input_schema(&self) -> InputSchema {
        InputSchema::of(&self.plan)
    }
}
