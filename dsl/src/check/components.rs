//! Components: what they pay (commission or `pay`), windows, gates, caps and floors.

use super::checker::{is_numeric, type_name, Checker, Ctx, Ty};
use super::exprs::reads_line;
use crate::ast::{self, ComponentItem, Expr, PayDecl, RateSpec, Span};
use crate::diagnostic::Diagnostic;
use commissio_core::period::{Date, DateRange};
use commissio_core::plan::{self as ir, LimitLevel, ValueType};

impl Checker {
    pub(super) fn limit(&mut self, l: &ast::LimitDecl, ctx: Ctx) -> Option<ir::Limit> {
        let (e, t) = self.expr(&l.amount, ctx)?;
        if !(t.vt == ValueType::Money || (t.constant && is_numeric(t.vt))) {
            self.err(
                Diagnostic::error(
                    "E0205",
                    l.amount.span,
                    format!(
                        "a {} must be money, found {}",
                        if l.is_cap { "cap" } else { "floor" },
                        type_name(t.vt)
                    ),
                )
                .with_hint("e.g. `cap per period at 50% of payee.target_incentive`"),
            );
            return None;
        }
        Some(ir::Limit {
            is_cap: l.is_cap,
            level: l.level.node,
            amount: e,
            source: l.span.into(),
        })
    }

    fn check_window(
        &mut self,
        start: &ast::Spanned<Date>,
        end: &ast::Spanned<Date>,
        span: Span,
    ) -> Option<DateRange> {
        if start.node > end.node {
            self.err(Diagnostic::error(
                "E0402",
                span,
                format!(
                    "the window ends ({}) before it starts ({})",
                    end.node, start.node
                ),
            ));
            return None;
        }
        if let Some(eff) = self.effective {
            for d in [start, end] {
                if !eff.contains(d.node) {
                    self.err(
                        Diagnostic::error(
                            "E0401",
                            d.span,
                            format!(
                                "{} is outside the plan's effective range {} to {}",
                                d.node, eff.start, eff.end
                            ),
                        )
                        .with_hint("keep date windows inside the effective range"),
                    );
                    return None;
                }
            }
        }
        Some(DateRange {
            start: start.node,
            end: end.node,
        })
    }

