//! The plan compiled against a dataset: expressions resolved, rate-table rows ordered by
//! precedence, limits split by level, and the set of measures actually needed.

use super::expr::{fault, mark_deal_attrs, mark_measures, uses_line, CExpr, Compiler, Value, R};
use super::fast::Pred;
use crate::money::Rounding;
use crate::period::DateRange;
use crate::plan::{
    AggFunc, BinOp, Bound, Component, DayCount, Expr, FixedUnit, Limit, LimitLevel, MeasureKind,
    Payout, Plan, PlanVersion, Population, Rate, SourceRef, TierKey, TierMode, TierPay, TierScope,
    Window,
};
use crate::results::{ComponentInfo, LimitInfo, PLAN_COMPONENT};
use crate::tape::Facts;
use rust_decimal::Decimal;

pub(crate) enum CMeasureKind {
    Agg {
        func: AggFunc,
        arg: Option<CExpr>,
        filter: Option<CExpr>,
        window: Window,
        population: Population,
    },
    Scalar(CExpr),
    /// Team commission: the first-phase amounts of the counted components (by index into
    /// [`CPlan::counted`]) of the payee's reports as of the period's last day.
    TeamPay {
        population: Population,
        counted: Vec<u32>,
    },
}

pub(crate) struct CMeasure {
    pub kind: CMeasureKind,
    pub source: SourceRef,
}

pub(crate) struct CLimit {
    pub id: u32,
    pub is_cap: bool,
    pub amount: CExpr,
    pub source: SourceRef,
}

pub(crate) struct CMult {
    pub factor: CExpr,
    pub when: Option<CExpr>,
    /// `when` as a [`Pred`], when it is one.
    pub when_pred: Option<Pred>,
    pub source: SourceRef,
}

pub(crate) enum CPay {
    Rate(CExpr),
    Flat(CExpr),
}

impl CPay {
    pub fn expr(&self) -> &CExpr {
        match self {
            CPay::Rate(e) | CPay::Flat(e) => e,
        }
    }
    pub fn is_flat(&self) -> bool {
        matches!(self, CPay::Flat(_))
    }
}

pub(crate) struct CRow {
    pub keys: Vec<Option<Value>>,
    pub pay: CPay,
    /// Index of the row in the plan.
    pub index: u32,
}

pub(crate) struct CTable {
    pub keys: Vec<CExpr>,
    /// Rows in precedence order (most specific first, then plan order).
    pub rows: Vec<CRow>,
    pub default: Option<CPay>,
    pub source: SourceRef,
}

pub(crate) enum CKey {
    Amount,
    Measure {
        measure: u32,
        denominator: Option<CExpr>,
        /// When the measure is written `n / d` with `d` equal to the denominator, `n`: the key
        /// in basis units is then computed exactly as `n` instead of `(n / d) × d`.
        numerator: Option<CExpr>,
    },
}

pub(crate) struct CBand {
    pub lo: Bound,
    pub hi: Option<Bound>,
    pub pay: CPay,
}

pub(crate) struct CTiers {
    pub mode: TierMode,
    pub key: CKey,
    pub scope: TierScope,
    pub integer_key: bool,
    pub bands: Vec<CBand>,
    /// True when some band's pay reads deal or credit fields (resolved per line).
    pub line_pay: bool,
    pub anchors: Vec<(Decimal, Decimal)>,
    pub anchors_are_money: bool,
    pub source: SourceRef,
}

pub(crate) enum CRate {
    Expr(CExpr),
    Table(CTable),
    Tiers(CTiers),
}

pub(crate) enum CUnit {
    PerDeal,
    PerUnit(CExpr),
    Once,
}

pub(crate) enum CPayout {
    Commission { basis: CExpr, rate: CRate },
    Fixed { amount: CExpr, unit: CUnit },
}

