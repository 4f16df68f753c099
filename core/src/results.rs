//! Evaluation results: payout lines with traces, totals, and evaluation errors.
//!
//! Lines are stored compactly: payees, periods, components and deals are indices into the
//! name tables of [`Results`], and each line's trace is a short byte record in one store owned
//! by [`Results`] (about 18 bytes for a W1 line, where fixed structs took about 300), decoded
//! into a [`Trace`] when asked for ([`Results::trace`]) with the static facts of the line's
//! component that the record refers to. Producing a line therefore allocates
//! nothing. Names are resolved when a line is viewed ([`Results::view`]) or serialised
//! ([`Results::to_json`]).
//!
//! Line order is deterministic: payee id (all-digit ids numerically, other ids bytewise,
//! all-digit ids first), period, deal date, deal id, component index; period-level lines
//! (bonuses, period tiers, true-up adjustments, floor top-ups, rounding) follow the deal lines
//! of their payee-period, components in plan order, plan-level lines last.

// The plain types live in a module of their own, which lines.rs and tape.rs import without
// importing this one (which holds both): no import cycle.
pub(crate) mod types;

pub use crate::lines::Lines;
pub(crate) use types::NO_TRACE;
pub use types::{
    Accrued, Anchor, AssignmentInfo, AssignmentShare, ComponentInfo, ComponentTotal, GateStep,
    Interpolation, LimitInfo, LimitStep, Line, LineKind, MultiplierStep, NamedTotal, Slice,
    TeamInput, TeamReport, Total, Trace, TrueUp, PLAN_COMPONENT, PLAN_COMPONENT_NAME,
};

use crate::period::Period;
use crate::plan::SourceRef;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// Deal ids by deal row: the dataset's interned text, shared rather than copied (a deal id
/// costs the results 4 bytes), and each deal's symbol in it.
#[derive(Debug, Clone, Default)]
pub struct IdTable {
    text: std::sync::Arc<crate::dataset::Text>,
    syms: Vec<crate::dataset::Sym>,
}

impl IdTable {
    /// The ids of `syms`, texts of `text`.
    pub(crate) fn new(text: std::sync::Arc<crate::dataset::Text>, syms: Vec<u32>) -> Self {
        IdTable { text, syms }
    }
    /// The id at `row` (empty when out of range).
    pub fn get(&self, row: u32) -> &str {
        match self.syms.get(row as usize) {
            Some(&s) => self.text.resolve(s),
            None => "",
        }
    }
    /// Number of ids.
    pub fn len(&self) -> usize {
        self.syms.len()
    }
    /// Heap bytes held (by capacity): the symbols, and the text when these results are its
    /// only holder (while the dataset lives, the text is the dataset's).
    pub fn heap_bytes(&self) -> usize {
        let text = if std::sync::Arc::strong_count(&self.text) == 1 {
            self.text.heap_bytes()
        } else {
            0
        };
        self.syms.capacity() * std::mem::size_of::<u32>() + text
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.syms.is_empty()
    }
}

impl PartialEq for IdTable {
    /// Two tables are equal when they hold the same ids in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len() as u32).all(|r| self.get(r) == other.get(r))
    }
}

impl Eq for IdTable {}

/// Everything an evaluation produced.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Payout lines, in the documented order (module docs), 20 bytes each
    /// ([`crate::lines`]); read them with [`Results::lines`] and [`Results::line`].
    pub(crate) lines: crate::lines::LineTable,
    /// One total per payee-period that has at least one line.
    pub totals: Vec<Total>,
    /// One total per payee-period-component that has at least one line.
    pub component_totals: Vec<ComponentTotal>,
    /// Every line's trace record, end to end (see [`crate::tape`]; read with
    /// [`Results::trace`]).
    pub(crate) traces: Vec<u8>,
    /// Declared limits (component-level then plan-level, version by version).
    pub limits: Vec<LimitInfo>,
    /// The static facts of every component (by component index) that its lines' trace
    /// records refer to instead of repeating them ([`crate::tape::Facts`]).
    pub(crate) facts: Vec<crate::tape::Facts>,
    /// The rounding rule of the plan version of each plan-level limit (by limit index;
    /// `None` for a component's limit): the scale a plan floor's top-up is shown at
    /// ([`crate::replay`]).
    pub(crate) plan_limit_rules: Vec<Option<crate::money::Rounding>>,
    /// Components of every plan version.
    pub components: Vec<ComponentInfo>,
    /// Reported periods, in order.
    pub periods: Vec<Period>,
    /// Payee ids by payee row.
    pub payee_ids: Vec<String>,
    /// Deal ids by deal row.
    pub deal_ids: IdTable,
    /// In a program: the assignments of payees to this plan that assignment lines' traces
    /// name ([`AssignmentShare::first`]); empty for a plan evaluated on its own.
    pub assignments: Vec<AssignmentInfo>,
}

