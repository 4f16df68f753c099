//! Tests of `commissio_core::load`: every result and every error asserted exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use commissio_core::dataset::{Column, Dataset};
use commissio_core::load::{
    build_dataset_owned, read_csv, read_json, Cell, DataErrors, Inputs, Table, TableKind,
    MAX_ERRORS,
};
use commissio_core::money::{Currency, Rounding, RoundingMode, RoundingStage};
use commissio_core::period::{Date, DateRange, Grain};
use commissio_core::plan::{
    Calendar, DayCount, FieldDef, FieldType, PlanVersion, RecordSchema, Schema,
};
use rust_decimal::Decimal;
use std::str::FromStr;

fn field(name: &str, ty: FieldType) -> FieldDef {
    FieldDef {
        name: name.into(),
        column: name.into(),
        ty,
    }
}

fn plan_with(deal_fields: Vec<FieldDef>, payee_fields: Vec<FieldDef>) -> PlanVersion {
    PlanVersion {
        name: "Test".into(),
        currency: Currency::new("USD"),
        calendar: Calendar {
            grain: Grain::Quarter,
            fiscal_year_start_month: 1,
        },
        effective: DateRange {
            start: date("2026-01-01"),
            end: date("2026-12-31"),
        },
        rounding: Rounding {
            mode: RoundingMode::HalfEven,
            scale: 2,
            stage: RoundingStage::Line,
        },
        schema: Schema {
            deal: RecordSchema {
                builtin_columns: vec![],
                fields: deal_fields,
            },
            payee: RecordSchema {
                builtin_columns: vec![],
                fields: payee_fields,
            },
        },
        measures: vec![],
        components: vec![],
        plan_limits: vec![],
        overlay: false,
        proration: DayCount::Actual,
        ramp: vec![],
    }
}

/// Deals: amount money; payees: none.
fn plan() -> PlanVersion {
    plan_with(vec![field("amount", FieldType::Money)], vec![])
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn csv(text: &str) -> Table {
    read_csv(text).unwrap()
}

fn inputs(payees: &str, deals: &str, credits: Option<&str>, quotas: Option<&str>) -> Inputs {
    Inputs::from_csv(payees, deals, credits, quotas).unwrap()
}

/// `load::build_dataset`, checked against `build_dataset_owned` (which frees each table as it
/// reads it): every test of this file asserts that both give the same dataset, symbol for
/// symbol, or the same errors.
fn build_dataset(plan: &PlanVersion, inputs: &Inputs) -> Result<Dataset, DataErrors> {
    let borrowed = commissio_core::load::build_dataset(plan, inputs);
    let owned = build_dataset_owned(plan, inputs.clone());
    match (&borrowed, &owned) {
        (Ok(a), Ok(b)) => assert_eq!(snapshot(a), snapshot(b)),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("build_dataset and build_dataset_owned disagree: {borrowed:?} / {owned:?}"),
    }
    borrowed
}

/// Every column of a dataset, and every interned text in symbol order.
fn snapshot(ds: &Dataset) -> String {
    let all: Vec<&str> = (0..ds.texts.len() as u32)
        .map(|s| ds.texts.resolve(s))
        .collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{all:?}",
        ds.payees, ds.deals, ds.credits, ds.quotas, ds.assignments
    )
}

const PAYEES: &str = "id\nP1\nP2\nP3\n";

/// One credit line, written out: (deal id, payee id, share as written, role, credit row).
type LineText = (String, String, String, String, Option<u32>);

/// Every credit line of a dataset (`Dataset::credit_lines`), in its order.
fn credit_lines(ds: &Dataset) -> Vec<LineText> {
    let id = |ids: &[u32], row: u32| ds.texts.resolve(ids[row as usize]).to_string();
    ds.credit_lines()
        .map(|l| {
            (
                id(&ds.deals.id, l.deal),
                id(&ds.payees.id, l.payee),
                l.share.to_string(),
                ds.texts.resolve(l.role).to_string(),
                l.row,
            )
        })
        .collect()
}

/// A [`LineText`] from string slices.
fn line(deal: &str, payee: &str, share: &str, role: &str, row: Option<u32>) -> LineText {
    (deal.into(), payee.into(), share.into(), role.into(), row)
}

fn load(
    plan: &PlanVersion,
    payees: &str,
    deals: &str,
    credits: Option<&str>,
    quotas: Option<&str>,
) -> Result<Dataset, DataErrors> {
    build_dataset(plan, &inputs(payees, deals, credits, quotas))
}

fn ok(
    plan: &PlanVersion,
    payees: &str,
    deals: &str,
    credits: Option<&str>,
    quotas: Option<&str>,
) -> Dataset {
    match load(plan, payees, deals, credits, quotas) {
        Ok(ds) => ds,
        Err(e) => panic!("unexpected errors:\n{e}"),
    }
}

fn errs(
    plan: &PlanVersion,
    payees: &str,
    deals: &str,
    credits: Option<&str>,
    quotas: Option<&str>,
) -> DataErrors {
    match load(plan, payees, deals, credits, quotas) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e,
    }
}

