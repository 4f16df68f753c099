//! Public worked examples (docs/language.md Appendix A), each as a hand-built plan and data.

mod eval_support;
use commissio_core::evaluate;
use commissio_core::period::Grain;
use commissio_core::plan::*;
use commissio_core::results::LineKind;
use eval_support::*;

/// One payee "a" with deals of `amounts` (field 0) in 2026-Q1, on consecutive days.
fn sales(amounts: &[&'static str]) -> commissio_core::dataset::Dataset {
    let mut data = Data::new();
    data.payee("a", None, &[]);
    for (i, a) in amounts.iter().enumerate() {
        let day = format!("2026-01-{:02}", i + 1);
        data.deal(&format!("{}", i + 1), "a", &day, &[V::D(a)]);
    }
    data.finish()
}

fn simple(rate: Rate) -> Plan {
    let mut v = version(Grain::Quarter);
    v.components = vec![component("c", commission(credit(0), rate))];
    plan(v)
}

fn total_q1(
    p: &Plan,
    data: &commissio_core::dataset::Dataset,
) -> Result<String, Box<dyn std::error::Error>> {
    let r = evaluate(p, data, q(2026, 1), q(2026, 1))?;
    Ok(r.total("a", "2026-Q1")
        .map(|x| x.to_string())
        .unwrap_or_default())
}

#[test]
fn p01_graduated_running_and_period_end() -> TestResult {
    let b = bands(&[
        ("0", "50000", "0.05"),
        ("50000", "100000", "0.07"),
        ("100000", "", "0.10"),
    ]);
    let data = sales(&["175000.00"]);
    let running = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::Running,
        b.clone(),
    ));
    assert_eq!(total_q1(&running, &data)?, "13500.00");
    // Split over three deals: same total, slices follow the running total.
    let data3 = sales(&["40000.00", "35000.00", "100000.00"]);
    let r = evaluate(&running, &data3, q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["2000.00", "2250.00", "9250.00"]);
    let pe = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::PeriodEnd,
        b,
    ));
    let r = evaluate(&pe, &data3, q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["13500.00"]);
    assert_eq!(r.line(0).unwrap().kind, LineKind::Period);
    Ok(())
}

#[test]
fn p02_graduated_four_tiers() -> TestResult {
    let b = bands(&[
        ("0", "75000", "0.05"),
        ("75000", "150000", "0.07"),
        ("150000", "300000", "0.10"),
        ("300000", "", "0.12"),
    ]);
    let p = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::Running,
        b,
    ));
    assert_eq!(
        total_q1(&p, &sales(&["100000.00", "275000.00"]))?,
        "33000.00"
    );
    // A flat 7% would pay 26,250.00.
    let flat = simple(Rate::Expr(num("0.07")));
    assert_eq!(total_q1(&flat, &sales(&["375000.00"]))?, "26250.00");
    Ok(())
}

/// Measures: 0 bookings (sum credit.amount), 1 attainment = bookings / quota.
fn attainment_version(grain: Grain) -> PlanVersion {
    let mut v = version(grain);
    v.measures = vec![
        sum_measure("bookings", credit(0), Window::Period, Population::Own),
        scalar_measure(
            "attainment",
            bin(BinOp::Div, meas(0), Expr::Builtin(Builtin::Quota)),
        ),
    ];
    v
}

fn att_key() -> TierKey {
    TierKey::Measure {
        measure: 1,
        denominator: Some(Expr::Builtin(Builtin::Quota)),
    }
}

#[test]
fn p03_accelerator_on_attainment() -> TestResult {
    let mut v = attainment_version(Grain::Quarter);
    let b = bands(&[("0", "1", "0.05"), ("1", "", "0.08")]);
    v.components = vec![component(
        "c",
        commission(
            credit(0),
            tiers(TierMode::Graduated, att_key(), TierScope::Running, b),
        ),
    )];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal("1", "a", "2026-01-10", &[V::D("150000.00")]);
    data.deal("2", "a", "2026-02-10", &[V::D("110000.00")]);
    data.quota("a", q(2026, 1), "200000.00");
    let r = evaluate(&plan(v), &data.finish(), q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["7500.00", "7300.00"]);
    assert_eq!(
        r.total("a", "2026-Q1").map(|x| x.to_string()),
        Some("14800.00".into())
    );
    Ok(())
}