pub(crate) struct CComp {
    /// Index in [`crate::results::Results::components`].
    pub gid: u32,
    pub payout: CPayout,
    pub mults: Vec<CMult>,
    pub gates: Vec<(CExpr, SourceRef)>,
    pub eligible: Option<CExpr>,
    /// `eligible` as a [`Pred`], when it is one.
    pub eligible_pred: Option<Pred>,
    pub window: Option<DateRange>,
    pub line_limits: Vec<CLimit>,
    pub period_limits: Vec<CLimit>,
    pub true_up: bool,
    pub source: SourceRef,
    /// Index into [`CPlan::counted`] when team commission counts this component (it then
    /// runs in the first phase).
    pub counted: Option<u32>,
    /// True when the component reads team commission (its lines trace the team input).
    pub reads_team: bool,
}

pub(crate) struct CVersion {
    pub rounding: Rounding,
    pub proration: DayCount,
    pub ramp: Vec<Decimal>,
    pub measures: Vec<CMeasure>,
    pub needed: Vec<bool>,
    /// Measures needed by the counted components only (the first phase).
    pub needed1: Vec<bool>,
    pub comps: Vec<CComp>,
    pub total_period: Vec<CLimit>,
    pub total_plan: Vec<CLimit>,
    pub uses_hierarchy: bool,
}

pub(crate) struct CPlan {
    pub versions: Vec<CVersion>,
    /// Global ids of the components some team commission counts (first-phase components).
    pub counted: Vec<u32>,
    pub components: Vec<ComponentInfo>,
    pub limits: Vec<LimitInfo>,
    /// What every component's trace records refer to (by component index; [`Facts`]).
    pub facts: Vec<Facts>,
}

/// The static facts of a component that its lines' trace records leave out.
fn facts_of(comp: &CComp, rounding: Rounding) -> Facts {
    let literal = |e: &CExpr| match e {
        CExpr::Const(Value::Dec(d)) => Some(*d),
        _ => None,
    };
    Facts {
        rounding,
        mults: comp
            .mults
            .iter()
            .map(|m| (m.source, literal(&m.factor)))
            .collect(),
        gates: comp.gates.iter().map(|(_, source)| *source).collect(),
        bands: match &comp.payout {
            CPayout::Commission {
                rate: CRate::Tiers(t),
                ..
            } => t.bands.iter().map(|b| literal(b.pay.expr())).collect(),
            _ => Vec::new(),
        },
        per_deal: match &comp.payout {
            CPayout::Commission {
                rate: CRate::Tiers(t),
                ..
            } => super::tiers::per_deal_bands(t),
            _ => None,
        },
    }
}

fn compile_limit(
    c: &mut Compiler,
    l: &Limit,
    component: u32,
    infos: &mut Vec<LimitInfo>,
) -> R<CLimit> {
    let id = infos.len() as u32;
    infos.push(LimitInfo {
        is_cap: l.is_cap,
        level: l.level,
        component,
        source: l.source,
    });
    Ok(CLimit {
        id,
        is_cap: l.is_cap,
        amount: c.compile(&l.amount, l.source)?,
        source: l.source,
    })
}

fn compile_pay(c: &mut Compiler, p: &TierPay, src: SourceRef) -> R<CPay> {
    Ok(match p {
        TierPay::Rate(e) => CPay::Rate(c.compile(e, src)?),
        TierPay::Flat(e) => CPay::Flat(c.compile(e, src)?),
    })
}