/// (code, table, row, field) of one error.
type Summary = (String, Option<&'static str>, Option<u64>, Option<String>);

/// (code, table, row, field) of every error.
fn summary(e: &DataErrors) -> Vec<Summary> {
    e.errors
        .iter()
        .map(|x| {
            (
                x.code.as_str().to_string(),
                x.table.map(TableKind::name),
                x.row,
                x.field.clone(),
            )
        })
        .collect()
}

fn s(code: &str, table: &'static str, row: Option<u64>, field: Option<&str>) -> Summary {
    (
        code.to_string(),
        Some(table),
        row,
        field.map(str::to_string),
    )
}

fn lines(e: &DataErrors) -> Vec<String> {
    e.errors.iter().map(ToString::to_string).collect()
}

fn texts(ds: &Dataset, syms: &[u32]) -> Vec<String> {
    syms.iter()
        .map(|&s| ds.texts.resolve(s).to_string())
        .collect()
}

fn decimals(col: &Column) -> Vec<String> {
    match col {
        Column::Decimal(v) => v.iter().map(ToString::to_string).collect(),
        other => panic!("not a decimal column: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn full_dataset_every_type() {
    let plan = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("margin", FieldType::Percent),
            field("product", FieldType::Text),
            field("new_logo", FieldType::Bool),
            field("closed_on", FieldType::Date),
            field("units", FieldType::Integer),
            field("score", FieldType::Number),
        ],
        vec![
            field("target", FieldType::Money),
            field("region", FieldType::Text),
        ],
    );
    let payees = "id,manager,start,end,target,region,extra\n\
                  P1,,2025-01-01,,50000,West,x\n\
                  P2,P1,2026-02-01,2026-12-31,40000.50,East,y\n";
    let deals = "id,payee,date,amount,margin,product,new_logo,closed_on,units,score,ignored\n\
                 D1,P1,2026-01-05,1000.00,30%,Platform,true,2026-01-04,3,1.25,zzz\n\
                 D2,P2,2026-04-10,-5,0.125,Core,FALSE,2026-04-09,12.0,-0.5,\n\
                 D3,P2,2026-05-01, 1.500 ,12.5%,Core,True,2026-05-01,0,7,\n";
    let ds = ok(&plan, payees, deals, None, None);

    assert_eq!(texts(&ds, &ds.payees.id), ["P1", "P2"]);
    assert_eq!(ds.payees.manager, [None, Some(0)]);
    assert_eq!(
        ds.payees.start,
        [Some(date("2025-01-01")), Some(date("2026-02-01"))]
    );
    assert_eq!(ds.payees.end, [None, Some(date("2026-12-31"))]);
    assert_eq!(decimals(&ds.payees.attrs[0]), ["50000", "40000.50"]);
    match &ds.payees.attrs[1] {
        Column::Text(v) => assert_eq!(texts(&ds, v), ["West", "East"]),
        other => panic!("{other:?}"),
    }

    assert_eq!(texts(&ds, &ds.deals.id), ["D1", "D2", "D3"]);
    assert_eq!(ds.deals.owner, [0, 1, 1]);
    assert_eq!(
        ds.deals.date,
        [date("2026-01-05"), date("2026-04-10"), date("2026-05-01")]
    );
    assert_eq!(ds.deals.attrs.len(), 7);
    assert_eq!(decimals(&ds.deals.attrs[0]), ["1000.00", "-5", "1.500"]);
    assert_eq!(decimals(&ds.deals.attrs[1]), ["0.30", "0.125", "0.125"]);
    match &ds.deals.attrs[2] {
        Column::Text(v) => assert_eq!(texts(&ds, v), ["Platform", "Core", "Core"]),
        other => panic!("{other:?}"),
    }
    assert_eq!(ds.deals.attrs[3], Column::Bool(vec![true, false, true]));
    assert_eq!(
        ds.deals.attrs[4],
        Column::Date(vec![
            date("2026-01-04"),
            date("2026-04-09"),
            date("2026-05-01")
        ])
    );
    assert_eq!(decimals(&ds.deals.attrs[5]), ["3", "12", "0"]);
    assert_eq!(decimals(&ds.deals.attrs[6]), ["1.25", "-0.5", "7"]);

    // No credits table: no credit rows; every deal is credited to its owner, share 1, no role.
    assert!(ds.credits.is_empty());
    let owners: Vec<_> = ds
        .credit_lines()
        .map(|l| (l.deal, l.payee, l.row))
        .collect();
    assert_eq!(owners, [(0, 0, None), (1, 1, None), (2, 1, None)]);
    assert!(ds
        .credit_lines()
        .all(|l| l.share == Decimal::ONE && l.share.scale() == 0));
    let roles: Vec<&str> = ds
        .credit_lines()
        .map(|l| ds.texts.resolve(l.role))
        .collect();
    assert_eq!(roles, ["", "", ""]);
    assert!(ds.quotas.is_empty());
}

#[test]
fn each_wrong_type() {
    let plan = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("margin", FieldType::Percent),
            field("units", FieldType::Integer),
            field("score", FieldType::Number),
            field("closed_on", FieldType::Date),
            field("new_logo", FieldType::Bool),
        ],
        vec![],
    );
    let deals = "id,payee,date,amount,margin,units,score,closed_on,new_logo\n\
                 D1,P1,2026-01-05,1 000,30 percent,1.5,1e3,2026/01/04,yes\n\
                 D2,P1,05/01/2026,$5,%,x,+1,2026-02-30,1\n";
    let e = errs(&plan, PAYEES, deals, None, None);
    assert_eq!(
        summary(&e),
        [
            s("D0102", "deals", Some(1), Some("amount")),
            s("D0102", "deals", Some(1), Some("margin")),
            s("D0102", "deals", Some(1), Some("units")),
            s("D0102", "deals", Some(1), Some("score")),
            s("D0102", "deals", Some(1), Some("closed_on")),
            s("D0102", "deals", Some(1), Some("new_logo")),
            s("D0102", "deals", Some(2), Some("date")),
            s("D0102", "deals", Some(2), Some("amount")),
            s("D0102", "deals", Some(2), Some("margin")),
            s("D0102", "deals", Some(2), Some("units")),
            s("D0102", "deals", Some(2), Some("score")),
            s("D0102", "deals", Some(2), Some("closed_on")),
            s("D0102", "deals", Some(2), Some("new_logo")),
        ]
    );
    assert_eq!(
        lines(&e)[..7],
        [
            r#"[D0102] deals row 1 (id "D1"), field "amount": expected money, got "1 000""#,
            r#"[D0102] deals row 1 (id "D1"), field "margin": expected percent, got "30 percent""#,
            r#"[D0102] deals row 1 (id "D1"), field "units": expected integer (a whole number), got "1.5""#,
            r#"[D0102] deals row 1 (id "D1"), field "score": expected number, got "1e3""#,
            r#"[D0102] deals row 1 (id "D1"), field "closed_on": expected date (YYYY-MM-DD), got "2026/01/04""#,
            r#"[D0102] deals row 1 (id "D1"), field "new_logo": expected bool (true or false), got "yes""#,
            r#"[D0102] deals row 2 (id "D2"), field "date": expected date (YYYY-MM-DD), got "05/01/2026""#,
        ]
    );
    assert_eq!(e.errors[0].expected.as_deref(), Some("money"));
    assert_eq!(e.errors[4].expected.as_deref(), Some("date (YYYY-MM-DD)"));
}

#[test]
fn typed_cells_from_bindings() {
    let plan = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("rate", FieldType::Percent),
            field("units", FieldType::Integer),
            field("flag", FieldType::Bool),
            field("label", FieldType::Text),
        ],
        vec![],
    );
    let payees = Table::new(["id"]).with_row(vec![Cell::Integer(7)]);
    let deals = Table::new([
        "id", "payee", "date", "amount", "rate", "units", "flag", "label",
    ])
    .with_row(vec![
        Cell::Text("D1".into()),
        Cell::Integer(7),
        Cell::Text("2026-01-05".into()),
        Cell::Integer(12),
        Cell::Decimal(d("0.3")),
        Cell::Decimal(d("4.00")),
        Cell::Bool(false),
        Cell::Decimal(d("1.50")),
    ])
    .with_row(vec![
        Cell::Text("D2".into()),
        Cell::Text("7".into()),
        Cell::Integer(20260105),
        Cell::Bool(true),
        Cell::Bool(true),
        Cell::Decimal(d("4.5")),
        Cell::Integer(1),
        Cell::Bool(true),
    ]);
    let ok_inputs = Inputs {
        payees: payees.clone(),
        deals: Table::from_rows(deals.columns().to_vec(), deals.to_rows()[..1].to_vec()),
        credits: None,
        quotas: None,
        managers: None,
    };
    let ds = build_dataset(&plan, &ok_inputs).unwrap();
    assert_eq!(texts(&ds, &ds.payees.id), ["7"]);
    assert_eq!(ds.deals.owner, [0]);
    assert_eq!(decimals(&ds.deals.attrs[0]), ["12"]);
    assert_eq!(decimals(&ds.deals.attrs[1]), ["0.3"]);
    assert_eq!(decimals(&ds.deals.attrs[2]), ["4"]);
    assert_eq!(ds.deals.attrs[3], Column::Bool(vec![false]));
    match &ds.deals.attrs[4] {
        Column::Text(v) => assert_eq!(texts(&ds, v), ["1.50"]),
        other => panic!("{other:?}"),
    }

    let e = build_dataset(
        &plan,
        &Inputs {
            payees,
            deals,
            credits: None,
            quotas: None,
            managers: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        lines(&e),
        [
            r#"[D0102] deals row 2 (id "D2"), field "date": expected date (YYYY-MM-DD), got 20260105"#,
            r#"[D0102] deals row 2 (id "D2"), field "amount": expected money, got true"#,
            r#"[D0102] deals row 2 (id "D2"), field "rate": expected percent, got true"#,
            r#"[D0102] deals row 2 (id "D2"), field "units": expected integer (a whole number), got 4.5"#,
            r#"[D0102] deals row 2 (id "D2"), field "flag": expected bool (true or false), got 1"#,
            r#"[D0102] deals row 2 (id "D2"), field "label": expected text, got true"#,
        ]
    );
}

