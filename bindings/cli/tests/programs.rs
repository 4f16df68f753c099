//! `commissio run` and `explain` of a program: several plans, an assignments table and a
//! split rule. Fixtures (`tests/fixtures/program/`, the numbers of tests/programs/001): R1 is
//! promoted from the SDR plan (2%) to the AE plan (10%) on 16 April, a 30-day month; deals
//! D1 (5 April, 1,000.00) and D2 (20 April, 3,000.00). Split by days each plan pays half of
//! its month: SDR 80.00 → 40.00, AE 400.00 → 200.00, total 240.00. Split by credit dates the
//! SDR plan pays D1 (20.00) and the AE plan D2 (300.00), total 320.00.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{arg, fixtures, run_in, tempdir};

fn program(cmd: &str, split: Option<&str>, assignments: &str, rest: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        cmd,
        "sdr.comp",
        "ae.comp",
        "--payees",
        "payees.csv",
        "--deals",
        "deals.csv",
        "--assignments",
        assignments,
        "--period",
        "2026-04",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(s) = split {
        v.extend(["--split".to_string(), s.to_string()]);
    }
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

fn run(args: &[String]) -> support::Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run_in(&fixtures().join("program"), &refs)
}

#[test]
fn a_promotion_split_by_days_pays_each_plan_for_its_days() {
    let out = run(&program("run", Some("days"), "assignments.csv", &[]));
    assert_eq!(
        out.ok(),
        "\
payee        period               amount
R1           2026-04              240.00
total                             240.00
"
    );
}

#[test]
fn a_promotion_split_by_credit_dates_pays_each_plan_its_deals() {
    let out = run(&program(
        "run",
        Some("credit_dates"),
        "assignments.csv",
        &[],
    ));
    assert_eq!(
        out.ok(),
        "\
payee        period               amount
R1           2026-04              320.00
total                             320.00
"
    );
}

#[test]
fn the_lines_as_csv_lead_with_their_plan() {
    let dir = tempdir();
    let path = dir.path().join("lines.csv");
    let out = run(&program(
        "run",
        Some("days"),
        "assignments.csv",
        &["--out", arg(&path)],
    ));
    out.code(0);
    assert_eq!(
        out.stderr,
        "wrote 6 lines to ".to_string() + arg(&path) + "\n"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "\
plan,payee,period,component,deal,kind,share,amount
SDR,R1,2026-04,base,D1,deal,1,20.00
SDR,R1,2026-04,base,D2,deal,1,60.00
SDR,R1,2026-04,(plan),,assignment,1,-40.00
AE,R1,2026-04,base,D1,deal,1,100.00
AE,R1,2026-04,base,D2,deal,1,300.00
AE,R1,2026-04,(plan),,assignment,1,-200.00
"
    );
}

#[test]
fn the_json_names_each_plan_and_the_program_totals() {
    let dir = tempdir();
    let path = dir.path().join("results.json");
    run(&program(
        "run",
        Some("days"),
        "assignments.csv",
        &["--out", arg(&path)],
    ))
    .code(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["plans"][0]["plan"], "SDR");
    assert_eq!(v["plans"][1]["plan"], "AE");
    assert_eq!(
        v["totals"],
        serde_json::json!([{ "payee": "R1", "period": "2026-04", "amount": "240.00" }])
    );
    let share = &v["plans"][1]["lines"][2]["trace"]["assignment"];
    assert_eq!(
        share,
        &serde_json::json!({
            "full": "400.00", "assigned_days": "15", "of_days": 30, "fraction": "0.50",
            "assignments": [{ "row": 2, "from": "2026-04-16", "to": null, "weight": null }]
        })
    );
}

#[test]
fn explain_shows_each_plans_share_and_the_assignment() {
    let out = run(&program(
        "explain",
        Some("days"),
        "assignments.csv",
        &["--payee", "R1", "--deal", "D2"],
    ));
    let text = out.ok();
    assert!(
        text.starts_with("plan \"SDR\"\nR1 · 2026-04 · base · deal D2: 60.00\n"),
        "{text}"
    );
    let all = run(&program(
        "explain",
        Some("days"),
        "assignments.csv",
        &["--payee", "R1"],
    ));
    let text = all.ok();
    assert!(
        text.contains(
            "R1 · 2026-04 · (plan) · share of the period on this plan: -200.00\n  on this plan 15 of 30 days by assignments row 2 (2026-04-16 to no end): share 0.5\n"
        ),
        "{text}"
    );
}

#[test]
fn a_program_needs_its_split_rule_and_its_assignments() {
    let err = run(&program("run", None, "assignments.csv", &[]))
        .refused()
        .to_string();
    assert_eq!(
        err,
        "error: a program needs --split days or --split credit_dates (how a payee on several plans in one period is paid by each)\n"
    );
    let err = run(&program("run", Some("weeks"), "assignments.csv", &[]))
        .refused()
        .to_string();
    assert_eq!(
        err,
        "error: unknown --split \"weeks\"; use days or credit_dates\n"
    );
    let no_assignments: Vec<&str> = vec![
        "run",
        "sdr.comp",
        "ae.comp",
        "--payees",
        "payees.csv",
        "--deals",
        "deals.csv",
        "--period",
        "2026-04",
    ];
    let err = run_in(&fixtures().join("program"), &no_assignments)
        .refused()
        .to_string();
    assert_eq!(
        err,
        "error: several plans make a program: give --assignments (payee, plan, from, to, weight) and --split\n"
    );
}

#[test]
fn an_assignment_to_an_unknown_plan_names_the_file_row_and_column() {
    let err = run(&program(
        "run",
        Some("days"),
        "assignments_unknown_plan.csv",
        &[],
    ))
    .refused()
    .to_string();
    assert_eq!(
        err,
        "error[D0401]: assignments_unknown_plan.csv, row 2 (id \"R1\"), column \"plan\": unknown plan \"Account Executive\" (the program's plans are \"SDR\", \"AE\")\nnothing was evaluated: fix the data and run again\n"
    );
}

#[test]
fn verify_traces_replays_every_line_of_every_plan() {
    let out = run(&program(
        "run",
        Some("days"),
        "assignments.csv",
        &["--verify-traces"],
    ));
    out.code(0);
    assert_eq!(out.stderr, "verified 6 lines from their traces\n");
    assert!(
        out.stdout
            .ends_with("total                             240.00\n"),
        "{}",
        out.stdout
    );
}