    pub(super) fn component(&mut self, c: &ast::ComponentDecl) -> Option<ir::Component> {
        let errors_before = self.errors.len();
        let mut basis: Option<(&Expr, Span)> = None;
        let mut rate: Option<(&RateSpec, Span)> = None;
        let mut pay: Option<(&Expr, &ast::PayUnit, Option<&Expr>, Span)> = None;
        let mut multipliers = Vec::new();
        let mut gates = Vec::new();
        let mut eligible: Option<ir::Expr> = None;
        let mut eligible_span: Option<Span> = None;
        let mut window = None;
        let mut window_span: Option<Span> = None;
        let mut limits = Vec::new();
        let mut true_up: Option<Span> = None;

        for item in &c.items {
            match item {
                ComponentItem::Commission { basis: b, span } => {
                    if let Some((_, prev)) = basis {
                        self.duplicate("`commission on`", *span, prev);
                    } else {
                        basis = Some((b, *span));
                    }
                }
                ComponentItem::Rate { rate: r, span } => {
                    if let Some((_, prev)) = rate {
                        self.duplicate("`rate`", *span, prev);
                    } else {
                        rate = Some((r, *span));
                    }
                }
                ComponentItem::Pay {
                    amount,
                    unit,
                    when,
                    span,
                } => {
                    if let Some((_, _, _, prev)) = pay {
                        self.duplicate("`pay`", *span, prev);
                    } else {
                        pay = Some((amount, unit, when.as_ref(), *span));
                    }
                }
                ComponentItem::Multiply { factor, when, span } => {
                    let f = self.expr(factor, Ctx::Line);
                    let w = when.as_ref().map(|w| self.condition(w, Ctx::Line));
                    if let Some((fe, ft)) = f {
                        if !is_numeric(ft.vt) {
                            self.err(
                                Diagnostic::error(
                                    "E0201",
                                    factor.span,
                                    format!(
                                        "a multiplier must be a number, found {}",
                                        type_name(ft.vt)
                                    ),
                                )
                                .with_hint("e.g. `multiply 1.2 when deal.new_logo`"),
                            );
                        } else {
                            match w {
                                None => multipliers.push(ir::Multiplier {
                                    factor: fe,
                                    when: None,
                                    source: (*span).into(),
                                }),
                                Some(Some(we)) => multipliers.push(ir::Multiplier {
                                    factor: fe,
                                    when: Some(we),
                                    source: (*span).into(),
                                }),
                                Some(None) => {}
                            }
                        }
                    }
                }
                ComponentItem::Gate { cond, .. } => {
                    if let Some(g) = self.condition(cond, Ctx::Period) {
                        gates.push(g);
                    }
                }
                ComponentItem::Eligible { cond, span } => {
                    if let Some(prev) = eligible_span {
                        self.duplicate("`eligible when`", *span, prev);
                        continue;
                    }
                    eligible_span = Some(*span);
                    eligible = self.condition(cond, Ctx::Line);
                }
                ComponentItem::During { start, end, span } => {
                    if let Some(prev) = window_span {
                        self.duplicate("`during`", *span, prev);
                        continue;
                    }
                    window_span = Some(*span);
                    window = self.check_window(start, end, *span);
                }
                ComponentItem::Limit(l) => {
                    let ctx = match l.level.node {
                        LimitLevel::Line => Ctx::Line,
                        LimitLevel::Period => Ctx::Period,
                        _ => {
                            self.err(
                                Diagnostic::error("E0505", l.level.span, format!("`{}` belongs at plan level, outside components", ast::limit_level_text(l.level.node)))
                                    .with_hint("inside a component write `cap per line at ...` or `cap per period at ...`"),
                            );
                            continue;
                        }
                    };
                    if let Some(lim) = self.limit(l, ctx) {
                        limits.push(lim);
                    }
                }
                ComponentItem::TrueUp(span) => {
                    if let Some(prev) = true_up {
                        self.duplicate("`true_up ytd`", *span, prev);
                    } else {
                        true_up = Some(*span);
                    }
                }
            }
        }

        let payout = match (basis, rate, pay) {
            (None, None, None) => {
                self.err(
                    Diagnostic::error(
                        "E0501",
                        c.name.span,
                        format!("component {} pays nothing", c.name.node),
                    )
                    .with_hint(
                        "add `commission on credit.amount` with a `rate`, or a `pay` clause",
                    ),
                );
                None
            }
            (Some((_, bspan)), _, Some((_, _, _, pspan))) => {
                self.err(
                    Diagnostic::error(
                        "E0502",
                        pspan,
                        format!(
                            "component {} has both `commission on` and `pay`",
                            c.name.node
                        ),
                    )
                    .with_secondary(bspan, "commission declared here")
                    .with_hint("split them into two components"),
                );
                None
            }
            (None, Some((_, rspan)), _) => {
                self.err(
                    Diagnostic::error("E0504", rspan, "`rate` without `commission on`").with_hint(
                        "say what the rate applies to, e.g. `commission on credit.amount`",
                    ),
                );
                None
            }
            (Some((_, bspan)), None, None) => {
                self.err(
                    Diagnostic::error("E0503", bspan, "`commission on` without a `rate`")
                        .with_hint("add e.g. `rate 5%` or a tier table"),
                );
                None
            }
            (Some((b, _)), Some((r, _)), None) => self.commission(b, r),
            (None, None, Some((amount, unit, when, _))) => {
                let once = matches!(unit, ast::PayUnit::Once(_));
                let ctx = if once { Ctx::Period } else { Ctx::Line };
                if let Some(w) = when {
                    if eligible_span.is_some() {
                        self.err(
                            Diagnostic::error(
                                "E0103",
                                w.span,
                                "the component has both `pay ... when` and `eligible when`",
                            )
                            .with_hint("combine the conditions with `and` in one place"),
                        );
                    } else {
                        eligible = self.condition(w, ctx);
                    }
                } else if once && eligible_span.is_some() {
                    // `eligible when` on a bonus is read at period level: re-check it there.
                    if let Some(ComponentItem::Eligible { cond, .. }) = c
                        .items
                        .iter()
                        .find(|i| matches!(i, ComponentItem::Eligible { .. }))
                    {
                        eligible = self.condition(cond, Ctx::Period);
                    }
                }
                let amount_ir = self.expr(amount, ctx).and_then(|(e, t)| {
                    if t.vt == ValueType::Money || (t.constant && is_numeric(t.vt)) {
                        Some(e)
                    } else {
                        self.err(Diagnostic::error(
                            "E0205",
                            amount.span,
                            format!("`pay` needs money, found {}", type_name(t.vt)),
                        ));
                        None
                    }
                });
                let unit_ir = match unit {
                    ast::PayUnit::PerDeal(_) => Some(ir::FixedUnit::PerDeal),
                    ast::PayUnit::Once(_) => Some(ir::FixedUnit::Once),
                    ast::PayUnit::PerUnit(e, _) => self.expr(e, Ctx::Line).and_then(|(ue, ut)| {
                        if is_numeric(ut.vt) {
                            Some(ir::FixedUnit::PerUnit(ue))
                        } else {
                            self.err(Diagnostic::error(
                                "E0201",
                                e.span,
                                format!("`per unit of` needs a count, found {}", type_name(ut.vt)),
                            ));
                            None
                        }
                    }),
                };
                match (amount_ir, unit_ir) {
                    (Some(amount), Some(unit)) => Some(ir::Payout::Fixed { amount, unit }),
                    _ => None,
                }
            }
        };
        if self.errors.len() > errors_before {
            return None;
        }
        Some(ir::Component {
            name: c.name.node.clone(),
            payout: payout?,
            multipliers,
            gates,
            eligible,
            window,
            limits,
            true_up: true_up.is_some(),
            source: c.name.span.into(),
        })
    }