#[test]
fn missing_values() {
    let plan = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("product", FieldType::Text),
        ],
        vec![],
    );
    let deals = Table::new(["id", "payee", "date", "amount", "product"]).with_row(vec![
        Cell::Text("D1".into()),
        Cell::Text("P1".into()),
        Cell::Null,
        Cell::Text(String::new()),
        Cell::Null,
    ]);
    let e = build_dataset(
        &plan,
        &Inputs {
            payees: csv(PAYEES),
            deals,
            credits: None,
            quotas: None,
            managers: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        lines(&e),
        [
            r#"[D0104] deals row 1 (id "D1"), field "date": missing value (expected date (YYYY-MM-DD))"#,
            r#"[D0104] deals row 1 (id "D1"), field "amount": missing value (expected money)"#,
            r#"[D0104] deals row 1 (id "D1"), field "product": missing value (expected text)"#,
        ]
    );
}

#[test]
fn too_many_decimals() {
    let deals = "id,payee,date,amount\nD1,P1,2026-01-05,1.500\nD2,P1,2026-01-05,12.345\nD3,P1,2026-01-05,1.505\n";
    let e = errs(&plan(), PAYEES, deals, None, None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0103] deals row 2 (id "D2"), field "amount": expected money with at most 2 decimals, got "12.345""#,
            r#"[D0103] deals row 3 (id "D3"), field "amount": expected money with at most 2 decimals, got "1.505""#,
        ]
    );
    assert_eq!(
        e.errors[0].expected.as_deref(),
        Some("money with at most 2 decimals")
    );

    let mut jpy = plan();
    jpy.currency = Currency::new("JPY");
    let e = errs(
        &jpy,
        PAYEES,
        "id,payee,date,amount\nD1,P1,2026-01-05,100.0\nD2,P1,2026-01-05,100.5\n",
        None,
        None,
    );
    assert_eq!(
        lines(&e),
        [
            r#"[D0103] deals row 2 (id "D2"), field "amount": expected money with no decimals, got "100.5""#
        ]
    );
    // A decimal cell with too many places is caught the same way.
    let deals = Table::new(["id", "payee", "date", "amount"]).with_row(vec![
        Cell::Text("D1".into()),
        Cell::Text("P1".into()),
        Cell::Text("2026-01-05".into()),
        Cell::Decimal(d("0.001")),
    ]);
    let e = build_dataset(
        &plan(),
        &Inputs {
            payees: csv(PAYEES),
            deals,
            credits: None,
            quotas: None,
            managers: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        lines(&e),
        [
            r#"[D0103] deals row 1 (id "D1"), field "amount": expected money with at most 2 decimals, got 0.001"#
        ]
    );
}

#[test]
fn numbers_out_of_range() {
    let deals = "id,payee,date,amount\nD1,P1,2026-01-05,123456789012345678901234567890\nD2,P1,2026-01-05,79228162514264337593543950335\n";
    let e = errs(&plan(), PAYEES, deals, None, None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0105] deals row 1 (id "D1"), field "amount": "123456789012345678901234567890" is out of range (at most 28 significant digits)"#
        ]
    );
    let ds = ok(
        &plan_with(vec![field("x", FieldType::Percent)], vec![]),
        PAYEES,
        "id,payee,date,x\nD1,P1,2026-01-05,0.00000000000000000000000001%\n",
        None,
        None,
    );
    assert_eq!(
        decimals(&ds.deals.attrs[0]),
        ["0.0000000000000000000000000001"]
    );
    let e = errs(
        &plan_with(vec![field("x", FieldType::Percent)], vec![]),
        PAYEES,
        "id,payee,date,x\nD1,P1,2026-01-05,0.000000000000000000000000001%\n",
        None,
        None,
    );
    assert_eq!(summary(&e), [s("D0105", "deals", Some(1), Some("x"))]);
}

#[test]
fn missing_columns_one_error_each() {
    let p2 = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("margin", FieldType::Percent),
        ],
        vec![],
    );
    let e = errs(&p2, PAYEES, "id,payee,margin\nD1,P1,0.1\n", None, None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0101] deals, field "date": missing column "date""#,
            r#"[D0101] deals, field "amount": missing column "amount""#
        ]
    );
    assert_eq!(e.errors[1].expected.as_deref(), Some("money"));
    // A payees table without ids: one error, and deals' owners are not reported as unknown.
    let e = errs(
        &p2,
        "name\nAnn\n",
        "id,payee,date,amount,margin\nD1,P1,2026-01-05,1,0.1\n",
        None,
        None,
    );
    assert_eq!(summary(&e), [s("D0101", "payees", None, Some("id"))]);
    // Missing credit and quota columns.
    let e = errs(
        &plan(),
        PAYEES,
        "id,payee,date,amount\nD1,P1,2026-01-05,1\n",
        Some("deal,pct\nD1,1\n"),
        Some("payee\nP1\n"),
    );
    assert_eq!(
        summary(&e),
        [
            s("D0101", "credits", None, Some("payee")),
            s("D0101", "credits", None, Some("share")),
            s("D0101", "quotas", None, Some("period")),
            s("D0101", "quotas", None, Some("amount")),
        ]
    );
}

