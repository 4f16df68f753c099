//! The fast paths: specialised kernels that skip the general evaluator for common shapes.
//! Each gives exactly what the general rule it names gives (value, scale, trace parts and
//! errors alike), or declines (`None`) and lets the general rule run. `tests/fast_paths.rs`
//! compares whole evaluations with and without them on random plans; those marked "option"
//! are off with `EvalOptions::fast_paths: false`, the others are how the general evaluator
//! reads a condition's deal fields.
//!
//! | fast path | general rule it reproduces | off by |
//! | --- | --- | --- |
//! | [`Pred`] (`test`, `fill`) | [`eval_bool`] of deal fields against literals | option |
//! | [`deal_flag`], [`deal_vs_const`] | [`eval`] then the comparison rule ([`super::expr`]) | — |
//! | [`credit_column`] | [`eval_dec`] of one credit field (`credit.amount`) | option |
//! | [`graduated_small`] | [`graduated`] (decimal key, keyed bands, no flat band) | option |
//! | [`graduated_running`] | [`Engine::graduated_running`] then [`Engine::finish`] | option |

#[cfg(doc)]
use super::expr::eval;
use super::expr::{
    compare_dec, compare_eq, deal_col, eval_bool, eval_dec, fault, guard, no_line, CExpr,
    ExprContext, Value, R,
};
use super::run::{
    line_context, part_range, trust, ComponentContext, Engine, PayeeOut, PendingLine, PricingTrace,
    RawLine, RawTrace, Scratch, TracePartRange, NONE,
};
#[cfg(doc)]
use super::tiers::graduated;
use super::tiers::UBand;
use crate::dataset::{Column, Sym};
use crate::exact::Small;
use crate::money::RoundingStage;
use crate::plan::{BinOp, SourceRef};
use crate::results::{LineKind, MultiplierStep, Slice};
use rust_decimal::Decimal;

/// A condition made only of deal fields compared with literals (`deal.flag`,
/// `deal.text = "x"`, `deal.money >= 100000`, `and`, `or`), tested straight on the gathered
/// columns ([`ExprContext::attrs`]) by line position: what [`eval_bool`] gives for such a
/// condition, without building a context per line.
#[derive(Debug, Clone)]
pub(crate) enum Pred {
    Flag(u32),
    Text { col: u32, sym: Sym, eq: bool },
    Dec { col: u32, op: BinOp, value: Decimal },
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
}

impl Pred {
    /// The fast form of `e`, when it has one (none under a [`CExpr::Deep`]: a fast form
    /// recurses once per level on every line, without a stack check).
    pub fn of(e: &CExpr) -> Option<Pred> {
        guard(|| Pred::of_node(e))
    }

