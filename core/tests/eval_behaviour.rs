//! Evaluator behaviour: limits, gates, errors, determinism, order independence, true-ups,
//! floors, rounding stages, versions.

mod eval_support;
use commissio_core::evaluate;
use commissio_core::money::{Rounding, RoundingMode, RoundingStage};
use commissio_core::period::{DateRange, Grain};
use commissio_core::plan::*;
use commissio_core::results::LineKind;
use eval_support::*;

fn one_payee(deals: &[(&str, &str, &'static str)]) -> commissio_core::dataset::Dataset {
    let mut data = Data::new();
    data.payee("a", None, &[]);
    for (id, on, amt) in deals {
        data.deal(id, "a", on, &[V::D(amt)]);
    }
    data.finish()
}

fn flat_rate(rate: &str) -> Component {
    component("c", commission(credit(0), Rate::Expr(num(rate))))
}

#[test]
fn cap_never_exceeded_leaves_lines_alone() -> TestResult {
    let mut v = version(Grain::Quarter);
    let mut c = flat_rate("0.10");
    c.limits = vec![limit(true, LimitLevel::Period, num("1000"))];
    v.components = vec![c];
    let r = evaluate(
        &plan(v),
        &one_payee(&[("1", "2026-01-02", "3000"), ("2", "2026-01-03", "4000")]),
        q(2026, 1),
        q(2026, 1),
    )?;
    assert_eq!(amounts(&r, "a"), vec!["300.00", "400.00"]);
    let steps = r.limits_of(&r.line(1).unwrap());
    assert_eq!(steps.len(), 1);
    assert_eq!(
        (steps[0].before, steps[0].after, steps[0].value),
        (d("400"), d("400"), d("1000"))
    );
    Ok(())
}

#[test]
fn line_cap_and_floor() -> TestResult {
    let mut v = version(Grain::Quarter);
    let mut c = flat_rate("0.10");
    c.limits = vec![
        limit(true, LimitLevel::Line, num("350")),
        limit(false, LimitLevel::Line, num("50")),
    ];
    v.components = vec![c];
    let data = one_payee(&[("1", "2026-01-02", "100"), ("2", "2026-01-03", "4000")]);
    let r = evaluate(&plan(v), &data, q(2026, 1), q(2026, 1))?;
    assert_eq!(amounts(&r, "a"), vec!["50.00", "350.00"]);
    // Each line's trace has both steps, in the order declared: (value, before, after).
    let steps = |i: usize| -> Vec<(String, String, String)> {
        r.line(i)
            .map(|l| r.limits_of(&l))
            .unwrap_or_default()
            .iter()
            .map(|s| {
                (
                    s.value.to_string(),
                    s.before.to_string(),
                    s.after.to_string(),
                )
            })
            .collect()
    };
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        steps(0),
        [t("350", "10.00", "10.00"), t("50", "10.00", "50.00")]
    );
    assert_eq!(
        steps(1),
        [t("350", "400.00", "350.00"), t("50", "350.00", "350.00")]
    );
    Ok(())
}

#[test]
fn gate_fail_pays_zero_lines() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.measures = vec![sum_measure(
        "bookings",
        credit(0),
        Window::Period,
        Population::Own,
    )];
    let mut c = flat_rate("0.10");
    c.gates = vec![bin(BinOp::Ge, meas(0), num("10000"))];
    c.limits = vec![limit(false, LimitLevel::Period, num("5000"))];
    v.components = vec![c];
    let data = one_payee(&[("1", "2026-01-02", "3000"), ("2", "2026-04-03", "12000")]);
    let r = evaluate(&plan(v), &data, q(2026, 1), q(2026, 2))?;
    // Q1: gate fails → one 0.00 line (no floor top-up); Q2: gate passes, floor tops up.
    assert_eq!(amounts(&r, "a"), vec!["0.00", "1200.00", "3800.00"]);
    let g = r.gates_of(&r.line(0).unwrap());
    assert_eq!((g.len(), g[0].pass), (1, false));
    assert_eq!(r.trace(&r.line(0).unwrap()).unrounded, d("300"));
    assert_eq!(r.line(2).unwrap().kind, LineKind::FloorTopUp);
    Ok(())
}

