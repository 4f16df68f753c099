//! Runtime values, compiled expressions and their evaluation.
//!
//! Plan expressions ([`crate::plan::Expr`]) are compiled once per evaluation into [`CExpr`]:
//! text literals are resolved to interned symbols (so text comparison is a `u32` compare),
//! field references are checked against the dataset's columns, and every node knows the
//! nearest [`SourceRef`] for error messages. Evaluation is a tree walk over a small `Copy`
//! [`Value`]; it never allocates except to build an error.
//!
//! Stack: the walks recurse once per level of an expression. The plan limits bound the depth
//! (docs/language.md §14), not the bytes per level, which a debug build multiplies and a
//! host's thread may not have (Rust spawns threads with 2 MiB, rayon's workers too; Node and
//! Python hosts may give less). The compile-time walks check the stack at every level
//! ([`guard`]). Evaluation runs per line, so it checks only at [`CExpr::Deep`] nodes, which
//! [`Compiler::compile`] puts at every [`DEEP_EVERY`]th level of height: a plan of shallow
//! expressions never meets one.

use crate::dataset::{Column, Dataset, Sym};
use crate::money::RoundingMode;
use crate::period::Date;
use crate::plan::{BinOp, Builtin, DayCount, Expr, Func, Literal, SourceRef, UnOp};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A runtime value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    Dec(Decimal),
    Bool(bool),
    Text(Sym),
    Date(Date),
    /// No value (e.g. a payee without an end date).
    Absent,
}

/// An internal error, turned into [`crate::results::EvalError`] with row context by the driver.
#[derive(Debug)]
pub(crate) struct Fault {
    pub code: &'static str,
    pub message: String,
    pub source: SourceRef,
    pub deal: Option<u32>,
}

pub(crate) type R<T> = Result<T, Box<Fault>>;

pub(crate) fn fault(
    code: &'static str,
    message: impl Into<String>,
    source: SourceRef,
) -> Box<Fault> {
    Box::new(Fault {
        code,
        message: message.into(),
        source,
        deal: None,
    })
}

pub(crate) fn overflow(src: SourceRef) -> Box<Fault> {
    fault("R0102", "arithmetic overflow", src)
}

/// Checked helpers: a result that cannot be held exactly (`crate::exact`) is `R0102` at `src`.
#[inline]
pub(crate) fn add(a: Decimal, b: Decimal, src: SourceRef) -> R<Decimal> {
    crate::exact::add(a, b).ok_or_else(|| overflow(src))
}
#[inline]
pub(crate) fn sub(a: Decimal, b: Decimal, src: SourceRef) -> R<Decimal> {
    crate::exact::sub(a, b).ok_or_else(|| overflow(src))
}
#[inline]
pub(crate) fn mul(a: Decimal, b: Decimal, src: SourceRef) -> R<Decimal> {
    crate::exact::mul(a, b).ok_or_else(|| overflow(src))
}
pub(crate) fn div(a: Decimal, b: Decimal, src: SourceRef) -> R<Decimal> {
    if b.is_zero() {
        return Err(fault("R0101", "division by zero", src));
    }
    crate::exact::div(a, b).ok_or_else(|| overflow(src))
}

/// Kind of a data column, checked at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColKind {
    Dec,
    Bool,
    Text,
    Date,
}

fn col_kind(c: &Column) -> ColKind {
    match c {
        Column::Decimal(_) => ColKind::Dec,
        Column::Bool(_) => ColKind::Bool,
        Column::Text(_) => ColKind::Text,
        Column::Date(_) => ColKind::Date,
    }
}

/// Stack that must be left before a recursive step runs in place, else it continues on a
/// fresh segment of [`SEGMENT`] bytes (the `stacker` crate). It must hold [`DEEP_EVERY`]
/// levels of evaluation (each at most three frames: `eval`, `eval_bool` or `call`, of a few
/// hundred bytes in a debug build) with a wide margin.
#[cfg_attr(target_family = "wasm", allow(dead_code))] // used by stacker only
const RED_ZONE: usize = 128 * 1024;

/// Size of each new stack segment; touched pages only are committed.
#[cfg_attr(target_family = "wasm", allow(dead_code))] // used by stacker only
const SEGMENT: usize = 1024 * 1024;

