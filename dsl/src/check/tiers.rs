//! Rate tables and tier tables: keys, bands, gaps, overlaps, order and shape.

use super::checker::{type_name, Checker, Ctx, Ty};
use super::exprs::is_percent_literal;
use super::plan::too_many_rows;
use crate::ast::{self, ExprKind, Span};
use crate::diagnostic::Diagnostic;
use commissio_core::plan::{self as ir, TierMode, TierScope, ValueType};
use rust_decimal::Decimal;

impl Checker {
    pub(super) fn rate_table(
        &mut self,
        t: &ast::RateTableDecl,
        basis: Ty,
    ) -> Option<ir::RateTable> {
        if let Some(d) = too_many_rows(t.rows.iter().map(|r| r.span), "rate table") {
            self.err(d);
            return None;
        }
        let before = self.errors.len();
        let mut keys = Vec::new();
        let mut key_types = Vec::new();
        for k in &t.keys {
            if let Some((ke, kt)) = self.expr(k, Ctx::Line) {
                keys.push(ke);
                key_types.push((kt, k.span));
            }
        }
        if self.errors.len() > before {
            return None;
        }
        let mut rows: Vec<ir::RateRow> = Vec::new();
        let mut row_spans: Vec<Span> = Vec::new();
        let mut default: Option<ir::TierPay> = None;
        let mut default_span: Option<Span> = None;
        for row in &t.rows {
            let pay = self.pay_decl(&row.pay, basis);
            match &row.keys {
                None => {
                    if let Some(prev) = default_span {
                        self.err(
                            Diagnostic::error(
                                "E0310",
                                row.span,
                                "the table has two `default` rows",
                            )
                            .with_secondary(prev, "first default"),
                        );
                        continue;
                    }
                    default_span = Some(row.span);
                    default = pay;
                }
                Some(ks) => {
                    if ks.len() != keys.len() {
                        self.err(
                            Diagnostic::error(
                                "E0310",
                                row.span,
                                format!(
                                    "this row has {} keys; the table is keyed by {}",
                                    ks.len(),
                                    keys.len()
                                ),
                            )
                            .with_hint("write one value or `_` per key"),
                        );
                        continue;
                    }
                    let mut lits = Vec::new();
                    for (k, (kt, kspan)) in ks.iter().zip(&key_types) {
                        match k {
                            None => lits.push(None),
                            Some(e) => {
                                let Some((ke, et)) = self.expr(e, Ctx::Const) else {
                                    continue;
                                };
                                if self
                                    .unify(*kt, et, *kspan, e.span, "a table key and its value")
                                    .is_none()
                                {
                                    continue;
                                }
                                let lit = match ke {
                                    ir::Expr::Lit(l) => Some(l),
                                    _ => None,
                                };
                                lits.push(lit);
                            }
                        }
                    }
                    if lits.len() != keys.len() {
                        continue;
                    }
                    if let Some(i) = rows.iter().position(|r| r.keys == lits) {
                        self.err(
                            Diagnostic::error("E0103", row.span, "this row repeats the keys of an earlier row")
                                .with_secondary(row_spans[i], "earlier row")
                                .with_hint("most specific wins, so two rows with the same keys can never both apply"),
                        );
                        continue;
                    }
                    if let Some(p) = pay {
                        rows.push(ir::RateRow { keys: lits, pay: p });
                        row_spans.push(row.span);
                    }
                }
            }
        }
        if self.errors.len() > before {
            return None;
        }
        Some(ir::RateTable {
            keys,
            rows,
            default,
            source: t.span.into(),
        })
    }

