//! The plain types of results: a payout line and its kind, the decoded trace of a line and the
//! steps in it, totals, and what a component and a limit are in results. [`crate::lines`]
//! (line storage) and [`crate::tape`] (trace records) build on these, and
//! [`crate::results`] re-exports them: this module imports neither, so none of the three
//! needs another through it (no import cycle).

use crate::money::Rounding;
use crate::plan::{LimitLevel, SourceRef};
use rust_decimal::Decimal;
use serde::Serialize;

/// Component index used for plan-level lines (plan floor top-ups, payout rounding).
pub const PLAN_COMPONENT: u32 = u32::MAX;

/// Name used for plan-level lines in views and JSON.
pub const PLAN_COMPONENT_NAME: &str = "(plan)";

/// What produced a line. Serialises as its [`LineKind::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// One credit line of a deal paid by a component.
    Deal,
    /// A period-level payout of a component (bonus paid once, period-end tiers, money curve).
    Period,
    /// Year-to-date true-up adjustment of a `true_up` component.
    TrueUp,
    /// Top-up to a floor that was not reached.
    FloorTopUp,
    /// Difference made by rounding at component or payout stage.
    Rounding,
    /// What a program's plan does not pay of a payee's period because the payee was on the
    /// plan for part of it ([`AssignmentShare`]).
    Assignment,
}

impl LineKind {
    /// Every kind, in declaration order (the order of their codes).
    pub const ALL: [LineKind; 6] = [
        LineKind::Deal,
        LineKind::Period,
        LineKind::TrueUp,
        LineKind::FloorTopUp,
        LineKind::Rounding,
        LineKind::Assignment,
    ];

    /// The kind's name in every output (JSON, CSV, Python, JavaScript): `deal`, `period`,
    /// `true_up`, `floor_top_up`, `rounding`, `assignment`.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Deal => "deal",
            LineKind::Period => "period",
            LineKind::TrueUp => "true_up",
            LineKind::FloorTopUp => "floor_top_up",
            LineKind::Rounding => "rounding",
            LineKind::Assignment => "assignment",
        }
    }
}

impl Serialize for LineKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A total with its names resolved: of a payee-period ([`crate::results::Results::named_totals`],
/// `component` is `None`) or of one component in it
/// ([`crate::results::Results::named_component_totals`]). Serialises as in the results' JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedTotal<'a> {
    /// Payee id.
    pub payee: &'a str,
    /// Period label (`2026-Q1`).
    pub period: String,
    /// Component name, for a component total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<&'a str>,
    /// The sum of the lines.
    pub amount: Decimal,
}

/// One tier slice: the part of a line's key interval that fell into one band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slice {
    /// Index of the band in the tier table.
    pub band: u32,
    /// Start of the overlap in basis units (units for integer keys).
    pub lo: Decimal,
    /// End of the overlap (exclusive), in basis units.
    pub hi: Decimal,
    /// The band's rate (or flat amount when `flat`).
    pub rate: Decimal,
    /// True when the band pays a flat amount.
    pub flat: bool,
    /// Amount of this slice (rate × (hi − lo), or the flat amount).
    pub amount: Decimal,
}

/// A multiplier that applied to a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MultiplierStep {
    /// The factor.
    pub factor: Decimal,
    /// Where the multiplier is written.
    pub source: SourceRef,
}

/// A gate evaluated for a component and payee-period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateStep {
    /// Index of the gate in the component.
    pub gate: u32,
    /// True when the gate held.
    pub pass: bool,
    /// Where the gate is written.
    pub source: SourceRef,
}

/// A team commission a line's component read (`team commission(...)`), for one payee-period.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamInput {
    /// Where the team commission measure is written.
    pub source: SourceRef,
    /// Its value: the sum of the reports' amounts.
    pub value: Decimal,
    /// The reports that earned something in the counted components.
    pub reports: Vec<TeamReport>,
}