#[test]
fn division_by_zero_is_r0101_with_row() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.components = vec![component(
        "c",
        commission(
            credit(0),
            Rate::Expr(Expr::Binary(
                BinOp::Div,
                Box::new(num("1")),
                Box::new(dealf(1)),
                src(42),
            )),
        ),
    )];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal("7", "a", "2026-02-02", &[V::D("100"), V::D("0")]);
    let e = evaluate(&plan(v), &data.finish(), q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected error")?;
    assert_eq!(e.code, "R0101");
    assert_eq!(e.source, src(42));
    assert_eq!(
        (e.payee.as_deref(), e.deal.as_deref(), e.period.as_deref()),
        (Some("a"), Some("7"), Some("2026-Q1"))
    );
    assert!(e.to_json()?.contains("\"code\":\"R0101\""));
    Ok(())
}

#[test]
fn zero_quota_denominator_is_r0101() -> TestResult {
    let plan = w1_plan();
    let data = w1_data(
        "deal_id,rep_id,close_date,amount,margin_pct,product,is_new_logo\n1,r,2026-01-01,10.00,1.00,Core,false\n",
        "rep_id,team_id,manager_id,quarterly_quota,target_incentive\nr,t,m,0.00,100.00\n",
        "deal_id,rep_id,share\n",
    );
    let e = evaluate(&plan, &data, q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected error")?;
    assert_eq!((e.code.as_str(), e.payee.as_deref()), ("R0101", Some("r")));
    Ok(())
}

#[test]
fn overflow_is_r0102() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.components = vec![flat_rate("79228162514264337593543950335")];
    let e = evaluate(
        &plan(v),
        &one_payee(&[("1", "2026-01-02", "100")]),
        q(2026, 1),
        q(2026, 1),
    )
    .err()
    .ok_or("expected error")?;
    assert_eq!(e.code, "R0102");
    Ok(())
}

fn multi_payee_data(reverse: bool) -> commissio_core::dataset::Dataset {
    let reps = "rep_id,team_id,manager_id,quarterly_quota,target_incentive\n10,t,m,1000.00,4000.00\n9,t,m,500.00,1000.00\nx,t,m,800.00,2000.00\n";
    let mut rows = [
        "3,9,2026-01-05,300.00,1.00,Platform,true",
        "20,10,2026-01-05,700.00,1.00,Core,false",
        "100,10,2026-01-05,900.00,1.00,Core,true",
        "5,x,2026-02-05,1200.00,1.00,Core,false",
        "6,9,2026-03-05,800.00,1.00,Core,false",
        "7,10,2026-04-05,50.00,1.00,Core,false",
    ];
    if reverse {
        rows.reverse();
    }
    let deals = format!(
        "deal_id,rep_id,close_date,amount,margin_pct,product,is_new_logo\n{}\n",
        rows.join("\n")
    );
    let splits = if reverse {
        "deal_id,rep_id,share\n100,9,0.25\n100,10,0.75\n"
    } else {
        "deal_id,rep_id,share\n100,10,0.75\n100,9,0.25\n"
    };
    w1_data(&deals, reps, splits)
}

#[test]
fn deterministic_and_row_order_independent() -> TestResult {
    let plan = w1_plan();
    let a = evaluate(&plan, &multi_payee_data(false), q(2026, 1), q(2026, 4))?;
    let b = evaluate(&plan, &multi_payee_data(false), q(2026, 1), q(2026, 4))?;
    let c = evaluate(&plan, &multi_payee_data(true), q(2026, 1), q(2026, 4))?;
    let ja = a.to_json()?;
    assert_eq!(ja, b.to_json()?);
    assert_eq!(ja, c.to_json()?);
    // Payees in id order (all-digit ids numerically, first), deals by date then numeric id.
    let order: Vec<(String, String)> = a
        .lines()
        .map(|l| {
            (
                a.payee_id(&l).to_string(),
                a.deal_id(&l).unwrap_or("").to_string(),
            )
        })
        .collect();
    let first: Vec<&str> = order.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(first.first(), Some(&"9"));
    assert_eq!(first.last(), Some(&"x"));
    let ten: Vec<&str> = order
        .iter()
        .filter(|(p, _)| p == "10")
        .map(|(_, d)| d.as_str())
        .collect();
    assert_eq!(ten, vec!["20", "100", "7"]);
    Ok(())
}

