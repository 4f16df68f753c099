//! The boundary every binding uses: the input schema of a plan, named totals, line-kind names,
//! and the error view's "has a span" rule.

use commissio::core::load::TableKind;
use commissio::core::results::LineKind;
use commissio::{CompiledPlan, Error, InputSchema, Inputs, SourceLines};

const PARTNER: &str = r#"plan "Partner" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal (id = order_no, payee = partner_id) {
    amount: money from net_amount
    margin: percent
  }
  input payee (id = partner_id) { tier: text }
  component base { commission on credit.amount * deal.margin  rate 10% }
}
"#;

fn columns(schema: &InputSchema, kind: TableKind) -> Vec<(String, &'static str, bool)> {
    schema
        .table(kind)
        .map(|t| {
            t.columns
                .iter()
                .map(|c| (c.name.clone(), c.describe(), c.required))
                .collect()
        })
        .unwrap_or_default()
}

fn own(v: &[(&str, &'static str, bool)]) -> Vec<(String, &'static str, bool)> {
    v.iter().map(|(n, d, r)| (n.to_string(), *d, *r)).collect()
}

#[test]
fn the_schema_lists_every_table_with_renamed_builtins_and_fields() {
    let plan = CompiledPlan::compile(PARTNER).unwrap();
    let schema = plan.input_schema();
    let kinds: Vec<(TableKind, bool)> = schema
        .tables
        .iter()
        .map(|t| (t.table, t.required))
        .collect();
    assert_eq!(
        kinds,
        [
            (TableKind::Payees, true),
            (TableKind::Deals, true),
            (TableKind::Credits, false),
            (TableKind::Quotas, false),
            (TableKind::Managers, false)
        ]
    );
    let id = "an id (text)";
    let date = "date (YYYY-MM-DD)";
    assert_eq!(
        columns(&schema, TableKind::Payees),
        own(&[
            ("partner_id", id, true),
            ("manager", id, false),
            ("start", date, false),
            ("end", date, false),
            ("tier", "text", true),
        ])
    );
    assert_eq!(
        columns(&schema, TableKind::Deals),
        own(&[
            ("order_no", id, true),
            ("partner_id", id, true),
            ("date", date, true),
            ("net_amount", "money", true),
            ("margin", "percent", true),
        ])
    );
    assert_eq!(
        columns(&schema, TableKind::Credits),
        own(&[
            ("deal", id, true),
            ("payee", id, true),
            ("share", "share (0 < share <= 1, or a percentage)", true),
            ("role", "text", false),
        ])
    );
    assert_eq!(
        columns(&schema, TableKind::Quotas),
        own(&[
            ("payee", id, true),
            ("period", "period", true),
            ("amount", "money", true)
        ])
    );
    assert_eq!(
        columns(&schema, TableKind::Managers),
        own(&[
            ("payee", id, true),
            ("manager", id, true),
            ("from", date, true),
            ("to", date, false),
        ])
    );
    // The JSON the bindings may hand to tools.
    assert_eq!(
        serde_json::to_string(schema.table(TableKind::Quotas).unwrap()).unwrap(),
        r#"{"table":"quotas","required":false,"columns":[{"name":"payee","type":"id","required":true},{"name":"period","type":"period","required":true},{"name":"amount","type":{"field":"money"},"required":true}]}"#
    );
}

#[test]
fn empty_tables_get_the_schemas_columns_and_evaluate_to_nothing() {
    let plan = CompiledPlan::compile(PARTNER).unwrap();
    let mut inputs = Inputs::from_json("[]", "[]", Some("[]"), None).unwrap();
    assert!(inputs.deals.columns().is_empty());
    plan.input_schema().complete_empty_tables(&mut inputs);
    assert_eq!(
        inputs.deals.columns(),
        ["order_no", "partner_id", "date", "net_amount", "margin"]
    );
    assert_eq!(
        inputs.credits.as_ref().unwrap().columns(),
        ["deal", "payee", "share", "role"]
    );
    let results = plan.evaluate(&inputs, "2026-Q1").unwrap();
    assert_eq!(results.line_count(), 0);
    assert_eq!(results.named_totals().len(), 0);
}

#[test]
fn totals_come_with_names_and_kinds_with_their_one_name() {
    let plan = CompiledPlan::compile(PARTNER).unwrap();
    let inputs = Inputs::from_csv(
        "partner_id,tier\nP1,gold\nP2,silver\n",
        "order_no,partner_id,date,net_amount,margin\nO1,P2,2026-02-01,1000.00,50%\nO2,P1,2026-04-01,200.00,0.25\n",
        None,
        None,
    )
    .unwrap();
    let results = plan.evaluate(&inputs, "2026-Q1..2026-Q2").unwrap();
    let totals: Vec<(String, String, Option<String>, String)> = results
        .named_totals()
        .chain(results.named_component_totals())
        .map(|t| {
            (
                t.payee.to_string(),
                t.period,
                t.component.map(str::to_string),
                t.amount.to_string(),
            )
        })
        .collect();
    let t = |p: &str, q: &str, c: Option<&str>, a: &str| {
        (
            p.to_string(),
            q.to_string(),
            c.map(str::to_string),
            a.to_string(),
        )
    };
    assert_eq!(
        totals,
        [
            t("P1", "2026-Q2", None, "5.00"),
            t("P2", "2026-Q1", None, "50.00"),
            t("P1", "2026-Q2", Some("base"), "5.00"),
            t("P2", "2026-Q1", Some("base"), "50.00"),
        ]
    );
    assert_eq!(
        results.total("P2", "2026-Q1").map(|d| d.to_string()),
        Some("50.00".into())
    );
    assert_eq!(results.total("P2", "2026-Q2"), None);
    let names: Vec<&str> = LineKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "deal",
            "period",
            "true_up",
            "floor_top_up",
            "rounding",
            "assignment"
        ]
    );
    for k in LineKind::ALL {
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            format!("\"{}\"", k.name())
        );
    }
}

