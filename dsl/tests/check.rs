//! Checker tests: one valid plan per construct, and at least one invalid plan per error code,
//! each asserting the code, line and column of the primary span.

// Helpers outside `#[test]` functions fail the test the usual way.
#![allow(clippy::panic, clippy::unwrap_used)]

use commissio_core::plan::{self as ir, TierMode, TierScope};
use commissio_dsl::{compile, Diagnostic, LineIndex};

const HEAD: &str = "plan \"T\" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money, product: text, new_logo: bool, units: integer, margin: percent, region: text }
  input payee { quota: money, target: money, level: text }
  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota
";

/// A plan made of the common header, `body`, and a closing brace. Line 10 is the first body line.
fn plan(body: &str) -> String {
    format!("{HEAD}  {body}\n}}\n")
}

fn ok(src: &str) -> ir::Plan {
    match compile(src) {
        Ok(p) => p,
        Err(diags) => {
            let idx = LineIndex::new(src);
            let text: Vec<String> = diags.iter().map(|d| d.render(&idx, "test.comp")).collect();
            panic!("expected a valid plan:\n{}\n{src}", text.join("\n"))
        }
    }
}

fn errors(src: &str) -> Vec<Diagnostic> {
    match compile(src) {
        Ok(_) => panic!("expected errors for:\n{src}"),
        Err(d) => d,
    }
}

/// Asserts the first diagnostic's code, line and (1-based, UTF-8) column.
#[track_caller]
fn err_at(src: &str, code: &str, line: u32, column: u32) -> Diagnostic {
    let diags = errors(src);
    let idx = LineIndex::new(src);
    let d = diags[0].clone();
    let p = idx.position(d.primary.span.start as usize);
    assert_eq!(
        (d.code, p.line, p.column),
        (code, line, column),
        "{}",
        d.render(&idx, "t.comp")
    );
    d
}

// ---------------- valid constructs ----------------

#[test]
fn header_and_inputs_lower() {
    let p = ok(&plan(
        "component c { commission on credit.amount  rate 5% }",
    ));
    let v = &p.versions[0];
    assert_eq!(v.currency.code, "USD");
    assert_eq!(v.calendar.grain, commissio_core::period::Grain::Quarter);
    assert_eq!(v.effective.start.to_string(), "2026-01-01");
    assert_eq!(v.schema.deal.fields.len(), 6);
    assert_eq!(v.measures.len(), 2);
    assert_eq!(v.components.len(), 1);
}

#[test]
fn fiscal_year_proration_ramp_overlay() {
    let src = "plan \"F\" {
  currency EUR
  period month fiscal year starts february
  effective 2026-02-01 to 2027-01-31
  rounding half_up 2 per component
  proration 30_360
  ramp [0%, 25%, 50%, 75%, 100%]
  credit overlay
  input deal (id = deal_id, payee = rep_id, date = close_date) { amount: money from \"Amount EUR\" }
  input payee (id = rep_id) { monthly_quota: money }
  measure quota_now = ramp(prorate(payee.monthly_quota))
  component c { commission on credit.amount rate 1% }
}";
    let v = &ok(src).versions[0];
    assert_eq!(v.calendar.fiscal_year_start_month, 2);
    assert_eq!(v.proration, ir::DayCount::Thirty360);
    assert_eq!(
        v.ramp.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["0", "0.25", "0.50", "0.75", "1"]
    );
    assert!(v.overlay);
    assert_eq!(v.schema.deal.builtin_column("payee"), "rep_id");
    assert_eq!(v.schema.deal.fields[0].column, "Amount EUR");
}