/// One report's part of a [`TeamInput`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeamReport {
    /// Payee row of the report.
    pub payee: u32,
    /// What the counted components paid the report in the period.
    pub amount: Decimal,
}

/// A cap or floor as declared in the plan (static facts shared by its steps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitInfo {
    /// Cap (true) or floor (false).
    pub is_cap: bool,
    /// Level it applies at.
    pub level: LimitLevel,
    /// Component it belongs to; [`PLAN_COMPONENT`] for plan-level limits.
    pub component: u32,
    /// Where it is written.
    pub source: SourceRef,
}

/// One cap or floor applied to one line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitStep {
    /// Index into [`Results::limits`](crate::results::Results::limits).
    pub limit: u32,
    /// The limit's value for this payee-period (or line).
    pub value: Decimal,
    /// The line amount before this step.
    pub before: Decimal,
    /// The line amount after this step.
    pub after: Decimal,
    /// Where a limit over a sequence of lines (a component's period cap, a plan cap or
    /// floor) stood when it reached this line; `None` for a line limit and a component's
    /// floor, whose step holds all it reads.
    pub accrued: Option<Accrued>,
}

/// What a limit over a sequence of lines had seen before a line: a cap pays the line
/// `min(total + before, value) − paid` (at least the line's scale), a plan floor tops up
/// `value − paid`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accrued {
    /// The sequence's lines before this one, added up as they reached the limit (a plan
    /// floor's top-up: every line of the payee-period, and of earlier periods for a floor
    /// over the plan).
    pub total: Decimal,
    /// What the limit let through of them (a cap: the lesser of `total` and the limit's
    /// value as it was), or for a floor what they paid, earlier top-ups included.
    pub paid: Decimal,
}

/// Why a line pays what it pays: decoded from the results' trace store by
/// [`Results::trace`](crate::results::Results::trace) (lines keep only where their trace starts).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    /// The commission basis of the line (e.g. the credited amount), when there is one.
    pub basis: Option<Decimal>,
    /// The rate applied: a flat rate, the table row's rate, the retroactive tier's rate, or
    /// the interpolated rate; `None` for graduated slices (see `slices`) and fixed amounts.
    pub rate: Option<Decimal>,
    /// Rate-table row chosen (index in the table; `u32::MAX` = the default).
    pub row: Option<u32>,
    /// Tier band chosen (retroactive tiers).
    pub band: Option<u32>,
    /// Graduated tier slices.
    pub slices: Vec<Slice>,
    /// Multipliers applied, in order.
    pub multipliers: Vec<MultiplierStep>,
    /// Gates of the component for this payee-period.
    pub gates: Vec<GateStep>,
    /// Value after multipliers, before rounding and limits.
    pub unrounded: Decimal,
    /// Value after rounding (equal to `unrounded` when this line is not rounded), before
    /// limits; 0 when a gate failed.
    pub rounded: Decimal,
    /// The rounding rule applied to this line, when it was rounded.
    pub rounding: Option<Rounding>,
    /// Cap and floor steps, in order.
    pub limits: Vec<LimitStep>,
    /// Team commission the component read; empty for components that read none.
    pub team: Vec<TeamInput>,
    /// What a true-up line adjusts (true-up lines only).
    pub true_up: Option<TrueUp>,
    /// Where an interpolated table was read (interpolated lines only): the rate (`rate`) or
    /// the amount (the value before multipliers) is the value there.
    pub interpolation: Option<Interpolation>,
    /// The share of the period a program's plan pays (assignment lines only).
    pub assignment: Option<AssignmentShare>,
}

