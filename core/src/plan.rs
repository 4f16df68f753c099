//! The typed plan model (IR): what a checked plan means, with no trace of its syntax.
//!
//! The DSL lowers checked plan text into these types; the evaluator reads only these. Every
//! node that can fail at run time carries a [`SourceRef`] so an evaluation error can name the
//! plan text that caused it without the engine knowing anything about syntax.

use crate::money::{Currency, Rounding};
use crate::period::{Date, DateRange, Grain};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Byte range of the plan text a node came from (`start..end`), for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SourceRef {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// A whole plan: one or more versions with disjoint effective ranges, sorted by start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The versions, sorted by effective start date; ranges never overlap.
    pub versions: Vec<PlanVersion>,
}

/// One effective-dated version of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanVersion {
    /// Display name, e.g. `Account Executive FY2026`.
    pub name: String,
    /// Currency of every money value in the plan and its data.
    pub currency: Currency,
    /// Period grain and fiscal year start.
    pub calendar: Calendar,
    /// Dates (inclusive) during which this version is in force.
    pub effective: DateRange,
    /// How and where amounts are rounded.
    pub rounding: Rounding,
    /// Input record schemas.
    pub schema: Schema,
    /// Measures, in dependency order: a measure only refers to measures before it.
    pub measures: Vec<Measure>,
    /// Components, in plan order.
    pub components: Vec<Component>,
    /// Caps and floors over the sum of all components.
    pub plan_limits: Vec<Limit>,
    /// When true, credit shares of a deal need not sum to 100% (overlay credit).
    pub overlay: bool,
    /// Day-count convention used by `prorate`.
    pub proration: DayCount,
    /// Ramp factors by tenure period (1st period, 2nd, ...); the last repeats. Empty = none.
    pub ramp: Vec<Decimal>,
}

/// Period grain plus the fiscal year start month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Calendar {
    /// Length of a pay period.
    pub grain: Grain,
    /// Month (1..=12) in which the fiscal year starts; 1 = calendar year.
    pub fiscal_year_start_month: u8,
}

/// Day-count convention for proration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Active calendar days / calendar days in the period.
    Actual,
    /// 30/360 (US): every month counts 30 days.
    Thirty360,
}

/// The value type of a field, measure or expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// An amount in the plan currency.
    Money,
    /// A plain decimal (ratios, rates, multipliers). Percent fields are numbers (30% = 0.30).
    Number,
    /// A whole number (counts, units).
    Integer,
    /// A calendar date.
    Date,
    /// Text.
    Text,
    /// true or false.
    Bool,
}

/// The declared type of an input field (what the data must look like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Decimal with at most the currency's minor units.
    Money,
    /// Any decimal.
    Number,
    /// A percentage: data `30%` or `0.30`; the value is the fraction 0.30.
    Percent,
    /// A whole number.
    Integer,
    /// ISO date `YYYY-MM-DD`.
    Date,
    /// Any text.
    Text,
    /// `true` or `false`.
    Bool,
}

impl FieldType {
    /// The expression type a field of this type has.
    pub fn value_type(self) -> ValueType {
        match self {
            FieldType::Money => ValueType::Money,
            FieldType::Number | FieldType::Percent => ValueType::Number,
            FieldType::Integer => ValueType::Integer,
            FieldType::Date => ValueType::Date,
            FieldType::Text => ValueType::Text,
            FieldType::Bool => ValueType::Bool,
        }
    }
}

/// One declared input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Name used in the plan (`deal.amount`).
    pub name: String,
    /// Column name in the data (same as `name` unless mapped).
    pub column: String,
    /// Declared type.
    pub ty: FieldType,
}

/// The schema of one record kind.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordSchema {
    /// Columns holding the built-in fields, by built-in name (`id`, `payee`, `date`, `manager`,
    /// `start`, `end`), when the data names them differently.
    pub builtin_columns: Vec<(String, String)>,
    /// Declared attribute fields, in declaration order; `FieldRef` indexes this list.
    pub fields: Vec<FieldDef>,
}