/// Deal ids of rep 10's lines for the given deal rows (all on rep 10, W1 columns).
fn rep10_order(rows: &[&str]) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let reps =
        "rep_id,team_id,manager_id,quarterly_quota,target_incentive\n10,t,m,1000.00,4000.00\n";
    let deals = format!(
        "deal_id,rep_id,close_date,amount,margin_pct,product,is_new_logo\n{}\n",
        rows.join("\n")
    );
    let data = w1_data(&deals, reps, "deal_id,rep_id,share\n");
    let r = evaluate(&w1_plan(), &data, q(2026, 1), q(2026, 4))?;
    Ok(r.lines()
        .map(|l| r.deal_id(&l).unwrap_or("").to_string())
        .collect())
}

#[test]
fn line_order_is_date_then_id_whatever_the_ids_look_like() -> TestResult {
    // Numbers below 2^32 (the packed fast path): by date, then numerically.
    let numeric = [
        "30,10,2026-01-06,1.00,1.00,Core,false",
        "4000000000,10,2026-01-05,1.00,1.00,Core,false",
        "9,10,2026-01-05,1.00,1.00,Core,false",
        "100,10,2026-01-05,1.00,1.00,Core,false",
    ];
    assert_eq!(rep10_order(&numeric)?, vec!["9", "100", "4000000000", "30"]);
    // Equal numbers on one date ("007" and "7") tie-break bytewise.
    let ties = [
        "7,10,2026-01-05,1.00,1.00,Core,false",
        "10,10,2026-01-05,1.00,1.00,Core,false",
        "007,10,2026-01-05,1.00,1.00,Core,false",
    ];
    assert_eq!(rep10_order(&ties)?, vec!["007", "7", "10"]);
    // Numbers past 2^32 and other ids: all-digit ids first, numerically, then bytewise.
    let mixed = [
        "a1,10,2026-01-05,1.00,1.00,Core,false",
        "99999999999,10,2026-01-05,1.00,1.00,Core,false",
        "B2,10,2026-01-05,1.00,1.00,Core,false",
        "5,10,2026-01-05,1.00,1.00,Core,false",
        "1,10,2026-01-04,1.00,1.00,Core,false",
    ];
    assert_eq!(
        rep10_order(&mixed)?,
        vec!["1", "5", "99999999999", "B2", "a1"]
    );
    Ok(())
}

#[test]
fn true_up_pays_ytd_minus_earlier() -> TestResult {
    // Graduated on YTD running total: 5% to 10,000, 10% above; true-up per quarter.
    let mut v = version(Grain::Quarter);
    let mut c = component(
        "c",
        commission(
            credit(0),
            tiers(
                TierMode::Graduated,
                TierKey::Amount,
                TierScope::Running,
                bands(&[("0", "10000", "0.05"), ("10000", "", "0.10")]),
            ),
        ),
    );
    c.true_up = true;
    v.components = vec![c];
    let data = one_payee(&[("1", "2026-01-02", "8000"), ("2", "2026-04-02", "6000")]);
    let r = evaluate(&plan(v.clone()), &data, q(2026, 1), q(2026, 2))?;
    // Q1: 400 (+0 adjustment); Q2: YTD 14000 → 500 + 400 = 900, minus 400 = 500.
    assert_eq!(amounts(&r, "a"), vec!["400.00", "0.00", "500.00", "0.00"]);
    assert_eq!(
        r.total("a", "2026-Q2").map(|x| x.to_string()),
        Some("500.00".into())
    );
    assert_eq!(r.line(3).unwrap().kind, LineKind::TrueUp);
    // Reporting Q2 alone gives the same Q2.
    let r2 = evaluate(&plan(v), &data, q(2026, 2), q(2026, 2))?;
    assert_eq!(amounts(&r2, "a"), vec!["500.00", "0.00"]);
    Ok(())
}