/// A line with its names resolved; serialises as one JSON object.
#[derive(Debug, Clone, Serialize)]
pub struct LineView<'a> {
    /// Payee id.
    pub payee: &'a str,
    /// Period label.
    pub period: String,
    /// Component name (`(plan)` for plan-level lines).
    pub component: &'a str,
    /// Deal id.
    pub deal: Option<&'a str>,
    /// Line kind.
    pub kind: LineKind,
    /// Credit share.
    pub share: Decimal,
    /// Final amount.
    pub amount: Decimal,
    /// Trace.
    pub trace: TraceView<'a>,
}

/// A decoded trace with its names resolved; serialises as one JSON object
/// ([`crate::render`] writes it).
#[derive(Debug, Clone)]
pub struct TraceView<'a> {
    pub(crate) results: &'a Results,
    /// The trace.
    pub trace: Trace,
    pub(crate) rule: &'a str,
}

impl Results {
    /// Every payout line, in the documented order (module docs), each decoded from its
    /// compact stored form into a [`Line`] value.
    pub fn lines(&self) -> Lines<'_> {
        self.lines.iter()
    }
    /// Line `i` (in [`Results::lines`] order), if there is one.
    pub fn line(&self, i: usize) -> Option<Line> {
        self.lines.get(i)
    }
    /// Number of payout lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }
    /// Payee id of a line.
    pub fn payee_id(&self, line: &Line) -> &str {
        self.payee_name(line.payee)
    }
    /// Period label of a line.
    pub fn period_label(&self, line: &Line) -> String {
        self.period_name(line.period)
    }
    /// Component name of a line.
    pub fn component_name(&self, component: u32) -> &str {
        if component == PLAN_COMPONENT {
            return PLAN_COMPONENT_NAME;
        }
        self.components
            .get(component as usize)
            .map(|c| c.name.as_str())
            .unwrap_or("")
    }
    /// Deal id of a line.
    pub fn deal_id(&self, line: &Line) -> Option<&str> {
        line.deal.map(|d| self.deal_ids.get(d))
    }
    /// A line with names resolved.
    pub fn view<'a>(&'a self, line: &Line) -> LineView<'a> {
        let component = self.component_name(line.component);
        LineView {
            payee: self.payee_id(line),
            period: self.period_label(line),
            component,
            deal: self.deal_id(line),
            kind: line.kind,
            share: line.share,
            amount: line.amount,
            trace: TraceView {
                results: self,
                trace: self.trace(line),
                rule: component,
            },
        }
    }
    /// The trace of a line (empty when the evaluation ran without tracing).
    pub fn trace(&self, line: &Line) -> Trace {
        if line.trace_at == NO_TRACE {
            return Trace::default();
        }
        crate::tape::decode(
            &self.traces,
            line.trace_at,
            self.facts.get(line.component as usize),
        )
    }
    /// True when the line's trace was recorded.
    pub fn has_trace(&self, line: &Line) -> bool {
        line.trace_at != NO_TRACE
    }
    /// Bytes the trace records take (0 without tracing).
    pub fn trace_bytes(&self) -> usize {
        self.traces.len()
    }
    /// Heap bytes the results hold (lines, trace records, totals and id tables, by capacity):
    /// what keeping them in memory costs.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.lines.heap_bytes()
            + self.traces.capacity()
            + self.totals.capacity() * size_of::<Total>()
            + self.component_totals.capacity() * size_of::<ComponentTotal>()
            + self.payee_ids.iter().map(|p| p.capacity()).sum::<usize>()
            + self.payee_ids.capacity() * size_of::<String>()
            + self.deal_ids.heap_bytes()
    }
    /// Tier slices of a line.
    pub fn slices_of(&self, line: &Line) -> Vec<Slice> {
        self.trace(line).slices
    }
    /// Multipliers of a line.
    pub fn multipliers_of(&self, line: &Line) -> Vec<MultiplierStep> {
        self.trace(line).multipliers
    }
    /// Gates of a line's component.
    pub fn gates_of(&self, line: &Line) -> Vec<GateStep> {
        self.trace(line).gates
    }
    /// Cap and floor steps of a line.
    pub fn limits_of(&self, line: &Line) -> Vec<LimitStep> {
        self.trace(line).limits
    }
    /// Team commission inputs of a line.
    pub fn team_of(&self, line: &Line) -> Vec<TeamInput> {
        self.trace(line).team
    }
    /// The total of a payee (by id) and period (by label), if it has lines.
    pub fn total(&self, payee: &str, period: &str) -> Option<Decimal> {
        self.named_totals()
            .find(|t| t.payee == payee && t.period == period)
            .map(|t| t.amount)
    }
    /// Every payee-period total (payees with lines), in payee row then period order, with
    /// the payee id and period label: the one place that turns the stored indices into names.
    pub fn named_totals(&self) -> impl ExactSizeIterator<Item = NamedTotal<'_>> + '_ {
        self.totals.iter().map(|t| NamedTotal {
            payee: self.payee_name(t.payee),
            period: self.period_name(t.period),
            component: None,
            amount: t.amount,
        })
    }
    /// Every component total, in the order of [`Results::component_totals`], with names.
    pub fn named_component_totals(&self) -> impl ExactSizeIterator<Item = NamedTotal<'_>> + '_ {
        self.component_totals.iter().map(|t| NamedTotal {
            payee: self.payee_name(t.payee),
            period: self.period_name(t.period),
            component: Some(self.component_name(t.component)),
            amount: t.amount,
        })
    }
    fn payee_name(&self, row: u32) -> &str {
        self.payee_ids
            .get(row as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
    fn period_name(&self, index: u32) -> String {
        self.periods
            .get(index as usize)
            .map(Period::label)
            .unwrap_or_default()
    }
    /// Sum of every line.
    /// (An evaluation refuses totals whose sum a decimal cannot hold, `R0102`, so the sum of
    /// results it produced never overflows.)
    pub fn grand_total(&self) -> Decimal {
        self.totals.iter().fold(Decimal::ZERO, |a, t| a + t.amount)
    }
    /// The whole result as JSON (`{"lines":[...],"totals":[...],"component_totals":[...]}`),
    /// with fields in a fixed order and amounts as strings (written by [`crate::render`]).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// An evaluation error: a stable code, a message, the plan text that caused it and the input
/// row (payee, deal, period) it happened on.
///
/// Codes: `R0001` invalid period range or calendar; `R0002` invalid plan versions;
/// `R0003` dataset inconsistent with the plan or itself; `R0101` division by zero;
/// `R0102` arithmetic overflow; `R0103` a value is absent where a number is needed;
/// `R0104` type mismatch at run time; `R0105` invalid argument or context (e.g. a deal field
/// read outside a deal line); `R0201` no rate-table row matches and there is no default;
/// `R0202` empty tier table or interpolation without anchors; `R0203` unsupported tier
/// combination; `R0204` integer tier key that is not a whole number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvalError {
    /// Stable code, e.g. `R0101`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Plan text that caused the error.
    pub source: SourceRef,
    /// Payee id, when the error is tied to a payee.
    pub payee: Option<String>,
    /// Deal id, when the error is tied to a deal.
    pub deal: Option<String>,
    /// Period label, when the error is tied to a period.
    pub period: Option<String>,
}

impl EvalError {
    /// An error without row context.
    pub fn new(code: &str, message: impl Into<String>, source: SourceRef) -> Self {
        EvalError {
            code: code.to_string(),
            message: message.into(),
            source,
            payee: None,
            deal: None,
            period: None,
        }
    }
    /// The error as JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (plan bytes {}..{}",
            self.code, self.message, self.source.start, self.source.end
        )?;
        if let Some(p) = &self.payee {
            write!(f, ", payee {p}")?;
        }
        if let Some(p) = &self.period {
            write!(f, ", period {p}")?;
        }
        if let Some(d) = &self.deal {
            write!(f, ", deal {d}")?;
        }
        f.write_str(")")
    }
}

// Implemented by hand: thiserror would treat the field named `source` as the error's cause.
impl std::error::Error for EvalError {}