#[test]
fn an_evaluation_error_without_a_place_has_no_span() {
    let lines = SourceLines::new("plan");
    let none = commissio::core::plan::SourceRef { start: 0, end: 0 };
    assert_eq!(lines.source_span(none), None);
    let empty_at_2 = commissio::core::plan::SourceRef { start: 2, end: 2 };
    assert_eq!(
        lines.source_span(empty_at_2).map(|s| (s.line, s.column)),
        Some((1, 3))
    );
    let e = Error::Eval(commissio::core::results::EvalError::new(
        "R0304",
        "unknown payee \"X\"",
        none,
    ));
    assert_eq!(
        e.to_json("plan"),
        r#"{"kind":"eval","code":"R0304","summary":"[R0304] unknown payee \"X\"","message":"unknown payee \"X\"","payee":null,"deal":null,"period":null,"span":null}"#
    );
}

#[test]
fn a_data_summary_counts_the_errors_after_the_first() {
    let plan = CompiledPlan::compile(PARTNER).unwrap();
    let bad = |n: usize| {
        let mut deals = String::from("order_no,partner_id,date,net_amount,margin\n");
        for i in 0..n {
            deals.push_str(&format!("O{i},P1,2026-02-01,x,50%\n"));
        }
        let inputs = Inputs::from_csv("partner_id,tier\nP1,gold\n", &deals, None, None).unwrap();
        let e = plan.evaluate(&inputs, "2026-Q1").unwrap_err();
        e.view(&plan.source_lines()).summary().to_string()
    };
    let first = "[D0102] deals row 1 (id \"O0\"), field \"net_amount\": expected money, got \"x\"";
    assert_eq!(bad(1), first);
    assert_eq!(bad(2), format!("{first} (and 1 more error)"));
    assert_eq!(bad(3), format!("{first} (and 2 more errors)"));
}