impl RecordSchema {
    /// The data column for a built-in field (`id`, `payee`, `date`, ...).
    pub fn builtin_column<'a>(&'a self, builtin: &'a str) -> &'a str {
        self.builtin_columns
            .iter()
            .find(|(b, _)| b == builtin)
            .map(|(_, c)| c.as_str())
            .unwrap_or(builtin)
    }
}

/// Input schemas of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    /// Deals (transactions). Built-ins: `id`, `payee` (owner), `date` (credit date).
    pub deal: RecordSchema,
    /// Payees. Built-ins: `id`, `manager`, `start`, `end`.
    pub payee: RecordSchema,
}

/// A binary operator. Arithmetic is exact; `/` is always decimal division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (decimal division; division by zero is an evaluation error)
    Div,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and` (both sides are always evaluated; the language has no side effects)
    And,
    /// `or`
    Or,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Func {
    /// `min(a, b, ...)`
    Min,
    /// `max(a, b, ...)`
    Max,
    /// `clamp(x, lo, hi)`
    Clamp,
    /// `abs(x)`
    Abs,
    /// `round(x, scale, mode)`: the mode is in [`Expr::Round`], not here.
    Round,
    /// `days(a, b)`: whole days from date `a` to date `b` (b − a).
    Days,
    /// `prorate(x)`: x × the payee's active share of the period (plan day count).
    Prorate,
    /// `ramp(x)`: x × the plan ramp factor for the payee's tenure period.
    Ramp,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Literal {
    /// Decimal (numbers, percents already divided by 100, money written as literals).
    Decimal(Decimal),
    /// A date.
    Date(Date),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
}

/// Built-in values available in expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// The payee's quota for the period (from the quotas table; 0 when absent).
    Quota,
    /// First day of the period being evaluated.
    PeriodStart,
    /// Last day of the period being evaluated.
    PeriodEnd,
    /// The deal's credit date (`deal.date`).
    DealDate,
    /// The credit line's share (`credit.share`), 1 for an uncredited deal's owner.
    CreditShare,
    /// The payee's start date (`payee.start`).
    PayeeStart,
    /// The payee's end date (`payee.end`); absent means still active.
    PayeeEnd,
    /// The payee's tenure period: 1 in the period containing `payee.start`, then 2, 3, ...
    Tenure,
}

/// A typed expression. Aggregates are hoisted into [`Measure`]s by lowering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    /// A constant.
    Lit(Literal),
    /// A deal attribute, by index into `schema.deal.fields`.
    DealField(usize),
    /// A credited amount: the deal attribute (money or number) multiplied by the credit share.
    CreditField(usize),
    /// A payee attribute, by index into `schema.payee.fields`.
    PayeeField(usize),
    /// A measure's value for the current payee and period.
    Measure(usize),
    /// A built-in value.
    Builtin(Builtin),
    /// `op x`
    Unary(UnOp, Box<Expr>, SourceRef),
    /// `x op y`
    Binary(BinOp, Box<Expr>, Box<Expr>, SourceRef),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A function call.
    Call(Func, Vec<Expr>, SourceRef),
    /// `round(x, scale, mode)`: explicit rounding inside an expression.
    Round(Box<Expr>, u32, crate::money::RoundingMode),
}

/// Aggregate function of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggFunc {
    /// Sum of the argument (0 when no rows).
    Sum,
    /// Number of rows.
    Count,
    /// Mean of the argument (error when no rows? no: 0 when no rows, documented).
    Avg,
    /// Smallest value (0 when no rows).
    Min,
    /// Largest value (0 when no rows).
    Max,
}

/// The time window an aggregate covers, relative to the period being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The period itself.
    Period,
    /// From the start of the fiscal year through the end of the period.
    YearToDate,
    /// The whole fiscal year containing the period (lets a gate look at the annual figure).
    Year,
}

/// Whose credit lines an aggregate covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// The payee's own credit lines.
    Own,
    /// Credit lines of the payee's direct reports (each line as of its deal's credit date).
    Direct,
    /// Credit lines of all direct and indirect reports (each line as of its deal's credit
    /// date).
    Team,
}

/// A named value per payee and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// Name in the plan; hidden measures made by lowering start with `$`.
    pub name: String,
    /// Result type.
    pub ty: ValueType,
    /// How it is computed.
    pub kind: MeasureKind,
    /// Where it is written.
    pub source: SourceRef,
}

/// How a measure is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// An aggregate over credit lines.
    Aggregate {
        /// sum, count, ...
        func: AggFunc,
        /// Value aggregated per credit line (None for `count`).
        arg: Option<Expr>,
        /// Only credit lines for which this is true.
        filter: Option<Expr>,
        /// Time window.
        window: Window,
        /// Whose lines.
        population: Population,
    },
    /// An expression over payee fields, built-ins and earlier measures.
    Scalar(Expr),
    /// Team commission (money): the sum, over the payee's reports as of the period's last
    /// day, of what the named components paid each report in the same period (their lines
    /// after rounding, line limits and the components' own period limits; before plan-level
    /// limits). The named components never depend on team commission themselves (checked), so
    /// it is computed in a second phase after every payee's first-phase components.
    TeamCommission {
        /// `Direct` (direct reports) or `Team` (direct and indirect reports); never `Own`.
        population: Population,
        /// Indices of the counted components in this version's `components`.
        components: Vec<usize>,
    },
}

/// Tier semantics; each must be named in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// The whole amount is paid at the rate of the tier the key reaches.
    Retroactive,
    /// Each slice of the amount is paid at its own tier's rate.
    Graduated,
    /// Linear between anchor points.
    Interpolated,
}

/// What positions a tier table's key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierKey {
    /// The component's basis (its `commission on` amount).
    Amount,
    /// A measure. With `denominator`, the measure is `numerator / denominator` and tier bounds
    /// (in measure units, e.g. attainment) are converted to basis units by multiplying with
    /// the denominator, so tests are exact and done in currency.
    Measure {
        /// The measure.
        measure: usize,
        /// Per-payee-period expression the bounds are scaled by (e.g. the quota).
        denominator: Option<Expr>,
    },
}

/// Where the tier key is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierScope {
    /// Each credit line on its own (key = the line's basis).
    PerLine,
    /// Against the running period-to-date total, lines in (date, deal id) order.
    Running,
    /// Once, on the period-end value of the key.
    PeriodEnd,
}

/// One end of a tier band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    /// The bound's value, in key units (attainment 50% = 0.5).
    pub value: Decimal,
    /// True when the end is included (`]` or `[`).
    pub closed: bool,
}

/// What a tier (or a rate table row) pays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierPay {
    /// A rate (or per-unit price) multiplied by the amount or slice.
    Rate(Expr),
    /// A flat amount: once per line for tables and per-line tiers, once per period for
    /// period tiers, once per tier entered for graduated tiers.
    Flat(Expr),
}

/// One band of a tier table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// Lower end.
    pub lo: Bound,
    /// Upper end; `None` = unbounded.
    pub hi: Option<Bound>,
    /// What the band pays.
    pub pay: TierPay,
    /// Where the row is written.
    pub source: SourceRef,
}

/// An anchor of an interpolated table: at key `at`, the rate is `rate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// Key value.
    pub at: Decimal,
    /// Value at that key (a rate, or money for a period payout).
    pub value: Decimal,
}

