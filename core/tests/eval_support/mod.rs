//! Builders for hand-made plans (IR) and datasets used by the evaluator tests.
#![allow(dead_code)]

use commissio_core::dataset::{Column, Dataset, Quota};
use commissio_core::money::{Currency, Rounding, RoundingMode, RoundingStage};
use commissio_core::period::{Date, DateRange, Grain, Period};
use commissio_core::plan::*;
use commissio_core::Decimal;
use std::str::FromStr;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or(Decimal::MAX)
}
pub fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_default()
}
pub fn src(n: u32) -> SourceRef {
    SourceRef {
        start: n,
        end: n + 1,
    }
}

// ---- expressions ----
pub fn num(s: &str) -> Expr {
    Expr::Lit(Literal::Decimal(d(s)))
}
pub fn text(s: &str) -> Expr {
    Expr::Lit(Literal::Text(s.to_string()))
}
pub fn credit(i: usize) -> Expr {
    Expr::CreditField(i)
}
pub fn dealf(i: usize) -> Expr {
    Expr::DealField(i)
}
pub fn payeef(i: usize) -> Expr {
    Expr::PayeeField(i)
}
pub fn meas(i: usize) -> Expr {
    Expr::Measure(i)
}
pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    Expr::Binary(op, Box::new(a), Box::new(b), src(7))
}

// ---- plan ----
pub fn field(name: &str, ty: FieldType) -> FieldDef {
    FieldDef {
        name: name.into(),
        column: name.into(),
        ty,
    }
}

pub fn rounding_line() -> Rounding {
    Rounding {
        mode: RoundingMode::HalfEven,
        scale: 2,
        stage: RoundingStage::Line,
    }
}

pub fn version(grain: Grain) -> PlanVersion {
    PlanVersion {
        name: "test".into(),
        currency: Currency::new("USD"),
        calendar: Calendar {
            grain,
            fiscal_year_start_month: 1,
        },
        effective: DateRange {
            start: date("2026-01-01"),
            end: date("2026-12-31"),
        },
        rounding: rounding_line(),
        schema: Schema::default(),
        measures: vec![],
        components: vec![],
        plan_limits: vec![],
        overlay: false,
        proration: DayCount::Actual,
        ramp: vec![],
    }
}

pub fn plan(v: PlanVersion) -> Plan {
    Plan { versions: vec![v] }
}

pub fn component(name: &str, payout: Payout) -> Component {
    Component {
        name: name.into(),
        payout,
        multipliers: vec![],
        gates: vec![],
        eligible: None,
        window: None,
        limits: vec![],
        true_up: false,
        source: src(1),
    }
}

pub fn commission(basis: Expr, rate: Rate) -> Payout {
    Payout::Commission { basis, rate }
}

pub fn sum_measure(name: &str, arg: Expr, window: Window, population: Population) -> Measure {
    Measure {
        name: name.into(),
        ty: ValueType::Money,
        kind: MeasureKind::Aggregate {
            func: AggFunc::Sum,
            arg: Some(arg),
            filter: None,
            window,
            population,
        },
        source: src(2),
    }
}

pub fn scalar_measure(name: &str, e: Expr) -> Measure {
    Measure {
        name: name.into(),
        ty: ValueType::Number,
        kind: MeasureKind::Scalar(e),
        source: src(3),
    }
}

/// Bands `(lo, hi, rate)`; hi "" = unbounded; half-open.
pub fn bands(spec: &[(&str, &str, &str)]) -> Vec<Tier> {
    spec.iter()
        .enumerate()
        .map(|(i, (lo, hi, rate))| Tier {
            lo: Bound {
                value: d(lo),
                closed: true,
            },
            hi: if hi.is_empty() {
                None
            } else {
                Some(Bound {
                    value: d(hi),
                    closed: false,
                })
            },
            pay: TierPay::Rate(num(rate)),
            source: src(100 + i as u32),
        })
        .collect()
}

pub fn tiers(mode: TierMode, key: TierKey, scope: TierScope, tiers: Vec<Tier>) -> Rate {
    Rate::Tiers(TierTable {
        mode,
        key,
        scope,
        integer_key: false,
        tiers,
        anchors: vec![],
        anchors_are_money: false,
        source: src(50),
    })
}

pub fn limit(is_cap: bool, level: LimitLevel, amount: Expr) -> Limit {
    Limit {
        is_cap,
        level,
        amount,
        source: src(60),
    }
}