fn compile_component(
    c: &mut Compiler,
    comp: &Component,
    version: &PlanVersion,
    gid: u32,
    infos: &mut Vec<LimitInfo>,
) -> R<CComp> {
    let src = comp.source;
    let payout = match &comp.payout {
        Payout::Commission { basis, rate } => {
            let basis = c.compile(basis, src)?;
            let rate = match rate {
                Rate::Expr(e) => CRate::Expr(c.compile(e, src)?),
                Rate::Table(t) => {
                    if t.keys.len() > 64 {
                        return Err(fault(
                            "R0203",
                            "a rate table may have at most 64 keys",
                            t.source,
                        ));
                    }
                    let mut keys = Vec::new();
                    for k in &t.keys {
                        keys.push(c.compile(k, t.source)?);
                    }
                    let mut rows = Vec::new();
                    for (i, r) in t.rows.iter().enumerate() {
                        let vals: Vec<Option<Value>> = r
                            .keys
                            .iter()
                            .map(|k| k.as_ref().map(|l| c.literal(l)))
                            .collect();
                        if vals.len() != keys.len() {
                            return Err(fault(
                                "R0203",
                                format!("rate table row {i} has the wrong number of keys"),
                                t.source,
                            ));
                        }
                        rows.push(CRow {
                            keys: vals,
                            pay: compile_pay(c, &r.pay, t.source)?,
                            index: i as u32,
                        });
                    }
                    // Most specific first: compare concrete/wildcard from the last key to the first.
                    let spec = |r: &CRow| -> u64 {
                        r.keys.iter().enumerate().fold(0u64, |m, (i, k)| {
                            if k.is_some() {
                                m | (1u64 << i)
                            } else {
                                m
                            }
                        })
                    };
                    rows.sort_by(|a, b| spec(b).cmp(&spec(a)).then(a.index.cmp(&b.index)));
                    let default = match &t.default {
                        Some(p) => Some(compile_pay(c, p, t.source)?),
                        None => None,
                    };
                    CRate::Table(CTable {
                        keys,
                        rows,
                        default,
                        source: t.source,
                    })
                }
                Rate::Tiers(t) => {
                    let key = match &t.key {
                        TierKey::Amount => CKey::Amount,
                        TierKey::Measure {
                            measure,
                            denominator,
                        } => {
                            if *measure >= version.measures.len() {
                                return Err(fault(
                                    "R0003",
                                    format!("measure {measure} does not exist"),
                                    t.source,
                                ));
                            }
                            let den = match denominator {
                                Some(d) => Some(c.compile(d, t.source)?),
                                None => None,
                            };
                            let numerator = match (
                                denominator,
                                version.measures.get(*measure).map(|m| &m.kind),
                            ) {
                                (
                                    Some(d),
                                    Some(MeasureKind::Scalar(Expr::Binary(BinOp::Div, n, dd, s))),
                                ) if **dd == *d => Some(c.compile(n, *s)?),
                                _ => None,
                            };
                            CKey::Measure {
                                measure: *measure as u32,
                                denominator: den,
                                numerator,
                            }
                        }
                    };
                    let mut bands = Vec::new();
                    for b in &t.tiers {
                        bands.push(CBand {
                            lo: b.lo,
                            hi: b.hi,
                            pay: compile_pay(c, &b.pay, b.source)?,
                        });
                    }
                    let line_pay = bands.iter().any(|b| uses_line(b.pay.expr()));
                    if t.mode != TierMode::Interpolated && bands.is_empty() {
                        return Err(fault("R0202", "tier table without bands", t.source));
                    }
                    if t.mode == TierMode::Interpolated && t.anchors.is_empty() {
                        return Err(fault(
                            "R0202",
                            "interpolated table without anchors",
                            t.source,
                        ));
                    }
                    let mut anchors: Vec<(Decimal, Decimal)> =
                        t.anchors.iter().map(|a| (a.at, a.value)).collect();
                    anchors.sort_by_key(|a| a.0);
                    if t.mode == TierMode::Graduated
                        && t.scope == TierScope::PerLine
                        && !matches!(key, CKey::Amount)
                    {
                        return Err(fault(
                            "R0203",
                            "graduated per-line tiers need the amount as key",
                            t.source,
                        ));
                    }
                    CRate::Tiers(CTiers {
                        mode: t.mode,
                        key,
                        scope: t.scope,
                        integer_key: t.integer_key,
                        bands,
                        line_pay,
                        anchors,
                        anchors_are_money: t.anchors_are_money,
                        source: t.source,
                    })
                }
            };
            CPayout::Commission { basis, rate }
        }
        Payout::Fixed { amount, unit } => CPayout::Fixed {
            amount: c.compile(amount, src)?,
            unit: match unit {
                FixedUnit::PerDeal => CUnit::PerDeal,
                FixedUnit::PerUnit(e) => CUnit::PerUnit(c.compile(e, src)?),
                FixedUnit::Once => CUnit::Once,
            },
        },
    };
    let mut mults = Vec::new();
    for m in &comp.multipliers {
        let when = match &m.when {
            Some(w) => Some(c.compile(w, m.source)?),
            None => None,
        };
        mults.push(CMult {
            factor: c.compile(&m.factor, m.source)?,
            when_pred: when.as_ref().and_then(Pred::of),
            when,
            source: m.source,
        });
    }
    let mut gates = Vec::new();
    for g in &comp.gates {
        gates.push((c.compile(g, src)?, src));
    }
    let eligible = match &comp.eligible {
        Some(e) => Some(c.compile(e, src)?),
        None => None,
    };
    let mut line_limits = Vec::new();
    let mut period_limits = Vec::new();
    for l in &comp.limits {
        match l.level {
            LimitLevel::Line => line_limits.push(compile_limit(c, l, gid, infos)?),
            LimitLevel::Period => period_limits.push(compile_limit(c, l, gid, infos)?),
            _ => {
                return Err(fault(
                    "R0002",
                    "plan-level limit inside a component",
                    l.source,
                ))
            }
        }
    }
    Ok(CComp {
        gid,
        payout,
        mults,
        gates,
        eligible_pred: eligible.as_ref().and_then(Pred::of),
        eligible,
        window: comp.window,
        line_limits,
        period_limits,
        true_up: comp.true_up,
        source: src,
        counted: None,
        reads_team: false,
    })
}