/// A tier table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierTable {
    /// Retroactive, graduated or interpolated.
    pub mode: TierMode,
    /// What the bands are measured on.
    pub key: TierKey,
    /// Where the key is read.
    pub scope: TierScope,
    /// True when the key is an integer count: closed bounds count whole units 1, 2, 3, ...
    pub integer_key: bool,
    /// Bands, sorted, without gaps or overlaps (checked).
    pub tiers: Vec<Tier>,
    /// Anchors (interpolated mode only), sorted by `at`.
    pub anchors: Vec<Anchor>,
    /// True when interpolated values are money paid once per period rather than rates.
    pub anchors_are_money: bool,
    /// Where the table is written.
    pub source: SourceRef,
}

/// A rate table keyed by attributes, most specific row wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateTable {
    /// Key expressions, from most general to most specific.
    pub keys: Vec<Expr>,
    /// Rows; `None` in a key position is the wildcard `_`.
    pub rows: Vec<RateRow>,
    /// Value when no row matches; without it, an unmatched line is an evaluation error.
    pub default: Option<TierPay>,
    /// Where the table is written.
    pub source: SourceRef,
}

/// A row of a rate table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateRow {
    /// Key values (None = `_`).
    pub keys: Vec<Option<Literal>>,
    /// What the row pays.
    pub pay: TierPay,
}

