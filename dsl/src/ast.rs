//! The spanned abstract syntax tree: what the plan text says, with where it says it.
//!
//! Built from the pest parse tree by [`mod@crate::parse`]; checked and lowered by
//! [`mod@crate::check`]; printed back by [`mod@crate::format`]. Spans are byte offsets into the
//! source.

use commissio_core::money::{RoundingMode, RoundingStage};
use commissio_core::period::{Date, Grain};
use commissio_core::plan::{
    AggFunc, DayCount, FieldType, LimitLevel, Population, TierMode, TierScope, Window,
};
use rust_decimal::Decimal;
use serde::Serialize;

/// A byte range `start..end` in the plan text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<Span> for commissio_core::plan::SourceRef {
    fn from(s: Span) -> Self {
        commissio_core::plan::SourceRef {
            start: s.start,
            end: s.end,
        }
    }
}

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it is written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a value with its span.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// A name as written.
pub type Ident = Spanned<String>;

/// A whole plan file: one or more plan versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct File {
    /// Plans in file order.
    pub plans: Vec<PlanDecl>,
}

/// `plan "Name" [version N] { ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDecl {
    /// The plan's name.
    pub name: Spanned<String>,
    /// Optional version number.
    pub version: Option<Spanned<u32>>,
    /// Items in order.
    pub items: Vec<Item>,
    /// The whole block.
    pub span: Span,
}

/// A plan-level item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Item {
    /// `currency USD`
    Currency(Spanned<String>),
    /// `period quarter [fiscal year starts february]`
    Period {
        /// Grain.
        grain: Spanned<Grain>,
        /// Fiscal start month (1..=12) when given.
        fiscal_start: Option<Spanned<u8>>,
        /// Whole item.
        span: Span,
    },
    /// `effective 2026-01-01 to 2026-12-31`
    Effective {
        /// First day.
        start: Spanned<Date>,
        /// Last day.
        end: Spanned<Date>,
        /// Whole item.
        span: Span,
    },
    /// `rounding half_even 2 per line`
    Rounding {
        /// Mode.
        mode: Spanned<RoundingMode>,
        /// Decimal places.
        scale: Spanned<u32>,
        /// Stage.
        stage: Spanned<RoundingStage>,
        /// Whole item.
        span: Span,
    },
    /// `proration actual` / `proration 30_360`
    Proration(Spanned<DayCount>),
    /// `ramp [0%, 25%, 50%, 75%, 100%]`
    Ramp {
        /// Factors.
        factors: Vec<Expr>,
        /// Whole item.
        span: Span,
    },
    /// `credit overlay`
    Overlay(Span),
    /// `input deal (...) { ... }`
    Input(InputDecl),
    /// `measure name = expr`
    Measure(MeasureDecl),
    /// `component name { ... }`
    Component(ComponentDecl),
    /// `cap total per period at expr` (plan level)
    Limit(LimitDecl),
    /// `holdback ...`, `draw ...`, `clawback ...`: accepted by the grammar, not yet supported.
    Payment {
        /// The keyword.
        kind: Spanned<String>,
        /// Whole item.
        span: Span,
    },
}

/// `input deal (id = deal_id) { amount: money, ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputDecl {
    /// Record kind: `deal` or `payee`.
    pub kind: Ident,
    /// Built-in column remappings: (built-in name, data column).
    pub builtins: Vec<(Ident, Spanned<String>)>,
    /// Declared fields.
    pub fields: Vec<FieldDecl>,
    /// Whole item.
    pub span: Span,
}

/// `name: type [from "column"]`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDecl {
    /// Field name.
    pub name: Ident,
    /// Declared type.
    pub ty: Spanned<FieldType>,
    /// Data column when it differs from the name.
    pub column: Option<Spanned<String>>,
    /// Whole declaration.
    pub span: Span,
}

/// `measure name = expr`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureDecl {
    /// Name.
    pub name: Ident,
    /// Definition.
    pub expr: Expr,
    /// Whole item.
    pub span: Span,
}

/// `component name { ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentDecl {
    /// Name.
    pub name: Ident,
    /// Clauses in order.
    pub items: Vec<ComponentItem>,
    /// Whole block.
    pub span: Span,
}