#[test]
fn plan_floor_and_once_bonus() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.measures = vec![sum_measure(
        "bookings",
        credit(0),
        Window::Period,
        Population::Own,
    )];
    let mut bonus = component(
        "kicker",
        Payout::Fixed {
            amount: num("2000"),
            unit: FixedUnit::Once,
        },
    );
    bonus.eligible = Some(bin(BinOp::Ge, meas(0), num("12000")));
    v.components = vec![flat_rate("0.01"), bonus];
    v.plan_limits = vec![limit(false, LimitLevel::TotalPeriod, num("500"))];
    let data = one_payee(&[("1", "2026-01-02", "13000"), ("2", "2026-04-02", "1000")]);
    let r = evaluate(&plan(v), &data, q(2026, 1), q(2026, 2))?;
    assert_eq!(
        amounts(&r, "a"),
        vec!["130.00", "2000.00", "10.00", "490.00"]
    );
    assert_eq!(r.line(3).unwrap().kind, LineKind::FloorTopUp);
    assert_eq!(r.component_name(r.line(3).unwrap().component), "(plan)");
    Ok(())
}

#[test]
fn total_plan_cap_carries_across_periods() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.components = vec![flat_rate("0.10")];
    v.plan_limits = vec![limit(true, LimitLevel::TotalPlan, num("500"))];
    let data = one_payee(&[
        ("1", "2026-01-02", "3000"),
        ("2", "2026-04-02", "3000"),
        ("3", "2026-07-02", "100"),
    ]);
    let r = evaluate(&plan(v.clone()), &data, q(2026, 1), q(2026, 3))?;
    assert_eq!(amounts(&r, "a"), vec!["300.00", "200.00", "0.00"]);
    // Reporting Q2 only still counts Q1 as history.
    let r = evaluate(&plan(v), &data, q(2026, 2), q(2026, 2))?;
    assert_eq!(amounts(&r, "a"), vec!["200.00"]);
    Ok(())
}

#[test]
fn rounding_stages() -> TestResult {
    let data = one_payee(&[
        ("1", "2026-01-02", "0.125"),
        ("2", "2026-01-03", "0.125"),
        ("3", "2026-01-04", "0.125"),
    ]);
    let run = |stage| -> Result<(Vec<String>, String), Box<dyn std::error::Error>> {
        let mut v = version(Grain::Quarter);
        v.rounding = Rounding {
            mode: RoundingMode::HalfUp,
            scale: 2,
            stage,
        };
        v.components = vec![flat_rate("1")];
        let r = evaluate(&plan(v), &data, q(2026, 1), q(2026, 1))?;
        Ok((
            amounts(&r, "a"),
            r.total("a", "2026-Q1")
                .map(|x| x.to_string())
                .unwrap_or_default(),
        ))
    };
    assert_eq!(
        run(RoundingStage::Line)?,
        (
            vec!["0.13".into(), "0.13".into(), "0.13".into()],
            "0.39".into()
        )
    );
    let (lines, total) = run(RoundingStage::Component)?;
    assert_eq!(
        (lines.len(), lines[3].as_str(), total.as_str()),
        (4, "0.005", "0.38")
    );
    let (lines, total) = run(RoundingStage::Payout)?;
    assert_eq!((lines.len(), total.as_str()), (4, "0.38"));
    Ok(())
}

#[test]
fn spiff_window_and_versions() -> TestResult {
    let mut v1 = version(Grain::Quarter);
    v1.effective = DateRange {
        start: date("2026-01-01"),
        end: date("2026-03-31"),
    };
    let mut c = flat_rate("0.10");
    c.window = Some(DateRange {
        start: date("2026-02-01"),
        end: date("2026-03-31"),
    });
    v1.components = vec![c];
    let mut v2 = version(Grain::Quarter);
    v2.effective = DateRange {
        start: date("2026-07-01"),
        end: date("2026-12-31"),
    };
    v2.components = vec![flat_rate("0.20")];
    let p = Plan {
        versions: vec![v1, v2],
    };
    let data = one_payee(&[
        ("1", "2026-01-15", "100"),
        ("2", "2026-02-15", "100"),
        ("3", "2026-05-15", "100"),
        ("4", "2026-08-15", "100"),
    ]);
    let r = evaluate(&p, &data, q(2026, 1), q(2026, 4))?;
    // Deal 1 outside the window; deal 3 outside every version; deal 4 under v2.
    assert_eq!(amounts(&r, "a"), vec!["10.00", "20.00"]);
    assert_eq!(r.components.len(), 2);
    Ok(())
}