/// Levels of expression height between two stack checks of the evaluator.
const DEEP_EVERY: u32 = 16;

/// Runs `f`, first moving to a new stack segment if less than [`RED_ZONE`] is left.
#[inline]
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(not(target_family = "wasm"))]
    {
        stacker::maybe_grow(RED_ZONE, SEGMENT, f)
    }
    // No stack switching on wasm32: that module links an 8 MiB stack (bindings/wasm/build.rs).
    #[cfg(target_family = "wasm")]
    {
        f()
    }
}

/// A compiled expression.
#[derive(Debug, Clone)]
pub(crate) enum CExpr {
    Const(Value),
    Deal(u32, SourceRef),
    Credit(u32, SourceRef),
    Payee(u32, SourceRef),
    Measure(u32, SourceRef),
    Builtin(Builtin, SourceRef),
    Unary(UnOp, Box<CExpr>, SourceRef),
    Binary(BinOp, Box<CExpr>, Box<CExpr>, SourceRef),
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>, SourceRef),
    Call(Func, Vec<CExpr>, SourceRef),
    Round(Box<CExpr>, u32, RoundingMode, SourceRef),
    /// The same value as the inner expression, evaluated after a stack check ([`guard`]):
    /// placed at every [`DEEP_EVERY`]th level of height, so only deep expressions have it.
    Deep(Box<CExpr>),
}

/// Compiles plan expressions against one dataset.
pub(crate) struct Compiler<'d> {
    pub data: &'d Dataset,
    /// Text literals that are not in the dataset get fresh symbols past the interner's end.
    extra: HashMap<String, Sym>,
    pub n_measures: usize,
}

impl<'d> Compiler<'d> {
    pub fn new(data: &'d Dataset) -> Self {
        Compiler {
            data,
            extra: HashMap::new(),
            n_measures: 0,
        }
    }

    pub fn text_sym(&mut self, s: &str) -> Sym {
        // A text already missed stays missed; asking the interner again would scan its
        // unindexed ids again (see `Interner::get`).
        if let Some(&sym) = self.extra.get(s) {
            return sym;
        }
        if let Some(sym) = self.data.texts.get(s) {
            return sym;
        }
        let next = (self.data.texts.len() + self.extra.len()) as Sym;
        *self.extra.entry(s.to_string()).or_insert(next)
    }

    pub fn literal(&mut self, l: &Literal) -> Value {
        match l {
            Literal::Decimal(d) => Value::Dec(*d),
            Literal::Date(d) => Value::Date(*d),
            Literal::Text(t) => Value::Text(self.text_sym(t)),
            Literal::Bool(b) => Value::Bool(*b),
        }
    }

    /// Compiles `e`, with a [`CExpr::Deep`] stack check at every [`DEEP_EVERY`]th level.
    pub fn compile(&mut self, e: &Expr, src: SourceRef) -> R<CExpr> {
        Ok(self.compile_node(e, src)?.0)
    }

    /// The compiled node and its height (a leaf is 1).
    fn compile_node(&mut self, e: &Expr, src: SourceRef) -> R<(CExpr, u32)> {
        guard(|| {
            let (c, below) = self.compile_kind(e, src)?;
            let height = below.saturating_add(1);
            Ok(if height % DEEP_EVERY == 0 {
                (CExpr::Deep(Box::new(c)), height)
            } else {
                (c, height)
            })
        })
    }