fn each_expr(comp: &CComp, f: &mut dyn FnMut(&CExpr)) {
    let pay = |p: &CPay, f: &mut dyn FnMut(&CExpr)| f(p.expr());
    match &comp.payout {
        CPayout::Commission { basis, rate } => {
            f(basis);
            match rate {
                CRate::Expr(e) => f(e),
                CRate::Table(t) => {
                    t.keys.iter().for_each(&mut *f);
                    t.rows.iter().for_each(|r| pay(&r.pay, f));
                    if let Some(d) = &t.default {
                        pay(d, f);
                    }
                }
                CRate::Tiers(t) => {
                    t.bands.iter().for_each(|b| pay(&b.pay, f));
                    if let CKey::Measure {
                        measure,
                        denominator,
                        numerator,
                    } = &t.key
                    {
                        if let Some(d) = denominator {
                            f(d);
                        }
                        // A running tier's key is the running basis: the measure is not read.
                        if t.scope != TierScope::Running || t.mode == TierMode::Interpolated {
                            match numerator {
                                Some(n) => f(n),
                                None => f(&CExpr::Measure(*measure, t.source)),
                            }
                        }
                    }
                }
            }
        }
        CPayout::Fixed { amount, unit } => {
            f(amount);
            if let CUnit::PerUnit(e) = unit {
                f(e);
            }
        }
    }
    for m in &comp.mults {
        f(&m.factor);
        if let Some(w) = &m.when {
            f(w);
        }
    }
    comp.gates.iter().for_each(|(g, _)| f(g));
    if let Some(e) = &comp.eligible {
        f(e);
    }
    comp.line_limits
        .iter()
        .chain(comp.period_limits.iter())
        .for_each(|l| f(&l.amount));
}

