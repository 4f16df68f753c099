//! The row limit per input table (`D0108`, docs/language.md §14): the default, and a lower
//! limit through `build_dataset_with`, tested at the limit and one row beyond it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use commissio_core::load::{
    build_dataset, build_dataset_with, DataError, DataErrorCode, Inputs, LoadOptions, TableKind,
    MAX_ROWS,
};
use commissio_core::money::{Currency, Rounding, RoundingMode, RoundingStage};
use commissio_core::period::{Date, DateRange, Grain};
use commissio_core::plan::{
    Calendar, DayCount, FieldDef, FieldType, PlanVersion, RecordSchema, Schema,
};

fn plan() -> PlanVersion {
    let date = |s: &str| Date::parse(s).unwrap();
    PlanVersion {
        name: "Rows".into(),
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
                fields: vec![FieldDef {
                    name: "amount".into(),
                    column: "amount".into(),
                    ty: FieldType::Money,
                }],
            },
            payee: RecordSchema {
                builtin_columns: vec![],
                fields: vec![],
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

/// Two payees, `deals` deals and as many credit rows (each deal credited to P1).
fn inputs(deals: usize) -> Inputs {
    let mut d = String::from("id,payee,date,amount\n");
    let mut c = String::from("deal,payee,share\n");
    for i in 1..=deals {
        d.push_str(&format!("D{i},P1,2026-01-15,100.00\n"));
        c.push_str(&format!("D{i},P1,1\n"));
    }
    Inputs::from_csv("id\nP1\nP2\n", &d, Some(&c), None).unwrap()
}

#[test]
fn the_default_limit_is_fifty_million_rows() {
    assert_eq!(MAX_ROWS, 50_000_000);
    assert_eq!(LoadOptions::default(), LoadOptions { max_rows: MAX_ROWS });
    // Well below the default, nothing is refused.
    let ds = build_dataset(&plan(), &inputs(5)).unwrap();
    assert_eq!(ds.deals.id.len(), 5);
}

#[test]
fn tables_at_the_limit_load_and_one_row_more_is_d0108() {
    let at = build_dataset_with(&plan(), &inputs(5), LoadOptions { max_rows: 5 }).unwrap();
    assert_eq!((at.deals.id.len(), at.payees.id.len()), (5, 2));

    // Deals and credits both have 6 rows: both are reported, in table order, each at its
    // first row beyond the limit; nothing else is read.
    let e = build_dataset_with(&plan(), &inputs(6), LoadOptions { max_rows: 5 }).unwrap_err();
    let expected = |table| DataError {
        code: DataErrorCode::TooManyRows,
        table: Some(table),
        row: Some(6),
        id: None,
        field: None,
        expected: None,
        message: "the table has 6 rows; the limit is 5 rows per table".into(),
    };
    assert_eq!(
        e.errors,
        vec![expected(TableKind::Deals), expected(TableKind::Credits)]
    );
    assert_eq!(e.omitted, 0);
    assert_eq!(
        e.errors[0].to_string(),
        "[D0108] deals row 6: the table has 6 rows; the limit is 5 rows per table"
    );

    // The payees table (2 rows) at a limit of 1.
    let e = build_dataset_with(&plan(), &inputs(1), LoadOptions { max_rows: 1 }).unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(
        (
            e.errors[0].code.as_str(),
            e.errors[0].table,
            e.errors[0].row
        ),
        ("D0108", Some(TableKind::Payees), Some(2))
    );
}

#[test]
fn a_limit_above_the_default_is_the_default() {
    // Cheap to state: the limit used is min(max_rows, MAX_ROWS), so any value this large
    // accepts small tables exactly as the default does.
    let ds = build_dataset_with(
        &plan(),
        &inputs(3),
        LoadOptions {
            max_rows: usize::MAX,
        },
    );
    assert_eq!(ds.unwrap().deals.id.len(), 3);
}