    /// One node and the greatest height among its children (0 for a leaf).
    fn compile_kind(&mut self, e: &Expr, src: SourceRef) -> R<(CExpr, u32)> {
        let mut below = 0u32;
        let mut sub = |c: &mut Self, x: &Expr, s: SourceRef| -> R<Box<CExpr>> {
            let (n, h) = c.compile_node(x, s)?;
            below = below.max(h);
            Ok(Box::new(n))
        };
        let node = match e {
            Expr::Lit(l) => CExpr::Const(self.literal(l)),
            Expr::DealField(i) => {
                self.check_col(
                    &self.data.deals.attrs,
                    *i,
                    self.data.deals.id.len(),
                    "deal",
                    src,
                )?;
                CExpr::Deal(*i as u32, src)
            }
            Expr::CreditField(i) => {
                let k = self.check_col(
                    &self.data.deals.attrs,
                    *i,
                    self.data.deals.id.len(),
                    "deal",
                    src,
                )?;
                if k != ColKind::Dec {
                    return Err(fault(
                        "R0003",
                        format!("credit field {i} is not a number column"),
                        src,
                    ));
                }
                CExpr::Credit(*i as u32, src)
            }
            Expr::PayeeField(i) => {
                self.check_col(
                    &self.data.payees.attrs,
                    *i,
                    self.data.payees.id.len(),
                    "payee",
                    src,
                )?;
                CExpr::Payee(*i as u32, src)
            }
            Expr::Measure(i) => {
                if *i >= self.n_measures {
                    return Err(fault("R0003", format!("measure {i} does not exist"), src));
                }
                CExpr::Measure(*i as u32, src)
            }
            Expr::Builtin(b) => CExpr::Builtin(*b, src),
            Expr::Unary(op, x, s) => CExpr::Unary(*op, sub(self, x, *s)?, *s),
            Expr::Binary(op, a, b, s) => {
                let a = sub(self, a, *s)?;
                CExpr::Binary(*op, a, sub(self, b, *s)?, *s)
            }
            Expr::If(c, a, b) => {
                let c = sub(self, c, src)?;
                let a = sub(self, a, src)?;
                CExpr::If(c, a, sub(self, b, src)?, src)
            }
            Expr::Call(f, args, s) => {
                let mut v = Vec::with_capacity(args.len());
                for a in args {
                    v.push(*sub(self, a, *s)?);
                }
                CExpr::Call(*f, v, *s)
            }
            Expr::Round(x, scale, mode) => {
                if *scale > 28 {
                    return Err(fault("R0105", "rounding scale above 28", src));
                }
                CExpr::Round(sub(self, x, src)?, *scale, *mode, src)
            }
        };
        Ok((node, below))
    }

    fn check_col(
        &self,
        cols: &[Column],
        i: usize,
        rows: usize,
        what: &str,
        src: SourceRef,
    ) -> R<ColKind> {
        match cols.get(i) {
            Some(c) if c.len() == rows => Ok(col_kind(c)),
            Some(_) => Err(fault(
                "R0003",
                format!("{what} column {i} has the wrong number of rows"),
                src,
            )),
            None => Err(fault(
                "R0003",
                format!("{what} field {i} has no column in the data"),
                src,
            )),
        }
    }
}

/// Static facts about an expression.
pub(crate) fn uses_line(e: &CExpr) -> bool {
    guard(|| uses_line_node(e))
}

fn uses_line_node(e: &CExpr) -> bool {
    match e {
        CExpr::Const(_) | CExpr::Payee(..) | CExpr::Measure(..) => false,
        CExpr::Deal(..) | CExpr::Credit(..) => true,
        CExpr::Builtin(b, _) => matches!(b, Builtin::DealDate | Builtin::CreditShare),
        CExpr::Unary(_, x, _) | CExpr::Round(x, ..) | CExpr::Deep(x) => uses_line(x),
        CExpr::Binary(_, a, b, _) => uses_line(a) || uses_line(b),
        CExpr::If(c, a, b, _) => uses_line(c) || uses_line(a) || uses_line(b),
        CExpr::Call(_, args, _) => args.iter().any(uses_line),
    }
}

/// Marks every deal attribute `e` reads (`deal.x` or `credit.x`).
pub(crate) fn mark_deal_attrs(e: &CExpr, used: &mut [bool]) {
    guard(|| mark_deal_attrs_node(e, used))
}

fn mark_deal_attrs_node(e: &CExpr, used: &mut [bool]) {
    match e {
        CExpr::Deal(i, _) | CExpr::Credit(i, _) => {
            if let Some(u) = used.get_mut(*i as usize) {
                *u = true;
            }
        }
        CExpr::Unary(_, x, _) | CExpr::Round(x, ..) | CExpr::Deep(x) => mark_deal_attrs(x, used),
        CExpr::Binary(_, a, b, _) => {
            mark_deal_attrs(a, used);
            mark_deal_attrs(b, used);
        }
        CExpr::If(c, a, b, _) => {
            mark_deal_attrs(c, used);
            mark_deal_attrs(a, used);
            mark_deal_attrs(b, used);
        }
        CExpr::Call(_, args, _) => args.iter().for_each(|a| mark_deal_attrs(a, used)),
        _ => {}
    }
}