#[test]
fn renamed_builtin_columns() {
    let mut plan = plan();
    plan.schema.deal.builtin_columns = vec![
        ("id".into(), "deal_no".into()),
        ("payee".into(), "rep".into()),
        ("date".into(), "closed".into()),
    ];
    plan.schema.payee.builtin_columns = vec![
        ("id".into(), "email".into()),
        ("manager".into(), "boss".into()),
    ];
    plan.schema.deal.fields[0].column = "Amount USD".into();
    let ds = ok(
        &plan,
        "email,boss\na@x,\nb@x,a@x\n",
        "deal_no,rep,closed,Amount USD\n9,b@x,2026-03-01,10\n",
        None,
        None,
    );
    assert_eq!(texts(&ds, &ds.deals.id), ["9"]);
    assert_eq!(ds.deals.owner, [1]);
    assert_eq!(ds.payees.manager, [None, Some(0)]);
    let e = errs(
        &plan,
        "email\na@x\n",
        "id,payee,date,amount\n9,a@x,2026-03-01,10\n",
        None,
        None,
    );
    assert_eq!(
        summary(&e),
        [
            s("D0101", "deals", None, Some("deal_no")),
            s("D0101", "deals", None, Some("rep")),
            s("D0101", "deals", None, Some("closed")),
            s("D0101", "deals", None, Some("Amount USD")),
        ]
    );
}

#[test]
fn duplicate_ids_and_columns() {
    let e = errs(
        &plan(),
        "id\nP1\nP2\nP1\n",
        "id,payee,date,amount,amount\nD1,P1,2026-01-05,1,2\nD1,P2,2026-01-06,1,2\n",
        None,
        None,
    );
    assert_eq!(
        lines(&e),
        [
            r#"[D0201] payees row 3 (id "P1"), field "id": duplicate payee id "P1" (first at row 1)"#,
            r#"[D0106] deals, field "amount": column "amount" appears more than once; the first is used"#,
            r#"[D0201] deals row 2 (id "D1"), field "id": duplicate deal id "D1" (first at row 1)"#,
        ]
    );
}

#[test]
fn unknown_references() {
    let e = errs(
        &plan(),
        PAYEES,
        "id,payee,date,amount\nD1,P9,2026-01-05,1\nD2,P1,2026-01-05,1\n",
        Some("deal,payee,share\nD2,P1,0.5\nD2,P8,0.5\nD7,P1,1\n"),
        Some("payee,period,amount\nP6,2026-Q1,100\n"),
    );
    assert_eq!(
        lines(&e),
        [
            r#"[D0202] deals row 1 (id "D1"), field "payee": unknown payee "P9" (no payee has this id)"#,
            r#"[D0202] credits row 2 (id "D2"), field "payee": unknown payee "P8" (no payee has this id)"#,
            r#"[D0203] credits row 3 (id "D7"), field "deal": unknown deal "D7" (no deal has this id)"#,
            r#"[D0202] quotas row 1 (id "P6"), field "payee": unknown payee "P6" (no payee has this id)"#,
        ]
    );
}

const DEALS3: &str =
    "id,payee,date,amount\nD1,P1,2026-01-05,100\nD2,P2,2026-01-06,200\nD3,P3,2026-01-07,300\n";

#[test]
fn splits_replace_the_owner() {
    // Credit rows given out of deal order; roles optional.
    let credits =
        "deal,payee,share,role\nD3,P1,40%,overlay\nD1,P2,0.25,\nD3,P2,0.6,se\nD1,P3,75%,ae\n";
    let ds = ok(&plan(), PAYEES, DEALS3, Some(credits), None);
    // Only the credits table's rows are stored, grouped by deal: D2, unsplit, has none.
    assert_eq!(ds.credits.deal, [0, 0, 2, 2]);
    assert_eq!(ds.credits.payee, [1, 2, 0, 1]);
    let shares: Vec<String> = ds.credits.share.iter().map(ToString::to_string).collect();
    assert_eq!(shares, ["0.25", "0.75", "0.40", "0.6"]);
    assert_eq!(texts(&ds, &ds.credits.role), ["", "ae", "overlay", "se"]);
    // Every line: the split deals' rows, and D2 credited wholly to its owner P2 in between.
    assert_eq!(
        credit_lines(&ds),
        [
            line("D1", "P2", "0.25", "", Some(0)),
            line("D1", "P3", "0.75", "ae", Some(1)),
            line("D2", "P2", "1", "", None),
            line("D3", "P1", "0.40", "overlay", Some(2)),
            line("D3", "P2", "0.6", "se", Some(3)),
        ]
    );
}

#[test]
fn shares_must_sum_to_one() {
    let credits = "deal,payee,share\nD1,P1,0.5\nD1,P2,0.49\nD2,P1,60%\nD2,P2,41%\nD3,P3,1\n";
    let e = errs(&plan(), PAYEES, DEALS3, Some(credits), None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0204] credits row 1 (id "D1"), field "share": the shares of deal "D1" sum to 0.99; they must sum to exactly 1 (100%) unless the plan is an overlay"#,
            r#"[D0204] credits row 3 (id "D2"), field "share": the shares of deal "D2" sum to 1.01; they must sum to exactly 1 (100%) unless the plan is an overlay"#,
        ]
    );
    // An overlay plan takes the shares as given.
    let mut overlay = plan();
    overlay.overlay = true;
    let ds = ok(&overlay, PAYEES, DEALS3, Some(credits), None);
    assert_eq!(ds.credits.deal, [0, 0, 1, 1, 2]);
    let shares: Vec<String> = ds.credits.share.iter().map(ToString::to_string).collect();
    assert_eq!(shares, ["0.5", "0.49", "0.60", "0.41", "1"]);
    // Every deal has rows: the lines are the rows.
    let rows: Vec<Option<u32>> = ds.credit_lines().map(|l| l.row).collect();
    assert_eq!(rows, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    // Three thirds do not make one.
    let e = errs(&plan(), PAYEES, DEALS3, Some("deal,payee,share\nD1,P1,0.3333\nD1,P2,0.3333\nD1,P3,0.3334\nD2,P1,0.3333\nD2,P2,0.3333\nD2,P3,0.3333\n"), None);
    assert_eq!(summary(&e), [s("D0204", "credits", Some(4), Some("share"))]);
}

#[test]
fn share_range_and_duplicate_credit() {
    let credits =
        "deal,payee,share\nD1,P1,0\nD1,P2,1.5\nD2,P1,-10%\nD3,P1,0.5\nD3,P1,0.5\nD3,P2,abc\n";
    let e = errs(&plan(), PAYEES, DEALS3, Some(credits), None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0206] credits row 1 (id "D1"), field "share": a share must be greater than 0 and at most 1 (100%), got "0""#,
            r#"[D0206] credits row 2 (id "D1"), field "share": a share must be greater than 0 and at most 1 (100%), got "1.5""#,
            r#"[D0206] credits row 3 (id "D2"), field "share": a share must be greater than 0 and at most 1 (100%), got "-10%""#,
            r#"[D0102] credits row 6 (id "D3"), field "share": expected share (0 < share <= 1, or a percentage), got "abc""#,
            r#"[D0205] credits row 5 (id "D3"), field "payee": payee "P1" is credited twice on deal "D3" (first at row 4)"#,
        ]
    );
    // With overlay, the same payee twice is still an error, and shares stay within (0, 1].
    let mut overlay = plan();
    overlay.overlay = true;
    let e = errs(
        &overlay,
        PAYEES,
        DEALS3,
        Some("deal,payee,share\nD1,P1,1\nD1,P1,1\nD2,P2,2\n"),
        None,
    );
    assert_eq!(
        summary(&e),
        [
            s("D0206", "credits", Some(3), Some("share")),
            s("D0205", "credits", Some(2), Some("payee"))
        ]
    );
}