#[test]
fn p05_graduated_and_retroactive() -> TestResult {
    let b = bands(&[
        ("0", "10000", "0.03"),
        ("10000", "25000", "0.05"),
        ("25000", "", "0.07"),
    ]);
    let data = sales(&["20000.00", "15000.00"]);
    let grad = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::PeriodEnd,
        b.clone(),
    ));
    assert_eq!(total_q1(&grad, &data)?, "1750.00");
    let retro = simple(tiers(
        TierMode::Retroactive,
        TierKey::Amount,
        TierScope::PeriodEnd,
        b.clone(),
    ));
    let r = evaluate(&retro, &data, q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["1400.00", "1050.00"]);
    assert_eq!(
        r.total("a", "2026-Q1").map(|x| x.to_string()),
        Some("2450.00".into())
    );
    // Retroactive running: each line at the band holding the running total after it.
    let run = simple(tiers(
        TierMode::Retroactive,
        TierKey::Amount,
        TierScope::Running,
        b,
    ));
    let r = evaluate(&run, &data, q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["1000.00", "1050.00"]);
    Ok(())
}

#[test]
fn p06_step_rates_per_transaction() -> TestResult {
    let b = bands(&[
        ("0", "1000", "0.01"),
        ("1000", "3000", "0.02"),
        ("3000", "8000", "0.03"),
        ("8000", "20000", "0.05"),
    ]);
    let p = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::PerLine,
        b,
    ));
    let data = sales(&["200", "300", "1500", "1200", "2000", "4500"]);
    let r = evaluate(&p, &data, q(2026, 1), q(2026, 1))?;
    assert_eq!(
        amounts(&r, "a"),
        vec!["2.00", "3.00", "20.00", "14.00", "30.00", "95.00"]
    );
    assert_eq!(
        r.total("a", "2026-Q1").map(|x| x.to_string()),
        Some("164.00".into())
    );
    Ok(())
}

#[test]
fn p08_rate_multiplier() -> TestResult {
    let mut v = version(Grain::Quarter);
    let mut c = component("c", commission(credit(0), Rate::Expr(num("0.05"))));
    c.multipliers = vec![Multiplier {
        factor: num("1.5"),
        when: Some(bin(BinOp::Gt, dealf(1), num("12"))),
        source: src(9),
    }];
    v.components = vec![c];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal("1", "a", "2026-01-05", &[V::D("10000.00"), V::D("24")]);
    data.deal("2", "a", "2026-01-06", &[V::D("10000.00"), V::D("12")]);
    let r = evaluate(&plan(v), &data.finish(), q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["750.00", "500.00"]); // effective 7.5% and 5%
    assert_eq!(r.multipliers_of(&r.line(0).unwrap()).len(), 1);
    assert_eq!(r.multipliers_of(&r.line(1).unwrap()).len(), 0);
    Ok(())
}