// ---- data ----
#[derive(Clone, Debug)]
pub enum V {
    D(&'static str),
    B(bool),
    T(&'static str),
}

fn push(cols: &mut Vec<Column>, i: usize, v: &V, texts: &mut commissio_core::dataset::Interner) {
    if cols.len() <= i {
        cols.push(match v {
            V::D(_) => Column::Decimal(vec![]),
            V::B(_) => Column::Bool(vec![]),
            V::T(_) => Column::Text(vec![]),
        });
    }
    match (cols.get_mut(i), v) {
        (Some(Column::Decimal(c)), V::D(x)) => c.push(d(x)),
        (Some(Column::Bool(c)), V::B(x)) => c.push(*x),
        (Some(Column::Text(c)), V::T(x)) => c.push(texts.intern(x)),
        _ => {}
    }
}

#[derive(Default)]
pub struct Data {
    pub ds: Dataset,
}

impl Data {
    pub fn new() -> Self {
        Data::default()
    }
    pub fn payee(&mut self, id: &str, manager: Option<&str>, attrs: &[V]) -> u32 {
        let sym = self.ds.texts.intern(id);
        let row = self.ds.payees.id.len() as u32;
        self.ds.payees.id.push(sym);
        let m = manager.and_then(|m| self.ds.payee_row(m));
        self.ds.payees.manager.push(m);
        self.ds.payees.start.push(None);
        self.ds.payees.end.push(None);
        for (i, a) in attrs.iter().enumerate() {
            push(&mut self.ds.payees.attrs, i, a, &mut self.ds.texts);
        }
        row
    }
    pub fn deal(&mut self, id: &str, owner: &str, on: &str, attrs: &[V]) -> u32 {
        let sym = self.ds.texts.intern(id);
        let row = self.ds.deals.id.len() as u32;
        let owner = self.ds.payee_row(owner).unwrap_or(u32::MAX);
        self.ds.deals.id.push(sym);
        self.ds.deals.owner.push(owner);
        self.ds.deals.date.push(date(on));
        for (i, a) in attrs.iter().enumerate() {
            push(&mut self.ds.deals.attrs, i, a, &mut self.ds.texts);
        }
        row
    }
    pub fn credit(&mut self, deal: &str, payee: &str, share: &str) {
        let dr = self.ds.deal_row(deal).unwrap_or(u32::MAX);
        let pr = self.ds.payee_row(payee).unwrap_or(u32::MAX);
        self.ds.credits.deal.push(dr);
        self.ds.credits.payee.push(pr);
        self.ds.credits.share.push(d(share));
        self.ds.credits.role.push(0);
    }
    pub fn quota(&mut self, payee: &str, period: Period, amount: &str) {
        let p = self.ds.payee_row(payee).unwrap_or(u32::MAX);
        self.ds.quotas.push(Quota {
            payee: p,
            period,
            amount: d(amount),
        });
    }
    /// The dataset. A deal without credits is credited to its owner (share 1) implicitly.
    pub fn finish(self) -> Dataset {
        self.ds
    }
}

pub fn q(year: i32, index: u32) -> Period {
    Period {
        fiscal_year: year,
        index,
        grain: Grain::Quarter,
        fiscal_start_month: 1,
    }
}
pub fn m(year: i32, index: u32) -> Period {
    Period {
        fiscal_year: year,
        index,
        grain: Grain::Month,
        fiscal_start_month: 1,
    }
}

/// Amounts of the lines of one payee as strings, in output order.
pub fn amounts(r: &commissio_core::Results, payee: &str) -> Vec<String> {
    r.lines()
        .filter(|l| r.payee_id(l) == payee)
        .map(|l| l.amount.to_string())
        .collect()
}

// ---- W1 ----

/// Deal fields: 0 amount, 1 product, 2 is_new_logo. Payee fields: 0 quarterly_quota,
/// 1 target_incentive.
pub fn w1_plan() -> Plan {
    let mut v = version(Grain::Quarter);
    v.schema.deal.fields = vec![
        field("amount", FieldType::Money),
        field("product", FieldType::Text),
        field("is_new_logo", FieldType::Bool),
    ];
    v.schema.payee.fields = vec![
        field("quarterly_quota", FieldType::Money),
        field("target_incentive", FieldType::Money),
    ];
    v.measures = vec![
        sum_measure("bookings", credit(0), Window::Period, Population::Own),
        scalar_measure("attainment", bin(BinOp::Div, meas(0), payeef(0))),
    ];
    let mut core = component(
        "core",
        commission(
            credit(0),
            tiers(
                TierMode::Graduated,
                TierKey::Measure {
                    measure: 1,
                    denominator: Some(payeef(0)),
                },
                TierScope::Running,
                bands(&[
                    ("0", "0.5", "0.02"),
                    ("0.5", "1", "0.08"),
                    ("1", "1.5", "0.12"),
                    ("1.5", "", "0.16"),
                ]),
            ),
        ),
    );
    core.multipliers = vec![Multiplier {
        factor: num("1.2"),
        when: Some(dealf(2)),
        source: src(20),
    }];
    let mut spiff = component(
        "platform_spiff",
        Payout::Fixed {
            amount: num("250"),
            unit: FixedUnit::PerDeal,
        },
    );
    spiff.eligible = Some(bin(
        BinOp::And,
        bin(BinOp::Ge, dealf(0), num("100000")),
        bin(BinOp::Eq, dealf(1), text("Platform")),
    ));
    v.components = vec![core, spiff];
    v.plan_limits = vec![limit(
        true,
        LimitLevel::TotalPeriod,
        Expr::Round(
            Box::new(bin(
                BinOp::Div,
                bin(BinOp::Mul, payeef(1), num("2")),
                num("4"),
            )),
            2,
            RoundingMode::HalfEven,
        ),
    )];
    plan(v)
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// A W1 dataset from the three CSV texts (SPEC §1 format).
pub fn w1_data(deals: &str, reps: &str, splits: &str) -> Dataset {
    let mut data = Data::new();
    for line in reps.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let g = |i: usize| f.get(i).copied().unwrap_or("");
        data.payee(g(0), None, &[V::D(leak(g(3))), V::D(leak(g(4)))]);
    }
    for line in deals.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let g = |i: usize| f.get(i).copied().unwrap_or("");
        data.deal(
            g(0),
            g(1),
            g(2),
            &[V::D(leak(g(3))), V::T(leak(g(5))), V::B(g(6) == "true")],
        );
    }
    for line in splits.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let g = |i: usize| f.get(i).copied().unwrap_or("");
        data.credit(g(0), g(1), g(2));
    }
    data.finish()
}