#[test]
fn quotas_by_period() {
    let quotas = "payee,period,amount\nP1,2026-Q1,1000.00\nP1,2026-Q2,1500\nP2, 2026-Q1 ,2000\n";
    let ds = ok(&plan(), PAYEES, DEALS3, None, Some(quotas));
    let got: Vec<(u32, String, String)> = ds
        .quotas
        .iter()
        .map(|q| (q.payee, q.period.label(), q.amount.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (0, "2026-Q1".to_string(), "1000.00".to_string()),
            (0, "2026-Q2".to_string(), "1500".to_string()),
            (1, "2026-Q1".to_string(), "2000".to_string()),
        ]
    );
    let bad = "payee,period,amount\nP1,2026,1000\nP1,2026-Q5,1\nP1,2026-02,1\nP1,Q1,1\nP2,2026-Q1,1.001\nP3,2026-Q3,1\nP3,2026-Q3,2\nP3,,3\n";
    let e = errs(&plan(), PAYEES, DEALS3, None, Some(bad));
    assert_eq!(
        lines(&e),
        [
            r#"[D0301] quotas row 1 (id "P1"), field "period": period "2026" covers 2026-Q1 to 2026-Q4; a quota needs exactly one quarter period"#,
            r#"[D0301] quotas row 2 (id "P1"), field "period": period "2026-Q5" cannot be read: index 5 out of range 1..=4"#,
            r#"[D0301] quotas row 3 (id "P1"), field "period": period "2026-02" cannot be read: month is shorter than the plan's period (quarter)"#,
            r#"[D0301] quotas row 4 (id "P1"), field "period": period "Q1" cannot be read: expected a four-digit year"#,
            r#"[D0103] quotas row 5 (id "P2"), field "amount": expected money with at most 2 decimals, got "1.001""#,
            r#"[D0302] quotas row 7 (id "P3"), field "period": a second quota for this payee in 2026-Q3 (first at row 6)"#,
            r#"[D0104] quotas row 8 (id "P3"), field "period": missing value (expected a period label)"#,
        ]
    );
    // A fiscal calendar starting in February, monthly grain.
    let mut fiscal = plan();
    fiscal.calendar = Calendar {
        grain: Grain::Month,
        fiscal_year_start_month: 2,
    };
    let ds = ok(
        &fiscal,
        PAYEES,
        DEALS3,
        None,
        Some("payee,period,amount\nP1,FY2026-M01,5\n"),
    );
    assert_eq!(
        ds.quotas[0].period.range(),
        DateRange {
            start: date("2026-02-01"),
            end: date("2026-02-28")
        }
    );
}

#[test]
fn managers_dates_and_cycles() {
    let payees = "id,manager,start,end\n\
                  A,,2026-01-01,2025-12-31\n\
                  B,C,,\n\
                  C,D,,\n\
                  D,B,,\n\
                  E,E,,\n\
                  F,Z,,\n\
                  G,A,2026-13-01,\n\
                  H,D,,\n";
    let e = errs(&plan(), payees, "id,payee,date,amount\n", None, None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0209] payees row 1 (id "A"), field "end": end 2025-12-31 is before start 2026-01-01"#,
            r#"[D0102] payees row 7 (id "G"), field "start": expected date (YYYY-MM-DD), got "2026-13-01""#,
            r#"[D0207] payees row 6 (id "F"), field "manager": unknown manager "Z" (no payee has this id)"#,
            r#"[D0208] payees row 2 (id "B"), field "manager": manager cycle: "B" → "C" → "D" → "B""#,
            r#"[D0208] payees row 5 (id "E"), field "manager": payee "E" is their own manager"#,
        ]
    );
    // A chain without a cycle is fine; rows may name managers listed after them.
    let ds = ok(
        &plan(),
        "id,manager\nrep,mgr\nmgr,vp\nvp,\n",
        "id,payee,date,amount\n",
        None,
        None,
    );
    assert_eq!(ds.payees.manager, [Some(1), Some(2), None]);
    assert!(ds.deals.id.is_empty());
    assert!(ds.credits.deal.is_empty());
}

#[test]
fn row_length_mismatch() {
    let e = errs(
        &plan(),
        PAYEES,
        "id,payee,date,amount\nD1,P1,2026-01-05\nD2,P1,2026-01-05,1,extra\nD3,P1,2026-01-05,1\n",
        None,
        None,
    );
    assert_eq!(
        lines(&e),
        [
            "[D0107] deals row 1: row has 3 cells, the header has 4 columns",
            "[D0107] deals row 2: row has 5 cells, the header has 4 columns",
        ]
    );
}

#[test]
fn errors_are_capped_and_counted() {
    let mut deals = String::from("id,payee,date,amount\n");
    for i in 0..150 {
        deals.push_str(&format!("D{i},P1,2026-01-05,x\n"));
    }
    let e = errs(&plan(), PAYEES, &deals, None, None);
    assert_eq!(e.errors.len(), MAX_ERRORS);
    assert_eq!(e.omitted, 50);
    assert_eq!(e.total(), 150);
    let text = e.to_string();
    assert_eq!(text.lines().count(), 101);
    assert_eq!(text.lines().last(), Some("and 50 more errors"));
    assert_eq!(
        text.lines().next(),
        Some(r#"[D0102] deals row 1 (id "D0"), field "amount": expected money, got "x""#)
    );
}

#[test]
fn errors_serialize_to_json() {
    let e = errs(
        &plan(),
        PAYEES,
        "id,payee,date,amount\nD7,P1,2026-01-05,12.345\n",
        None,
        None,
    );
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"errors":[{"code":"D0103","table":"deals","row":1,"id":"D7","field":"amount","expected":"money with at most 2 decimals","message":"expected money with at most 2 decimals, got \"12.345\""}],"omitted":0}"#
    );
}

// --- CSV --------------------------------------------------------------------------------------

#[test]
fn csv_quoting_and_empty_cells() {
    let text = "\u{feff}id,name,note\r\nP1,\"Smith, Ann\",\"she said \"\"hi\"\"\"\r\nP2,,\"two\nlines\"\r\n\"\",x,\n";
    let t = read_csv(text).unwrap();
    assert_eq!(t.columns(), ["id", "name", "note"]);
    assert_eq!(
        t.to_rows(),
        [
            vec![
                Cell::Text("P1".into()),
                Cell::Text("Smith, Ann".into()),
                Cell::Text("she said \"hi\"".into())
            ],
            vec![
                Cell::Text("P2".into()),
                Cell::Null,
                Cell::Text("two\nlines".into())
            ],
            vec![Cell::Null, Cell::Text("x".into()), Cell::Null],
        ]
    );
    // Text values keep their spaces and commas exactly.
    let plan = plan_with(vec![], vec![field("name", FieldType::Text)]);
    let ds = ok(
        &plan,
        "id,name\nP1,\"Smith, Ann \"\n",
        "id,payee,date\n",
        None,
        None,
    );
    match &ds.payees.attrs[0] {
        Column::Text(v) => assert_eq!(texts(&ds, v), ["Smith, Ann "]),
        other => panic!("{other:?}"),
    }
    // Empty text is not a table (a header alone is one, without rows).
    assert_eq!(read_csv("").unwrap_err().code.as_str(), "D0001");
    assert_eq!(read_csv("id\n").unwrap().len(), 0);
}