/// Marks every measure `e` refers to.
pub(crate) fn mark_measures(e: &CExpr, used: &mut [bool]) {
    guard(|| mark_measures_node(e, used))
}

fn mark_measures_node(e: &CExpr, used: &mut [bool]) {
    match e {
        CExpr::Measure(i, _) => {
            if let Some(u) = used.get_mut(*i as usize) {
                *u = true;
            }
        }
        CExpr::Unary(_, x, _) | CExpr::Round(x, ..) | CExpr::Deep(x) => mark_measures(x, used),
        CExpr::Binary(_, a, b, _) => {
            mark_measures(a, used);
            mark_measures(b, used);
        }
        CExpr::If(c, a, b, _) => {
            mark_measures(c, used);
            mark_measures(a, used);
            mark_measures(b, used);
        }
        CExpr::Call(_, args, _) => args.iter().for_each(|a| mark_measures(a, used)),
        _ => {}
    }
}

/// The credit line an expression is evaluated on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineContext {
    pub deal: u32,
    pub share: Decimal,
    /// Position of the line in the gathered columns of [`ExprContext::attrs`], or `u32::MAX`
    /// to read the dataset by deal row instead.
    pub pos: u32,
}

/// Per payee-period constants.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeriodContext {
    pub start: Date,
    pub end: Date,
    pub quota: Decimal,
    pub tenure: i64,
    pub payee_start: Option<Date>,
    pub payee_end: Option<Date>,
}

/// Everything an expression can read.
#[derive(Clone, Copy)]
pub(crate) struct ExprContext<'a> {
    pub data: &'a Dataset,
    pub payee: u32,
    pub line: Option<LineContext>,
    pub measures: &'a [Value],
    /// Deal attribute columns gathered in line order: the evaluated payee's lines
    /// ([`super::index::PayeeLines`]), or every line ([`super::index::LinesByPayee::all`]) for a
    /// report's line in a `direct`/`team` aggregate. Reading them by line position is
    /// sequential instead of a random access per deal.
    pub attrs: &'a [Option<Column>],
    pub pc: &'a PeriodContext,
    pub proration: DayCount,
    pub ramp: &'a [Decimal],
}

impl<'a> ExprContext<'a> {
    pub fn with_line(&self, line: LineContext) -> ExprContext<'a> {
        ExprContext {
            line: Some(line),
            ..*self
        }
    }
}

fn read_col(c: Option<&Column>, row: u32, src: SourceRef) -> R<Value> {
    let r = row as usize;
    let v = match c {
        Some(Column::Decimal(v)) => v.get(r).map(|x| Value::Dec(*x)),
        Some(Column::Bool(v)) => v.get(r).map(|x| Value::Bool(*x)),
        Some(Column::Text(v)) => v.get(r).map(|x| Value::Text(*x)),
        Some(Column::Date(v)) => v.get(r).map(|x| Value::Date(*x)),
        None => None,
    };
    v.ok_or_else(|| fault("R0003", "row out of range in a data column", src))
}

/// The column of deal attribute `i` and the row to read for line `l`: the gathered copy by
/// line position when there is one, else the dataset column by deal row.
#[inline]
pub(super) fn deal_col<'c>(
    cx: &ExprContext<'c>,
    i: u32,
    l: LineContext,
) -> (Option<&'c Column>, u32) {
    match cx.attrs.get(i as usize) {
        Some(Some(c)) if l.pos != u32::MAX => (Some(c), l.pos),
        _ => (cx.data.deals.attrs.get(i as usize), l.deal),
    }
}

pub(super) fn no_line(src: SourceRef) -> Box<Fault> {
    fault(
        "R0105",
        "a deal or credit field is read outside a credit line",
        src,
    )
}

fn type_err(what: &str, src: SourceRef) -> Box<Fault> {
    fault("R0104", format!("type mismatch: {what}"), src)
}

/// Expects a decimal; `Absent` is error `R0103`.
pub(crate) fn want_dec(v: Value, src: SourceRef) -> R<Decimal> {
    match v {
        Value::Dec(d) => Ok(d),
        Value::Absent => Err(fault(
            "R0103",
            "a value is absent where a number is needed",
            src,
        )),
        _ => Err(type_err("expected a number", src)),
    }
}