/// How a component's rate is found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rate {
    /// A constant or expression (may read deal fields and measures).
    Expr(Expr),
    /// Attribute lookup, most specific wins.
    Table(RateTable),
    /// Tiers.
    Tiers(TierTable),
}

/// Unit of a fixed payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixedUnit {
    /// Once per eligible credit line, times the credit share.
    PerDeal,
    /// Per unit: amount × this expression (e.g. `deal.quantity`), times the credit share.
    PerUnit(Expr),
    /// Once per payee-period when the component's conditions hold (a bonus).
    Once,
}

/// What a component pays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payout {
    /// Basis × rate per credit line (or per period for period tiers).
    Commission {
        /// Amount per credit line the rate applies to (e.g. `credit.amount`).
        basis: Expr,
        /// The rate.
        rate: Rate,
    },
    /// A fixed amount.
    Fixed {
        /// The amount.
        amount: Expr,
        /// Per deal, per unit or once.
        unit: FixedUnit,
    },
}

/// A conditional multiplier (accelerator, decelerator, kicker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Multiplier {
    /// Factor applied to the line before rounding.
    pub factor: Expr,
    /// Applies only when true (None = always).
    pub when: Option<Expr>,
    /// Where it is written.
    pub source: SourceRef,
}

/// Level a cap or floor applies at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitLevel {
    /// Each line of the component.
    Line,
    /// The component's total per payee-period.
    Period,
    /// (Plan level) The payee's total of all components per period.
    TotalPeriod,
    /// (Plan level) The payee's total of all components over the plan's effective range.
    TotalPlan,
}

/// A cap (maximum) or floor (minimum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    /// True for a cap, false for a floor.
    pub is_cap: bool,
    /// Where it applies.
    pub level: LimitLevel,
    /// The limit amount (per payee-period expression; per line for `Line`).
    pub amount: Expr,
    /// Where it is written.
    pub source: SourceRef,
}

/// A component of pay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Name in the plan.
    pub name: String,
    /// What it pays.
    pub payout: Payout,
    /// Multipliers, applied in order.
    pub multipliers: Vec<Multiplier>,
    /// Period-level conditions; when any is false the component pays 0 for the period.
    pub gates: Vec<Expr>,
    /// Line-level eligibility (for `once`, a period-level condition).
    pub eligible: Option<Expr>,
    /// Deal-date window (a SPIFF): lines outside it are not eligible.
    pub window: Option<DateRange>,
    /// Caps and floors of this component (levels `Line` and `Period`).
    pub limits: Vec<Limit>,
    /// Year-to-date true-up: the period pays the year-to-date result minus what earlier
    /// periods of the fiscal year paid for this component.
    pub true_up: bool,
    /// Where it is written.
    pub source: SourceRef,
}
