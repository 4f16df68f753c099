//! The checker: names, types, tier tables and ranges, then lowering to the typed plan.
//!
//! Every problem is collected (not just the first), each as a [`Diagnostic`] with a stable
//! code. A plan with any error is refused; nothing is lowered from it.
//!
//! Codes (also listed in docs/language.md):
//!
//! | code | meaning |
//! |---|---|
//! | E0101 | unknown name (measure, field, built-in) |
//! | E0102 | unknown field of a record (`deal.x`) |
//! | E0103 | duplicate name or declaration |
//! | E0104 | missing `currency` |
//! | E0105 | missing `period` |
//! | E0106 | missing `effective` |
//! | E0107 | missing `rounding` |
//! | E0108 | unknown record kind in `input` (only `deal` and `payee`) |
//! | E0109 | unknown built-in column in an input mapping |
//! | E0110 | versions of one file name different plans or repeat a version number |
//! | E0111 | versions declare different inputs, currency or calendar |
//! | E0112 | invalid currency code or rounding scale |
//! | E0201 | type mismatch |
//! | E0202 | money mixed with a plain number (or money × money) |
//! | E0203 | a condition is not true/false |
//! | E0204 | a value is not available here (deal fields at period level, ...) |
//! | E0205 | a component must pay money |
//! | E0206 | aggregate inside an aggregate |
//! | E0207 | wrong number or kind of function arguments |
//! | E0208 | a commission basis does not depend on the deal line |
//! | E0209 | team commission counts a component that depends on team commission (a cycle) |
//! | E0301 | tiers leave a gap |
//! | E0302 | tiers overlap |
//! | E0303 | tiers (or anchors) are not sorted |
//! | E0304 | unreachable or empty tier |
//! | E0305 | tier bounds must be constants |
//! | E0306 | tier table shape (rows vs anchors, too few anchors) |
//! | E0307 | tier key must be `amount` or a measure |
//! | E0308 | tier scope not allowed with this key or mode |
//! | E0310 | rate table row has the wrong number of keys, or two defaults |
//! | E0401 | a date window lies outside the effective range |
//! | E0402 | a date range ends before it starts |
//! | E0403 | versions' effective ranges overlap |
//! | E0501 | a component pays nothing (no `commission on` or `pay`) |
//! | E0502 | a component has both `commission on` and `pay` |
//! | E0503 | `commission on` without a `rate` |
//! | E0504 | `rate` without `commission on` |
//! | E0505 | a cap or floor at the wrong level for where it is written |
//! | E0900 | construct not supported yet (holdback, draw, clawback, guarantee) |
//!
//! Two limits are checked here too, with codes of the limit family (docs/language.md §14):
//!
//! | code | limit |
//! |---|---|
//! | E0008 | more than [`MAX_TIER_ROWS`] rows in one tier, interpolated or rate table |
//! | E0009 | more than [`MAX_COMPONENTS`] components in one plan (version) |

use crate::ast::{
    self, BinaryOp, ComponentItem, Expr, ExprKind, FuncName, Item, PayDecl, RateSpec, Span,
};
use crate::diagnostic::Diagnostic;
use commissio_core::money::{Currency, Rounding};
use commissio_core::period::{Date, DateRange, Grain};
use commissio_core::plan::{self as ir, FieldType, LimitLevel, TierMode, TierScope, ValueType};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Most rows (bands, anchor points, or rate-table rows with their `default`) in one table
/// (`E0008`). The same on every platform and in every binding.
pub const MAX_TIER_ROWS: usize = 1_000;

/// Most components in one plan, counted per version (`E0009`). The same everywhere.
pub const MAX_COMPONENTS: usize = 256;

/// `E0008` at the first row beyond [`MAX_TIER_ROWS`], if there is one.
fn too_many_rows(rows: impl Iterator<Item = Span>, what: &str) -> Option<Diagnostic> {
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

/// Where an expression is evaluated: what it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Per credit line: deal, credit, payee, measures, built-ins.
    Line,
    /// Per credit line inside an aggregate: deal, credit, payee; no measures, no aggregates.
    AggregateArg,
    /// Per payee and period: payee, measures, built-ins; no deal or credit.
    Period,
    /// A constant: literals only.
    Const,
}

