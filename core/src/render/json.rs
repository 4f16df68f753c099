//! Results as JSON: `{"lines":[...],"totals":[...],"component_totals":[...]}`, every line
//! with its names resolved and its trace, fields in a fixed order, amounts as strings. The
//! serde implementations of [`Results`] and [`TraceView`] behind [`Results::to_json`].

use crate::money::{RoundingMode, RoundingStage};
use crate::plan::{LimitLevel, SourceRef};
use crate::results::{
    GateStep, LimitStep, MultiplierStep, Results, Slice, TeamInput, TeamReport, TraceView,
};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

struct LinesSer<'a>(&'a Results);
impl Serialize for LinesSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.lines.len()))?;
        for line in self.0.lines() {
            seq.serialize_element(&self.0.view(&line))?;
        }
        seq.end()
    }
}

struct TotalsSer<'a>(&'a Results, bool);
impl Serialize for TotalsSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        if self.1 {
            s.collect_seq(r.named_component_totals())
        } else {
            s.collect_seq(r.named_totals())
        }
    }
}

impl Serialize for Results {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PlanResultsSer(None, self).serialize(s)
    }
}

/// A plan's results, led by the plan's name (`"plan"`) in a program's JSON.
pub(crate) struct PlanResultsSer<'a>(pub(crate) Option<&'a str>, pub(crate) &'a Results);
impl Serialize for PlanResultsSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let PlanResultsSer(name, r) = *self;
        let mut m = s.serialize_map(Some(3 + usize::from(name.is_some())))?;
        if let Some(name) = name {
            m.serialize_entry("plan", name)?;
        }
        m.serialize_entry("lines", &LinesSer(r))?;
        m.serialize_entry("totals", &TotalsSer(r, false))?;
        m.serialize_entry("component_totals", &TotalsSer(r, true))?;
        m.end()
    }
}

#[derive(Serialize)]
struct ShareView<'a> {
    full: Decimal,
    assigned_days: Decimal,
    of_days: u32,
    fraction: Decimal,
    assignments: &'a [crate::results::AssignmentInfo],
}

#[derive(Serialize)]
struct SliceView {
    band: u32,
    lo: Decimal,
    hi: Decimal,
    rate: Decimal,
    flat: bool,
    amount: Decimal,
}

#[derive(Serialize)]
struct MultView {
    factor: Decimal,
    source: SourceRef,
}

#[derive(Serialize)]
struct GateView {
    gate: u32,
    pass: bool,
    source: SourceRef,
}

#[derive(Serialize)]
struct RoundingView {
    mode: RoundingMode,
    scale: u32,
    stage: RoundingStage,
}

#[derive(Serialize)]
struct TeamReportView<'a> {
    payee: &'a str,
    amount: Decimal,
}

struct TeamView<'a>(&'a Results, &'a TeamInput);
impl Serialize for TeamView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("value", &self.1.value)?;
        m.serialize_entry(
            "reports",
            &ListSer(&self.1.reports, |x: &TeamReport| TeamReportView {
                payee: r
                    .payee_ids
                    .get(x.payee as usize)
                    .map(String::as_str)
                    .unwrap_or(""),
                amount: x.amount,
            }),
        )?;
        m.serialize_entry("source", &self.1.source)?;
        m.end()
    }
}

#[derive(Serialize)]
struct LimitView<'a> {
    kind: &'static str,
    level: LimitLevel,
    component: &'a str,
    value: Decimal,
    before: Decimal,
    after: Decimal,
    source: SourceRef,
    /// Where a limit over a sequence stood before the line (steps that record it only).
    #[serde(skip_serializing_if = "Option::is_none")]
    accrued: Option<AccruedView>,
}

#[derive(Serialize)]
struct AccruedView {
    total: Decimal,
    paid: Decimal,
}

#[derive(Serialize)]
struct TrueUpView {
    year_to_date: Decimal,
    earlier: Decimal,
    this_period: Decimal,
}

#[derive(Serialize)]
struct AnchorView {
    at: Decimal,
    value: Decimal,
}