#[test]
fn bad_inputs_are_errors() -> TestResult {
    let plan = w1_plan();
    let data = multi_payee_data(false);
    let e = evaluate(&plan, &data, q(2026, 3), q(2026, 1))
        .err()
        .ok_or("expected error")?;
    assert_eq!(e.code, "R0001");
    let e = evaluate(&plan, &data, m(2026, 1), m(2026, 2))
        .err()
        .ok_or("expected error")?;
    assert_eq!(e.code, "R0002");
    let mut broken = data.clone();
    broken.credits.payee[0] = 99;
    let e = evaluate(&plan, &broken, q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected error")?;
    assert_eq!(e.code, "R0003");
    // The owner of a deal without credits ("3") is credited implicitly: it must exist too.
    let mut broken = data.clone();
    broken.deals.owner[0] = 99;
    let e = evaluate(&plan, &broken, q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected error")?;
    assert_eq!(e.code, "R0003");
    assert_eq!(
        e.message,
        "dataset is inconsistent: a credit refers to a missing payee"
    );
    // A split deal's owner ("100") is not credited, so it is never read.
    let mut split = data.clone();
    split.deals.owner[2] = 99;
    assert_eq!(
        evaluate(&plan, &split, q(2026, 1), q(2026, 1))?.to_json()?,
        evaluate(&plan, &data, q(2026, 1), q(2026, 1))?.to_json()?
    );
    Ok(())
}

#[test]
fn interpolated_pay_curve() -> TestResult {
    let mut v = version(Grain::Quarter);
    v.measures = vec![
        sum_measure("bookings", credit(0), Window::Period, Population::Own),
        scalar_measure(
            "att",
            bin(BinOp::Div, meas(0), Expr::Builtin(Builtin::Quota)),
        ),
    ];
    let curve = |money: bool, anchors: &[(&str, &str)]| {
        Rate::Tiers(TierTable {
            mode: TierMode::Interpolated,
            key: TierKey::Measure {
                measure: 1,
                denominator: Some(Expr::Builtin(Builtin::Quota)),
            },
            scope: TierScope::PeriodEnd,
            integer_key: false,
            tiers: vec![],
            anchors: anchors
                .iter()
                .map(|(a, b)| Anchor {
                    at: d(a),
                    value: d(b),
                })
                .collect(),
            anchors_are_money: money,
            source: src(80),
        })
    };
    v.components = vec![
        component(
            "rate",
            commission(credit(0), curve(false, &[("0.5", "0.02"), ("1", "0.10")])),
        ),
        component(
            "bonus",
            commission(
                credit(0),
                curve(true, &[("0", "0"), ("1", "1000"), ("2", "3000")]),
            ),
        ),
    ];
    let mut data = Data::new();
    data.payee("a", None, &[]);
    data.deal("1", "a", "2026-01-10", &[V::D("75000")]);
    data.quota("a", q(2026, 1), "100000");
    let r = evaluate(&plan(v), &data.finish(), q(2026, 1), q(2026, 1))?;
    // 75% → rate 0.06 → 4500; money: 750.
    assert_eq!(amounts(&r, "a"), vec!["4500.00", "750.00"]);
    Ok(())
}

/// Payees are evaluated in batches (128 at a time) and appended batch by batch: across many
/// batches, every line keeps its own trace (spans rebased) and the first error in payee order
/// is the one reported.
#[test]
fn many_payees_keep_their_traces_and_the_first_error_wins() -> TestResult {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let build = |zero_at: &[usize]| {
        let mut data = Data::new();
        for i in 0..400usize {
            let id = format!("p{i:03}");
            data.payee(&id, None, &[]);
            let divisor = if zero_at.contains(&i) { "0" } else { "1" };
            let amount = leak(format!("{}", (i + 1) * 100));
            data.deal(
                &format!("d{i:03}"),
                &id,
                "2026-02-02",
                &[V::D(amount), V::D(leak(divisor.to_string()))],
            );
        }
        data.finish()
    };
    let mut v = version(Grain::Quarter);
    // 10% of the credit, divided by a deal field that is 1 (or 0 to fail), capped at 1,000.
    let rate = Expr::Binary(
        BinOp::Div,
        Box::new(num("0.10")),
        Box::new(dealf(1)),
        src(7),
    );
    let mut c = component("c", commission(credit(0), Rate::Expr(rate)));
    c.limits = vec![limit(true, LimitLevel::Period, num("1000"))];
    v.components = vec![c];
    let plan = plan(v);

    let r = evaluate(&plan, &build(&[]), q(2026, 1), q(2026, 1))?;
    assert_eq!(r.line_count(), 400);
    for (i, line) in r.lines().enumerate() {
        assert_eq!(r.payee_id(&line), format!("p{i:03}"));
        let earned = d(&format!("{}", (i + 1) * 10));
        let paid = earned.min(d("1000"));
        assert_eq!(line.amount, paid);
        let steps = r.limits_of(&line);
        assert_eq!(steps.len(), 1);
        assert_eq!((steps[0].before, steps[0].after), (earned, paid));
    }

    // Payees 150 and 333 divide by zero (batches 2 and 3): payee p150 is reported.
    let e = evaluate(&plan, &build(&[333, 150]), q(2026, 1), q(2026, 1))
        .err()
        .ok_or("expected error")?;
    assert_eq!(
        (e.code.as_str(), e.payee.as_deref(), e.deal.as_deref()),
        ("R0101", Some("p150"), Some("d150"))
    );
    Ok(())
}

/// A deal without credit rows is credited to its owner implicitly (no row in
/// `Dataset::credits`) and pays exactly what a credit row (owner, share 1) pays: same lines,
/// traces and totals, to the cent.
#[test]
fn an_unsplit_deal_pays_its_owner_implicitly() -> TestResult {
    use commissio_core::load::{build_dataset, Inputs};
    let mut v = version(Grain::Quarter);
    v.schema.deal.fields = vec![field("amount", FieldType::Money)];
    v.components = vec![flat_rate("0.10")];
    let p = plan(v);
    let payees = "id\nA\nB\n";
    let deals = concat!(
        "id,payee,date,amount\n",
        "1,A,2026-01-10,1000.00\n2,A,2026-02-10,333.35\n3,B,2026-03-10,0.05\n"
    );
    let split = "deal,payee,share\n1,A,0.4\n1,B,60%\n";
    let load = |credits: &str| {
        let inputs =
            Inputs::from_csv(payees, deals, Some(credits), None).map_err(|e| e.to_string())?;
        build_dataset(&p.versions[0], &inputs).map_err(|e| e.to_string())
    };
    let implicit = load(split)?;
    assert_eq!(implicit.credits.deal, [0, 0]);
    // (Written `1`: `100%` would be the share 1.00, whose scale shows in the results.)
    let explicit = load(&format!("{split}2,A,1\n3,B,1\n"))?;
    assert_eq!(explicit.credits.deal, [0, 0, 1, 2]);
    let a = evaluate(&p, &implicit, q(2026, 1), q(2026, 1))?;
    let b = evaluate(&p, &explicit, q(2026, 1), q(2026, 1))?;
    assert_eq!(a.to_json()?, b.to_json()?);
    // 10% of each credited amount, rounded half-even per line: deal 2 pays 33.335 → 33.34 and
    // deal 3 pays 0.005 → 0.00, with share exactly 1.
    let lines: Vec<(&str, &str, String, String)> = a
        .lines()
        .map(|l| {
            (
                a.payee_id(&l),
                a.deal_id(&l).unwrap_or(""),
                l.share.to_string(),
                l.amount.to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        lines,
        [
            ("A", "1", s("0.4"), s("40.00")),
            ("A", "2", s("1"), s("33.34")),
            ("B", "1", s("0.60"), s("60.00")),
            ("B", "3", s("1"), s("0.00")),
        ]
    );
    let totals: Vec<String> = a.totals.iter().map(|t| t.amount.to_string()).collect();
    assert_eq!(totals, ["73.34", "60.00"]);
    Ok(())
}