#[test]
fn csv_unclosed_quotes_are_refused_and_header_spaces_kept() {
    // An unclosed quote would run to the end of the text, swallowing every later row.
    let e = read_csv("id,note\nP1,\"open\nP2,x\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "[D0001] row 1: malformed CSV at line 2, column 4: a quoted field in row 1 is never \
         closed, so every row after it would be lost; close the quote or double a quote that is \
         part of the text (\"\")"
    );
    // Header names are kept exactly: ` id ` is not `id`.
    let t = read_csv(" id , name\nP1,x\n").unwrap();
    assert_eq!(t.columns(), [" id ", " name"]);
}

// --- JSON -------------------------------------------------------------------------------------

#[test]
fn json_numbers_are_exact() {
    let t = read_json(r#"[{"id": "D1", "a": 0.1, "b": 0.2, "n": 17, "big": 123456789012345678901234567, "s": "x\"y", "t": true, "f": false, "z": null}]"#).unwrap();
    assert_eq!(
        t.columns(),
        ["id", "a", "b", "n", "big", "s", "t", "f", "z"]
    );
    let rows = t.to_rows();
    let row = &rows[0];
    let (Cell::Decimal(a), Cell::Decimal(b)) = (&row[1], &row[2]) else {
        panic!("{row:?}")
    };
    assert_eq!((*a + *b).to_string(), "0.3");
    assert_eq!(*a + *b, d("0.3"));
    assert_eq!(row[3], Cell::Integer(17));
    assert_eq!(row[4], Cell::Decimal(d("123456789012345678901234567")));
    assert_eq!(row[5], Cell::Text("x\"y".into()));
    assert_eq!(
        (&row[6], &row[7], &row[8]),
        (&Cell::Bool(true), &Cell::Bool(false), &Cell::Null)
    );

    // Through the whole load: money summed exactly.
    let plan = plan();
    let inputs = Inputs::from_json(
        r#"[{"id":"P1"}]"#,
        r#"[{"id":"D1","payee":"P1","date":"2026-01-05","amount":0.1},{"id":"D2","payee":"P1","date":"2026-01-05","amount":0.2}]"#,
        None,
        None,
    )
    .unwrap();
    let ds = build_dataset(&plan, &inputs).unwrap();
    let Column::Decimal(v) = &ds.deals.attrs[0] else {
        panic!()
    };
    assert_eq!(v.iter().sum::<Decimal>().to_string(), "0.3");
}

#[test]
fn json_rejects_what_it_cannot_keep_exact() {
    let e = read_json(r#"[{"id":"D1"},{"id":"D2","amount":1e400}]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"[D0105] row 2, field "amount": number 1e400 is written with an exponent; write it as a plain decimal"#
    );
    let e = read_json(r#"[{"amount":1.5E2}]"#).unwrap_err();
    assert_eq!((e.code.as_str(), e.row), ("D0105", Some(1)));
    let e = read_json(r#"[{"amount":1234567890123456789012345678901234}]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"[D0105] row 1, field "amount": number 1234567890123456789012345678901234 is out of range (at most 28 significant digits)"#
    );
    let e = read_json(r#"[{"tags":["a"]}]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"[D0002] row 1, field "tags": nested arrays and objects are not supported; each value must be a string, number, bool or null"#
    );
    let e = read_json(r#"[{"a":1,"a":2}]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"[D0002] row 1, field "a": duplicate key "a""#
    );
    let e = read_json(r#"{"id":"P1"}"#).unwrap_err();
    assert_eq!(e.code.as_str(), "D0002");
    assert_eq!(e.row, None);
    let e = read_json(r#"[{"id":"P1"}, 5]"#).unwrap_err();
    assert_eq!((e.code.as_str(), e.row), ("D0002", Some(2)));
    let e = read_json("[{\"id\":\"P1\"},\n {\"id\": }]").unwrap_err();
    assert_eq!(e.code.as_str(), "D0001");
    assert_eq!(
        e.message,
        "malformed JSON: expected value at line 2 column 9"
    );
    assert_eq!(read_json("[]").unwrap(), Table::default());
}

#[test]
fn json_missing_keys_are_null_and_columns_union() {
    let t = read_json(r#"[{"id":"P1"},{"manager":"P1","id":"P2"}]"#).unwrap();
    assert_eq!(t.columns(), ["id", "manager"]);
    assert_eq!(
        t.to_rows(),
        [
            vec![Cell::Text("P1".into()), Cell::Null],
            vec![Cell::Text("P2".into()), Cell::Text("P1".into())]
        ]
    );
    let ds = build_dataset(
        &plan(),
        &Inputs {
            payees: t,
            deals: Table::new(["id", "payee", "date", "amount"]),
            credits: None,
            quotas: None,
            managers: None,
        },
    )
    .unwrap();
    assert_eq!(ds.payees.manager, [None, Some(0)]);
}

#[test]
fn inputs_from_json_name_the_table() {
    let e = Inputs::from_json("[]", "[{\"id\": [1]}]", None, Some("nope")).unwrap_err();
    assert_eq!(
        summary(&e),
        [
            s("D0002", "deals", Some(1), Some("id")),
            s("D0001", "quotas", None, None)
        ]
    );
}

/// 1,000,000 deals through `read_csv` and `build_dataset`; run with
/// `cargo test --release -p commissio-core --test load -- --ignored --nocapture`.
#[test]
#[ignore]
fn million_deals() {
    use std::fmt::Write;
    let n = 1_000_000;
    let plan = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("product", FieldType::Text),
            field("new_logo", FieldType::Bool),
        ],
        vec![],
    );
    let mut payees = String::from("id\n");
    for p in 0..1000 {
        writeln!(payees, "P{p}").unwrap();
    }
    let mut deals = String::from("id,payee,date,amount,product,new_logo\n");
    for i in 0..n {
        writeln!(
            deals,
            "D{i},P{},2026-{:02}-{:02},{}.{:02},Prod{},{}",
            i % 1000,
            i % 12 + 1,
            i % 28 + 1,
            i % 100_000,
            i % 100,
            i % 7,
            i % 2 == 0
        )
        .unwrap();
    }
    let t0 = std::time::Instant::now();
    let table = read_csv(&deals).unwrap();
    let t1 = std::time::Instant::now();
    let inputs = Inputs {
        payees: read_csv(&payees).unwrap(),
        deals: table,
        credits: None,
        quotas: None,
        managers: None,
    };
    let ds = build_dataset(&plan, &inputs).unwrap();
    let t2 = std::time::Instant::now();
    eprintln!("read_csv {:?}, build_dataset {:?}", t1 - t0, t2 - t1);
    assert_eq!(ds.deals.id.len(), n);
    assert!(ds.credits.is_empty());
    assert_eq!(ds.credit_lines().count(), n);
}

#[test]
fn an_empty_json_table_needs_no_columns() {
    let plan = plan();
    let inputs = Inputs::from_json(r#"[{"id": "P1"}]"#, "[]", Some("[]"), Some("[]")).unwrap();
    let ds = build_dataset(&plan, &inputs).unwrap();
    assert_eq!(
        (
            ds.payees.id.len(),
            ds.deals.id.len(),
            ds.credits.deal.len(),
            ds.quotas.len()
        ),
        (1, 0, 0, 0)
    );
    // A table that has rows but lacks a column is still refused.
    let e = build_dataset(
        &plan,
        &Inputs::from_json(r#"[{"id": "P1"}]"#, r#"[{"id": "D1"}]"#, None, None).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.errors[0].code.as_str(), "D0101");
}

// ---------------------------------------------------------------------------------------------
// Manager assignments (the `managers` table)
// ---------------------------------------------------------------------------------------------

fn with_managers(payees: &str, managers: &str) -> Result<Dataset, DataErrors> {
    let inputs = inputs(payees, "id,payee,date,amount\n", None, None)
        .with_managers_csv(managers)
        .unwrap();
    build_dataset(&plan(), &inputs)
}

#[test]
fn managers_table_loads() {
    let ds = with_managers(
        "id,manager\nVP,\nM1,\nR1,\n",
        "payee,manager,from,to\n\
         R1,M1,2026-01-01,2026-02-14\n\
         R1,VP,2026-02-15,\n\
         M1,VP, 2026-01-01 ,\n",
    )
    .unwrap();
    let a = ds.assignments.as_ref().unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(
        (a[0].payee, a[0].manager, a[0].from, a[0].to),
        (2, 1, date("2026-01-01"), Some(date("2026-02-14")))
    );
    assert_eq!((a[1].manager, a[1].to), (0, None));
    assert_eq!(ds.payees.manager, [None, None, None]);
    // No table: no assignments, the manager column is the hierarchy.
    let ds = ok(
        &plan(),
        "id,manager\nM1,\nR1,M1\n",
        "id,payee,date,amount\n",
        None,
        None,
    );
    assert!(ds.assignments.is_none());
    assert_eq!(ds.payees.manager, [None, Some(0)]);
    // An empty table (no columns, no rows) is an empty hierarchy.
    let inputs = Inputs {
        managers: Some(read_json("[]").unwrap()),
        ..inputs("id\nA\n", "id,payee,date,amount\n", None, None)
    };
    let ds = build_dataset(&plan(), &inputs).unwrap();
    assert_eq!(ds.assignments, Some(vec![]));
}

#[test]
fn managers_table_errors_name_table_row_field() {
    let e = with_managers(
        "id\nVP\nM1\nR1\nR2\n",
        "payee,manager,from,to\n\
         R9,M1,2026-01-01,\n\
         R1,M9,2026-01-01,\n\
         R1,M1,2026-03-01,2026-02-01\n\
         R2,M1,,\n\
         R2,M1,2026-01-01,someday\n",
    )
    .unwrap_err();
    assert_eq!(
        summary(&e),
        [
            s("D0202", "managers", Some(1), Some("payee")),
            s("D0207", "managers", Some(2), Some("manager")),
            s("D0209", "managers", Some(3), Some("to")),
            s("D0104", "managers", Some(4), Some("from")),
            s("D0102", "managers", Some(5), Some("to")),
        ]
    );
    assert_eq!(
        lines(&e)[2],
        "[D0209] managers row 3 (id \"R1\"), field \"to\": to 2026-02-01 is before from 2026-03-01"
    );
    // Missing columns.
    let e = with_managers("id\nA\n", "payee,to\nA,\n").unwrap_err();
    assert_eq!(
        summary(&e),
        [
            s("D0101", "managers", None, Some("manager")),
            s("D0101", "managers", None, Some("from")),
        ]
    );
    // A reading error names the managers table.
    let e = inputs("id\nA\n", "id,payee,date,amount\n", None, None)
        .with_managers_json("[1")
        .unwrap_err();
    assert_eq!(e.errors[0].table, Some(TableKind::Managers));
}

#[test]
fn overlapping_assignments_are_d0210() {
    let e = with_managers(
        "id\nM1\nM2\nR1\n",
        "payee,manager,from,to\n\
         R1,M2,2026-04-01,\n\
         R1,M1,2026-01-01,2026-06-30\n\
         R1,M1,2026-07-01,2026-07-31\n",
    )
    .unwrap_err();
    // Row 1 starts while row 2 holds; row 3 starts after row 2 ends but while row 1 holds.
    assert_eq!(
        summary(&e),
        [
            s("D0210", "managers", Some(1), Some("from")),
            s("D0210", "managers", Some(3), Some("from")),
        ]
    );
    assert_eq!(
        lines(&e)[0],
        "[D0210] managers row 1 (id \"R1\"), field \"from\": payee \"R1\" already has a manager on 2026-04-01: the assignment at row 2 runs to 2026-06-30"
    );
    // Back to back is fine.
    with_managers(
        "id\nM1\nM2\nR1\n",
        "payee,manager,from,to\nR1,M1,2026-01-01,2026-03-31\nR1,M2,2026-04-01,\n",
    )
    .unwrap();
}

#[test]
fn dated_cycles_are_d0208_once_at_their_lowest_row() {
    let e = with_managers(
        "id\nA\nB\nC\n",
        "payee,manager,from,to\n\
         A,B,2026-01-01,\n\
         B,C,2026-01-01,\n\
         C,A,2026-05-01,2026-05-31\n\
         C,C,2026-09-01,\n",
    )
    .unwrap_err();
    assert_eq!(
        summary(&e),
        [
            s("D0208", "managers", Some(1), Some("manager")),
            s("D0208", "managers", Some(4), Some("manager")),
        ]
    );
    assert_eq!(
        lines(&e),
        [
            "[D0208] managers row 1 (id \"A\"), field \"manager\": manager cycle from 2026-05-01 to 2026-05-31: \"A\" → \"B\" → \"C\" → \"A\"",
            "[D0208] managers row 4 (id \"C\"), field \"manager\": payee \"C\" is their own manager from 2026-09-01 on",
        ]
    );
    // The same edges on days that never meet make no cycle.
    with_managers(
        "id\nA\nB\n",
        "payee,manager,from,to\nA,B,2026-01-01,2026-01-31\nB,A,2026-02-01,\n",
    )
    .unwrap();
}

#[test]
fn manager_in_both_tables_is_d0211() {
    let e = with_managers(
        "id,manager\nM1,\nR1,M1\nR2,M1\n",
        "payee,manager,from,to\nR1,M1,2026-01-01,\n",
    )
    .unwrap_err();
    assert_eq!(
        summary(&e),
        [
            s("D0211", "payees", Some(2), Some("manager")),
            s("D0211", "payees", Some(3), Some("manager")),
        ]
    );
}

/// Deal ids leave the interner's index once the credits are read (nothing looks them up by
/// text afterwards); every text is still found by `get`, and symbols stay unique.
#[test]
fn texts_are_found_after_loading() {
    let credits = "deal,payee,share,role\nD3,P1,40%,D1\nD3,P2,0.6,se\n";
    let ds = ok(&plan(), PAYEES, DEALS3, Some(credits), None);
    assert_eq!(ds.deal_row("D1"), Some(0));
    assert_eq!(ds.deal_row("D3"), Some(2));
    assert_eq!(ds.deal_row("D4"), None);
    assert_eq!(ds.deal_row("P1"), None);
    assert_eq!(ds.payee_row("P2"), Some(1));
    // "D1" is a deal id and a role: one symbol.
    assert_eq!(ds.texts.get("D1"), Some(ds.deals.id[0]));
    assert_eq!(ds.credits.role[0], ds.deals.id[0]);
    assert_eq!(texts(&ds, &ds.credits.role), ["D1", "se"]);
    let mut texts_copy = ds.texts.clone();
    assert_eq!(texts_copy.intern("D2"), ds.deals.id[1]);
    assert_eq!(texts_copy.intern("new") as usize, ds.texts.len());
}

/// A payee credited twice or more on one deal: each repeat names the payee's first row, for
/// a handful of lines and for a crowd alike.
#[test]
fn repeated_credits_name_the_first_row() {
    use std::fmt::Write;
    let mut payees = String::from("id\n");
    for p in 1..=20 {
        writeln!(payees, "P{p}").unwrap();
    }
    let deals = "id,payee,date,amount\nD1,P1,2026-01-05,100\nD2,P1,2026-01-06,200\n";
    let mut credits = String::from("deal,payee,share\nD2,P3,0.5\nD2,P4,0.25\nD2,P3,0.25\n");
    for p in 1..=17 {
        writeln!(credits, "D1,P{p},0.05").unwrap();
    }
    credits.push_str("D1,P5,0.1\nD2,P3,0.5\nD1,P17,0.05\n");
    let e = errs(&plan(), &payees, deals, Some(&credits), None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0205] credits row 21 (id "D1"), field "payee": payee "P5" is credited twice on deal "D1" (first at row 8)"#,
            r#"[D0205] credits row 23 (id "D1"), field "payee": payee "P17" is credited twice on deal "D1" (first at row 20)"#,
            r#"[D0205] credits row 3 (id "D2"), field "payee": payee "P3" is credited twice on deal "D2" (first at row 1)"#,
            r#"[D0205] credits row 22 (id "D2"), field "payee": payee "P3" is credited twice on deal "D2" (first at row 1)"#,
        ]
    );
}

/// Tables of several MB go through `build_dataset_owned`'s draining reader, which moves the
/// unread text while quoted cells (with commas and line breaks) are being read; the dataset
/// and the errors are the same as when the tables are only borrowed (see `build_dataset`).
#[test]
fn large_tables_load_the_same_owned_or_borrowed() {
    use std::fmt::Write;
    let n = 120_000;
    let plan = plan_with(
        vec![
            field("amount", FieldType::Money),
            field("note", FieldType::Text),
        ],
        vec![],
    );
    let mut deals = String::from("id,payee,date,amount,note\n");
    for i in 0..n {
        let note = if i % 3 == 0 {
            format!("\"line {i},\nsecond \"\"part\"\"\"")
        } else {
            format!("n{}", i % 5)
        };
        writeln!(
            deals,
            "D{i},P{},2026-01-05,{}.{:02},{note}",
            i % 3 + 1,
            i,
            i % 100
        )
        .unwrap();
    }
    // Splits for every other deal, given last deal first.
    let mut credits = String::from("deal,payee,share\n");
    for i in (0..n).step_by(2).rev() {
        writeln!(credits, "D{i},P1,0.25\nD{i},P2,75%").unwrap();
    }
    assert!(deals.len() > 4_000_000 && credits.len() > 1_500_000);
    let ds = ok(&plan, PAYEES, &deals, Some(&credits), None);
    assert_eq!(ds.deals.id.len(), n);
    assert_eq!(
        texts(&ds, &ds.deals.id[119_997..]),
        ["D119997", "D119998", "D119999"]
    );
    assert_eq!(decimals(&ds.deals.attrs[0])[119_999], "119999.99");
    match &ds.deals.attrs[1] {
        Column::Text(v) => {
            assert_eq!(
                texts(&ds, &v[99_999..100_002]),
                ["line 99999,\nsecond \"part\"", "n0", "n1"]
            );
            assert_eq!(ds.texts.get("n1"), Some(v[100_001]));
        }
        other => panic!("{other:?}"),
    }
    // The even deals' rows only; the odd deals are credited to their owners implicitly.
    assert_eq!(ds.credits.deal.len(), n);
    assert_eq!(ds.credits.deal[..4], [0, 0, 2, 2]);
    assert_eq!(ds.credits.payee[..4], [0, 1, 0, 1]);
    assert_eq!(ds.credits.share[..3], [d("0.25"), d("0.75"), d("0.25")]);
    assert_eq!(ds.credit_lines().count(), n + n / 2);
    let first: Vec<_> = ds
        .credit_lines()
        .take(4)
        .map(|l| (l.deal, l.payee, l.share, l.row))
        .collect();
    assert_eq!(
        first,
        [
            (0, 0, d("0.25"), Some(0)),
            (0, 1, d("0.75"), Some(1)),
            (1, 1, Decimal::ONE, None),
            (2, 0, d("0.25"), Some(2)),
        ]
    );
    // Deal ids leave the interner's index after loading; lookups by text still find them.
    assert_eq!(ds.deal_row("D119999"), Some(119_999));
    assert_eq!(ds.deal_row("D1"), Some(1));
    assert_eq!(ds.deal_row("D120000"), None);
    assert_eq!(ds.payee_row("P3"), Some(2));

    // Errors far into both tables come out the same, in order.
    let bad_deals = deals.replacen("D119998,P2,", "D119998,P9,", 1);
    let bad_credits = credits.replacen("D10,P2,75%", "D10,P2,70%\nD10,P3,5%,x", 1);
    let e = errs(&plan, PAYEES, &bad_deals, Some(&bad_credits), None);
    assert_eq!(
        lines(&e),
        [
            r#"[D0202] deals row 119999 (id "D119998"), field "payee": unknown payee "P9" (no payee has this id)"#,
            r#"[D0107] credits row 119991: row has 4 cells, the header has 3 columns"#,
        ]
    );
}
