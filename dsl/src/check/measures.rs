//! Measures: aggregates, team commission (and its cycles), and the measures expressions read.

use super::checker::MeasureInfo;

use super::checker::{suggest, type_name, Checker, Ctx, Ty};
use super::exprs::RESERVED_ROOTS;
use crate::ast::{self, Expr, ExprKind, Item, Span};
use crate::diagnostic::Diagnostic;
use commissio_core::plan::{self as ir, ValueType};
use std::collections::HashMap;

impl Checker {
    pub(super) fn measure(&mut self, m: &ast::MeasureDecl) {
        if let Some(prev) = self.measure_names.get(&m.name.node) {
            let prev = prev.span;
            self.duplicate(&format!("measure {}", m.name.node), m.name.span, prev);
            return;
        }
        if RESERVED_ROOTS.contains(&m.name.node.as_str()) {
            self.err(
                Diagnostic::error(
                    "E0103",
                    m.name.span,
                    format!("`{}` is a built-in name", m.name.node),
                )
                .with_hint("choose another measure name"),
            );
            return;
        }
        // A measure that is exactly one aggregate becomes that aggregate; otherwise a scalar.
        let lowered = if let ExprKind::Aggregate { .. } = &m.expr.kind {
            self.aggregate(&m.expr)
        } else if let ExprKind::TeamCommission { .. } = &m.expr.kind {
            self.team_commission(&m.expr)
        } else {
            self.expr(&m.expr, Ctx::Period)
                .map(|(e, t)| (ir::MeasureKind::Scalar(e), t.vt))
        };
        let Some((kind, ty)) = lowered else { return };
        let index = self.measures.len();
        self.measures.push(ir::Measure {
            name: m.name.node.clone(),
            ty,
            kind,
            source: m.name.span.into(),
        });
        self.measure_names.insert(
            m.name.node.clone(),
            MeasureInfo {
                index,
                ty,
                span: m.name.span,
            },
        );
    }

    /// Lowers an aggregate expression into a measure kind.
    fn aggregate(&mut self, e: &Expr) -> Option<(ir::MeasureKind, ValueType)> {
        let ExprKind::Aggregate {
            population,
            window,
            func,
            arg,
            filter,
        } = &e.kind
        else {
            return None;
        };
        let fname = ast::agg_func_text(*func);
        let (arg_ir, ty) = match (func, arg) {
            (ir::AggFunc::Count, None) => (None, ValueType::Integer),
            (ir::AggFunc::Count, Some(a)) => {
                self.err(
                    Diagnostic::error(
                        "E0207",
                        a.span,
                        "count takes no value, only an optional filter",
                    )
                    .with_hint("write `count()` or `count(where deal.new_logo)`"),
                );
                return None;
            }
            (_, None) => {
                self.err(Diagnostic::error(
                    "E0207",
                    e.span,
                    format!("{fname} needs a value, e.g. {fname}(credit.amount)"),
                ));
                return None;
            }
            (_, Some(a)) => {
                let (ae, at) = self.expr(a, Ctx::AggregateArg)?;
                if !matches!(
                    at.vt,
                    ValueType::Money | ValueType::Number | ValueType::Integer
                ) {
                    self.err(Diagnostic::error(
                        "E0201",
                        a.span,
                        format!(
                            "{fname} needs a number or money, found {}",
                            type_name(at.vt)
                        ),
                    ));
                    return None;
                }
                let ty = if *func == ir::AggFunc::Avg && at.vt == ValueType::Integer {
                    ValueType::Number
                } else {
                    at.vt
                };
                (Some(ae), ty)
            }
        };
        let filter_ir = match filter {
            Some(f) => Some(self.condition(f, Ctx::AggregateArg)?),
            None => None,
        };
        Some((
            ir::MeasureKind::Aggregate {
                func: *func,
                arg: arg_ir,
                filter: filter_ir,
                window: *window,
                population: *population,
            },
            ty,
        ))
    }