/// Expects a boolean; `Absent` counts as false.
pub(crate) fn want_bool(v: Value, src: SourceRef) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(b),
        Value::Absent => Ok(false),
        _ => Err(type_err("expected true or false", src)),
    }
}

/// Evaluates a decimal expression.
pub(crate) fn eval_dec(e: &CExpr, cx: &ExprContext, src: SourceRef) -> R<Decimal> {
    // Fast paths for the hot shapes.
    match e {
        CExpr::Const(Value::Dec(d)) => Ok(*d),
        CExpr::Credit(i, s) => {
            let l = cx.line.ok_or_else(|| no_line(*s))?;
            let (col, row) = deal_col(cx, *i, l);
            match col {
                Some(Column::Decimal(v)) => {
                    let x = v
                        .get(row as usize)
                        .ok_or_else(|| fault("R0003", "deal row out of range", *s))?;
                    credit_value(*x, l.share, *s)
                }
                _ => Err(type_err("credit field is not a number", *s)),
            }
        }
        _ => want_dec(eval(e, cx)?, src),
    }
}

/// A credit field: the deal's value `x` times the line's `share`, as [`mul`]. A whole share
/// (`1` with no places, as every line credited to the deal's owner has) gives `x` itself,
/// which is the product's value, scale and sign; a zero `x` gives `0`, the library's product
/// of a zero.
#[inline]
pub(crate) fn credit_value(x: Decimal, share: Decimal, src: SourceRef) -> R<Decimal> {
    if share.scale() == 0 && share.mantissa() == 1 {
        return Ok(if x.is_zero() { Decimal::ZERO } else { x });
    }
    mul(x, share, src)
}

/// Evaluates a condition (absent = false).
pub(crate) fn eval_bool(e: &CExpr, cx: &ExprContext, src: SourceRef) -> R<bool> {
    // The shapes conditions are made of (`deal.flag`, `deal.x = "text"`,
    // `deal.amount >= 100000`, `and`, `or`) without building intermediate values: the deal
    // field reads are fast paths ([`super::fast`]), which decline anything else.
    match e {
        CExpr::Deal(i, s) => match super::fast::deal_flag(*i, *s, cx) {
            Some(r) => r,
            None => want_bool(eval(e, cx)?, src),
        },
        CExpr::Binary(BinOp::And, a, b, s) => {
            let x = eval_bool(a, cx, *s)?;
            let y = eval_bool(b, cx, *s)?;
            Ok(x && y)
        }
        CExpr::Binary(BinOp::Or, a, b, s) => {
            let x = eval_bool(a, cx, *s)?;
            let y = eval_bool(b, cx, *s)?;
            Ok(x || y)
        }
        CExpr::Binary(op, a, b, s)
            if matches!(
                op,
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
            ) =>
        {
            if let (CExpr::Deal(i, ds), CExpr::Const(c)) = (a.as_ref(), b.as_ref()) {
                if let Some(r) = super::fast::deal_vs_const(*op, *i, *ds, c, cx) {
                    return r;
                }
            }
            let x = eval(a, cx)?;
            let y = eval(b, cx)?;
            compare_values(*op, x, y, *s)
        }
        _ => want_bool(eval(e, cx)?, src),
    }
}

// The comparison rule, written once: the general path (`compare_values`) and every fast
// path ([`super::fast`]) compare through these.

/// Whether comparison `op` (`=`, `!=`, `<`, `<=`, `>`, `>=`) holds for operands in order `o`
/// (false for any other operator).
#[inline]
fn holds(op: BinOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering;
    match op {
        BinOp::Eq => o == Ordering::Equal,
        BinOp::Ne => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::Le => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        BinOp::Ge => o != Ordering::Less,
        _ => false,
    }
}

/// Two decimals compared by value (`2.5 = 2.50`, `-0 = 0`).
#[inline]
pub(super) fn compare_dec(op: BinOp, a: Decimal, b: Decimal) -> bool {
    holds(op, crate::exact::cmp(a, b))
}

