//! Limits through the facade (docs/language.md §14) and the canonical JSON of errors
//! (`Error::to_json`), which every binding exposes with the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use commissio::{
    CompiledPlan, Error, Inputs, LoadOptions, MAX_COMPONENTS, MAX_ROWS, MAX_TIER_ROWS,
};

const PLAN: &str = r#"plan "Flat" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  component base { commission on credit.amount  rate 5% }
}
"#;

fn deals(n: usize) -> String {
    let mut s = String::from("id,payee,date,amount\n");
    for i in 1..=n {
        s.push_str(&format!("D{i},A,2026-02-01,100.00\n"));
    }
    s
}

#[test]
fn the_limits_are_exported() {
    assert_eq!(
        (MAX_ROWS, MAX_TIER_ROWS, MAX_COMPONENTS),
        (50_000_000, 1_000, 256)
    );
}

#[test]
fn max_rows_at_and_beyond_the_limit() {
    let plan = CompiledPlan::compile(PLAN).unwrap();
    let inputs = Inputs::from_csv("id\nA\n", &deals(3), None, None).unwrap();
    let r = plan
        .evaluate_with(&inputs, "2026-Q1", LoadOptions { max_rows: 3 })
        .unwrap();
    assert_eq!(r.total("A", "2026-Q1").unwrap().to_string(), "15.00");
    let inputs = Inputs::from_csv("id\nA\n", &deals(4), None, None).unwrap();
    // The default limit is far away.
    assert_eq!(
        plan.evaluate(&inputs, "2026-Q1")
            .unwrap()
            .total("A", "2026-Q1")
            .unwrap()
            .to_string(),
        "20.00"
    );
    let e = plan
        .evaluate_with(&inputs, "2026-Q1", LoadOptions { max_rows: 3 })
        .unwrap_err();
    assert_eq!(e.code(), "D0108");
    assert_eq!(
        e.to_json(PLAN),
        r#"{"kind":"data","code":"D0108","summary":"[D0108] deals row 4: the table has 4 rows; the limit is 3 rows per table","errors":[{"code":"D0108","table":"deals","row":4,"id":null,"field":null,"expected":null,"message":"the table has 4 rows; the limit is 3 rows per table"}],"omitted":0}"#
    );
}

#[test]
fn owned_inputs_give_the_same_results_and_errors() {
    let plan = CompiledPlan::compile(PLAN).unwrap();
    let inputs = || Inputs::from_csv("id\nA\n", &deals(4), None, None).unwrap();
    let borrowed = plan
        .evaluate_with(&inputs(), "2026-Q1", LoadOptions { max_rows: 4 })
        .unwrap();
    let owned = plan
        .evaluate_owned(inputs(), "2026-Q1", LoadOptions { max_rows: 4 })
        .unwrap();
    assert_eq!(owned.to_json().unwrap(), borrowed.to_json().unwrap());
    assert_eq!(owned.total("A", "2026-Q1").unwrap().to_string(), "20.00");
    let e = plan
        .evaluate_owned(inputs(), "2026-Q1", LoadOptions { max_rows: 3 })
        .unwrap_err();
    assert_eq!(
        e.to_json(PLAN),
        r#"{"kind":"data","code":"D0108","summary":"[D0108] deals row 4: the table has 4 rows; the limit is 3 rows per table","errors":[{"code":"D0108","table":"deals","row":4,"id":null,"field":null,"expected":null,"message":"the table has 4 rows; the limit is 3 rows per table"}],"omitted":0}"#
    );
    let bad = Inputs::from_csv(
        "id\nA\n",
        "id,payee,date,amount\nD1,B,2026-02-01,1.00\n",
        None,
        None,
    )
    .unwrap();
    let (x, y) = (
        plan.evaluate_owned(bad.clone(), "2026-Q1", LoadOptions::default())
            .unwrap_err(),
        plan.evaluate(&bad, "2026-Q1").unwrap_err(),
    );
    assert_eq!(x.to_json(PLAN), y.to_json(PLAN));
    assert_eq!(x.code(), y.code());
}

#[test]
fn canonical_json_of_period_and_eval_errors() {
    let plan = CompiledPlan::compile(PLAN).unwrap();
    let inputs = Inputs::from_csv("id\nA\n", &deals(1), None, None).unwrap();
    let e = plan.evaluate(&inputs, "2026-Q5").unwrap_err();
    let Error::Period(p) = &e else {
        panic!("expected a period error, got {e:?}")
    };
    assert_eq!(
        e.to_json(PLAN),
        format!(
            r#"{{"kind":"period","code":"P0001","summary":{},"text":"2026-Q5","reason":{}}}"#,
            serde_json::to_string(&p.to_string()).unwrap(),
            serde_json::to_string(&p.reason).unwrap()
        )
    );
    let div = PLAN.replace("rate 5%", "rate 5% / 0");
    let plan = CompiledPlan::compile(&div).unwrap();
    let e = plan.evaluate(&inputs, "2026-Q1").unwrap_err();
    let Error::Eval(ev) = &e else {
        panic!("expected an evaluation error, got {e:?}")
    };
    assert_eq!(ev.code, "R0101");
    // The span of `5% / 0`: line 7, columns 54..60 in every unit (the line is ASCII).
    let start = div.find("5% / 0").unwrap();
    assert_eq!(
        (ev.source.start as usize, ev.source.end as usize),
        (start, start + 6)
    );
    assert_eq!(
        e.to_json(&div),
        format!(
            r#"{{"kind":"eval","code":"R0101","summary":"[R0101] {msg} (payee \"A\", period 2026-Q1, deal \"D1\", line 7, column 54)","message":"{msg}","payee":"A","deal":"D1","period":"2026-Q1","span":{{"start":{s},"end":{e},"start_utf16":{s},"end_utf16":{e},"line":7,"column":54,"column_utf16":54,"column_chars":54,"end_line":7,"end_column":60,"end_column_utf16":60,"end_column_chars":60}}}}"#,
            msg = ev.message,
            s = start,
            e = start + 6
        )
    );
}

#[test]
fn canonical_json_of_a_plan_error_locates_every_diagnostic() {
    let comps: String = (1..=MAX_COMPONENTS + 1)
        .map(|k| format!("  component c{k} {{ pay 1 per deal }}\n"))
        .collect();
    let text = PLAN.replace(
        "  component base { commission on credit.amount  rate 5% }\n",
        &comps,
    );
    let e = CompiledPlan::compile(&text).unwrap_err();
    assert_eq!(e.code(), "E0009");
    let v: serde_json::Value = serde_json::from_str(&e.to_json(&text)).unwrap();
    assert_eq!(v["kind"], "plan");
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0009");
    assert_eq!(d["message"], "the plan has more than 256 components");
    // Line 6 + 257, column 13: the name of component 257.
    assert_eq!(d["line"], 263);
    assert_eq!(d["column"], 13);
    assert_eq!(d["label"], "component 257 is beyond the limit");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    assert!(e.to_json(&text).starts_with(r#"{"kind":"plan","code":"E0009","summary":"the plan has 1 error: error[E0009] line 263, column 13: the plan has more than 256 components","diagnostics":[{"code":"E0009","severity":"error","message":"the plan has more than 256 components","start":"#));
}
