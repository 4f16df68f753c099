//! The entry points ([`compile`], [`check`]) and their limits; a plan block checked as a whole
//! (header, inputs, measures, components, limits), and the versions of one file checked
//! against each other.

use super::checker::{Checker, Ctx};
use crate::ast::{self, Expr, Item, Span};
use crate::diagnostic::Diagnostic;
use commissio_core::money::{Currency, Rounding};
use commissio_core::period::{DateRange, Grain};
use commissio_core::plan::{self as ir, LimitLevel};
use std::collections::HashMap;

/// Most rows (bands, anchor points, or rate-table rows with their `default`) in one table
/// (`E0008`). The same on every platform and in every binding.
pub const MAX_TIER_ROWS: usize = 1_000;

/// Most components in one plan, counted per version (`E0009`). The same everywhere.
pub const MAX_COMPONENTS: usize = 256;

/// `E0008` at the first row beyond [`MAX_TIER_ROWS`], if there is one.
pub(super) fn too_many_rows(rows: impl Iterator<Item = Span>, what: &str) -> Option<Diagnostic> {
    let first_beyond = rows.enumerate().nth(MAX_TIER_ROWS)?.1;
    Some(
        Diagnostic::error(
            "E0008",
            first_beyond,
            format!("the {what} has more than {MAX_TIER_ROWS} rows"),
        )
        .with_label(format!("row {} is beyond the limit", MAX_TIER_ROWS + 1))
        .with_hint("merge rows, or split the table across components"),
    )
}

/// Parses and checks plan text: the typed plan, or every diagnostic.
pub fn compile(source: &str) -> Result<ir::Plan, Vec<Diagnostic>> {
    let file = crate::parse::parse(source)?;
    check(&file)
}

/// Checks a parsed file and lowers it to the typed plan, or returns every error.
pub fn check(file: &ast::File) -> Result<ir::Plan, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut versions = Vec::new();
    for plan in &file.plans {
        let mut c = Checker::new();
        let v = c.plan(plan);
        errors.append(&mut c.errors);
        if let Some(v) = v {
            versions.push((plan, v));
        }
    }
    check_versions(&versions, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|d| (d.primary.span.start, d.code));
        return Err(errors);
    }
    let mut versions: Vec<ir::PlanVersion> = versions.into_iter().map(|(_, v)| v).collect();
    versions.sort_by_key(|v| v.effective.start);
    Ok(ir::Plan { versions })
}

fn check_versions(versions: &[(&ast::PlanDecl, ir::PlanVersion)], errors: &mut Vec<Diagnostic>) {
    let Some((first_decl, first)) = versions.first() else {
        return;
    };
    let mut seen_numbers: HashMap<u32, Span> = HashMap::new();
    for (decl, v) in versions {
        if v.name != first.name {
            errors.push(
                Diagnostic::error(
                    "E0110",
                    decl.name.span,
                    format!("this file mixes plans {:?} and {:?}", first.name, v.name),
                )
                .with_secondary(first_decl.name.span, "first plan")
                .with_hint(
                    "a file holds the versions of one plan; put other plans in their own files",
                ),
            );
        }
        if let Some(n) = &decl.version {
            if let Some(prev) = seen_numbers.insert(n.node, n.span) {
                errors.push(
                    Diagnostic::error(
                        "E0110",
                        n.span,
                        format!("version {} is declared twice", n.node),
                    )
                    .with_secondary(prev, "first declared here"),
                );
            }
        }
        if v.schema != first.schema || v.currency != first.currency || v.calendar != first.calendar
        {
            errors.push(
                Diagnostic::error(
                    "E0111",
                    decl.name.span,
                    "this version declares different inputs, currency or period from the first version",
                )
                .with_secondary(first_decl.name.span, "first version")
                .with_hint(
                    "every version reads the same data; declare the same input fields in each",
                ),
            );
        }
    }
    for (i, (da, a)) in versions.iter().enumerate() {
        for (db, b) in versions.iter().skip(i + 1) {
            if a.effective.start <= b.effective.end && b.effective.start <= a.effective.end {
                errors.push(
                    Diagnostic::error(
                        "E0403",
                        db.name.span,
                        format!(
                            "effective ranges overlap: {} to {} and {} to {}",
                            a.effective.start, a.effective.end, b.effective.start, b.effective.end
                        ),
                    )
                    .with_secondary(da.name.span, "the other version")
                    .with_hint("end one version the day before the next begins"),
                );
            }
        }
    }
}