#[test]
fn p09_monthly_cap() -> TestResult {
    let mut v = version(Grain::Month);
    let mut c = component("c", commission(credit(0), Rate::Expr(num("0.03"))));
    c.limits = vec![limit(true, LimitLevel::Period, num("10000"))];
    v.components = vec![c];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal("1", "a", "2026-01-05", &[V::D("250000.00")]);
    data.deal("2", "a", "2026-01-20", &[V::D("150000.00")]);
    let r = evaluate(&plan(v), &data.finish(), m(2026, 1), m(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["7500.00", "2500.00"]);
    assert_eq!(
        r.total("a", "2026-01").map(|x| x.to_string()),
        Some("10000.00".into())
    );
    assert_eq!(r.trace(&r.line(1).unwrap()).rounded.to_string(), "4500.00");
    Ok(())
}

#[test]
fn p10_split() -> TestResult {
    let p = simple(Rate::Expr(num("0.30")));
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.payee("b", None, &[]);
    data.deal("1", "a", "2026-01-05", &[V::D("100.00")]);
    data.credit("1", "a", "0.5");
    data.credit("1", "b", "0.5");
    let r = evaluate(&p, &data.finish(), q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["15.00"]);
    assert_eq!(amounts(&r, "b"), vec!["15.00"]);
    assert_eq!(
        r.trace(&r.line(0).unwrap()).basis.map(|x| x.to_string()),
        Some("50.000".into())
    );
    Ok(())
}

#[test]
fn p13_override_via_team() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.measures = vec![sum_measure(
        "team_sales",
        credit(0),
        Window::Period,
        Population::Team,
    )];
    let rep = component("rep", commission(credit(0), Rate::Expr(num("0.10"))));
    let mut ovr = component(
        "override",
        Payout::Fixed {
            amount: bin(BinOp::Mul, meas(0), num("0.03")),
            unit: FixedUnit::Once,
        },
    );
    ovr.eligible = Some(bin(BinOp::Gt, meas(0), num("0")));
    let mut thr = component(
        "threshold_override",
        commission(
            credit(0),
            tiers(
                TierMode::Graduated,
                TierKey::Measure {
                    measure: 0,
                    denominator: None,
                },
                TierScope::PeriodEnd,
                bands(&[("0", "225000", "0"), ("225000", "", "0.03")]),
            ),
        ),
    );
    thr.gates = vec![bin(BinOp::Gt, meas(0), num("0"))];
    v.components = vec![rep, ovr, thr];
    let mut data = Data::new();
    data.payee("m", None, &[]);
    for (id, amt) in [
        ("A", "75000"),
        ("B", "60000"),
        ("C", "67500"),
        ("D", "52500"),
        ("E", "45000"),
    ] {
        data.payee(id, Some("m"), &[]);
        data.deal(&format!("d{id}"), id, "2026-02-01", &[V::D(amt)]);
    }
    let r = evaluate(&plan(v), &data.finish(), q(2026, 1), q(2026, 1))?;
    let reps: Vec<String> = ["A", "B", "C", "D", "E"]
        .iter()
        .map(|p| {
            r.lines()
                .filter(|l| r.payee_id(l) == *p && r.component_name(l.component) == "rep")
                .map(|l| l.amount.to_string())
                .collect::<String>()
        })
        .collect();
    assert_eq!(
        reps,
        vec!["7500.00", "6000.00", "6750.00", "5250.00", "4500.00"]
    );
    assert_eq!(amounts(&r, "m"), vec!["9000.00", "2250.00"]);
    let reps_total: commissio_core::Decimal = r
        .totals
        .iter()
        .filter(|t| r.payee_ids[t.payee as usize] != "m")
        .map(|t| t.amount)
        .sum();
    assert_eq!(reps_total.to_string(), "30000.00");
    Ok(())
}

#[test]
fn p14_tiers_and_ytd_multiplier() -> TestResult {
    let b = bands(&[
        ("0", "100000", "0.05"),
        ("100000", "250000", "0.07"),
        ("250000", "", "0.09"),
    ]);
    let p = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::Running,
        b,
    ));
    assert_eq!(total_q1(&p, &sales(&["180000.00"]))?, "10600.00");
    // (b) 6% × 1.25 once YTD attainment exceeds 100% (annual quota 200,000; YTD 115%).
    let mut v = version(Grain::Quarter);
    v.measures = vec![
        sum_measure("ytd", credit(0), Window::YearToDate, Population::Own),
        scalar_measure("ytd_att", bin(BinOp::Div, meas(0), payeef(0))),
    ];
    let mut c = component("c", commission(credit(0), Rate::Expr(num("0.06"))));
    c.multipliers = vec![Multiplier {
        factor: num("1.25"),
        when: Some(bin(BinOp::Gt, meas(1), num("1"))),
        source: src(9),
    }];
    v.components = vec![c];
    let mut data = Data::new();
    data.payee("a", None, &[V::D("200000.00")]);
    data.deal("1", "a", "2026-02-01", &[V::D("180000.00")]);
    data.deal("2", "a", "2026-05-01", &[V::D("50000.00")]);
    let data = data.finish();
    let r = evaluate(&plan(v.clone()), &data, q(2026, 2), q(2026, 2))?;
    assert_eq!(amounts(&r, "a"), vec!["3750.00"]);
    // Q1 alone: YTD 90%, no multiplier.
    let r = evaluate(&plan(v), &data, q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["10800.00"]);
    Ok(())
}