    /// Lowers `team|direct commission(a, b)` into a measure kind (money).
    fn team_commission(&mut self, e: &Expr) -> Option<(ir::MeasureKind, ValueType)> {
        let ExprKind::TeamCommission {
            population,
            components,
        } = &e.kind
        else {
            return None;
        };
        let mut indices: Vec<usize> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut ok = true;
        for c in components {
            if let Some(prev) = seen.get(c.node.as_str()) {
                self.duplicate(
                    &format!("component {} in team commission", c.node),
                    c.span,
                    *prev,
                );
                ok = false;
                continue;
            }
            seen.insert(&c.node, c.span);
            match self.component_index.get(&c.node) {
                Some(&i) => {
                    indices.push(i);
                    self.team_counted.push((i, c.span));
                }
                None => {
                    let hint =
                        match suggest(&c.node, self.component_index.keys().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "name components of this plan, e.g. `team commission(rep)`"
                                .to_string(),
                        };
                    self.err(
                        Diagnostic::error(
                            "E0101",
                            c.span,
                            format!("unknown component `{}`", c.node),
                        )
                        .with_hint(hint),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some((
            ir::MeasureKind::TeamCommission {
                population: *population,
                components: indices,
            },
            ValueType::Money,
        ))
    }

    /// `E0209`: a component counted in team commission must not read team commission itself
    /// (directly or through measures), or the two phases of evaluation would form a cycle.
    pub(super) fn team_cycles(&mut self, plan: &ast::PlanDecl, components: &[ir::Component]) {
        if self.team_counted.is_empty() {
            return;
        }
        // Measures that are, or read, team commission (a measure only reads earlier ones).
        let mut team_measure = vec![false; self.measures.len()];
        for (i, m) in self.measures.iter().enumerate() {
            let mut refs = Vec::new();
            let direct = match &m.kind {
                ir::MeasureKind::TeamCommission { .. } => true,
                ir::MeasureKind::Scalar(e) => {
                    expr_measures(e, &mut refs);
                    false
                }
                ir::MeasureKind::Aggregate { arg, filter, .. } => {
                    arg.iter()
                        .chain(filter.iter())
                        .for_each(|e| expr_measures(e, &mut refs));
                    false
                }
            };
            let v = direct
                || refs
                    .iter()
                    .any(|&r| team_measure.get(r).copied().unwrap_or(false));
            if let Some(t) = team_measure.get_mut(i) {
                *t = v;
            }
        }
        let names: Vec<&ast::ComponentDecl> = plan
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Component(c) => Some(c),
                _ => None,
            })
            .collect();
        let counted = std::mem::take(&mut self.team_counted);
        for (ci, span) in counted {
            let Some(comp) = components.get(ci) else {
                continue;
            };
            let mut refs = Vec::new();
            component_measures(comp, &mut refs);
            let Some(&via) = refs
                .iter()
                .find(|&&r| team_measure.get(r).copied().unwrap_or(false))
            else {
                continue;
            };
            let via_name = self
                .measures
                .get(via)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            let through = if via_name.starts_with('$') {
                String::new()
            } else {
                format!(" (through measure `{via_name}`)")
            };
            let mut d = Diagnostic::error(
                "E0209",
                span,
                format!(
                    "component `{}` reads team commission itself{through}, so team commission cannot count it",
                    comp.name
                ),
            )
            .with_hint("count only components that read no team commission, e.g. the reports' own commission components");
            if let Some(decl) = names.get(ci) {
                d = d.with_secondary(decl.name.span, "this component reads team commission");
            }
            self.err(d);
        }
    }

    /// Hoists an aggregate found inside an expression into a hidden measure.
    pub(super) fn hidden_aggregate(&mut self, e: &Expr) -> Option<(ir::Expr, Ty)> {
        let (kind, ty) = if let ExprKind::TeamCommission { .. } = &e.kind {
            self.team_commission(e)?
        } else {
            self.aggregate(e)?
        };
        self.hidden_count += 1;
        let index = self.measures.len();
        self.measures.push(ir::Measure {
            name: format!("${}", self.hidden_count),
            ty,
            kind,
            source: e.span.into(),
        });
        Some((ir::Expr::Measure(index), Ty::of(ty)))
    }
}

/// True for a literal written with `%` (possibly negated).
/// Measures an IR expression reads directly.
fn expr_measures(e: &ir::Expr, out: &mut Vec<usize>) {
    crate::stack::guard(|| expr_measures_node(e, out))
}

fn expr_measures_node(e: &ir::Expr, out: &mut Vec<usize>) {
    match e {
        ir::Expr::Measure(i) => out.push(*i),
        ir::Expr::Unary(_, x, _) | ir::Expr::Round(x, _, _) => expr_measures(x, out),
        ir::Expr::Binary(_, a, b, _) => {
            expr_measures(a, out);
            expr_measures(b, out);
        }
        ir::Expr::If(c, a, b) => {
            expr_measures(c, out);
            expr_measures(a, out);
            expr_measures(b, out);
        }
        ir::Expr::Call(_, args, _) => args.iter().for_each(|a| expr_measures(a, out)),
        ir::Expr::Lit(_)
        | ir::Expr::DealField(_)
        | ir::Expr::CreditField(_)
        | ir::Expr::PayeeField(_)
        | ir::Expr::Builtin(_) => {}
    }
}

/// Measures a component reads directly, anywhere in it.
fn component_measures(c: &ir::Component, out: &mut Vec<usize>) {
    let pay = |p: &ir::TierPay, out: &mut Vec<usize>| match p {
        ir::TierPay::Rate(e) | ir::TierPay::Flat(e) => expr_measures(e, out),
    };
    match &c.payout {
        ir::Payout::Commission { basis, rate } => {
            expr_measures(basis, out);
            match rate {
                ir::Rate::Expr(e) => expr_measures(e, out),
                ir::Rate::Table(t) => {
                    t.keys.iter().for_each(|k| expr_measures(k, out));
                    t.rows.iter().for_each(|r| pay(&r.pay, out));
                    if let Some(d) = &t.default {
                        pay(d, out);
                    }
                }
                ir::Rate::Tiers(t) => {
                    if let ir::TierKey::Measure {
                        measure,
                        denominator,
                    } = &t.key
                    {
                        out.push(*measure);
                        if let Some(d) = denominator {
                            expr_measures(d, out);
                        }
                    }
                    t.tiers.iter().for_each(|b| pay(&b.pay, out));
                }
            }
        }
        ir::Payout::Fixed { amount, unit } => {
            expr_measures(amount, out);
            if let ir::FixedUnit::PerUnit(u) = unit {
                expr_measures(u, out);
            }
        }
    }
    for m in &c.multipliers {
        expr_measures(&m.factor, out);
        if let Some(w) = &m.when {
            expr_measures(w, out);
        }
    }
    c.gates.iter().for_each(|g| expr_measures(g, out));
    if let Some(e) = &c.eligible {
        expr_measures(e, out);
    }
    c.limits.iter().for_each(|l| expr_measures(&l.amount, out));
}