    pub(super) fn tier_table(
        &mut self,
        t: &ast::TierTableDecl,
        basis: Ty,
    ) -> Option<ir::TierTable> {
        let rows = t.rows.iter().map(|r| r.span);
        if let Some(d) = too_many_rows(rows.chain(t.anchors.iter().map(|a| a.span)), "tier table") {
            self.err(d);
            return None;
        }
        let before = self.errors.len();
        let mode = t.mode.node;
        // Key.
        let (key, key_ty, ratio) = match &t.key {
            ast::TierKeyDecl::Amount(_) => (ir::TierKey::Amount, basis.vt, false),
            ast::TierKeyDecl::Expr(e) => {
                let ExprKind::Path(parts) = &e.kind else {
                    self.err(
                        Diagnostic::error("E0307", e.span, "tiers are keyed `by amount` or by a measure name")
                            .with_hint("define the key as a measure, e.g. `measure attainment = bookings / payee.quota`"),
                    );
                    return None;
                };
                let name = parts
                    .iter()
                    .map(|p| p.node.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                let Some(info) = self.measure_names.get(&name) else {
                    self.err(
                        Diagnostic::error("E0307", e.span, format!("`{name}` is not a measure"))
                            .with_hint("tiers are keyed `by amount` or by a measure defined above"),
                    );
                    return None;
                };
                let (index, mty) = (info.index, info.ty);
                // A ratio measure `x / d` converts bounds to basis units through `d`.
                let denominator = match self.measures.get(index).map(|m| &m.kind) {
                    Some(ir::MeasureKind::Scalar(ir::Expr::Binary(
                        ir::BinOp::Div,
                        num,
                        den,
                        _,
                    ))) if mty == ValueType::Number && matches!(**num, ir::Expr::Measure(_)) => {
                        Some((**den).clone())
                    }
                    _ => None,
                };
                let ratio = denominator.is_some();
                (
                    ir::TierKey::Measure {
                        measure: index,
                        denominator,
                    },
                    mty,
                    ratio,
                )
            }
        };
        if matches!(key_ty, ValueType::Text | ValueType::Bool | ValueType::Date) {
            self.err(Diagnostic::error(
                "E0307",
                t.span,
                format!("tiers need a numeric key, found {}", type_name(key_ty)),
            ));
            return None;
        }
        // Scope.
        let default_scope = match mode {
            TierMode::Graduated => TierScope::Running,
            _ => TierScope::PeriodEnd,
        };
        let scope = t.scope.as_ref().map(|s| s.node).unwrap_or(default_scope);
        let scope_span = t.scope.as_ref().map(|s| s.span).unwrap_or(t.mode.span);
        let measure_key = matches!(key, ir::TierKey::Measure { .. });
        if scope == TierScope::PerLine && measure_key {
            self.err(
                Diagnostic::error(
                    "E0308",
                    scope_span,
                    "`per deal` tiers are keyed by each line's amount",
                )
                .with_hint("write `by amount per deal`, or drop `per deal` to key on the measure"),
            );
        }
        if scope == TierScope::Running && measure_key && !ratio && key_ty != basis.vt {
            self.err(
                Diagnostic::error("E0308", scope_span, "running tiers by a measure need a ratio of the basis (e.g. bookings / quota) or a measure in the basis' units")
                    .with_hint("key the tiers `at period end` instead"),
            );
        }
        if scope == TierScope::Running && mode == TierMode::Interpolated {
            self.err(Diagnostic::error(
                "E0308",
                scope_span,
                "interpolated tables are read per deal or at period end, not running",
            ));
        }
        let integer_key = key_ty == ValueType::Integer;

        let mut tiers = Vec::new();
        let mut anchors = Vec::new();
        let mut anchors_are_money = false;
        if mode == TierMode::Interpolated {
            if !t.rows.is_empty() {
                self.err(
                    Diagnostic::error(
                        "E0306",
                        t.rows[0].span,
                        "interpolated tables list anchor points, not bands",
                    )
                    .with_hint("write rows such as `50% => 25%`"),
                );
            }
            if t.anchors.len() < 2 {
                self.err(Diagnostic::error(
                    "E0306",
                    t.span,
                    "an interpolated table needs at least two anchor points",
                ));
            }
            let mut prev: Option<(Decimal, Span)> = None;
            // `%` values are rates applied to the basis; plain numbers are money paid once.
            let mut kinds: Vec<(bool, Span)> = Vec::new();
            for a in &t.anchors {
                let at = self.constant_number(&a.at, "anchor keys");
                let value = self.constant_number(&a.value, "anchor values");
                let (Some(at), Some(v)) = (at, value) else {
                    continue;
                };
                if let Some((p, pspan)) = prev {
                    if at <= p {
                        self.err(
                            Diagnostic::error(
                                "E0303",
                                a.span,
                                "anchor points must be in increasing order of their keys",
                            )
                            .with_secondary(pspan, "previous anchor"),
                        );
                    }
                }
                prev = Some((at, a.span));
                kinds.push((is_percent_literal(&a.value), a.value.span));
                anchors.push(ir::Anchor { at, value: v });
            }
            if let Some(&(first_is_rate, first_span)) = kinds.first() {
                if let Some(&(_, bad)) = kinds.iter().find(|(k, _)| *k != first_is_rate) {
                    self.err(
                        Diagnostic::error(
                            "E0306",
                            bad,
                            "an interpolated table mixes rates (written with %) and money amounts",
                        )
                        .with_secondary(first_span, "the first anchor value")
                        .with_hint(
                            "write every value as a rate (25%) or every value as money (5000)",
                        ),
                    );
                }
                anchors_are_money = !first_is_rate;
            }
        } else {
            if !t.anchors.is_empty() {
                self.err(
                    Diagnostic::error(
                        "E0306",
                        t.anchors[0].span,
                        "anchor rows belong to interpolated tables",
                    )
                    .with_hint(
                        "write bands such as `[0%, 50%) 2%`, or make the table `interpolated`",
                    ),
                );
            }
            if t.rows.is_empty() {
                self.err(Diagnostic::error(
                    "E0306",
                    t.span,
                    "the tier table has no rows",
                ));
            }
            for row in &t.rows {
                let lo = self.constant_number(&row.lo, "tier bounds");
                let hi = match &row.hi {
                    Some(h) => self.constant_number(h, "tier bounds").map(Some),
                    None => Some(None),
                };
                let pay = self.pay_decl(&row.pay, basis);
                let (Some(lo), Some(hi), Some(pay)) = (lo, hi, pay) else {
                    continue;
                };
                tiers.push(ir::Tier {
                    lo: ir::Bound {
                        value: lo,
                        closed: row.lo_closed,
                    },
                    hi: hi.map(|v| ir::Bound {
                        value: v,
                        closed: row.hi_closed,
                    }),
                    pay,
                    source: row.span.into(),
                });
            }
            if self.errors.len() == before {
                self.check_bands(t, &tiers, ratio, integer_key);
            }
        }
        if self.errors.len() > before {
            return None;
        }
        Some(ir::TierTable {
            mode,
            key,
            scope,
            integer_key,
            tiers,
            anchors,
            anchors_are_money,
            source: t.span.into(),
        })
    }

    /// Bands must be sorted, without gaps or overlaps, and every band reachable.
    fn check_bands(
        &mut self,
        t: &ast::TierTableDecl,
        tiers: &[ir::Tier],
        ratio: bool,
        integer_key: bool,
    ) {
        // A ratio bound shows as a percent unless ×100 leaves the 96-bit range (a plain bound
        // such as 10^27 is legal); then as the plain ratio.
        let show = |v: Decimal| -> String {
            match v.checked_mul(Decimal::ONE_HUNDRED) {
                Some(p) if ratio => format!("{}%", p.normalize()),
                _ => v.normalize().to_string(),
            }
        };
        for (i, tier) in tiers.iter().enumerate() {
            let span = t.rows[i].span;
            if let Some(hi) = tier.hi {
                let empty = hi.value < tier.lo.value
                    || (hi.value == tier.lo.value && !(hi.closed && tier.lo.closed));
                if empty {
                    self.err(
                        Diagnostic::error(
                            "E0304",
                            span,
                            format!(
                                "this band is empty: it starts at {} and ends at {}",
                                show(tier.lo.value),
                                show(hi.value)
                            ),
                        )
                        .with_hint("the upper bound must be above the lower bound"),
                    );
                    continue;
                }
            }
            let Some(next) = tiers.get(i + 1) else {
                continue;
            };
            let next_span = t.rows[i + 1].span;
            let Some(hi) = tier.hi else {
                self.err(
                    Diagnostic::error(
                        "E0304",
                        next_span,
                        "this band can never be reached: the band above it has no upper bound",
                    )
                    .with_secondary(span, "unbounded band")
                    .with_hint("give the earlier band an upper bound, or remove this row"),
                );
                continue;
            };
            if next.lo.value < tier.lo.value {
                self.err(
                    Diagnostic::error(
                        "E0303",
                        next_span,
                        format!(
                            "bands are not sorted: {} comes after {}",
                            show(next.lo.value),
                            show(tier.lo.value)
                        ),
                    )
                    .with_secondary(span, "previous band")
                    .with_hint("list bands from the lowest to the highest"),
                );
            } else if integer_key
                && hi.closed
                && next.lo.closed
                && next.lo.value == hi.value + Decimal::ONE
            {
                // [1, 5] then [6, 10] on whole units: no unit is left out.
            } else if next.lo.value > hi.value {
                self.err(
                    Diagnostic::error(
                        "E0301",
                        next_span,
                        format!(
                            "tiers leave a gap: {}..{}",
                            show(hi.value),
                            show(next.lo.value)
                        ),
                    )
                    .with_secondary(span, "previous band ends here")
                    .with_hint(format!(
                        "start this band at {} or end the previous one at {}",
                        show(hi.value),
                        show(next.lo.value)
                    )),
                );
            } else if next.lo.value < hi.value {
                self.err(
                    Diagnostic::error(
                        "E0302",
                        next_span,
                        format!("tiers overlap: {}..{}", show(next.lo.value), show(hi.value)),
                    )
                    .with_secondary(span, "previous band")
                    .with_hint(format!("start this band at {}", show(hi.value))),
                );
            } else if hi.closed && next.lo.closed {
                self.err(
                    Diagnostic::error(
                        "E0302",
                        next_span,
                        format!("tiers overlap at {}: both bands include it", show(hi.value)),
                    )
                    .with_secondary(span, "previous band")
                    .with_hint("make one end open: `)` on the earlier band or `(` on this one"),
                );
            } else if !hi.closed && !next.lo.closed {
                self.err(
                    Diagnostic::error(
                        "E0301",
                        next_span,
                        format!(
                            "tiers leave a gap: neither band includes {}",
                            show(hi.value)
                        ),
                    )
                    .with_secondary(span, "previous band")
                    .with_hint("make one end closed: `]` on the earlier band or `[` on this one"),
                );
            }
        }
    }
}