#[test]
fn p15_graduated_on_attainment_at_period_end() -> TestResult {
    let mut v = attainment_version(Grain::Quarter);
    let b = bands(&[
        ("0", "1", "0.06"),
        ("1", "1.25", "0.08"),
        ("1.25", "1.5", "0.10"),
        ("1.5", "", "0.12"),
    ]);
    v.components = vec![component(
        "c",
        commission(
            credit(0),
            tiers(TierMode::Graduated, att_key(), TierScope::PeriodEnd, b),
        ),
    )];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal("1", "a", "2026-01-10", &[V::D("300000.00")]);
    data.deal("2", "a", "2026-03-10", &[V::D("200000.00")]);
    data.quota("a", q(2026, 1), "375000.00");
    let r = evaluate(&plan(v), &data.finish(), q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["33125.00"]);
    let slices: Vec<String> = r
        .slices_of(&r.line(0).unwrap())
        .iter()
        .map(|s| s.amount.normalize().to_string())
        .collect();
    assert_eq!(slices, vec!["22500", "7500", "3125"]);
    Ok(())
}

fn table_plan(keys: Vec<Expr>, rows: Vec<RateRow>, default: Option<TierPay>) -> Plan {
    simple(Rate::Table(RateTable {
        keys,
        rows,
        default,
        source: src(70),
    }))
}

fn lit(s: &str) -> Option<Literal> {
    Some(Literal::Text(s.into()))
}

#[test]
fn p17_most_specific_rate_wins() -> TestResult {
    // keys: partner (general), product (specific)
    let rows = vec![
        RateRow {
            keys: vec![lit("P1"), None],
            pay: TierPay::Rate(num("0.10")),
        },
        RateRow {
            keys: vec![None, lit("B")],
            pay: TierPay::Rate(num("0.50")),
        },
    ];
    let p = table_plan(vec![dealf(1), dealf(2)], rows, None);
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal(
        "1",
        "a",
        "2026-01-05",
        &[V::D("20.00"), V::T("P1"), V::T("A")],
    );
    data.deal(
        "2",
        "a",
        "2026-01-06",
        &[V::D("30.00"), V::T("P1"), V::T("B")],
    );
    let r = evaluate(&p, &data.finish(), q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["2.00", "15.00"]);
    assert_eq!(r.trace(&r.line(1).unwrap()).row, Some(1));
    assert_eq!(
        r.total("a", "2026-Q1").map(|x| x.to_string()),
        Some("17.00".into())
    );
    Ok(())
}

#[test]
fn p18_rule_precedence_and_flat_per_line() -> TestResult {
    let all = [
        RateRow {
            keys: vec![None, None, None],
            pay: TierPay::Flat(num("10")),
        },
        RateRow {
            keys: vec![lit("Cat"), None, None],
            pay: TierPay::Flat(num("20")),
        },
        RateRow {
            keys: vec![None, lit("Prod"), None],
            pay: TierPay::Rate(num("0.05")),
        },
        RateRow {
            keys: vec![None, None, lit("Var")],
            pay: TierPay::Rate(num("0.15")),
        },
    ];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    // price 1000 × qty 1; fields: 0 amount, 1 category, 2 product, 3 variant
    data.deal(
        "1",
        "a",
        "2026-01-05",
        &[V::D("1000.00"), V::T("Cat"), V::T("Prod"), V::T("Var")],
    );
    let data = data.finish();
    let mut got = Vec::new();
    for n in 1..=4 {
        let p = table_plan(vec![dealf(1), dealf(2), dealf(3)], all[..n].to_vec(), None);
        got.push(total_q1(&p, &data)?);
    }
    assert_eq!(got, vec!["10.00", "20.00", "50.00", "150.00"]);
    // No match and no default: R0201.
    let p = table_plan(
        vec![dealf(1)],
        vec![RateRow {
            keys: vec![lit("Other")],
            pay: TierPay::Flat(num("1")),
        }],
        None,
    );
    let e = evaluate(&p, &data, q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected an error")?;
    assert_eq!(
        (e.code.as_str(), e.deal.as_deref(), e.payee.as_deref()),
        ("R0201", Some("1"), Some("a"))
    );
    Ok(())
}

#[test]
fn p19_graduated() -> TestResult {
    let b = bands(&[
        ("0", "10000", "0.05"),
        ("10000", "25000", "0.07"),
        ("25000", "", "0.10"),
    ]);
    let p = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::Running,
        b,
    ));
    assert_eq!(total_q1(&p, &sales(&["12000.00", "18000.00"]))?, "2050.00");
    Ok(())
}