/// Text or flags compared for equality: `=` when `eq`, else `!=` (they have no order).
#[inline]
pub(super) fn compare_eq<T: PartialEq>(eq: bool, a: T, b: T) -> bool {
    (a == b) == eq
}

/// Two values compared: absent equals absent and nothing else (`!=` with a value is true,
/// every other comparison false); text and flags only with `=`/`!=`, and values of two types
/// not at all (`R0104`).
fn compare_values(op: BinOp, a: Value, b: Value, src: SourceRef) -> R<bool> {
    let equality = matches!(op, BinOp::Eq | BinOp::Ne);
    match (a, b) {
        (Value::Absent, Value::Absent) => Ok(op == BinOp::Eq),
        (Value::Absent, _) | (_, Value::Absent) => Ok(op == BinOp::Ne),
        (Value::Dec(x), Value::Dec(y)) => Ok(compare_dec(op, x, y)),
        (Value::Date(x), Value::Date(y)) => Ok(holds(op, x.cmp(&y))),
        (Value::Text(x), Value::Text(y)) if equality => Ok(compare_eq(op == BinOp::Eq, x, y)),
        (Value::Bool(x), Value::Bool(y)) if equality => Ok(compare_eq(op == BinOp::Eq, x, y)),
        (Value::Text(_), Value::Text(_)) => {
            Err(type_err("text can only be compared with = and !=", src))
        }
        (Value::Bool(_), Value::Bool(_)) => {
            Err(type_err("booleans can only be compared with = and !=", src))
        }
        _ => Err(type_err("comparison of different types", src)),
    }
}

/// 30/360 (US) day count from `a` to `b`.
fn days_360(a: Date, b: Date) -> i64 {
    let (y1, m1, d1) = a.ymd();
    let (y2, m2, d2) = b.ymd();
    let last_feb = |y: i32, m: u32, d: u32| m == 2 && d == crate::period::days_in_month(y, 2);
    let mut dd1 = i64::from(d1);
    let mut dd2 = i64::from(d2);
    if last_feb(y1, m1, d1) {
        if last_feb(y2, m2, d2) {
            dd2 = 30;
        }
        dd1 = 30;
    }
    if dd2 == 31 && dd1 >= 30 {
        dd2 = 30;
    }
    if dd1 == 31 {
        dd1 = 30;
    }
    360 * i64::from(y2 - y1) + 30 * (i64::from(m2) - i64::from(m1)) + (dd2 - dd1)
}

/// Active days of the payee in the period and the period's days, under the day count.
pub(crate) fn active_fraction(cx: &ExprContext) -> (i64, i64) {
    let pc = cx.pc;
    let s = match pc.payee_start {
        Some(d) if d > pc.start => d,
        _ => pc.start,
    };
    let e = match pc.payee_end {
        Some(d) if d < pc.end => d,
        _ => pc.end,
    };
    let next = |d: Date| d.add_days(1).unwrap_or(d);
    match cx.proration {
        DayCount::Actual => {
            let total = pc.start.days_until(pc.end) + 1;
            let active = if e < s { 0 } else { s.days_until(e) + 1 };
            (active, total)
        }
        DayCount::Thirty360 => {
            let total = days_360(pc.start, next(pc.end));
            let active = if e < s {
                0
            } else {
                days_360(s, next(e)).max(0)
            };
            (active.min(total), total)
        }
    }
}

/// Ramp factor for the payee's tenure (tenure below 1 uses the first factor).
pub(crate) fn ramp_factor(ramp: &[Decimal], tenure: i64) -> Decimal {
    if ramp.is_empty() {
        return Decimal::ONE;
    }
    let i = (tenure.max(1) as usize).min(ramp.len()) - 1;
    ramp.get(i).copied().unwrap_or(Decimal::ONE)
}