/// Deal attributes (by column index, `n` columns) read anywhere in the plan.
pub(crate) fn deal_attrs_used(plan: &CPlan, n: usize) -> Vec<bool> {
    let mut used = vec![false; n];
    for v in &plan.versions {
        for comp in &v.comps {
            each_expr(comp, &mut |e| mark_deal_attrs(e, &mut used));
        }
        for m in &v.measures {
            match &m.kind {
                CMeasureKind::Scalar(e) => mark_deal_attrs(e, &mut used),
                CMeasureKind::Agg { arg, filter, .. } => {
                    arg.iter()
                        .chain(filter.iter())
                        .for_each(|e| mark_deal_attrs(e, &mut used));
                }
                CMeasureKind::TeamPay { .. } => {}
            }
        }
        for l in v.total_period.iter().chain(v.total_plan.iter()) {
            mark_deal_attrs(&l.amount, &mut used);
        }
    }
    used
}

/// True when some measure the plan computes aggregates the lines of a payee's reports
/// (population `direct` or `team`).
pub(crate) fn reads_report_lines(plan: &CPlan) -> bool {
    plan.versions.iter().any(|v| {
        v.measures.iter().zip(&v.needed).any(|(m, n)| {
            *n && matches!(
                m.kind,
                CMeasureKind::Agg {
                    population: Population::Direct | Population::Team,
                    ..
                }
            )
        })
    })
}

/// Marks, in `needed`, every measure the marked measures read (transitively).
fn close_needed(measures: &[CMeasure], needed: &mut [bool]) {
    for i in (0..measures.len()).rev() {
        if needed.get(i).copied().unwrap_or(false) {
            if let Some(m) = measures.get(i) {
                match &m.kind {
                    CMeasureKind::Scalar(e) => mark_measures(e, needed),
                    CMeasureKind::Agg { arg, filter, .. } => {
                        if let Some(a) = arg {
                            mark_measures(a, needed);
                        }
                        if let Some(a) = filter {
                            mark_measures(a, needed);
                        }
                    }
                    CMeasureKind::TeamPay { .. } => {}
                }
            }
        }
    }
}

/// Measures that are, or read, team commission.
fn team_measures(measures: &[CMeasure]) -> Vec<bool> {
    let mut team = vec![false; measures.len()];
    for (i, m) in measures.iter().enumerate() {
        let mut reads = vec![false; i];
        let is = match &m.kind {
            CMeasureKind::TeamPay { .. } => true,
            CMeasureKind::Scalar(e) => {
                mark_measures(e, &mut reads);
                reads.iter().zip(&team).any(|(r, t)| *r && *t)
            }
            CMeasureKind::Agg { .. } => false,
        };
        if let Some(t) = team.get_mut(i) {
            *t = is;
        }
    }
    team
}