    fn commission(&mut self, basis: &Expr, rate: &RateSpec) -> Option<ir::Payout> {
        let (be, bt) = self.expr(basis, Ctx::Line)?;
        if !reads_line(&be) {
            self.err(
                Diagnostic::error(
                    "E0208",
                    basis.span,
                    "a commission basis must be a per-line amount such as credit.amount",
                )
                .with_label("this does not depend on the deal")
                .with_hint(
                    "to pay on a period figure such as team sales, use `pay 3% of team_sales once`",
                ),
            );
            return None;
        }
        if !matches!(
            bt.vt,
            ValueType::Money | ValueType::Number | ValueType::Integer
        ) {
            self.err(Diagnostic::error(
                "E0201",
                basis.span,
                format!(
                    "a commission basis must be money or a count, found {}",
                    type_name(bt.vt)
                ),
            ));
            return None;
        }
        let rate_ir = match rate {
            RateSpec::Expr(e) => {
                let (re, rt) = self.expr(e, Ctx::Line)?;
                self.check_pays_money(bt, rt, e.span)?;
                ir::Rate::Expr(re)
            }
            RateSpec::Table(t) => ir::Rate::Table(self.rate_table(t, bt)?),
            RateSpec::Tiers(t) => ir::Rate::Tiers(self.tier_table(t, bt)?),
        };
        Some(ir::Payout::Commission {
            basis: be,
            rate: rate_ir,
        })
    }

    /// basis × rate must be money.
    fn check_pays_money(&mut self, basis: Ty, rate: Ty, span: Span) -> Option<()> {
        let ok = match (basis.vt, rate.vt) {
            (ValueType::Money, r) => is_numeric(r),
            (b, ValueType::Money) => is_numeric(b),
            (b, r) => is_numeric(b) && is_numeric(r) && rate.constant,
        };
        if ok {
            Some(())
        } else {
            self.err(
                Diagnostic::error(
                    "E0205",
                    span,
                    format!(
                        "a {} basis times a {} rate does not make money",
                        type_name(basis.vt),
                        type_name(rate.vt)
                    ),
                )
                .with_hint("pay a percentage of money, or a money amount per unit"),
            );
            None
        }
    }

    pub(super) fn pay_decl(&mut self, p: &PayDecl, basis: Ty) -> Option<ir::TierPay> {
        match p {
            PayDecl::Rate(e) => {
                let (re, rt) = self.expr(e, Ctx::Line)?;
                self.check_pays_money(basis, rt, e.span)?;
                Some(ir::TierPay::Rate(re))
            }
            PayDecl::Flat(e, _) => {
                let (fe, ft) = self.expr(e, Ctx::Line)?;
                if ft.vt == ValueType::Money || (ft.constant && is_numeric(ft.vt)) {
                    Some(ir::TierPay::Flat(fe))
                } else {
                    self.err(Diagnostic::error(
                        "E0205",
                        e.span,
                        format!("a flat amount must be money, found {}", type_name(ft.vt)),
                    ));
                    None
                }
            }
        }
    }
}