/// A checked expression's type. `constant` marks expressions made only of literals: they may
/// stand for money ("money never mixes with a plain number except through literals").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ty {
    vt: ValueType,
    constant: bool,
}

impl Ty {
    fn of(vt: ValueType) -> Ty {
        Ty {
            vt,
            constant: false,
        }
    }
}

fn type_name(vt: ValueType) -> &'static str {
    match vt {
        ValueType::Money => "money",
        ValueType::Number => "number",
        ValueType::Integer => "integer",
        ValueType::Date => "date",
        ValueType::Text => "text",
        ValueType::Bool => "bool",
    }
}

fn is_numeric(vt: ValueType) -> bool {
    matches!(vt, ValueType::Number | ValueType::Integer)
}

struct MeasureInfo {
    index: usize,
    ty: ValueType,
    span: Span,
}

struct Checker {
    errors: Vec<Diagnostic>,
    schema: ir::Schema,
    measures: Vec<ir::Measure>,
    measure_names: HashMap<String, MeasureInfo>,
    hidden_count: usize,
    effective: Option<DateRange>,
    /// Component names of the plan block, with their index among its components.
    component_index: HashMap<String, usize>,
    /// Components counted by `team|direct commission(...)`, with where each is named.
    team_counted: Vec<(usize, Span)>,
}

impl Checker {
    fn new() -> Self {
        Checker {
            errors: Vec::new(),
            schema: ir::Schema::default(),
            measures: Vec::new(),
            measure_names: HashMap::new(),
            hidden_count: 0,
            effective: None,
            component_index: HashMap::new(),
            team_counted: Vec::new(),
        }
    }