    fn of_node(e: &CExpr) -> Option<Pred> {
        match e {
            CExpr::Deal(i, _) => Some(Pred::Flag(*i)),
            CExpr::Binary(BinOp::And, a, b, _) => {
                Some(Pred::And(Box::new(Pred::of(a)?), Box::new(Pred::of(b)?)))
            }
            CExpr::Binary(BinOp::Or, a, b, _) => {
                Some(Pred::Or(Box::new(Pred::of(a)?), Box::new(Pred::of(b)?)))
            }
            CExpr::Binary(op, a, b, _)
                if matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                ) =>
            {
                match (a.as_ref(), b.as_ref()) {
                    (CExpr::Deal(col, _), CExpr::Const(Value::Text(sym)))
                        if matches!(op, BinOp::Eq | BinOp::Ne) =>
                    {
                        Some(Pred::Text {
                            col: *col,
                            sym: *sym,
                            eq: *op == BinOp::Eq,
                        })
                    }
                    (CExpr::Deal(col, _), CExpr::Const(Value::Dec(value))) => Some(Pred::Dec {
                        col: *col,
                        op: *op,
                        value: *value,
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The condition for the line at `pos` of the gathered columns; `None` when a column is
    /// not gathered, holds another type or is too short: the general path then decides (and
    /// reports any error).
    #[inline]
    pub fn test(&self, attrs: &[Option<Column>], pos: usize) -> Option<bool> {
        match self {
            Pred::Flag(col) => match attrs.get(*col as usize)? {
                Some(Column::Bool(v)) => v.get(pos).copied(),
                _ => None,
            },
            Pred::Text { col, sym, eq } => match attrs.get(*col as usize)? {
                Some(Column::Text(v)) => v.get(pos).map(|x| compare_eq(*eq, *x, *sym)),
                _ => None,
            },
            Pred::Dec { col, op, value } => match attrs.get(*col as usize)? {
                Some(Column::Decimal(v)) => v.get(pos).map(|x| compare_dec(*op, *x, *value)),
                _ => None,
            },
            Pred::And(a, b) => {
                let x = a.test(attrs, pos)?;
                Some(b.test(attrs, pos)? && x)
            }
            Pred::Or(a, b) => {
                let x = a.test(attrs, pos)?;
                Some(b.test(attrs, pos)? || x)
            }
        }
    }

    /// True when every column the condition reads is gathered, of the type it compares, with
    /// at least `n` rows: then [`Pred::test`] answers for every position below `n`, and so
    /// does the general path, without error (comparing a present flag, text or number cannot
    /// fail), so [`Pred::fill`] may test both sides of `and`/`or` everywhere.
    pub fn ready(&self, attrs: &[Option<Column>], n: usize) -> bool {
        let col = |c: &u32| attrs.get(*c as usize).and_then(Option::as_ref);
        match self {
            Pred::Flag(c) => matches!(col(c), Some(Column::Bool(v)) if v.len() >= n),
            Pred::Text { col: c, .. } => matches!(col(c), Some(Column::Text(v)) if v.len() >= n),
            Pred::Dec { col: c, .. } => {
                matches!(col(c), Some(Column::Decimal(v)) if v.len() >= n)
            }
            Pred::And(a, b) | Pred::Or(a, b) => a.ready(attrs, n) && b.ready(attrs, n),
        }
    }

    /// [`Pred::test`]'s answer at every position of `range`, written to `out` (cleared first),
    /// for a condition that is [`Pred::ready`] for `range.end` rows: one pass per column, with
    /// no branch per line. `and`/`or` test both sides everywhere (neither can fail on a ready
    /// column, so the answers are the same); `spare` lends them a buffer per level.
    pub fn fill(
        &self,
        attrs: &[Option<Column>],
        range: std::ops::Range<usize>,
        out: &mut Vec<bool>,
        spare: &mut Vec<Vec<bool>>,
    ) {
        out.clear();
        let n = range.len();
        let col = |c: &u32| attrs.get(*c as usize).and_then(Option::as_ref);
        match self {
            Pred::Flag(c) => {
                if let Some(Column::Bool(v)) = col(c) {
                    out.extend_from_slice(v.get(range).unwrap_or(&[]));
                }
            }
            Pred::Text { col: c, sym, eq } => {
                if let Some(Column::Text(v)) = col(c) {
                    let v = v.get(range).unwrap_or(&[]);
                    out.extend(v.iter().map(|x| compare_eq(*eq, *x, *sym)));
                }
            }
            Pred::Dec { col: c, op, value } => {
                if let Some(Column::Decimal(v)) = col(c) {
                    let v = v.get(range).unwrap_or(&[]);
                    out.extend(v.iter().map(|x| compare_dec(*op, *x, *value)));
                }
            }
            Pred::And(a, b) | Pred::Or(a, b) => {
                let and = matches!(self, Pred::And(..));
                a.fill(attrs, range.clone(), out, spare);
                if b.refine(attrs, range.start, out, and) {
                    return;
                }
                let mut other = spare.pop().unwrap_or_default();
                b.fill(attrs, range, &mut other, spare);
                for (o, x) in out.iter_mut().zip(&other) {
                    *o = if and { *o && *x } else { *o || *x };
                }
                spare.push(other);
            }
        }
        // A column shorter than promised (never, once ready) reads as false.
        out.resize(n, false);
    }

    /// For a leaf condition: `out[i] = out[i] && self` (`and`) or `out[i] || self` at every
    /// position `first + i`, testing the leaf only where the answer is not yet decided, as a
    /// short-circuit would. False (nothing done) for `and`/`or`, which `fill` combines whole,
    /// and for a column that is missing or too short.
    fn refine(&self, attrs: &[Option<Column>], first: usize, out: &mut [bool], and: bool) -> bool {
        let col = |c: &u32| attrs.get(*c as usize).and_then(Option::as_ref);
        let rows = first..first + out.len();
        // Positions still open: true ones for `and`, false ones for `or`; each takes the
        // leaf's answer.
        fn each<T>(out: &mut [bool], v: &[T], and: bool, test: impl Fn(&T) -> bool) {
            for (o, x) in out.iter_mut().zip(v) {
                if *o == and {
                    *o = test(x);
                }
            }
        }
        // A column missing or shorter than the range (never, once ready) is left to `fill`,
        // which reads it as false.
        match (self, self.leaf_col().and_then(col)) {
            (Pred::Flag(_), Some(Column::Bool(v))) => match v.get(rows) {
                Some(v) => each(out, v, and, |x| *x),
                None => return false,
            },
            (Pred::Text { sym, eq, .. }, Some(Column::Text(v))) => match v.get(rows) {
                Some(v) => each(out, v, and, |x| compare_eq(*eq, *x, *sym)),
                None => return false,
            },
            (Pred::Dec { op, value, .. }, Some(Column::Decimal(v))) => match v.get(rows) {
                Some(v) => each(out, v, and, |x| compare_dec(*op, *x, *value)),
                None => return false,
            },
            _ => return false,
        }
        true
    }

    /// The column a leaf condition reads; `None` for `and`/`or`.
    fn leaf_col(&self) -> Option<&u32> {
        match self {
            Pred::Flag(c) | Pred::Text { col: c, .. } | Pred::Dec { col: c, .. } => Some(c),
            Pred::And(..) | Pred::Or(..) => None,
        }
    }
}

/// A deal flag read straight from its column (a gathered copy or the dataset's); `None` for
/// a field of another type (general path).
#[inline]
pub(super) fn deal_flag(i: u32, s: SourceRef, cx: &ExprContext) -> Option<R<bool>> {
    let Some(l) = cx.line else {
        return Some(Err(no_line(s)));
    };
    match deal_col(cx, i, l) {
        (Some(Column::Bool(v)), row) => Some(
            v.get(row as usize)
                .copied()
                .ok_or_else(|| fault("R0003", "row out of range in a data column", s)),
        ),
        _ => None,
    }
}

/// `deal.x op constant` read straight from the column, for a text column compared with `=` or
/// `!=` and a number column compared any way; `None` for every other case (general path).
#[inline]
pub(super) fn deal_vs_const(
    op: BinOp,
    i: u32,
    s: SourceRef,
    c: &Value,
    cx: &ExprContext,
) -> Option<R<bool>> {
    let Some(l) = cx.line else {
        return Some(Err(no_line(s)));
    };
    let (col, row) = deal_col(cx, i, l);
    let missing = || fault("R0003", "row out of range in a data column", s);
    match (col, c) {
        (Some(Column::Text(v)), Value::Text(t)) if matches!(op, BinOp::Eq | BinOp::Ne) => Some(
            v.get(row as usize)
                .map(|x| compare_eq(op == BinOp::Eq, *x, *t))
                .ok_or_else(missing),
        ),
        (Some(Column::Decimal(v)), Value::Dec(d)) => Some(
            v.get(row as usize)
                .map(|x| compare_dec(op, *x, *d))
                .ok_or_else(missing),
        ),
        _ => None,
    }
}

/// The gathered column of a basis that is one credit field (`credit.amount`), with the
/// field's source, when it is there for the first `n` lines: [`eval_dec`] of the field is then
/// `credit_value(column[pos], share)`, read without building a line context.
pub(super) fn credit_column<'c>(
    basis: &CExpr,
    attrs: &'c [Option<Column>],
    n: usize,
) -> Option<(&'c [Decimal], SourceRef)> {
    match basis {
        CExpr::Credit(i, s) => match attrs.get(*i as usize) {
            Some(Some(Column::Decimal(v))) if v.len() >= n => Some((v.as_slice(), *s)),
            _ => None,
        },
        _ => None,
    }
}

/// A band's bounds and rate as [`Small`] decimals, for [`graduated_small`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct SmallBand {
    lo: Small,
    /// [`Small::ZERO`] for an unbounded band.
    hi: Small,
    rate: Small,
}

/// Fills `out` with `bands` as [`Small`] decimals; false when some bound or rate does not fit,
/// or a band pays a flat amount (then [`graduated`] does the slicing).
pub(crate) fn small_bands(bands: &[UBand], out: &mut Vec<SmallBand>) -> bool {
    out.clear();
    for b in bands {
        let (Some(lo), Some(rate)) = (Small::of(b.lo), Small::of(b.rate)) else {
            return false;
        };
        let hi = match b.hi {
            Some(h) => match Small::of(h) {
                Some(h) => h,
                None => return false,
            },
            None => Small::ZERO,
        };
        if b.flat {
            return false;
        }
        out.push(SmallBand { lo, hi, rate });
    }
    true
}

/// [`graduated`] for a decimal (not integer) key whose bands have keys at `key_scale` and no
/// flat amounts, on [`Small`] decimals: the same amount and the same slices, bit for bit.
/// Also says whether `s ≤ e`. `None`, with nothing appended to `trace`, when a value leaves
/// what [`Small`] holds exactly; the caller then runs [`graduated`].
pub(crate) fn graduated_small(
    bands: &[UBand],
    small: &[SmallBand],
    key_scale: u32,
    s: Small,
    e: Small,
    mut trace: Option<&mut Vec<Slice>>,
) -> Option<(Small, bool)> {
    let mark = trace.as_ref().map(|t| t.len());
    let run = |trace: &mut Option<&mut Vec<Slice>>| -> Option<(Small, bool)> {
        let (sk, ek) = (s.key_at(key_scale)?, e.key_at(key_scale)?);
        let ordered = sk <= ek;
        let (a, b, ak, bk) = if ordered {
            (s, e, sk, ek)
        } else {
            (e, s, ek, sk)
        };
        let n = bands.len();
        let mut total = Small::ZERO;
        // The keyed branch of `graduated`, with the same tie picks (the band's bound).
        for (k, (band, sb)) in bands.iter().zip(small).enumerate() {
            let lo_k = k != 0;
            let bounded = k + 1 != n && band.hi.is_some();
            if bounded && band.hi_key <= ak {
                continue;
            }
            if lo_k && bk <= band.lo_key {
                break;
            }
            let (ol, olk) = if lo_k && ak <= band.lo_key {
                (sb.lo, band.lo_key)
            } else {
                (a, ak)
            };
            let (oh, ohk) = if bounded && band.hi_key <= bk {
                (sb.hi, band.hi_key)
            } else {
                (b, bk)
            };
            if ohk <= olk {
                continue;
            }
            let amount = sb.rate.mul(oh.sub(ol)?)?;
            total = total.add(amount)?;
            if let Some(t) = trace.as_deref_mut() {
                t.push(Slice {
                    band: k as u32,
                    lo: ol.dec(),
                    hi: oh.dec(),
                    rate: band.rate,
                    flat: false,
                    amount: if ordered { amount } else { amount.neg() }.dec(),
                });
            }
        }
        Some((if ordered { total } else { total.neg() }, ordered))
    };
    let out = run(&mut trace);
    if out.is_none() {
        if let (Some(t), Some(m)) = (trace, mark) {
            t.truncate(m);
        }
    }
    out
}

/// [`Engine::graduated_running`] and [`Engine::finish`] in one pass
/// on [`Small`] decimals, for the common shape: decimal key with band keys, rates that are
/// not flat and do not read the deal, the component's gates passed, no line limits. It
/// produces exactly the lines, slices and multiplier steps of the general path, bit for
/// bit. `None` when a value leaves what [`Small`] holds or an expression fails: what it
/// pushed is taken back and the general path runs (and reports any error).
pub(super) fn graduated_running(
    engine: &Engine,
    ks: u32,
    cc: &ComponentContext,
    cx: &ExprContext,
    sc: &mut Scratch,
    out: &mut PayeeOut,
    bands: &[UBand],
) -> Option<()> {
    let comp = cc.comp;
    if !cc.pass || !comp.line_limits.is_empty() {
        return None;
    }
    let mut small = std::mem::take(&mut sc.small_bands);
    let marks = (sc.work.len(), out.slices.len(), out.mults.len());
    let done = small_bands(bands, &mut small)
        .then(|| graduated_running_lines(engine, ks, cc, cx, sc, out, bands, &small))
        .flatten();
    sc.small_bands = small;
    if done.is_none() {
        sc.work.truncate(marks.0);
        out.slices.truncate(marks.1);
        out.mults.truncate(marks.2);
    }
    done
}

/// The lines of [`graduated_running`], once its shape is checked.
#[allow(clippy::too_many_arguments)]
fn graduated_running_lines(
    engine: &Engine,
    ks: u32,
    cc: &ComponentContext,
    cx: &ExprContext,
    sc: &mut Scratch,
    out: &mut PayeeOut,
    bands: &[UBand],
    small: &[SmallBand],
) -> Option<()> {
    let comp = cc.comp;
    let line_rounding = cc.rounding.stage == RoundingStage::Line;
    let mut running = Small::ZERO;
    for k in 0..sc.elig.len() {
        let e = *sc.elig.get(k)?;
        let s = running;
        running = s.add(Small::of(e.basis)?)?;
        let s0 = out.slices.len();
        let (amount, ordered) = graduated_small(
            bands,
            small,
            ks,
            s,
            running,
            engine.trace.then_some(&mut out.slices),
        )?;
        let pricing = PricingTrace::graduated(e.basis, s0, &out.slices, ordered);
        // `finish`, for a passed gate and no line limits. The line's context only when an
        // expression needs it.
        let lcx = || line_context(cx, &e);
        let at = e.pos as usize;
        let m0 = out.mults.len();
        let mut v = amount;
        for m in &comp.mults {
            let applies = match &m.when {
                None => true,
                Some(w) => match m.when_pred.as_ref().and_then(|p| p.test(cx.attrs, at)) {
                    Some(b) => b,
                    None => eval_bool(w, &lcx(), m.source).ok()?,
                },
            };
            if applies {
                let f = match &m.factor {
                    CExpr::Const(Value::Dec(f)) => *f,
                    factor => eval_dec(factor, &lcx(), m.source).ok()?,
                };
                v = v.mul(Small::of(f)?)?;
                if engine.trace {
                    out.mults.push(MultiplierStep {
                        factor: f,
                        source: m.source,
                    });
                }
            }
        }
        let unrounded = v.dec();
        let (rounded, rounding) = if line_rounding {
            (cc.rounding.apply(unrounded)?, Some(cc.rounding))
        } else {
            (unrounded, None)
        };
        let trace = RawTrace {
            pricing,
            multipliers: part_range(m0, out.mults.len()),
            gates: cc.gates,
            unrounded,
            rounded,
            rounding,
            rounded_by_rule: true,
            // The slices' amounts added in order and the factors applied in turn, each in
            // `Small` (the library's exact results).
            unrounded_follows: true,
            team: TracePartRange::default(),
            true_up: TracePartRange::default(),
        };
        debug_assert!(
            trust::rounded_by_rule(&trace),
            "rounded_by_rule claimed for {trace:?}"
        );
        debug_assert!(
            trust::unrounded_follows(&trace, out),
            "unrounded_follows claimed for {trace:?}"
        );
        sc.work.push(PendingLine {
            pos: e.pos,
            comp: cc.ci,
            line: RawLine {
                component: comp.gid,
                deal: Some(e.deal),
                kind: LineKind::Deal,
                share: e.share,
                amount: rounded,
                trace,
            },
            first_step: NONE,
            last_step: NONE,
        });
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three lines: flag, text symbol and amount columns as gathered.
    fn attrs() -> Vec<Option<Column>> {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        vec![
            Some(Column::Bool(vec![true, false, true])),
            Some(Column::Text(vec![7, 8, 7])),
            Some(Column::Decimal(vec![d("100000"), d("99999.99"), d("5.00")])),
            None,
        ]
    }

    fn leaf_text(eq: bool) -> Pred {
        Pred::Text { col: 1, sym: 7, eq }
    }

    fn leaf_dec() -> Pred {
        Pred::Dec {
            col: 2,
            op: BinOp::Ge,
            value: Decimal::from(100_000),
        }
    }

    /// A condition is ready when each column it reads is gathered with its type and enough
    /// rows; its answers over a range (`fill`) are then `test`'s at every position.
    #[test]
    fn ready_conditions_answer_as_test_does() {
        let a = attrs();
        let and = |x: Pred, y: Pred| Pred::And(Box::new(x), Box::new(y));
        let or = |x: Pred, y: Pred| Pred::Or(Box::new(x), Box::new(y));
        let preds = [
            Pred::Flag(0),
            leaf_text(true),
            leaf_text(false),
            leaf_dec(),
            and(leaf_text(true), leaf_dec()),
            and(leaf_dec(), Pred::Flag(0)),
            or(leaf_text(false), leaf_dec()),
            or(Pred::Flag(0), and(leaf_text(true), leaf_dec())),
        ];
        let want = [
            [true, false, true],
            [true, false, true],
            [false, true, false],
            [true, false, false],
            [true, false, false],
            [true, false, false],
            [true, true, false],
            [true, false, true],
        ];
        let (mut filled, mut spare) = (Vec::new(), Vec::new());
        for (p, w) in preds.iter().zip(want) {
            assert!(p.ready(&a, 3));
            for (pos, expected) in w.into_iter().enumerate() {
                assert_eq!(p.test(&a, pos), Some(expected));
            }
            p.fill(&a, 0..3, &mut filled, &mut spare);
            assert_eq!(filled, w);
            // Any range of positions, the buffers reused.
            p.fill(&a, 1..3, &mut filled, &mut spare);
            assert_eq!(filled, w[1..]);
        }
        // A range past a column's end (never once ready) reads as false throughout, on
        // either side of an `and`/`or`.
        for p in [
            Pred::Flag(0),
            and(Pred::Flag(0), leaf_text(true)),
            and(leaf_text(true), Pred::Flag(0)),
            or(leaf_text(false), Pred::Flag(0)),
        ] {
            p.fill(&a, 0..5, &mut filled, &mut spare);
            assert_eq!(filled, [false; 5][..], "{p:?}");
        }
        // Not ready: too few rows, a column not gathered, a column of another type, on either
        // side of an `and`.
        assert!(!Pred::Flag(0).ready(&a, 4));
        assert!(!Pred::Flag(3).ready(&a, 1));
        assert!(!Pred::Flag(1).ready(&a, 1));
        assert!(!Pred::Dec {
            col: 0,
            op: BinOp::Eq,
            value: Decimal::ONE
        }
        .ready(&a, 1));
        assert!(!and(leaf_dec(), Pred::Flag(9)).ready(&a, 1));
        assert!(!or(
            Pred::Text {
                col: 2,
                sym: 7,
                eq: true
            },
            Pred::Flag(0)
        )
        .ready(&a, 1));
    }
}