#[derive(Serialize)]
struct InterpolationView {
    key: Decimal,
    lower: AnchorView,
    upper: AnchorView,
}

struct ListSer<'a, T, V, F: Fn(&'a T) -> V>(&'a [T], F);
impl<'a, T, V: Serialize, F: Fn(&'a T) -> V> Serialize for ListSer<'a, T, V, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for x in self.0 {
            seq.serialize_element(&(self.1)(x))?;
        }
        seq.end()
    }
}

impl Serialize for TraceView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.trace;
        let r = self.results;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("rule", self.rule)?;
        m.serialize_entry("basis", &t.basis)?;
        m.serialize_entry("rate", &t.rate)?;
        m.serialize_entry(
            "row",
            &t.row
                .map(|x| if x == u32::MAX { -1i64 } else { i64::from(x) }),
        )?;
        m.serialize_entry("band", &t.band)?;
        m.serialize_entry(
            "slices",
            &ListSer(&t.slices, |x: &Slice| SliceView {
                band: x.band,
                lo: x.lo,
                hi: x.hi,
                rate: x.rate,
                flat: x.flat,
                amount: x.amount,
            }),
        )?;
        m.serialize_entry(
            "multipliers",
            &ListSer(&t.multipliers, |x: &MultiplierStep| MultView {
                factor: x.factor,
                source: x.source,
            }),
        )?;
        m.serialize_entry(
            "gates",
            &ListSer(&t.gates, |x: &GateStep| GateView {
                gate: x.gate,
                pass: x.pass,
                source: x.source,
            }),
        )?;
        m.serialize_entry("unrounded", &t.unrounded)?;
        m.serialize_entry("rounded", &t.rounded)?;
        m.serialize_entry(
            "rounding",
            &t.rounding.map(|x| RoundingView {
                mode: x.mode,
                scale: x.scale,
                stage: x.stage,
            }),
        )?;
        m.serialize_entry(
            "limits",
            &ListSer(&t.limits, |x: &LimitStep| {
                let info = r.limits.get(x.limit as usize);
                LimitView {
                    kind: if info.map(|i| i.is_cap).unwrap_or(true) {
                        "cap"
                    } else {
                        "floor"
                    },
                    level: info.map(|i| i.level).unwrap_or(LimitLevel::Line),
                    component: info.map(|i| r.component_name(i.component)).unwrap_or(""),
                    value: x.value,
                    before: x.before,
                    after: x.after,
                    source: info.map(|i| i.source).unwrap_or_default(),
                    accrued: x.accrued.map(|a| AccruedView {
                        total: a.total,
                        paid: a.paid,
                    }),
                }
            }),
        )?;
        // Only lines of components that read team commission have the key, so every other
        // line serialises as before.
        if !t.team.is_empty() {
            m.serialize_entry("team", &ListSer(&t.team, |x: &TeamInput| TeamView(r, x)))?;
        }
        // Only true-up lines, interpolated lines and a program's assignment lines have these
        // keys, so every other line serialises as before.
        if let Some(u) = t.true_up {
            m.serialize_entry(
                "true_up",
                &TrueUpView {
                    year_to_date: u.year_to_date,
                    earlier: u.earlier,
                    this_period: u.this_period,
                },
            )?;
        }
        if let Some(c) = t.interpolation {
            m.serialize_entry(
                "interpolation",
                &InterpolationView {
                    key: c.key,
                    lower: AnchorView {
                        at: c.lower.at,
                        value: c.lower.value,
                    },
                    upper: AnchorView {
                        at: c.upper.at,
                        value: c.upper.value,
                    },
                },
            )?;
        }
        if let Some(a) = t.assignment {
            let first = a.first as usize;
            let named = r
                .assignments
                .get(first..first.saturating_add(a.count as usize))
                .unwrap_or(&[]);
            m.serialize_entry(
                "assignment",
                &ShareView {
                    full: a.full,
                    assigned_days: a.assigned_days,
                    of_days: a.of_days,
                    fraction: a.fraction,
                    assignments: named,
                },
            )?;
        }
        m.end()
    }
}