/// The share of a payee's period that a plan of a program pays, when the payee was on the
/// plan for part of the period or for a weight below 1: the plan pays
/// `rounding(full × fraction)`, and its assignment line is that less `full`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AssignmentShare {
    /// What the plan's other lines pay the payee in the period (its pay for the whole period).
    pub full: Decimal,
    /// The days the payee was on the plan in the period, each counted at its assignment's
    /// weight.
    pub assigned_days: Decimal,
    /// The days the share is taken of: the period's days when the program splits by days,
    /// the (unweighted) assigned days when it splits by credit dates.
    pub of_days: u32,
    /// `assigned_days / of_days` (an inexact quotient keeps the full precision, §11.2).
    pub fraction: Decimal,
    /// The first of the assignments in force in the period (an index into
    /// [`Results::assignments`](crate::results::Results::assignments)).
    pub first: u32,
    /// How many assignments were in force in the period.
    pub count: u32,
}

/// One assignment of a payee to a program's plan, as its lines' traces name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentInfo {
    /// 1-based data row in the `assignments` table.
    pub row: u64,
    /// First day.
    pub from: crate::period::Date,
    /// Last day, included; `None` = no end.
    pub to: Option<crate::period::Date>,
    /// The weight; `None` = the whole payee.
    pub weight: Option<Decimal>,
}

/// The inputs of a true-up line: a `true_up` component pays, in each period, what it pays
/// for the fiscal year to date less what it paid in the year's earlier periods; its deal
/// lines of the period pay part of that, and the true-up line the rest:
/// `(year_to_date − earlier) − this_period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueUp {
    /// What the component pays for the fiscal year to date, this period included.
    pub year_to_date: Decimal,
    /// What it paid for the year's earlier periods (their year-to-date total).
    pub earlier: Decimal,
    /// What its deal lines of this period pay.
    pub this_period: Decimal,
}

/// An interpolated table read at a key: the value at `key` on the straight line between two
/// anchors (the same anchor twice when the key is at or outside the table's ends).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interpolation {
    /// The key (the line's basis, or the period's key), in the anchors' units (a ratio
    /// table's anchors times its denominator).
    pub key: Decimal,
    /// The anchor at or below the key.
    pub lower: Anchor,
    /// The anchor above the key (the same as `lower` outside the table).
    pub upper: Anchor,
}

/// One anchor of an interpolated table: `at => value`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    /// Where the anchor is, in key units.
    pub at: Decimal,
    /// The rate or amount there.
    pub value: Decimal,
}

/// [`Line::trace_at`] of a line evaluated without tracing.
pub(crate) const NO_TRACE: u64 = u64::MAX;

/// One payout line (compact form; see [`Results::view`](crate::results::Results::view) for names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Payee row (index into [`Results::payee_ids`](crate::results::Results::payee_ids)).
    pub payee: u32,
    /// Period (index into [`Results::periods`](crate::results::Results::periods)).
    pub period: u32,
    /// Component (index into [`Results::components`](crate::results::Results::components)) or [`PLAN_COMPONENT`].
    pub component: u32,
    /// Deal row (index into the deal id table) for deal lines.
    pub deal: Option<u32>,
    /// What produced the line.
    pub kind: LineKind,
    /// Credit share of the payee in the deal (1 for period-level lines).
    pub share: Decimal,
    /// Final amount, after rounding, caps and floors.
    pub amount: Decimal,
    /// Where the line's trace record starts in [`Results`](crate::results::Results)' trace store ([`NO_TRACE`] when
    /// evaluated without tracing). Read it with [`Results::trace`](crate::results::Results::trace).
    pub(crate) trace_at: u64,
}

/// Total of one payee-period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Total {
    /// Payee row.
    pub payee: u32,
    /// Period index.
    pub period: u32,
    /// Sum of the period's lines.
    pub amount: Decimal,
}

/// Total of one component in one payee-period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ComponentTotal {
    /// Payee row.
    pub payee: u32,
    /// Period index.
    pub period: u32,
    /// Component index or [`PLAN_COMPONENT`].
    pub component: u32,
    /// Sum of the component's lines in the payee-period.
    pub amount: Decimal,
}

/// A component's identity in results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentInfo {
    /// Component name.
    pub name: String,
    /// Index of the plan version it belongs to.
    pub version: u32,
    /// Index within the version.
    pub index: u32,
}