/// Compiles every version of the plan.
pub(crate) fn compile(plan: &Plan, data: &crate::dataset::Dataset) -> R<CPlan> {
    let mut components = Vec::new();
    let mut limits = Vec::new();
    let mut facts = Vec::new();
    let mut versions = Vec::new();
    let mut counted: Vec<u32> = Vec::new();
    let mut c = Compiler::new(data);
    for (vi, v) in plan.versions.iter().enumerate() {
        c.n_measures = 0;
        let mut measures = Vec::new();
        for (mi, m) in v.measures.iter().enumerate() {
            c.n_measures = mi; // a measure only reads measures before it
            let kind = match &m.kind {
                MeasureKind::Aggregate {
                    func,
                    arg,
                    filter,
                    window,
                    population,
                } => CMeasureKind::Agg {
                    func: *func,
                    arg: match arg {
                        Some(a) => Some(c.compile(a, m.source)?),
                        None => None,
                    },
                    filter: match filter {
                        Some(a) => Some(c.compile(a, m.source)?),
                        None => None,
                    },
                    window: *window,
                    population: *population,
                },
                MeasureKind::Scalar(e) => CMeasureKind::Scalar(c.compile(e, m.source)?),
                MeasureKind::TeamCommission {
                    population,
                    components: named,
                } => {
                    if *population == Population::Own {
                        return Err(fault(
                            "R0003",
                            "team commission needs the direct or team population",
                            m.source,
                        ));
                    }
                    let mut ids = Vec::new();
                    for &ci in named {
                        if ci >= v.components.len() {
                            return Err(fault(
                                "R0003",
                                format!("component {ci} does not exist"),
                                m.source,
                            ));
                        }
                        let gid = (components.len() + ci) as u32;
                        let k = match counted.iter().position(|&g| g == gid) {
                            Some(k) => k,
                            None => {
                                counted.push(gid);
                                counted.len() - 1
                            }
                        };
                        ids.push(k as u32);
                    }
                    CMeasureKind::TeamPay {
                        population: *population,
                        counted: ids,
                    }
                }
            };
            measures.push(CMeasure {
                kind,
                source: m.source,
            });
        }
        c.n_measures = v.measures.len();
        let mut comps = Vec::new();
        for (ci, comp) in v.components.iter().enumerate() {
            let gid = components.len() as u32;
            components.push(ComponentInfo {
                name: comp.name.clone(),
                version: vi as u32,
                index: ci as u32,
            });
            let compiled = compile_component(&mut c, comp, v, gid, &mut limits)?;
            facts.push(facts_of(&compiled, v.rounding));
            comps.push(compiled);
        }
        let mut total_period = Vec::new();
        let mut total_plan = Vec::new();
        for l in &v.plan_limits {
            match l.level {
                LimitLevel::TotalPeriod => {
                    total_period.push(compile_limit(&mut c, l, PLAN_COMPONENT, &mut limits)?)
                }
                LimitLevel::TotalPlan => {
                    total_plan.push(compile_limit(&mut c, l, PLAN_COMPONENT, &mut limits)?)
                }
                _ => {
                    return Err(fault(
                        "R0002",
                        "component-level limit at plan level",
                        l.source,
                    ))
                }
            }
        }
        // Measures needed: referenced by components or plan limits, transitively.
        let mut needed = vec![false; measures.len()];
        for comp in &comps {
            each_expr(comp, &mut |e| mark_measures(e, &mut needed));
        }
        for l in total_period.iter().chain(total_plan.iter()) {
            mark_measures(&l.amount, &mut needed);
        }
        close_needed(&measures, &mut needed);
        // Team commission: which components are counted, which read it, and what the first
        // phase (the counted components alone) needs.
        let team_measure = team_measures(&measures);
        let mut needed1 = vec![false; measures.len()];
        for comp in comps.iter_mut() {
            comp.counted = counted
                .iter()
                .position(|&g| g == comp.gid)
                .map(|k| k as u32);
            let mut reads = vec![false; measures.len()];
            each_expr(comp, &mut |e| mark_measures(e, &mut reads));
            close_needed(&measures, &mut reads);
            comp.reads_team = reads.iter().zip(&team_measure).any(|(r, t)| *r && *t);
            if comp.counted.is_some() {
                if comp.reads_team {
                    return Err(fault(
                        "R0003",
                        "a component counted in team commission reads team commission",
                        comp.source,
                    ));
                }
                for (n, r) in needed1.iter_mut().zip(&reads) {
                    *n |= *r;
                }
            }
        }
        let uses_hierarchy = measures.iter().zip(&needed).any(|(m, n)| {
            *n && matches!(
                m.kind,
                CMeasureKind::Agg {
                    population: Population::Direct | Population::Team,
                    ..
                } | CMeasureKind::TeamPay { .. }
            )
        });
        versions.push(CVersion {
            rounding: v.rounding,
            proration: v.proration,
            ramp: v.ramp.clone(),
            measures,
            needed,
            needed1,
            comps,
            total_period,
            total_plan,
            uses_hierarchy,
        });
    }
    Ok(CPlan {
        versions,
        counted,
        components,
        limits,
        facts,
    })
}