#[test]
fn aggregates_of_every_kind() {
    let p = ok(&plan(
        "measure n = count()
  measure nl = count(where deal.new_logo)
  measure avg_deal = avg(credit.amount)
  measure biggest = max(credit.amount)
  measure smallest = min(credit.amount where deal.product = \"Core\")
  measure ytd_b = ytd sum(credit.amount)
  measure year_b = year sum(credit.amount)
  measure team_b = team sum(credit.amount)
  measure direct_ytd = direct ytd sum(credit.amount where deal.new_logo)
  measure mixed = sum(credit.amount) - sum(credit.amount where deal.new_logo)
  component c { commission on credit.amount rate 1% }",
    ));
    let v = &p.versions[0];
    // 2 header measures + 10 declared + 2 hidden aggregates inside `mixed`.
    assert_eq!(v.measures.len(), 14);
    match &v.measures[10].kind {
        ir::MeasureKind::Aggregate {
            window,
            population,
            filter,
            ..
        } => {
            assert_eq!(
                (*window, *population, filter.is_some()),
                (ir::Window::YearToDate, ir::Population::Direct, true)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tiers_of_every_mode_and_scope() {
    let p = ok(&plan(
        "component g {
    commission on credit.amount
    rate graduated by attainment { [0%, 50%) 2%  [50%, 100%) 8%  [100%, ..) 12% }
  }
  component r {
    commission on credit.amount
    rate retroactive by amount per deal { [0, 10000) 3%  [10000, 25000) 5%  [25000, ..) 7% }
  }
  component i {
    commission on credit.amount
    rate interpolated by attainment { 0% => 0%  100% => 10%  200% => 15% }
  }
  component f {
    commission on credit.amount
    rate retroactive by bookings at period end { [0, 100000) flat 0  [100000, ..] flat 1000 }
  }",
    ));
    let v = &p.versions[0];
    let table = |i: usize| match &v.components[i].payout {
        ir::Payout::Commission {
            rate: ir::Rate::Tiers(t),
            ..
        } => t.clone(),
        other => panic!("{other:?}"),
    };
    let g = table(0);
    assert_eq!((g.mode, g.scope), (TierMode::Graduated, TierScope::Running));
    assert!(matches!(
        g.key,
        ir::TierKey::Measure {
            measure: 1,
            denominator: Some(ir::Expr::PayeeField(0))
        }
    ));
    assert_eq!(g.tiers[1].lo.value.to_string(), "0.50");
    let r = table(1);
    assert_eq!(
        (r.mode, r.scope),
        (TierMode::Retroactive, TierScope::PerLine)
    );
    let i = table(2);
    assert_eq!(
        (i.mode, i.scope, i.anchors.len(), i.anchors_are_money),
        (TierMode::Interpolated, TierScope::PeriodEnd, 3, false)
    );
    let f = table(3);
    assert!(matches!(
        f.key,
        ir::TierKey::Measure {
            measure: 0,
            denominator: None
        }
    ));
    assert!(f.tiers[1].hi.is_none());
}

#[test]
fn integer_tiers_with_closed_bounds() {
    let p = ok(&plan(
        "component units {
    commission on deal.units
    rate retroactive by amount per deal { [1, 5] 7  [6, 10] 6.5  [11, ..) 6 }
  }",
    ));
    match &p.versions[0].components[0].payout {
        ir::Payout::Commission {
            rate: ir::Rate::Tiers(t),
            ..
        } => assert!(t.integer_key),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rate_tables_multipliers_gates_windows_limits() {
    let p = ok(&plan(
        "component partner {
    commission on credit.amount * deal.margin
    rate table by deal.region, deal.product {
      \"EMEA\", _ => 10%
      _, \"Platform\" => 12%
      \"EMEA\", \"Platform\" => flat 500
      default => 8%
    }
    multiply by 1.5 when deal.new_logo
    multiply 0.5 when attainment < 50%
    gate attainment >= 25%
    eligible when deal.product != \"Support\"
    during 2026-02-01 to 2026-03-31
    cap per line at 10000
    floor per period at 100
    cap per period at 50% of payee.target
  }
  cap total per period at payee.target
  floor total per plan at 0
  cap total per plan at 4 * payee.target",
    ));
    let v = &p.versions[0];
    let c = &v.components[0];
    assert_eq!(
        (c.multipliers.len(), c.gates.len(), c.limits.len()),
        (2, 1, 3)
    );
    assert!(c.eligible.is_some() && c.window.is_some());
    assert_eq!(v.plan_limits.len(), 3);
    match &c.payout {
        ir::Payout::Commission {
            rate: ir::Rate::Table(t),
            ..
        } => {
            assert_eq!(
                (t.keys.len(), t.rows.len(), t.default.is_some()),
                (2, 3, true)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fixed_pay_and_bonuses() {
    let p = ok(&plan(
        "component spiff { pay 250 per deal when deal.product = \"Platform\" and deal.amount >= 100_000 }
  component per_unit { pay 12.50 per unit of deal.units }
  component kicker { pay 2000 once when attainment >= 120% }
  component trued { commission on credit.amount rate 2% true_up ytd }",
    ));
    let v = &p.versions[0];
    assert!(matches!(
        v.components[0].payout,
        ir::Payout::Fixed {
            unit: ir::FixedUnit::PerDeal,
            ..
        }
    ));
    assert!(matches!(
        v.components[1].payout,
        ir::Payout::Fixed {
            unit: ir::FixedUnit::PerUnit(_),
            ..
        }
    ));
    assert!(matches!(
        v.components[2].payout,
        ir::Payout::Fixed {
            unit: ir::FixedUnit::Once,
            ..
        }
    ));
    assert!(v.components[3].true_up);
}

#[test]
fn expressions_and_functions() {
    let p = ok(&plan(
        "measure capped = clamp(bookings, 0, 1000000)
  measure r = round(attainment, 4, half_up)
  measure a = abs(bookings - payee.quota)
  measure hi = max(bookings, payee.quota, 10)
  measure lo = min(bookings, payee.quota)
  measure long = days(payee.start, period.end) > 90
  measure choice = if attainment >= 100% and not (bookings < 0) then 1.5 else 1
  measure tenure_ok = tenure >= 2 or quota > 0
  component c { commission on credit.amount rate if deal.new_logo then 6% else 5% }",
    ));
    assert_eq!(p.versions[0].measures.len(), 10);
}

#[test]
fn versions_sort_by_effective_date() {
    let v = |n: u32, from: &str, to: &str| {
        format!(
            "plan \"AE\" version {n} {{
  currency USD  period quarter  effective {from} to {to}  rounding half_even 2 per line
  input deal {{ amount: money }}
  component c {{ commission on credit.amount rate {n}% }}
}}\n"
        )
    };
    let src = format!(
        "{}{}",
        v(2, "2026-07-01", "2026-12-31"),
        v(1, "2026-01-01", "2026-06-30")
    );
    let p = ok(&src);
    assert_eq!(p.versions.len(), 2);
    assert_eq!(p.versions[0].effective.start.to_string(), "2026-01-01");
}

// ---------------- one invalid plan per code ----------------

#[test]
fn e0001_syntax() {
    let d = err_at(
        &plan("component c { commission credit.amount rate 5% }"),
        "E0001",
        10,
        28,
    );
    assert_eq!(d.message, "expected `on`, found `credit.amount`");
}

#[test]
fn e0002_too_large() {
    let src = format!("{}# {}\n}}", HEAD, "x".repeat(1 << 20));
    let d = errors(&src);
    assert_eq!(d[0].code, "E0002");
}

#[test]
fn e0003_too_deep_returns_quickly() {
    let deep = format!(
        "measure m = {}1{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let start = std::time::Instant::now();
    let d = err_at(&plan(&deep), "E0003", 10, 78);
    assert!(d.message.contains("64"));
    // Not a timing test of performance: a guard that the depth limit is checked before parsing.
    assert!(start.elapsed().as_secs() < 5);
    let ifs = format!("measure m = {}1{}", "if true then 1 else ".repeat(100), "");
    assert_eq!(errors(&plan(&ifs))[0].code, "E0003");
}

#[test]
fn e0003_operator_chains_are_limited() {
    let long = format!("measure m = 1{}", " + 1".repeat(300));
    let d = err_at(&plan(&long), "E0003", 10, 1041);
    assert_eq!(d.message, "this statement has more than 256 operators");
    let nots = format!("measure m = {}true", "not ".repeat(100_000));
    assert_eq!(errors(&plan(&nots))[0].code, "E0003");
    // 256 operators spread over statements are fine, and date dashes do not count.
    let many: String = (0..300)
        .map(|i| format!("measure m{i} = 1 + 1\n  "))
        .collect();
    ok(&plan(&format!(
        "{many}component s {{ pay 1 per deal during 2026-01-01 to 2026-12-31 }}"
    )));
}

#[test]
fn e0006_number_out_of_range() {
    err_at(
        &plan("measure m = 123456789012345678901234567890123"),
        "E0006",
        10,
        15,
    );
}

/// A literal that a Decimal cannot hold exactly is refused, never rounded (docs/language.md
/// §2.4): too many digits, or a percent whose value / 100 needs more than 28 places.
#[test]
fn e0006_literals_are_exact_or_refused() {
    let rate = |lit: &str| {
        plan(&format!(
            "component c {{ commission on credit.amount  rate {lit} }}"
        ))
    };
    // `  component c { commission on credit.amount  rate ` is 50 characters.
    for lit in [
        "1.2345678901234567890123456789%",
        "0.0000000000000000000000000001%",
        "0.000000000000000000000000001%",
    ] {
        let d = err_at(&rate(lit), "E0006", 10, 51);
        assert_eq!(
            d.message,
            format!(
                "{lit} cannot be held exactly: as a fraction it needs more than 28 decimal places"
            )
        );
        assert_eq!(d.primary.span.end - d.primary.span.start, lit.len() as u32);
    }
    for lit in [
        "79228162514264337593543950335.5",
        "0.00000000000000000000000000001",
        "1.00000000000000000000000000000%",
        "79228162514264337593543950336",
    ] {
        let d = err_at(&rate(lit), "E0006", 10, 51);
        assert_eq!(d.message, format!("{lit} is out of range"));
    }
    // At the edge: 26 places in a percent, 28 in a number, the largest mantissa.
    let p = ok(&format!(
        "{HEAD}  measure a = 0.00000000000000000000000001%\n  measure b = 1.2345678901234567890123456789\n  measure c = 79228162514264337593543950335\n}}\n"
    ));
    let lit = |i: usize| match &p.versions[0].measures[i].kind {
        ir::MeasureKind::Scalar(ir::Expr::Lit(ir::Literal::Decimal(d))) => d.to_string(),
        other => panic!("expected a literal, found {other:?}"),
    };
    assert_eq!(lit(2), "0.0000000000000000000000000001");
    assert_eq!(lit(3), "1.2345678901234567890123456789");
    assert_eq!(lit(4), "79228162514264337593543950335");
}

/// A constant the checker folds (tier bounds, anchors, ramp factors) is folded exactly, as the
/// evaluator computes: a fold that leaves the 96-bit range is E0006, not a rounded bound.
#[test]
fn e0006_constant_folds_are_exact() {
    let bound = |b: &str| {
        plan(&format!(
            "component c {{ commission on credit.amount rate graduated by amount {{ [0, {b}) 1%  [{b}, ..) 2% }} }}"
        ))
    };
    for b in [
        "79228162514264337593543950335 + 0.5",
        "7922816251426433759354395033.5 * 10.1",
        "1 / 0",
    ] {
        let d = err_at(&bound(b), "E0006", 10, 76);
        assert_eq!(
            d.message,
            "tier bounds must be exact: this constant divides by zero or leaves the 96-bit range"
        );
    }
    // Exact folds and the documented full precision of a quotient that does not terminate.
    let hi = |b: &str| match &ok(&bound(b)).versions[0].components[0].payout {
        ir::Payout::Commission {
            rate: ir::Rate::Tiers(t),
            ..
        } => t.tiers[0].hi.as_ref().map(|h| h.value.to_string()),
        other => panic!("expected tiers, found {other:?}"),
    };
    assert_eq!(
        hi("79228162514264337593543950334 + 1").as_deref(),
        Some("79228162514264337593543950335")
    );
    assert_eq!(
        hi("100 / 3").as_deref(),
        Some("33.333333333333333333333333333")
    );
}

#[test]
fn e0007_invalid_date() {
    err_at(
        &plan("component c { pay 1 per deal during 2026-02-30 to 2026-03-01 }"),
        "E0007",
        10,
        39,
    );
}

#[test]
fn e0101_unknown_name() {
    let d = err_at(&plan("measure x = bookngs * 2"), "E0101", 10, 15);
    assert_eq!(d.hint.as_deref(), Some("did you mean `bookings`?"));
    err_at(
        &plan("measure x = later\n  measure later = 1"),
        "E0101",
        10,
        15,
    );
}

#[test]
fn e0102_unknown_field() {
    let d = err_at(&plan("measure x = sum(credit.amout)"), "E0102", 10, 26);
    assert_eq!(
        d.hint.as_deref(),
        Some("did you mean `credit.amount`? Fields are declared in `input deal { ... }`")
    );
    err_at(&plan("measure x = payee.quot"), "E0102", 10, 21);
}

#[test]
fn e0103_duplicates() {
    let d = err_at(&plan("measure bookings = 1"), "E0103", 10, 11);
    assert_eq!(d.secondary.len(), 1);
    err_at(
        &plan("component c { pay 1 per deal }\n  component c { pay 2 per deal }"),
        "E0103",
        11,
        13,
    );
    err_at(&plan("currency EUR"), "E0103", 10, 12);
}

#[test]
fn e0104_to_e0107_missing_header() {
    let src = "plan \"Bare\" {\n  input deal { amount: money }\n}\n";
    let d = errors(src);
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0104", "E0105", "E0106", "E0107"]);
    let idx = LineIndex::new(src);
    let p = idx.position(d[0].primary.span.start as usize);
    assert_eq!((p.line, p.column), (1, 6));
}

#[test]
fn e0108_e0109_inputs() {
    err_at(&plan("input order { total: money }"), "E0108", 10, 9);
    err_at(
        &plan("input payee (boss = manager_id) { x: money }"),
        "E0103",
        10,
        9,
    );
    let src = HEAD.replace(
        "input payee { quota",
        "input payee (boss = manager_id) { quota",
    );
    err_at(&format!("{src}}}"), "E0109", 7, 16);
}

#[test]
fn e0110_e0111_e0403_versions() {
    let v = |name: &str, n: u32, from: &str, to: &str, field: &str| {
        format!(
            "plan \"{name}\" version {n} {{
  currency USD  period quarter  effective {from} to {to}  rounding half_even 2 per line
  input deal {{ {field}: money }}
  component c {{ commission on credit.{field} rate 1% }}
}}\n"
        )
    };
    let mixed = format!(
        "{}{}",
        v("A", 1, "2026-01-01", "2026-06-30", "amount"),
        v("B", 2, "2026-07-01", "2026-12-31", "amount")
    );
    err_at(&mixed, "E0110", 6, 6);
    let schema = format!(
        "{}{}",
        v("A", 1, "2026-01-01", "2026-06-30", "amount"),
        v("A", 2, "2026-07-01", "2026-12-31", "value")
    );
    err_at(&schema, "E0111", 6, 6);
    let overlap = format!(
        "{}{}",
        v("A", 1, "2026-01-01", "2026-07-31", "amount"),
        v("A", 2, "2026-07-01", "2026-12-31", "amount")
    );
    let d = err_at(&overlap, "E0403", 6, 6);
    assert_eq!(
        d.message,
        "effective ranges overlap: 2026-01-01 to 2026-07-31 and 2026-07-01 to 2026-12-31"
    );
}

#[test]
fn e0112_rounding_scale() {
    let src = HEAD.replace("half_even 2 per line", "half_even 12 per line");
    err_at(&format!("{src}}}"), "E0112", 5, 22);
}

#[test]
fn e0201_type_mismatch() {
    let d = err_at(&plan("measure x = deal_text_test"), "E0101", 10, 15);
    assert_eq!(d.code, "E0101");
    err_at(&plan("component c { commission on credit.amount rate 5% eligible when deal.product > \"A\" }"), "E0201", 10, 67);
    err_at(&plan("measure x = payee.level + 1"), "E0201", 10, 29);
}

#[test]
fn e0202_money_mixing() {
    let d = err_at(&plan("measure x = bookings + attainment"), "E0202", 10, 26);
    assert!(d.hint.is_some());
    err_at(&plan("measure x = bookings * payee.quota"), "E0202", 10, 15);
    // Literals may stand for money.
    ok(&plan(
        "measure x = bookings + 100\n  measure y = bookings >= 250000",
    ));
}

#[test]
fn e0203_condition_not_bool() {
    err_at(
        &plan("component c { commission on credit.amount rate 5% gate bookings }"),
        "E0203",
        10,
        58,
    );
}

#[test]
fn e0204_not_available_here() {
    err_at(&plan("measure x = deal.amount"), "E0204", 10, 15);
    err_at(
        &plan("component c { commission on credit.amount rate 5% gate deal.new_logo }"),
        "E0204",
        10,
        58,
    );
    err_at(
        &plan("measure x = sum(credit.amount * attainment)"),
        "E0204",
        10,
        35,
    );
}

#[test]
fn e0205_must_pay_money() {
    err_at(
        &plan("component c { commission on credit.amount rate payee.level }"),
        "E0205",
        10,
        50,
    );
    err_at(
        &plan("component c { commission on deal.units rate 5% * attainment }"),
        "E0205",
        10,
        47,
    );
    err_at(
        &plan("component c { pay attainment per deal }"),
        "E0205",
        10,
        21,
    );
}

#[test]
fn e0206_nested_aggregate() {
    err_at(
        &plan("measure x = sum(sum(credit.amount))"),
        "E0206",
        10,
        19,
    );
}

#[test]
fn e0207_function_arguments() {
    err_at(&plan("measure x = round(bookings, 2)"), "E0207", 10, 15);
    err_at(&plan("measure x = clamp(bookings, 1)"), "E0207", 10, 15);
    err_at(&plan("measure x = count(credit.amount)"), "E0207", 10, 21);
}

#[test]
fn e0301_gap_names_the_gap() {
    let d = err_at(
        &plan("component c { commission on credit.amount\n  rate graduated by attainment {\n    [0%, 50%) 2%\n    [51%, ..) 8%\n  } }"),
        "E0301",
        13,
        5,
    );
    assert_eq!(d.message, "tiers leave a gap: 50%..51%");
    assert_eq!(
        d.hint.as_deref(),
        Some("start this band at 50% or end the previous one at 51%")
    );
    let open = err_at(&plan("component c { commission on credit.amount rate graduated by amount { [0, 5) 1%  (5, ..) 2% } }"), "E0301", 10, 83);
    assert_eq!(open.message, "tiers leave a gap: neither band includes 5");
}

#[test]
fn e0302_overlap() {
    let d = err_at(&plan("component c { commission on credit.amount rate graduated by amount { [0, 60) 1%  [50, ..) 2% } }"), "E0302", 10, 84);
    assert_eq!(d.message, "tiers overlap: 50..60");
    err_at(&plan("component c { commission on credit.amount rate graduated by amount { [0, 50] 1%  [50, ..) 2% } }"), "E0302", 10, 84);
}

/// Found by the decimal_edges fuzz target: a plain ratio bound near the 96-bit limit made the
/// overlap message overflow (×100 for a percent) and panic; it is shown as the plain ratio.
#[test]
fn e0302_overlap_of_huge_ratio_bounds_does_not_panic() {
    let d = err_at(&plan("component c { commission on credit.amount rate graduated by attainment { [0%, 1_000_000_000_000_000_000_000_000_000) 5%  [0, ..) 3% } }"), "E0302", 10, 124);
    assert_eq!(d.message, "tiers overlap: 0%..1000000000000000000000000000");
}

#[test]
fn e0303_unsorted() {
    err_at(&plan("component c { commission on credit.amount rate graduated by amount { [50, 100) 1%  [0, 50) 2% } }"), "E0303", 10, 86);
    err_at(&plan("component c { commission on credit.amount rate interpolated by attainment { 100% => 1%  50% => 2% } }"), "E0303", 10, 91);
}

#[test]
fn e0304_unreachable_or_empty() {
    err_at(&plan("component c { commission on credit.amount rate graduated by amount { [0, ..) 1%  [50, 100) 2% } }"), "E0304", 10, 84);
    err_at(
        &plan(
            "component c { commission on credit.amount rate graduated by amount { [10, 10) 1% } }",
        ),
        "E0304",
        10,
        72,
    );
}

#[test]
fn e0305_bounds_must_be_constants() {
    err_at(&plan("component c { commission on credit.amount rate graduated by amount { [0, payee.quota) 1%  [payee.quota, ..) 2% } }"), "E0305", 10, 76);
}

#[test]
fn e0306_table_shape() {
    err_at(&plan("component c { commission on credit.amount rate interpolated by attainment { 100% => 1% } }"), "E0306", 10, 50);
    err_at(&plan("component c { commission on credit.amount rate graduated by amount { 0 => 1%  10 => 2% } }"), "E0306", 10, 50);
}

#[test]
fn e0307_tier_key() {
    err_at(
        &plan(
            "component c { commission on credit.amount rate graduated by nothing { [0, ..) 1% } }",
        ),
        "E0307",
        10,
        63,
    );
    err_at(&plan("component c { commission on credit.amount rate graduated by bookings * 2 { [0, ..) 1% } }"), "E0307", 10, 63);
}

#[test]
fn e0308_tier_scope() {
    err_at(&plan("component c { commission on credit.amount rate graduated by attainment per deal { [0, ..) 1% } }"), "E0308", 10, 74);
    err_at(&plan("component c { commission on credit.amount rate interpolated by attainment running { 0% => 1%  1 => 2% } }"), "E0308", 10, 77);
}

#[test]
fn e0310_rate_table_rows() {
    err_at(&plan("component c { commission on credit.amount rate table by deal.product, deal.region { \"A\" => 1% } }"), "E0310", 10, 87);
    err_at(&plan("component c { commission on credit.amount rate table by deal.product { default => 1%  default => 2% } }"), "E0310", 10, 89);
}

#[test]
fn e0401_window_outside_effective_range() {
    let d = err_at(
        &plan("component s { pay 100 per deal during 2025-12-01 to 2026-01-31 }"),
        "E0401",
        10,
        41,
    );
    assert_eq!(
        d.message,
        "2025-12-01 is outside the plan's effective range 2026-01-01 to 2026-12-31"
    );
}

#[test]
fn e0402_range_reversed() {
    err_at(
        &plan("component s { pay 100 per deal during 2026-03-01 to 2026-02-01 }"),
        "E0402",
        10,
        34,
    );
}

#[test]
fn e0501_to_e0505_component_shape() {
    err_at(
        &plan("component empty { gate attainment > 0 }"),
        "E0501",
        10,
        13,
    );
    err_at(
        &plan("component both { commission on credit.amount rate 1% pay 5 per deal }"),
        "E0502",
        10,
        56,
    );
    err_at(
        &plan("component norate { commission on credit.amount }"),
        "E0503",
        10,
        22,
    );
    err_at(&plan("component nobasis { rate 5% }"), "E0504", 10, 23);
    err_at(&plan("cap per line at 100"), "E0505", 10, 7);
    err_at(
        &plan("component c { pay 5 per deal  cap total per period at 10 }"),
        "E0505",
        10,
        37,
    );
}

#[test]
fn e0900_payments_not_supported_yet() {
    let d = err_at(&plan("draw recoverable 5000 per month"), "E0900", 10, 3);
    assert_eq!(d.message, "`draw` is not supported yet");
}

#[test]
fn every_error_is_reported_at_once() {
    let d = errors(&plan(
        "measure a = nope\n  measure b = bookings * payee.quota\n  component c { rate 5% }",
    ));
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0101", "E0202", "E0504"]);
}

#[test]
fn diagnostics_locate_in_utf8_utf16_and_characters() {
    let src = plan("# prévision 😀\n  measure x = nope");
    let d = errors(&src);
    assert_eq!(d[0].code, "E0101");
    let p = LineIndex::new(&src).position(d[0].primary.span.start as usize);
    assert_eq!(
        (p.line, p.column, p.column_utf16, p.column_chars),
        (11, 15, 15, 15)
    );
    let src2 = plan("component c { pay 1 per deal when deal.product = \"é😀\" and nope }");
    let d2 = errors(&src2);
    let p2 = LineIndex::new(&src2).position(d2[0].primary.span.start as usize);
    assert_eq!((p2.column, p2.column_utf16, p2.column_chars), (65, 62, 61));
}

#[test]
fn e0208_basis_must_be_per_line() {
    let d = err_at(
        &plan("component o { commission on bookings rate 3% }"),
        "E0208",
        10,
        31,
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("to pay on a period figure such as team sales, use `pay 3% of team_sales once`")
    );
}

#[test]
fn interpolated_values_are_rates_or_money_never_both() {
    let p = ok(&plan("component curve { commission on credit.amount rate interpolated by attainment { 0% => 0  100% => 5000  200% => 12000 } }"));
    match &p.versions[0].components[0].payout {
        ir::Payout::Commission {
            rate: ir::Rate::Tiers(t),
            ..
        } => assert!(t.anchors_are_money),
        other => panic!("{other:?}"),
    }
    let d = err_at(&plan("component curve { commission on credit.amount rate interpolated by attainment { 0% => 0%  100% => 5000 } }"), "E0306", 10, 101);
    assert_eq!(
        d.message,
        "an interpolated table mixes rates (written with %) and money amounts"
    );
}

#[test]
fn e0004_call_limit() {
    let limits = commissio_dsl::Limits {
        max_calls: 500,
        ..commissio_dsl::Limits::DEFAULT
    };
    let d = match commissio_dsl::parse_with_limits(&plan("measure x = 1"), limits) {
        Ok(_) => panic!("expected the call limit to be hit"),
        Err(d) => d,
    };
    assert_eq!(d[0].code, "E0004");
    assert_eq!(
        d[0].message,
        "the plan is too complex to parse within the call limit"
    );
}

// ---------------- limits (docs/language.md §14), at and one beyond each ----------------

#[test]
fn limit_values_are_the_same_on_every_platform() {
    let l = commissio_dsl::Limits::DEFAULT;
    assert_eq!(
        (l.max_bytes, l.max_depth, l.max_operators, l.max_calls),
        (1_048_576, 64, 256, 10_000_000)
    );
    assert_eq!(commissio_dsl::MAX_TIER_ROWS, 1_000);
    assert_eq!(commissio_dsl::MAX_COMPONENTS, 256);
}

/// A valid plan padded with a comment to exactly `len` bytes.
fn plan_of_size(len: usize) -> String {
    let start = plan("component c { commission on credit.amount rate 5% }");
    let head = start.strip_suffix("}\n").unwrap().to_string() + "# ";
    let pad = len - head.len() - "\n}\n".len();
    let src = format!("{head}{}\n}}\n", "x".repeat(pad));
    assert_eq!(src.len(), len);
    src
}

#[test]
fn e0002_size_at_and_beyond_the_limit() {
    ok(&plan_of_size(1 << 20));
    let src = plan_of_size((1 << 20) + 1);
    // The span starts at the first byte beyond the limit: the last newline, line 12.
    let d = err_at(&src, "E0002", 12, 2);
    assert_eq!(
        d.message,
        "the plan is 1048577 bytes; the limit is 1048576 bytes"
    );
}

#[test]
fn e0003_depth_at_and_beyond_the_limit() {
    // The plan's and the component's braces are two levels; brackets add one each.
    let body = |n: usize| {
        format!(
            "component c {{ commission on credit.amount rate {}5%{} }}",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    let p = ok(&plan(&body(62)));
    assert_eq!(p.versions[0].components.len(), 1);
    let prefix = "component c { commission on credit.amount rate ".len() as u32;
    let d = err_at(&plan(&body(63)), "E0003", 10, 3 + prefix + 62);
    assert_eq!(d.message, "nesting is deeper than the limit of 64 levels");
    // `if`s count like brackets: the plan's braces and 63 `if`s are 64 levels.
    let ifs = |n: usize| format!("measure m = {}1", "if true then 1 else ".repeat(n));
    ok(&plan(&ifs(63)));
    let stmt = "if true then 1 else ".len() as u32;
    let d = err_at(&plan(&ifs(64)), "E0003", 10, 3 + 12 + 63 * stmt);
    assert_eq!(d.message, "nesting is deeper than the limit of 64 levels");
}

#[test]
fn e0003_operators_at_and_beyond_the_limit() {
    ok(&plan(&format!("measure m = 1{}", " + 1".repeat(256))));
    let d = err_at(
        &plan(&format!("measure m = 1{}", " + 1".repeat(257))),
        "E0003",
        10,
        3 + 12 + 1 + 256 * 4 + 1,
    );
    assert_eq!(d.message, "this statement has more than 256 operators");
}

/// A component whose rate is `head { rows }`, one row per line from line 11, 4 spaces in.
fn table_plan(head: &str, rows: &[String]) -> String {
    plan(&format!(
        "component c {{ commission on credit.amount rate {head} {{\n{}\n  }} }}",
        rows.iter()
            .map(|r| format!("    {r}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

#[test]
fn e0008_tier_rows_at_and_beyond_the_limit() {
    let bands = |n: usize| -> Vec<String> {
        let mut v: Vec<String> = (0..n - 1).map(|i| format!("[{i}, {}) 1%", i + 1)).collect();
        v.push(format!("[{}, ..) 2%", n - 1));
        v
    };
    let p = ok(&table_plan("graduated by amount", &bands(1000)));
    match &p.versions[0].components[0].payout {
        ir::Payout::Commission {
            rate: ir::Rate::Tiers(t),
            ..
        } => assert_eq!(t.tiers.len(), 1000),
        other => panic!("expected tiers, got {other:?}"),
    }
    // Row 1,001 is on line 10 + 1,001.
    let d = err_at(
        &table_plan("graduated by amount", &bands(1001)),
        "E0008",
        1011,
        5,
    );
    assert_eq!(d.message, "the tier table has more than 1000 rows");
    assert_eq!(d.primary.message, "row 1001 is beyond the limit");
}

#[test]
fn e0008_anchor_rows_at_and_beyond_the_limit() {
    let anchors =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("{i}% => {}%", i % 7)).collect() };
    ok(&table_plan("interpolated by attainment", &anchors(1000)));
    let d = err_at(
        &table_plan("interpolated by attainment", &anchors(1001)),
        "E0008",
        1011,
        5,
    );
    assert_eq!(d.message, "the tier table has more than 1000 rows");
}

#[test]
fn e0008_rate_table_rows_at_and_beyond_the_limit() {
    // The `default` row counts too.
    let rows = |n: usize| -> Vec<String> {
        let mut v: Vec<String> = (1..n).map(|i| format!("{i} => 1%")).collect();
        v.push("default => 2%".into());
        v
    };
    ok(&table_plan("table by deal.units", &rows(1000)));
    let d = err_at(
        &table_plan("table by deal.units", &rows(1001)),
        "E0008",
        1011,
        5,
    );
    assert_eq!(d.message, "the rate table has more than 1000 rows");
}

#[test]
fn e0009_components_at_and_beyond_the_limit() {
    let comps = |n: usize| -> String {
        (1..=n)
            .map(|k| format!("component c{k} {{ pay 1 per deal }}"))
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    assert_eq!(ok(&plan(&comps(256))).versions[0].components.len(), 256);
    // Component 257 is on line 10 + 256; its name starts at column 13.
    let d = err_at(&plan(&comps(257)), "E0009", 266, 13);
    assert_eq!(d.message, "the plan has more than 256 components");
    assert_eq!(d.primary.message, "component 257 is beyond the limit");
}

// ---------------- team commission ----------------

const TEAM: &str = "measure team_pay = team commission(rep, spiff)
  measure direct_pay = direct commission(rep)
  component rep {
    commission on credit.amount
    rate 10%
  }
  component spiff {
    pay 100 per deal
  }
  component override {
    pay 5% of team_pay + 2% of direct_pay once when direct commission(spiff) >= 0
  }";

#[test]
fn team_commission_lowers() {
    let p = ok(&plan(TEAM));
    let v = &p.versions[0];
    let kinds: Vec<&ir::MeasureKind> = v.measures.iter().map(|m| &m.kind).collect();
    assert!(kinds.contains(&&ir::MeasureKind::TeamCommission {
        population: ir::Population::Team,
        components: vec![0, 1],
    }));
    assert!(kinds.contains(&&ir::MeasureKind::TeamCommission {
        population: ir::Population::Direct,
        components: vec![0],
    }));
    // The hoisted `direct commission(spiff)` is a hidden measure.
    assert!(v.measures.iter().any(|m| m.name.starts_with('$')
        && m.kind
            == ir::MeasureKind::TeamCommission {
                population: ir::Population::Direct,
                components: vec![1],
            }));
    assert_eq!(
        v.measures
            .iter()
            .find(|m| m.name == "team_pay")
            .map(|m| m.ty),
        Some(ir::ValueType::Money)
    );
}

#[test]
fn team_commission_cycle_is_e0209() {
    // Directly: the override counts itself.
    err_at(
        &plan("measure t = team commission(rep, override)\n  component rep {\n    commission on credit.amount\n    rate 10%\n  }\n  component override {\n    pay 5% of t once\n  }"),
        "E0209",
        10,
        36,
    );
    // Through a measure and a gate of another override.
    let d = err_at(
        &plan("measure t = direct commission(o2)\n  measure half = t / 2\n  component o2 {\n    pay 1 once\n    gate half > 0\n  }"),
        "E0209",
        10,
        33,
    );
    assert!(
        d.message.contains("through measure `half`"),
        "{}",
        d.message
    );
}

#[test]
fn team_commission_names_and_places() {
    // Unknown component, with a suggestion.
    let d = err_at(
        &plan("measure t = team commission(reps)\n  component rep {\n    commission on credit.amount\n    rate 10%\n  }"),
        "E0101",
        10,
        31,
    );
    assert!(d.hint.as_deref().unwrap_or("").contains("`rep`"));
    // Named twice.
    err_at(
        &plan("measure t = team commission(rep, rep)\n  component rep {\n    commission on credit.amount\n    rate 10%\n  }"),
        "E0103",
        10,
        36,
    );
    // Not inside an aggregate.
    err_at(
        &plan("measure t = sum(credit.amount where team commission(rep) > 0)\n  component rep {\n    commission on credit.amount\n    rate 10%\n  }"),
        "E0206",
        10,
        39,
    );
    // A population is required: `commission(rep)` alone is a syntax error.
    let d = errors(&plan("measure t = commission(rep)"));
    assert_eq!(d[0].code, "E0001");
    // Money: it does not mix with a plain number.
    err_at(
        &plan("measure t = team commission(rep) + attainment\n  component rep {\n    commission on credit.amount\n    rate 10%\n  }"),
        "E0202",
        10,
        38,
    );
}