#[test]
fn p21_formula_and_refund() -> TestResult {
    let mut v = version(Grain::Quarter);
    let mut c = component("c", commission(credit(0), Rate::Expr(num("0.05"))));
    c.multipliers = vec![Multiplier {
        factor: num("1.10"),
        when: None,
        source: src(9),
    }];
    v.components = vec![c];
    let r = evaluate(
        &plan(v),
        &sales(&["750.00", "-750.00"]),
        q(2026, 1),
        q(2026, 1),
    )?;
    assert_eq!(amounts(&r, "a"), vec!["41.25", "-41.25"]);
    assert_eq!(
        r.total("a", "2026-Q1").map(|x| x.to_string()),
        Some("0.00".into())
    );
    Ok(())
}

fn unit_bands() -> Vec<Tier> {
    let b = |lo: &str, hi: Option<&str>, price: &str| Tier {
        lo: Bound {
            value: d(lo),
            closed: true,
        },
        hi: hi.map(|h| Bound {
            value: d(h),
            closed: true,
        }),
        pay: TierPay::Rate(num(price)),
        source: src(5),
    };
    vec![
        b("1", Some("5"), "7"),
        b("6", Some("10"), "6.5"),
        b("11", None, "6"),
    ]
}

#[test]
fn p22_unit_tiers_volume_and_graduated() -> TestResult {
    let run = |mode: TierMode| -> Result<Vec<String>, Box<dyn std::error::Error>> {
        let p = simple(Rate::Tiers(TierTable {
            mode,
            key: TierKey::Amount,
            scope: TierScope::PerLine,
            integer_key: true,
            tiers: unit_bands(),
            anchors: vec![],
            anchors_are_money: false,
            source: src(5),
        }));
        let r = evaluate(&p, &sales(&["5", "6", "20", "25"]), q(2026, 1), q(2026, 1))?;
        Ok(r.lines()
            .map(|l| l.amount.normalize().to_string())
            .collect())
    };
    assert_eq!(run(TierMode::Retroactive)?, vec!["35", "39", "120", "150"]);
    assert_eq!(
        run(TierMode::Graduated)?,
        vec!["35", "41.5", "127.5", "157.5"]
    );
    Ok(())
}

#[test]
fn p22_integer_key_must_be_whole() -> TestResult {
    let p = simple(Rate::Tiers(TierTable {
        mode: TierMode::Retroactive,
        key: TierKey::Amount,
        scope: TierScope::PerLine,
        integer_key: true,
        tiers: unit_bands(),
        anchors: vec![],
        anchors_are_money: false,
        source: src(5),
    }));
    let e = evaluate(&p, &sales(&["5.5"]), q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected an error")?;
    assert_eq!(e.code, "R0204");
    Ok(())
}

#[test]
fn p23_marginal_per_cycle() -> TestResult {
    let b = bands(&[
        ("0", "500", "0.25"),
        ("500", "3000", "0.30"),
        ("3000", "", "0.40"),
    ]);
    let p = simple(tiers(
        TierMode::Graduated,
        TierKey::Amount,
        TierScope::PerLine,
        b,
    ));
    let r = evaluate(
        &p,
        &sales(&["400.00", "100.00", "1500.00", "5000.00"]),
        q(2026, 1),
        q(2026, 1),
    )?;
    assert_eq!(
        amounts(&r, "a"),
        vec!["100.00", "25.00", "425.00", "1675.00"]
    );
    assert_eq!(
        r.total("a", "2026-Q1").map(|x| x.to_string()),
        Some("2225.00".into())
    );
    Ok(())
}