/// Evaluates an expression.
pub(crate) fn eval(e: &CExpr, cx: &ExprContext) -> R<Value> {
    match e {
        CExpr::Const(v) => Ok(*v),
        CExpr::Deal(i, s) => {
            let l = cx.line.ok_or_else(|| no_line(*s))?;
            let (col, row) = deal_col(cx, *i, l);
            read_col(col, row, *s)
        }
        CExpr::Credit(..) => Ok(Value::Dec(eval_dec(e, cx, SourceRef::default())?)),
        CExpr::Payee(i, s) => read_col(cx.data.payees.attrs.get(*i as usize), cx.payee, *s),
        CExpr::Measure(i, s) => cx.measures.get(*i as usize).copied().ok_or_else(|| {
            fault(
                "R0105",
                format!("measure {i} is read before it is computed"),
                *s,
            )
        }),
        CExpr::Builtin(b, s) => Ok(match b {
            Builtin::Quota => Value::Dec(cx.pc.quota),
            Builtin::PeriodStart => Value::Date(cx.pc.start),
            Builtin::PeriodEnd => Value::Date(cx.pc.end),
            Builtin::DealDate => {
                let l = cx.line.ok_or_else(|| no_line(*s))?;
                Value::Date(
                    *cx.data
                        .deals
                        .date
                        .get(l.deal as usize)
                        .ok_or_else(|| fault("R0003", "deal row out of range", *s))?,
                )
            }
            Builtin::CreditShare => Value::Dec(cx.line.ok_or_else(|| no_line(*s))?.share),
            Builtin::PayeeStart => cx.pc.payee_start.map(Value::Date).unwrap_or(Value::Absent),
            Builtin::PayeeEnd => cx.pc.payee_end.map(Value::Date).unwrap_or(Value::Absent),
            Builtin::Tenure => Value::Dec(Decimal::from(cx.pc.tenure)),
        }),
        CExpr::Unary(op, x, s) => {
            let v = eval(x, cx)?;
            match (op, v) {
                (_, Value::Absent) => Ok(Value::Absent),
                (UnOp::Neg, Value::Dec(d)) => Ok(Value::Dec(-d)),
                (UnOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                _ => Err(type_err("bad operand of a unary operator", *s)),
            }
        }
        CExpr::Binary(op, a, b, s) => {
            let s = *s;
            match op {
                BinOp::And => {
                    let x = eval_bool(a, cx, s)?;
                    let y = eval_bool(b, cx, s)?;
                    Ok(Value::Bool(x && y))
                }
                BinOp::Or => {
                    let x = eval_bool(a, cx, s)?;
                    let y = eval_bool(b, cx, s)?;
                    Ok(Value::Bool(x || y))
                }
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    let x = eval(a, cx)?;
                    let y = eval(b, cx)?;
                    Ok(Value::Bool(compare_values(*op, x, y, s)?))
                }
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                    let x = eval(a, cx)?;
                    let y = eval(b, cx)?;
                    arith(*op, x, y, s)
                }
            }
        }
        CExpr::If(c, a, b, s) => {
            if eval_bool(c, cx, *s)? {
                eval(a, cx)
            } else {
                eval(b, cx)
            }
        }
        CExpr::Call(f, args, s) => call(*f, args, cx, *s),
        CExpr::Round(x, scale, mode, s) => match eval(x, cx)? {
            Value::Dec(d) => Ok(Value::Dec(
                mode.round(d, *scale).ok_or_else(|| overflow(*s))?,
            )),
            Value::Absent => Ok(Value::Absent),
            _ => Err(type_err("round needs a number", *s)),
        },
        CExpr::Deep(x) => guard(|| eval(x, cx)),
    }
}

fn arith(op: BinOp, x: Value, y: Value, s: SourceRef) -> R<Value> {
    match (x, y) {
        (Value::Absent, _) | (_, Value::Absent) => Ok(Value::Absent),
        (Value::Dec(a), Value::Dec(b)) => Ok(Value::Dec(match op {
            BinOp::Add => add(a, b, s)?,
            BinOp::Sub => sub(a, b, s)?,
            BinOp::Mul => mul(a, b, s)?,
            _ => div(a, b, s)?,
        })),
        (Value::Date(d), Value::Dec(n)) | (Value::Dec(n), Value::Date(d))
            if matches!(op, BinOp::Add)
                || (matches!(op, BinOp::Sub) && matches!(x, Value::Date(_))) =>
        {
            if !n.fract().is_zero() {
                return Err(fault("R0105", "days added to a date must be whole", s));
            }
            let days = n.to_i64().ok_or_else(|| overflow(s))?;
            let days = if matches!(op, BinOp::Sub) {
                -days
            } else {
                days
            };
            d.add_days(days)
                .map(Value::Date)
                .ok_or_else(|| fault("R0102", "date out of range", s))
        }
        _ => Err(type_err(
            "arithmetic on non-numbers (use days(a, b) for date differences)",
            s,
        )),
    }
}