impl Checker {
    pub(super) fn plan(&mut self, plan: &ast::PlanDecl) -> Option<ir::PlanVersion> {
        let mut currency: Option<(Currency, Span)> = None;
        let mut grain: Option<(Grain, u8, Span)> = None;
        let mut effective: Option<(DateRange, Span)> = None;
        let mut rounding: Option<(Rounding, Span)> = None;
        let mut proration: Option<(ir::DayCount, Span)> = None;
        let mut ramp_decl: Option<(&Vec<Expr>, Span)> = None;
        let mut overlay: Option<Span> = None;

        // Pass 1: header and inputs, which everything else depends on.
        for item in &plan.items {
            match item {
                Item::Currency(code) => {
                    if let Some((_, prev)) = &currency {
                        self.duplicate("currency", code.span, *prev);
                    } else {
                        currency = Some((Currency::new(&code.node), code.span));
                    }
                }
                Item::Period { grain: g, fiscal_start, span } => {
                    if let Some((_, _, prev)) = &grain {
                        self.duplicate("period", *span, *prev);
                    } else {
                        grain = Some((g.node, fiscal_start.as_ref().map(|f| f.node).unwrap_or(1), *span));
                    }
                }
                Item::Effective { start, end, span } => {
                    if start.node > end.node {
                        self.err(
                            Diagnostic::error(
                                "E0402",
                                *span,
                                format!("the effective range ends ({}) before it starts ({})", end.node, start.node),
                            )
                            .with_hint("write the earlier date first"),
                        );
                    }
                    if let Some((_, prev)) = &effective {
                        self.duplicate("effective", *span, *prev);
                    } else {
                        effective = Some((DateRange { start: start.node, end: end.node }, *span));
                    }
                }
                Item::Rounding { mode, scale, stage, span } => {
                    if scale.node > 10 {
                        self.err(
                            Diagnostic::error("E0112", scale.span, format!("rounding scale {} is larger than 10", scale.node))
                                .with_hint("money is rounded to at most 10 decimal places"),
                        );
                    }
                    if let Some((_, prev)) = &rounding {
                        self.duplicate("rounding", *span, *prev);
                    } else {
                        rounding = Some((Rounding { mode: mode.node, scale: scale.node, stage: stage.node }, *span));
                    }
                }
                Item::Proration(d) => {
                    if let Some((_, prev)) = &proration {
                        self.duplicate("proration", d.span, *prev);
                    } else {
                        proration = Some((d.node, d.span));
                    }
                }
                Item::Ramp { factors, span } => {
                    if let Some((_, prev)) = &ramp_decl {
                        self.duplicate("ramp", *span, *prev);
                    } else {
                        ramp_decl = Some((factors, *span));
                    }
                }
                Item::Overlay(span) => {
                    if let Some(prev) = overlay {
                        self.duplicate("credit overlay", *span, prev);
                    } else {
                        overlay = Some(*span);
                    }
                }
                Item::Input(input) => self.input(input),
                Item::Payment { kind, span } => self.err(
                    Diagnostic::error("E0900", *span, format!("`{}` is not supported yet", kind.node))
                        .with_label("reserved for the payments work")
                        .with_hint("holdbacks, draws, clawbacks and guarantees arrive with the payments module; remove this line for now"),
                ),
                _ => {}
            }
        }
        let head = plan.name.span;
        if currency.is_none() {
            self.err(
                Diagnostic::error("E0104", head, "the plan has no currency")
                    .with_hint("add a line such as `currency USD` at the top of the plan"),
            );
        }
        if grain.is_none() {
            self.err(
                Diagnostic::error("E0105", head, "the plan has no period").with_hint(
                    "add `period month`, `period quarter`, `period half` or `period year`",
                ),
            );
        }
        if effective.is_none() {
            self.err(
                Diagnostic::error("E0106", head, "the plan has no effective range")
                    .with_hint("add `effective 2026-01-01 to 2026-12-31`"),
            );
        }
        if rounding.is_none() {
            self.err(
                Diagnostic::error("E0107", head, "the plan does not say how it rounds")
                    .with_hint("add `rounding half_even 2 per line` (mode, decimal places, stage)"),
            );
        }
        if let Some((c, span)) = &currency {
            if !c.code.chars().all(|ch| ch.is_ascii_uppercase()) || c.code.len() != 3 {
                self.err(Diagnostic::error(
                    "E0112",
                    *span,
                    format!("{:?} is not a currency code", c.code),
                ));
            }
        }
        self.effective = effective.map(|(r, _)| r);

        // Ramp factors are constants.
        let mut ramp = Vec::new();
        if let Some((factors, _)) = ramp_decl {
            for f in factors {
                if let Some(v) = self.constant_number(f, "ramp factors") {
                    ramp.push(v);
                }
            }
        }

        // Component names, which team commission may name before the components are checked.
        let mut next = 0;
        for item in &plan.items {
            if let Item::Component(c) = item {
                self.component_index
                    .entry(c.name.node.clone())
                    .or_insert(next);
                next += 1;
            }
        }

        // Pass 2: measures, in order.
        for item in &plan.items {
            if let Item::Measure(m) = item {
                self.measure(m);
            }
        }

        // Pass 3: components and plan-level limits.
        let mut components = Vec::new();
        let mut component_names: HashMap<&str, Span> = HashMap::new();
        let mut component_count = 0usize;
        let mut plan_limits = Vec::new();
        for item in &plan.items {
            match item {
                Item::Component(c) => {
                    component_count += 1;
                    if component_count == MAX_COMPONENTS + 1 {
                        self.err(
                            Diagnostic::error(
                                "E0009",
                                c.name.span,
                                format!("the plan has more than {MAX_COMPONENTS} components"),
                            )
                            .with_label(format!("component {} is beyond the limit", MAX_COMPONENTS + 1))
                            .with_hint("merge components that pay alike (a rate table can vary the rate), or split the plan"),
                        );
                    }
                    if let Some(prev) = component_names.get(c.name.node.as_str()) {
                        self.duplicate(&format!("component {}", c.name.node), c.name.span, *prev);
                    } else {
                        component_names.insert(&c.name.node, c.name.span);
                    }
                    if let Some(comp) = self.component(c) {
                        components.push(comp);
                    }
                }
                Item::Limit(l) => {
                    if matches!(l.level.node, LimitLevel::Line | LimitLevel::Period) {
                        self.err(
                            Diagnostic::error(
                                "E0505",
                                l.level.span,
                                format!("`{}` belongs inside a component", ast::limit_level_text(l.level.node)),
                            )
                            .with_hint("at plan level write `cap total per period at ...` or `cap total per plan at ...`"),
                        );
                    } else if let Some(lim) = self.limit(l, Ctx::Period) {
                        plan_limits.push(lim);
                    }
                }
                _ => {}
            }
        }

        if self.errors.is_empty() {
            self.team_cycles(plan, &components);
        }
        if !self.errors.is_empty() {
            return None;
        }
        let (currency, _) = currency?;
        let (grain, fiscal, _) = grain?;
        let (effective, _) = effective?;
        let (rounding, _) = rounding?;
        Some(ir::PlanVersion {
            name: plan.name.node.clone(),
            currency,
            calendar: ir::Calendar {
                grain,
                fiscal_year_start_month: fiscal,
            },
            effective,
            rounding,
            schema: std::mem::take(&mut self.schema),
            measures: std::mem::take(&mut self.measures),
            components,
            plan_limits,
            overlay: overlay.is_some(),
            proration: proration.map(|(d, _)| d).unwrap_or(ir::DayCount::Actual),
            ramp,
        })
    }
}