/// A clause inside a component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ComponentItem {
    /// `commission on expr`
    Commission {
        /// Basis.
        basis: Expr,
        /// Whole clause.
        span: Span,
    },
    /// `rate ...`
    Rate {
        /// The rate.
        rate: RateSpec,
        /// Whole clause.
        span: Span,
    },
    /// `pay expr per deal | per unit of expr | once [when expr]`
    Pay {
        /// Amount.
        amount: Expr,
        /// Unit.
        unit: PayUnit,
        /// Condition.
        when: Option<Expr>,
        /// Whole clause.
        span: Span,
    },
    /// `multiply [by] expr [when expr]`
    Multiply {
        /// Factor.
        factor: Expr,
        /// Condition.
        when: Option<Expr>,
        /// Whole clause.
        span: Span,
    },
    /// `gate expr`
    Gate {
        /// Condition.
        cond: Expr,
        /// Whole clause.
        span: Span,
    },
    /// `eligible when expr`
    Eligible {
        /// Condition.
        cond: Expr,
        /// Whole clause.
        span: Span,
    },
    /// `during date to date`
    During {
        /// First day.
        start: Spanned<Date>,
        /// Last day.
        end: Spanned<Date>,
        /// Whole clause.
        span: Span,
    },
    /// `cap per line at expr`, `floor per period at expr`
    Limit(LimitDecl),
    /// `true_up ytd`
    TrueUp(Span),
}

/// Unit of a `pay` clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PayUnit {
    /// `per deal`
    PerDeal(Span),
    /// `per unit of expr`
    PerUnit(Expr, Span),
    /// `once`
    Once(Span),
}

/// A cap or floor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitDecl {
    /// `cap` (true) or `floor` (false).
    pub is_cap: bool,
    /// Level.
    pub level: Spanned<LimitLevel>,
    /// Amount.
    pub amount: Expr,
    /// Whole clause.
    pub span: Span,
}

/// A `rate` clause's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RateSpec {
    /// A constant or expression.
    Expr(Expr),
    /// A tier table.
    Tiers(TierTableDecl),
    /// A rate table by attributes.
    Table(RateTableDecl),
}

/// What a tier table is keyed on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TierKeyDecl {
    /// `by amount`
    Amount(Span),
    /// `by expr` (a measure name)
    Expr(Expr),
}

/// `retroactive|graduated|interpolated by key [scope] { rows }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierTableDecl {
    /// Mode.
    pub mode: Spanned<TierMode>,
    /// Key.
    pub key: TierKeyDecl,
    /// Scope, when written.
    pub scope: Option<Spanned<TierScope>>,
    /// Band rows (retroactive and graduated).
    pub rows: Vec<TierRowDecl>,
    /// Anchor rows (interpolated).
    pub anchors: Vec<AnchorDecl>,
    /// Whole table.
    pub span: Span,
}

/// `[lo, hi) pay`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRowDecl {
    /// `[` (true) or `(`.
    pub lo_closed: bool,
    /// Lower bound.
    pub lo: Expr,
    /// Upper bound; `None` for `..`.
    pub hi: Option<Expr>,
    /// `]` (true) or `)`.
    pub hi_closed: bool,
    /// What the band pays.
    pub pay: PayDecl,
    /// Whole row.
    pub span: Span,
}

/// A rate or a flat amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PayDecl {
    /// A rate (or per-unit price).
    Rate(Expr),
    /// `flat expr`
    Flat(Expr, Span),
}

/// `at => value`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnchorDecl {
    /// Key value.
    pub at: Expr,
    /// Value at the key.
    pub value: Expr,
    /// Whole row.
    pub span: Span,
}

/// `table by k1, k2 { "A", _ => 5%  default => 1% }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateTableDecl {
    /// Key expressions, general to specific.
    pub keys: Vec<Expr>,
    /// Rows (a row with `keys == None` is `default`).
    pub rows: Vec<TableRowDecl>,
    /// Whole table.
    pub span: Span,
}

/// A rate-table row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRowDecl {
    /// Key literals (`None` entries are `_`); `None` overall for `default`.
    pub keys: Option<Vec<Option<Expr>>>,
    /// What the row pays.
    pub pay: PayDecl,
    /// Whole row.
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Binary operators as written (`of` is multiplication, kept for printing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `of` (multiplication: `50% of payee.target`)
    Of,
    /// `/`
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
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Of => "of",
            BinaryOp::Div => "/",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Of | BinaryOp::Div => 6,
        }
    }
}