fn call(f: Func, args: &[CExpr], cx: &ExprContext, s: SourceRef) -> R<Value> {
    let arg = |i: usize| -> R<Value> {
        match args.get(i) {
            Some(a) => eval(a, cx),
            None => Err(fault("R0105", "missing function argument", s)),
        }
    };
    match f {
        Func::Min | Func::Max => {
            let mut best: Option<Value> = None;
            for a in args {
                let v = eval(a, cx)?;
                if v == Value::Absent {
                    continue;
                }
                best = Some(match best {
                    None => v,
                    Some(b) => {
                        let less = compare_values(BinOp::Lt, v, b, s)?;
                        if less == (f == Func::Min) {
                            v
                        } else {
                            b
                        }
                    }
                });
            }
            Ok(best.unwrap_or(Value::Absent))
        }
        Func::Clamp => {
            let x = want_dec(arg(0)?, s)?;
            let lo = want_dec(arg(1)?, s)?;
            let hi = want_dec(arg(2)?, s)?;
            Ok(Value::Dec(x.max(lo).min(hi)))
        }
        Func::Abs => Ok(Value::Dec(want_dec(arg(0)?, s)?.abs())),
        Func::Round => {
            // round(x, scale) without a mode: half-even (the lowering normally uses Expr::Round).
            let x = want_dec(arg(0)?, s)?;
            let scale = want_dec(arg(1)?, s)?;
            let sc = scale
                .to_u32()
                .filter(|v| *v <= 28 && scale.fract().is_zero())
                .ok_or_else(|| fault("R0105", "rounding scale must be 0..=28", s))?;
            Ok(Value::Dec(
                RoundingMode::HalfEven
                    .round(x, sc)
                    .ok_or_else(|| overflow(s))?,
            ))
        }
        Func::Days => match (arg(0)?, arg(1)?) {
            (Value::Date(a), Value::Date(b)) => Ok(Value::Dec(Decimal::from(a.days_until(b)))),
            (Value::Absent, _) | (_, Value::Absent) => Ok(Value::Absent),
            _ => Err(type_err("days(a, b) needs two dates", s)),
        },
        Func::Prorate => {
            let x = want_dec(arg(0)?, s)?;
            let (active, total) = active_fraction(cx);
            if total <= 0 {
                return Err(fault("R0101", "period has no days", s));
            }
            let v = mul(x, Decimal::from(active), s)?;
            Ok(Value::Dec(div(v, Decimal::from(total), s)?))
        }
        Func::Ramp => {
            let x = want_dec(arg(0)?, s)?;
            Ok(Value::Dec(mul(x, ramp_factor(cx.ramp, cx.pc.tenure), s)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]
        /// A credit field is exactly the product `exact::mul` gives (value, scale
        /// and sign), whole shares included, for values of every width and scale and zeros
        /// of either sign.
        #[test]
        fn credit_value_is_the_product(
            lo in proptest::prelude::any::<u32>(),
            mid in proptest::prelude::any::<u32>(),
            hi in proptest::prelude::any::<u32>(),
            width in 0u8..4,
            neg in proptest::prelude::any::<bool>(),
            scale in 0u32..=28,
            share_kind in 0u8..5,
        ) {
            let (mid, hi) = match width {
                0 => (0, 0),
                1 => (mid, 0),
                2 => (mid, hi),
                _ => (0, 0), // with lo below: zero or small
            };
            let lo = if width == 3 { lo % 3 } else { lo };
            let x = Decimal::from_parts(lo, mid, hi, neg, scale);
            let share = match share_kind {
                0 => Decimal::ONE,
                1 => Decimal::new(1, 0),
                2 => Decimal::new(100, 2), // 1.00: not whole, the scale grows
                3 => Decimal::new(-1, 0),
                _ => Decimal::new(4, 1),
            };
            let got = credit_value(x, share, SourceRef::default()).ok();
            let want = crate::exact::mul(x, share);
            proptest::prop_assert_eq!(got.map(|d| d.serialize()), want.map(|d| d.serialize()));
        }
    }
}