    fn err(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn plan(&mut self, plan: &ast::PlanDecl) -> Option<ir::PlanVersion> {
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

    fn duplicate(&mut self, what: &str, span: Span, prev: Span) {
        self.err(
            Diagnostic::error("E0103", span, format!("{what} is declared more than once"))
                .with_secondary(prev, "first declared here")
                .with_hint("keep one declaration"),
        );
    }

    // ---- inputs ----

    fn input(&mut self, input: &ast::InputDecl) {
        let (builtins, record): (&[&str], bool) = match input.kind.node.as_str() {
            "deal" => (&["id", "payee", "date"], true),
            "payee" => (&["id", "manager", "start", "end"], false),
            other => {
                self.err(
                    Diagnostic::error(
                        "E0108",
                        input.kind.span,
                        format!("unknown record kind `{other}`"),
                    )
                    .with_hint("inputs are `input deal { ... }` and `input payee { ... }`"),
                );
                return;
            }
        };
        let schema = if record {
            &self.schema.deal
        } else {
            &self.schema.payee
        };
        let already = !schema.fields.is_empty() || !schema.builtin_columns.is_empty();
        if already {
            self.err(
                Diagnostic::error(
                    "E0103",
                    input.kind.span,
                    format!("`input {}` is declared more than once", input.kind.node),
                )
                .with_hint("declare all fields of a record in one input block"),
            );
            return;
        }
        let mut builtin_columns = Vec::new();
        for (b, col) in &input.builtins {
            if !builtins.contains(&b.node.as_str()) {
                self.err(
                    Diagnostic::error(
                        "E0109",
                        b.span,
                        format!(
                            "`{}` is not a built-in column of {}",
                            b.node, input.kind.node
                        ),
                    )
                    .with_hint(format!(
                        "built-in columns of {} are {}",
                        input.kind.node,
                        builtins.join(", ")
                    )),
                );
                continue;
            }
            builtin_columns.push((b.node.clone(), col.node.clone()));
        }
        let mut fields: Vec<ir::FieldDef> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for f in &input.fields {
            if builtins.contains(&f.name.node.as_str()) || (record && f.name.node == "share") {
                self.err(
                    Diagnostic::error("E0103", f.name.span, format!("`{}` is a built-in field of {}", f.name.node, input.kind.node))
                        .with_hint("built-in fields are always present; map their column with `input deal (date = close_date)`"),
                );
                continue;
            }
            if let Some(prev) = seen.get(f.name.node.as_str()) {
                self.duplicate(&format!("field {}", f.name.node), f.name.span, *prev);
                continue;
            }
            seen.insert(&f.name.node, f.name.span);
            fields.push(ir::FieldDef {
                name: f.name.node.clone(),
                column: f
                    .column
                    .as_ref()
                    .map(|c| c.node.clone())
                    .unwrap_or_else(|| f.name.node.clone()),
                ty: f.ty.node,
            });
        }
        let rs = ir::RecordSchema {
            builtin_columns,
            fields,
        };
        if record {
            self.schema.deal = rs;
        } else {
            self.schema.payee = rs;
        }
    }

    // ---- measures ----

    fn measure(&mut self, m: &ast::MeasureDecl) {
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
    fn team_cycles(&mut self, plan: &ast::PlanDecl, components: &[ir::Component]) {
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
    fn hidden_aggregate(&mut self, e: &Expr) -> Option<(ir::Expr, Ty)> {
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

    // ---- expressions ----

    fn condition(&mut self, e: &Expr, ctx: Ctx) -> Option<ir::Expr> {
        let (ir, t) = self.expr(e, ctx)?;
        if t.vt != ValueType::Bool {
            self.err(
                Diagnostic::error(
                    "E0203",
                    e.span,
                    format!(
                        "a condition must be true or false, found {}",
                        type_name(t.vt)
                    ),
                )
                .with_hint("compare it, e.g. `attainment >= 100%`"),
            );
            return None;
        }
        Some(ir)
    }

    fn constant_number(&mut self, e: &Expr, what: &str) -> Option<Decimal> {
        match const_value(e) {
            Some(v) => Some(v),
            // Literals only, so the fold itself failed: never a rounded stand-in.
            None if only_literals(e) => {
                self.err(Diagnostic::error(
                    "E0006",
                    e.span,
                    format!("{what} must be exact: this constant divides by zero or leaves the 96-bit range"),
                ));
                None
            }
            None => {
                self.err(
                    Diagnostic::error("E0305", e.span, format!("{what} must be constant numbers"))
                        .with_hint("write a number such as 50% or 100000"),
                );
                None
            }
        }
    }

    /// Every cycle of the checker's expression recursion passes here, so the stack check
    /// is here (crate::stack).
    fn expr(&mut self, e: &Expr, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        crate::stack::guard(|| self.expr_node(e, ctx))
    }

    fn expr_node(&mut self, e: &Expr, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        let span = e.span;
        match &e.kind {
            ExprKind::Number { value, percent } => {
                let v = if *percent {
                    *value / Decimal::ONE_HUNDRED
                } else {
                    *value
                };
                let vt = if !*percent && value.scale() == 0 {
                    ValueType::Integer
                } else {
                    ValueType::Number
                };
                Some((
                    ir::Expr::Lit(ir::Literal::Decimal(v)),
                    Ty { vt, constant: true },
                ))
            }
            ExprKind::Date(d) => Some((
                ir::Expr::Lit(ir::Literal::Date(*d)),
                Ty {
                    vt: ValueType::Date,
                    constant: true,
                },
            )),
            ExprKind::Text(t) => Some((
                ir::Expr::Lit(ir::Literal::Text(t.clone())),
                Ty {
                    vt: ValueType::Text,
                    constant: true,
                },
            )),
            ExprKind::Bool(b) => Some((
                ir::Expr::Lit(ir::Literal::Bool(*b)),
                Ty {
                    vt: ValueType::Bool,
                    constant: true,
                },
            )),
            ExprKind::Path(parts) => self.path(parts, span, ctx),
            ExprKind::Neg(inner) => {
                let (ie, t) = self.expr(inner, ctx)?;
                if !matches!(
                    t.vt,
                    ValueType::Money | ValueType::Number | ValueType::Integer
                ) {
                    self.err(Diagnostic::error(
                        "E0201",
                        span,
                        format!("cannot negate {}", type_name(t.vt)),
                    ));
                    return None;
                }
                Some((ir::Expr::Unary(ir::UnOp::Neg, Box::new(ie), span.into()), t))
            }
            ExprKind::Not(inner) => {
                let ie = self.condition(inner, ctx)?;
                Some((
                    ir::Expr::Unary(ir::UnOp::Not, Box::new(ie), span.into()),
                    Ty::of(ValueType::Bool),
                ))
            }
            ExprKind::Binary(op, a, b) => {
                let ra = self.expr(a, ctx);
                let rb = self.expr(b, ctx);
                let ((ae, at), (be, bt)) = (ra?, rb?);
                let ty = self.binary_type(*op, at, bt, a.span, b.span, span)?;
                let irop = match op {
                    BinaryOp::Add => ir::BinOp::Add,
                    BinaryOp::Sub => ir::BinOp::Sub,
                    BinaryOp::Mul | BinaryOp::Of => ir::BinOp::Mul,
                    BinaryOp::Div => ir::BinOp::Div,
                    BinaryOp::Eq => ir::BinOp::Eq,
                    BinaryOp::Ne => ir::BinOp::Ne,
                    BinaryOp::Lt => ir::BinOp::Lt,
                    BinaryOp::Le => ir::BinOp::Le,
                    BinaryOp::Gt => ir::BinOp::Gt,
                    BinaryOp::Ge => ir::BinOp::Ge,
                    BinaryOp::And => ir::BinOp::And,
                    BinaryOp::Or => ir::BinOp::Or,
                };
                Some((
                    ir::Expr::Binary(irop, Box::new(ae), Box::new(be), span.into()),
                    ty,
                ))
            }
            ExprKind::If(c, a, b) => {
                let rc = self.condition(c, ctx);
                let ra = self.expr(a, ctx);
                let rb = self.expr(b, ctx);
                let (ce, (ae, at), (be, bt)) = (rc?, ra?, rb?);
                let ty = self.unify(at, bt, a.span, b.span, "the two branches of `if`")?;
                Some((ir::Expr::If(Box::new(ce), Box::new(ae), Box::new(be)), ty))
            }
            ExprKind::Call(f, args) => self.call(f.node, args, span, ctx),
            ExprKind::RoundMode(_) => {
                self.err(Diagnostic::error(
                    "E0207",
                    span,
                    "a rounding mode is only allowed as the third argument of round()",
                ));
                None
            }
            ExprKind::Aggregate { .. } | ExprKind::TeamCommission { .. } => match ctx {
                Ctx::AggregateArg => {
                    self.err(Diagnostic::error(
                        "E0206",
                        span,
                        "an aggregate cannot be nested inside another aggregate",
                    ));
                    None
                }
                Ctx::Const => {
                    self.err(Diagnostic::error(
                        "E0305",
                        span,
                        "a constant is needed here",
                    ));
                    None
                }
                Ctx::Line | Ctx::Period => self.hidden_aggregate(e),
            },
        }
    }

    /// Two operand types that must agree (branches of `if`, min/max arguments, comparisons).
    fn unify(&mut self, a: Ty, b: Ty, sa: Span, sb: Span, what: &str) -> Option<Ty> {
        let constant = a.constant && b.constant;
        let vt = match (a.vt, b.vt) {
            (x, y) if x == y => x,
            (ValueType::Integer, ValueType::Number) | (ValueType::Number, ValueType::Integer) => {
                ValueType::Number
            }
            (ValueType::Money, n) if is_numeric(n) && b.constant => ValueType::Money,
            (n, ValueType::Money) if is_numeric(n) && a.constant => ValueType::Money,
            (ValueType::Money, n) | (n, ValueType::Money) if is_numeric(n) => {
                let (num_span, money_span) = if a.vt == ValueType::Money {
                    (sb, sa)
                } else {
                    (sa, sb)
                };
                self.err(
                    Diagnostic::error("E0202", num_span, format!("{what} mix money with a plain number"))
                        .with_secondary(money_span, "this is money")
                        .with_hint("money only mixes with literal numbers; multiply a plain number by a money amount to make money"),
                );
                return None;
            }
            (x, y) => {
                self.err(
                    Diagnostic::error(
                        "E0201",
                        sb,
                        format!(
                            "{what} have different types: {} and {}",
                            type_name(x),
                            type_name(y)
                        ),
                    )
                    .with_secondary(sa, type_name(x)),
                );
                return None;
            }
        };
        Some(Ty { vt, constant })
    }

    fn binary_type(
        &mut self,
        op: BinaryOp,
        a: Ty,
        b: Ty,
        sa: Span,
        sb: Span,
        span: Span,
    ) -> Option<Ty> {
        use ValueType::*;
        let constant = a.constant && b.constant;
        let mismatch = |this: &mut Self, extra: &str| {
            this.err(
                Diagnostic::error(
                    "E0201",
                    span,
                    format!(
                        "cannot apply `{}` to {} and {}{extra}",
                        op.text(),
                        type_name(a.vt),
                        type_name(b.vt)
                    ),
                )
                .with_secondary(sa, type_name(a.vt))
                .with_secondary(sb, type_name(b.vt)),
            );
            None
        };
        let vt = match op {
            BinaryOp::And | BinaryOp::Or => {
                if a.vt != Bool || b.vt != Bool {
                    let (bad, t) = if a.vt != Bool { (sa, a.vt) } else { (sb, b.vt) };
                    self.err(Diagnostic::error(
                        "E0203",
                        bad,
                        format!(
                            "`{}` needs true/false on both sides, found {}",
                            op.text(),
                            type_name(t)
                        ),
                    ));
                    return None;
                }
                Bool
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                let ordered = !matches!(op, BinaryOp::Eq | BinaryOp::Ne);
                let t = self.unify(a, b, sa, sb, "the two sides of a comparison")?;
                if ordered && matches!(t.vt, Text | Bool) {
                    return mismatch(self, ": text and bool compare only with = and !=");
                }
                Bool
            }
            BinaryOp::Add | BinaryOp::Sub => match (a.vt, b.vt) {
                (Date, n) if is_numeric(n) => Date,
                (n, Date) if is_numeric(n) && op == BinaryOp::Add => Date,
                (Date, Date) => {
                    return mismatch(self, "; use days(from, to) for the days between two dates")
                }
                _ => {
                    let t = self.unify(a, b, sa, sb, "the two sides of `+`/`-`")?;
                    if matches!(t.vt, Text | Bool) {
                        return mismatch(self, "");
                    }
                    t.vt
                }
            },
            BinaryOp::Mul | BinaryOp::Of => match (a.vt, b.vt) {
                (Money, Money) => {
                    self.err(
                        Diagnostic::error("E0202", span, "money times money has no meaning")
                            .with_hint("divide one amount by another to get a ratio, or multiply money by a rate"),
                    );
                    return None;
                }
                (Money, n) | (n, Money) if is_numeric(n) => Money,
                (Integer, Integer) => Integer,
                (x, y) if is_numeric(x) && is_numeric(y) => Number,
                _ => return mismatch(self, ""),
            },
            BinaryOp::Div => match (a.vt, b.vt) {
                (Money, Money) => Number,
                (Money, n) if is_numeric(n) => Money,
                (n, Money) if is_numeric(n) => {
                    self.err(
                        Diagnostic::error(
                            "E0202",
                            span,
                            "a plain number divided by money has no meaning",
                        )
                        .with_secondary(sb, "this is money"),
                    );
                    return None;
                }
                // Never integer division: integer / integer is an exact decimal.
                (x, y) if is_numeric(x) && is_numeric(y) => Number,
                _ => return mismatch(self, ""),
            },
        };
        Some(Ty { vt, constant })
    }

    fn path(&mut self, parts: &[ast::Ident], span: Span, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        let names: Vec<&str> = parts.iter().map(|p| p.node.as_str()).collect();
        if ctx == Ctx::Const {
            self.err(
                Diagnostic::error("E0305", span, "a constant is needed here")
                    .with_hint("write a number, e.g. 50% or 100000"),
            );
            return None;
        }
        let line_only = |this: &mut Self, what: &str| -> Option<(ir::Expr, Ty)> {
            this.err(
                Diagnostic::error("E0204", span, format!("{what} is not available here: this is evaluated once per payee and period"))
                    .with_hint("read deal and credit fields inside an aggregate, e.g. sum(credit.amount where ...)"),
            );
            None
        };
        match names.as_slice() {
            [root, field] if *root == "deal" || *root == "credit" => {
                if ctx == Ctx::Period {
                    return line_only(self, &format!("`{root}.{field}`"));
                }
                let credit = *root == "credit";
                match *field {
                    "date" => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::DealDate),
                            Ty::of(ValueType::Date),
                        ))
                    }
                    "share" if credit => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::CreditShare),
                            Ty::of(ValueType::Number),
                        ))
                    }
                    _ => {}
                }
                let i = self.field_index("deal", root, field, parts[1].span)?;
                let ft = self.schema.deal.fields[i].ty;
                if credit {
                    if !matches!(
                        ft,
                        FieldType::Money
                            | FieldType::Number
                            | FieldType::Integer
                            | FieldType::Percent
                    ) {
                        self.err(
                            Diagnostic::error(
                                "E0201",
                                span,
                                format!(
                                    "`credit.{field}` needs a numeric field; `{field}` is {}",
                                    ast::field_type_text(ft)
                                ),
                            )
                            .with_hint(format!("read it as `deal.{field}`")),
                        );
                        return None;
                    }
                    // A share of an integer count is no longer whole.
                    let vt = if ft.value_type() == ValueType::Integer {
                        ValueType::Number
                    } else {
                        ft.value_type()
                    };
                    Some((ir::Expr::CreditField(i), Ty::of(vt)))
                } else {
                    Some((ir::Expr::DealField(i), Ty::of(ft.value_type())))
                }
            }
            ["payee", field] => {
                match *field {
                    "start" => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::PayeeStart),
                            Ty::of(ValueType::Date),
                        ))
                    }
                    "end" => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::PayeeEnd),
                            Ty::of(ValueType::Date),
                        ))
                    }
                    _ => {}
                }
                let i = self.field_index("payee", "payee", field, parts[1].span)?;
                Some((
                    ir::Expr::PayeeField(i),
                    Ty::of(self.schema.payee.fields[i].ty.value_type()),
                ))
            }
            ["period", "start"] => Some((
                ir::Expr::Builtin(ir::Builtin::PeriodStart),
                Ty::of(ValueType::Date),
            )),
            ["period", "end"] => Some((
                ir::Expr::Builtin(ir::Builtin::PeriodEnd),
                Ty::of(ValueType::Date),
            )),
            ["quota"] => Some((
                ir::Expr::Builtin(ir::Builtin::Quota),
                Ty::of(ValueType::Money),
            )),
            ["tenure"] => Some((
                ir::Expr::Builtin(ir::Builtin::Tenure),
                Ty::of(ValueType::Integer),
            )),
            [name] => {
                if let Some(m) = self.measure_names.get(*name) {
                    if ctx == Ctx::AggregateArg {
                        self.err(
                            Diagnostic::error(
                                "E0204",
                                span,
                                format!("measure `{name}` cannot be read inside an aggregate"),
                            )
                            .with_hint("aggregates read deal and credit fields per line"),
                        );
                        return None;
                    }
                    return Some((ir::Expr::Measure(m.index), Ty::of(m.ty)));
                }
                let known: Vec<&str> = self
                    .measure_names
                    .keys()
                    .map(String::as_str)
                    .chain(["quota", "tenure"])
                    .collect();
                let hint = match suggest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if RESERVED_ROOTS.contains(name) => {
                        format!("`{name}` needs a field, e.g. `{name}.amount`")
                    }
                    None => "measures must be defined above the place they are used".to_string(),
                };
                self.err(
                    Diagnostic::error("E0101", span, format!("unknown name `{name}`"))
                        .with_hint(hint),
                );
                None
            }
            _ => {
                self.err(
                    Diagnostic::error("E0101", span, format!("unknown name `{}`", names.join(".")))
                        .with_hint("names are measures, or record fields such as deal.amount, credit.amount, payee.quota"),
                );
                None
            }
        }
    }

    /// An argument that must be money or a number; E0201 (`{what}, found <type>`) otherwise.
    fn numeric_arg(&mut self, e: &Expr, ctx: Ctx, what: &str) -> Option<(ir::Expr, Ty)> {
        let (ie, t) = self.expr(e, ctx)?;
        if !matches!(
            t.vt,
            ValueType::Money | ValueType::Number | ValueType::Integer
        ) {
            self.err(Diagnostic::error(
                "E0201",
                e.span,
                format!("{what}, found {}", type_name(t.vt)),
            ));
            return None;
        }
        Some((ie, t))
    }

    /// The index of a declared field of `record` (`deal` or `payee`), or E0102 with the
    /// closest known name as a hint.
    fn field_index(&mut self, record: &str, root: &str, field: &str, span: Span) -> Option<usize> {
        let fields = if record == "deal" {
            &self.schema.deal.fields
        } else {
            &self.schema.payee.fields
        };
        if let Some(i) = fields.iter().position(|f| f.name == field) {
            return Some(i);
        }
        let hint = match suggest(field, fields.iter().map(|f| f.name.as_str())) {
            Some(s) => format!(
                "did you mean `{root}.{s}`? Fields are declared in `input {record} {{ ... }}`"
            ),
            None => format!("declare it in `input {record} {{ ... }}`"),
        };
        self.err(
            Diagnostic::error("E0102", span, format!("{record}s have no field `{field}`"))
                .with_hint(hint),
        );
        None
    }

    fn call(&mut self, f: FuncName, args: &[Expr], span: Span, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        let name = f.text();
        let arity_err = |this: &mut Self, want: &str| {
            this.err(Diagnostic::error(
                "E0207",
                span,
                format!("{name}() takes {want}, found {}", args.len()),
            ));
            None
        };
        match f {
            FuncName::Round => {
                if args.len() != 3 {
                    return arity_err(self, "3 arguments: round(value, decimal places, mode)");
                }
                let (ve, vt) = self.numeric_arg(&args[0], ctx, "round() needs a number")?;
                let scale = match &args[1].kind {
                    ExprKind::Number {
                        value,
                        percent: false,
                    } if value.scale() == 0 && *value <= Decimal::from(28) => {
                        u32::try_from(value.mantissa()).ok()
                    }
                    _ => None,
                };
                let Some(scale) = scale else {
                    self.err(Diagnostic::error(
                        "E0207",
                        args[1].span,
                        "round() needs a whole number of decimal places (0 to 28)",
                    ));
                    return None;
                };
                let ExprKind::RoundMode(mode) = args[2].kind else {
                    self.err(
                        Diagnostic::error(
                            "E0207",
                            args[2].span,
                            "round() needs a rounding mode as its third argument",
                        )
                        .with_hint("half_even, half_up, half_down, down, up, floor or ceiling"),
                    );
                    return None;
                };
                Some((ir::Expr::Round(Box::new(ve), scale, mode), vt))
            }
            FuncName::Min | FuncName::Max | FuncName::Clamp | FuncName::Abs => {
                let ok = match f {
                    FuncName::Clamp => args.len() == 3,
                    FuncName::Abs => args.len() == 1,
                    _ => args.len() >= 2,
                };
                if !ok {
                    return arity_err(
                        self,
                        match f {
                            FuncName::Clamp => "3 arguments: clamp(value, low, high)",
                            FuncName::Abs => "1 argument",
                            _ => "2 or more arguments",
                        },
                    );
                }
                let mut lowered = Vec::new();
                let mut ty: Option<(Ty, Span)> = None;
                for a in args {
                    let (ae, at) = self.expr(a, ctx)?;
                    if !matches!(
                        at.vt,
                        ValueType::Money | ValueType::Number | ValueType::Integer
                    ) {
                        self.err(Diagnostic::error(
                            "E0201",
                            a.span,
                            format!("{name}() needs numbers, found {}", type_name(at.vt)),
                        ));
                        return None;
                    }
                    ty = Some(match ty {
                        None => (at, a.span),
                        Some((t, s)) => (
                            self.unify(t, at, s, a.span, &format!("the arguments of {name}()"))?,
                            s,
                        ),
                    });
                    lowered.push(ae);
                }
                let (t, _) = ty?;
                let func = match f {
                    FuncName::Min => ir::Func::Min,
                    FuncName::Max => ir::Func::Max,
                    FuncName::Clamp => ir::Func::Clamp,
                    _ => ir::Func::Abs,
                };
                Some((ir::Expr::Call(func, lowered, span.into()), t))
            }
            FuncName::Days => {
                if args.len() != 2 {
                    return arity_err(self, "2 dates: days(from, to)");
                }
                let mut lowered = Vec::new();
                for a in args {
                    let (ae, at) = self.expr(a, ctx)?;
                    if at.vt != ValueType::Date {
                        self.err(Diagnostic::error(
                            "E0201",
                            a.span,
                            format!("days() needs dates, found {}", type_name(at.vt)),
                        ));
                        return None;
                    }
                    lowered.push(ae);
                }
                Some((
                    ir::Expr::Call(ir::Func::Days, lowered, span.into()),
                    Ty::of(ValueType::Integer),
                ))
            }
            FuncName::Prorate | FuncName::Ramp => {
                if args.len() != 1 {
                    return arity_err(self, "1 argument");
                }
                let (ae, at) =
                    self.numeric_arg(&args[0], ctx, &format!("{name}() needs a number or money"))?;
                let func = if f == FuncName::Prorate {
                    ir::Func::Prorate
                } else {
                    ir::Func::Ramp
                };
                let vt = if at.vt == ValueType::Integer {
                    ValueType::Number
                } else {
                    at.vt
                };
                Some((ir::Expr::Call(func, vec![ae], span.into()), Ty::of(vt)))
            }
        }
    }

    // ---- components ----

    fn limit(&mut self, l: &ast::LimitDecl, ctx: Ctx) -> Option<ir::Limit> {
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

    fn component(&mut self, c: &ast::ComponentDecl) -> Option<ir::Component> {
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

    fn pay_decl(&mut self, p: &PayDecl, basis: Ty) -> Option<ir::TierPay> {
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

    fn rate_table(&mut self, t: &ast::RateTableDecl, basis: Ty) -> Option<ir::RateTable> {
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

    fn tier_table(&mut self, t: &ast::TierTableDecl, basis: Ty) -> Option<ir::TierTable> {
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

fn is_percent_literal(e: &Expr) -> bool {
    crate::stack::guard(|| is_percent_literal_node(e))
}

fn is_percent_literal_node(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number { percent, .. } => *percent,
        ExprKind::Neg(x) => is_percent_literal(x),
        _ => false,
    }
}

/// True when an IR expression reads the current credit line (deal or credit fields).
fn reads_line(e: &ir::Expr) -> bool {
    crate::stack::guard(|| reads_line_node(e))
}

fn reads_line_node(e: &ir::Expr) -> bool {
    match e {
        ir::Expr::DealField(_) | ir::Expr::CreditField(_) => true,
        ir::Expr::Builtin(b) => matches!(b, ir::Builtin::DealDate | ir::Builtin::CreditShare),
        ir::Expr::Lit(_) | ir::Expr::PayeeField(_) | ir::Expr::Measure(_) => false,
        ir::Expr::Unary(_, x, _) | ir::Expr::Round(x, _, _) => reads_line(x),
        ir::Expr::Binary(_, a, b, _) => reads_line(a) || reads_line(b),
        ir::Expr::If(c, a, b) => reads_line(c) || reads_line(a) || reads_line(b),
        ir::Expr::Call(_, args, _) => args.iter().any(reads_line),
    }
}

/// Names that are record roots or built-ins and so cannot name a measure.
const RESERVED_ROOTS: &[&str] = &[
    "deal", "credit", "payee", "period", "quota", "tenure", "amount",
];

/// True when `e` is made of number literals, `-` and `+ - * / of` only.
fn only_literals(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number { .. } => true,
        ExprKind::Neg(x) => only_literals(x),
        ExprKind::Binary(
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Of | BinaryOp::Div,
            a,
            b,
        ) => only_literals(a) && only_literals(b),
        _ => false,
    }
}

/// The value of a constant number expression (literals, `-`, and `+ - * /` of constants).
fn const_value(e: &Expr) -> Option<Decimal> {
    crate::stack::guard(|| const_value_node(e))
}

fn const_value_node(e: &Expr) -> Option<Decimal> {
    match &e.kind {
        ExprKind::Number { value, percent } => Some(if *percent {
            *value / Decimal::ONE_HUNDRED
        } else {
            *value
        }),
        ExprKind::Neg(x) => const_value(x).map(|v| -v),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (const_value(a)?, const_value(b)?);
            // Folded as the evaluator computes: exact, or None (never quietly rounded).
            match op {
                BinaryOp::Add => commissio_core::exact::add(a, b),
                BinaryOp::Sub => commissio_core::exact::sub(a, b),
                BinaryOp::Mul | BinaryOp::Of => commissio_core::exact::mul(a, b),
                BinaryOp::Div => commissio_core::exact::div(a, b),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The closest known name within edit distance 2, for "did you mean" hints.
fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