/// Built-in functions callable in expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FuncName {
    /// `min(a, b, ...)`
    Min,
    /// `max(a, b, ...)`
    Max,
    /// `clamp(x, lo, hi)`
    Clamp,
    /// `abs(x)`
    Abs,
    /// `round(x, scale, mode)`
    Round,
    /// `days(from, to)`
    Days,
    /// `prorate(x)`
    Prorate,
    /// `ramp(x)`
    Ramp,
}

impl FuncName {
    /// The name as written.
    pub fn text(self) -> &'static str {
        match self {
            FuncName::Min => "min",
            FuncName::Max => "max",
            FuncName::Clamp => "clamp",
            FuncName::Abs => "abs",
            FuncName::Round => "round",
            FuncName::Days => "days",
            FuncName::Prorate => "prorate",
            FuncName::Ramp => "ramp",
        }
    }
    /// Parses a function name.
    pub fn from_text(t: &str) -> Option<FuncName> {
        [
            FuncName::Min,
            FuncName::Max,
            FuncName::Clamp,
            FuncName::Abs,
            FuncName::Round,
            FuncName::Days,
            FuncName::Prorate,
            FuncName::Ramp,
        ]
        .into_iter()
        .find(|f| f.text() == t)
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExprKind {
    /// A number as written: `1.2`, `250`, `100_000` (`percent` for `8%`; `value` is the digits
    /// before the `%`, so `8%` has value 8).
    Number {
        /// Digits as written (underscores removed).
        value: Decimal,
        /// Written with `%`.
        percent: bool,
    },
    /// A date literal.
    Date(Date),
    /// A text literal.
    Text(String),
    /// `true` / `false`
    Bool(bool),
    /// A name or dotted path: `attainment`, `deal.amount`, `credit.share`.
    Path(Vec<Ident>),
    /// `-x`
    Neg(Box<Expr>),
    /// `not x`
    Not(Box<Expr>),
    /// `a op b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Spanned<FuncName>, Vec<Expr>),
    /// A rounding mode keyword as a `round` argument.
    RoundMode(RoundingMode),
    /// `[team|direct] [ytd|year] sum|count|avg|min|max(arg [where filter])`
    Aggregate {
        /// Whose lines.
        population: Population,
        /// Time window.
        window: Window,
        /// Function.
        func: AggFunc,
        /// Argument (absent for `count()`).
        arg: Option<Box<Expr>>,
        /// Filter.
        filter: Option<Box<Expr>>,
    },
    /// `team|direct commission(component, ...)`: what the named components paid the
    /// payee's reports in the period.
    TeamCommission {
        /// `Team` or `Direct` (never `Own`).
        population: Population,
        /// The counted components, as written.
        components: Vec<Ident>,
    },
}

/// Everything about a limit level that the AST needs for printing.
pub fn limit_level_text(level: LimitLevel) -> &'static str {
    match level {
        LimitLevel::Line => "per line",
        LimitLevel::Period => "per period",
        LimitLevel::TotalPeriod => "total per period",
        LimitLevel::TotalPlan => "total per plan",
    }
}

/// Keyword of a tier mode.
pub fn tier_mode_text(mode: TierMode) -> &'static str {
    match mode {
        TierMode::Retroactive => "retroactive",
        TierMode::Graduated => "graduated",
        TierMode::Interpolated => "interpolated",
    }
}

/// Keywords of a tier scope.
pub fn tier_scope_text(scope: TierScope) -> &'static str {
    match scope {
        TierScope::PerLine => "per deal",
        TierScope::Running => "running",
        TierScope::PeriodEnd => "at period end",
    }
}

/// Keyword of a field type.
pub fn field_type_text(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Money => "money",
        FieldType::Number => "number",
        FieldType::Percent => "percent",
        FieldType::Integer => "integer",
        FieldType::Date => "date",
        FieldType::Text => "text",
        FieldType::Bool => "bool",
    }
}

/// Keyword of a day-count convention.
pub fn day_count_text(d: DayCount) -> &'static str {
    match d {
        DayCount::Actual => "actual",
        DayCount::Thirty360 => "30_360",
    }
}

/// Month names as written after `fiscal year starts`.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Aggregate function keyword.
pub fn agg_func_text(f: AggFunc) -> &'static str {
    match f {
        AggFunc::Sum => "sum",
        AggFunc::Count => "count",
        AggFunc::Avg => "avg",
        AggFunc::Min => "min",
        AggFunc::Max => "max",
    }
}
