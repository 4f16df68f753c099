//! The canonical formatter: idempotence, round trip, comment preservation, exact layouts, and a
//! property test over random expressions (precedence and parentheses).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use commissio_core::money::RoundingMode;
use commissio_core::plan::{AggFunc, Population, Window};
use commissio_dsl::ast::{self, BinaryOp, Expr, ExprKind, FuncName, Span, Spanned};
use commissio_dsl::format::{print_expr, print_file};
use commissio_dsl::{format, parse};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Removes every span: `"span"` keys, and bare span objects (`{"start": n, "end": n}`, as in
/// `Overlay(Span)`, `TrueUp(Span)`, `PayUnit::PerDeal(Span)`, `PayDecl::Flat(_, Span)`), which
/// become null.
fn strip_spans(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let is_span = map.len() == 2
                && map.get("start").is_some_and(Value::is_number)
                && map.get("end").is_some_and(Value::is_number);
            if is_span {
                *v = Value::Null;
                return;
            }
            map.remove("span");
            for (_, x) in map.iter_mut() {
                strip_spans(x);
            }
        }
        Value::Array(xs) => xs.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

fn json_of<T: serde::Serialize>(x: &T) -> Value {
    let mut v = serde_json::to_value(x).expect("AST serialises");
    strip_spans(&mut v);
    v
}

fn ast_json(src: &str) -> Value {
    let file = parse(src).unwrap_or_else(|e| panic!("does not parse: {e:?}\n---\n{src}"));
    json_of(&file)
}

/// Comment texts (trailing spaces removed), found independently of the formatter: a `#` outside
/// a text literal runs to the end of the line.
fn comments(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_str = false;
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_str {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
        } else if c == '#' {
            let end = src[i..].find('\n').map(|n| i + n).unwrap_or(src.len());
            out.push(src[i..end].trim_end_matches([' ', '\t', '\r']).to_string());
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
        }
    }
    out.sort();
    out
}

/// Every required property of one plan text.
fn check_plan(name: &str, src: &str) -> String {
    let once = format(src).unwrap_or_else(|e| panic!("{name}: format failed: {e:?}"));
    let twice = format(&once).unwrap_or_else(|e| panic!("{name}: reformat failed: {e:?}\n{once}"));
    assert_eq!(twice, once, "{name}: not idempotent");
    assert_eq!(
        ast_json(&once),
        ast_json(src),
        "{name}: AST changed\n{once}"
    );
    assert_eq!(
        comments(&once),
        comments(src),
        "{name}: comments changed\n{once}"
    );
    // Layout hygiene.
    assert!(
        once.ends_with('\n') && !once.ends_with("\n\n"),
        "{name}: file end"
    );
    assert!(
        !once.contains("\n\n\n"),
        "{name}: double blank line\n{once}"
    );
    for line in once.lines() {
        assert_eq!(line, line.trim_end(), "{name}: trailing spaces\n{once}");
        assert!(!line.contains('\t'), "{name}: tab");
    }
    // The comment-less printer gives the same AST, and agrees with `format` when there are no
    // comments, blank lines of the author's, or payment items.
    let printed = print_file(&parse(src).expect("parses"));
    assert_eq!(
        ast_json(&printed),
        ast_json(src),
        "{name}: print_file AST\n{printed}"
    );
    assert_eq!(
        format(&printed).expect("parses"),
        printed,
        "{name}: print_file not canonical"
    );
    once
}

fn comp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            comp_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "comp") {
            out.push(p);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inline plans: every construct in the grammar, written untidily, with comments everywhere.
// ---------------------------------------------------------------------------------------------

const HEADER: &str = r#"# File header comment.

# Second header paragraph.
plan "Header Items" {   # after the plan brace
  currency EUR
  period quarter fiscal year starts february   # fiscal
  effective 2026-02-01 to 2027-01-31
  rounding half_up 2 per component
  proration 30_360
  ramp [0%, 25% ,50%, 75%,
        100%]   # ramp factors
  credit overlay
  # end of plan
}
# end of file
"#;

const PERIODS: &str = r#"plan "Periods" {
period month
rounding half_even 4 per payout
proration actual
effective 2026-01-01 to 2026-12-31
currency USD
}
plan "Periods" version 2 { period half  rounding down 0 per line }
plan "Periods" version 3 {period year fiscal year starts december}
"#;

const INPUTS: &str = r#"plan "Inputs" {
  input deal (id = deal_id, payee = rep_id, date = close_date) { amount: money from "Amount USD" }
  input payee { quota: money, target_incentive: money, }
  input deal {
    amount: money, product: text   # inline comment
    new_logo: bool
    segment: text from segment_code
    # inside, at the end
  }
  input thing (id = "Deal #", payee = "Rep \"Name\"") {
    a: number, b: percent, c: integer, d: date, e: text from "col with # hash"
  }
  input empty {}
  input empty2 { # only a comment
  }
}
"#;

const MEASURES: &str = r#"plan "Measures" {
  measure bookings = sum(credit.amount)
  measure team_new = team ytd sum(credit.amount where deal.new_logo)
  measure direct_year = direct year avg(deal.amount)
  measure deals = count()
  measure new_deals = count(where deal.new_logo)
  measure counted = count(deal.id)
  measure biggest = max(deal.amount)
  measure smallest = min(deal.amount)
  measure smallest_new = min(deal.amount where deal.new_logo and not deal.renewal)
  measure ytd_max = ytd max(credit.amount)
  measure pick = min(a, b)
  measure pick3 = max(a, b, c)
  measure attainment = bookings / payee.quota
  measure share = 50% of payee.target_incentive
  measure calls = round(clamp(x, 0, 1.50) * abs(-y), 2, half_up) + days(deal.date, 2026-12-31)
  measure mixed = prorate(payee.target_incentive) + ramp(payee.quota) - round(x, 0, half_even)
  measure cond = if attainment >= 100% then 1.5 else if attainment >= 50% then 1 else 0.0
  measure logic = not a = b and (c or d) or not not e
  measure arith = -(a + b) * c - (d - e) / (f / g) - -h
  measure paren = ((a)) + (b * c) + (if x then 1 else 2) * 3
  measure text = "quote \" backslash \\ newline \n tab \t hash #"
  measure big = 1_000_000 + 0.000 + 007 + 12.50%
  measure dates = 2026-01-01 < deal.date and true != false
  measure chain = (a = b) = (c < d)
}
"#;

const TIERS: &str = r#"plan "Tiers" {
  component tiers {
    commission on credit.amount
    # Bands by attainment.
    rate graduated by attainment {
      [0%, 50%) 2%
      [50%, 100%) 8%   # main band

      [100%, 150%] 12%
      (150%, ..) 16%
      # last
    }
    rate retroactive by amount per deal { [0, 10_000) 1% [10_000, ..] 2% }
    rate graduated by bookings running {
      [0, 100) flat 500
      [100, ..) flat 1_000.00
    }
    rate retroactive by attainment at period end {
      [0%, 100%) 0%
      [100%, ..) 5%
    }
    rate interpolated by attainment {
      0% => 0%
      50% => 25%   # halfway
      100% => 100%
      150% => 200%
    }
  }
}
"#;

const RATE_TABLES: &str = r#"plan "Tables" {
  component by_segment {
    commission on credit.amount
    rate table by deal.segment, deal.product {
      "Enterprise", "Platform" => 10%
      "Enterprise", _ => 8%   # any product
      _, "Platform" => 6%
      "SMB", "Add-on" => flat 100
      default => 4%
    }
    rate table by deal.new_logo { true => 2% false => 1% default => 0% }
    rate table by deal.date { 2026-01-01 => 1% default => 0.5% }
  }
}
"#;

const PAY: &str = r#"plan "Pay" {
  component spiff {
    pay 250 per deal when deal.product = "Platform" and deal.amount >= 100_000
    pay 5 per unit of deal.seats
    pay 2 per unit of deal.seats when deal.new_logo
    pay 2000 once when attainment >= 120%
    pay 100 once
    multiply 1.2 when deal.new_logo
    multiply by 0.5
    gate attainment >= 25%
    eligible when payee.role = "AE"
    during 2026-02-01 to 2026-03-31
    cap per line at 5_000
    floor per line at 0
    cap per period at 50% of payee.target_incentive
    floor per period at 100
    true_up ytd
  }
  component empty {}
  component empty_commented {
    # nothing yet
  }
  cap total per period at payee.target_incentive
  floor total per period at 0
  cap total per plan at 100_000
}
"#;

const PAYMENTS: &str = r#"plan "Payments" {
  currency USD
  holdback 10% of payout until quarter end   # kept verbatim
  draw 1000 per month recoverable
  clawback 90 days
  guarantee 500 per period
  measure m = 1
}
"#;

const COMMENTS: &str = r#"# top
plan "Comments" # after the name
{
  # before currency
  currency   # between keyword and code
    USD  # trailing currency

  # before measure


  measure a = b +   # inside an expression
     c    # after the expression
  measure s = "not # a comment"   # a real one
  component c { # header trailing
    # leading clause
    gate x   # trailing clause
    rate graduated   # inside the rate header
      by y {
      # first row comment
      [0, 1) 1%
    }  # after the table
    # before close
  }   # after the component
  # last in plan
}   # after the plan
# tail 1

# tail 2
"#;

const VERSIONS: &str = r#"# Version history.
plan "X" { currency USD measure m = 1 component c { rate 5% } }

# The second version.
plan "X" version 2 {
  currency USD
  measure m = 2
  component c { rate 6% commission on credit.amount }
}
plan "X" version 10 { }
"#;

const EDGE: &str = r#"plan "Edge" {
  component c {
    rate graduated by (amount) { [0, 1) 1% }
    rate graduated by (amount.x) + 1 { [0, 1) flat -1 }
    rate interpolated by k {
      0 => 1
      (-5) => 2
      (-5 + 1) => 3
    }
    rate interpolated by k {
      0 => (ramp)
      (a or b) = c => 3
      4 => (team)
      sum(x) => 5
    }
    rate graduated by k {
      [0, 1) (ramp)
      (1, 2] (flat - 1)
    }
    multiply by (by)
    pay (per) per deal
    rate table by k { "a" => (flat - 1) }
  }
  measure mid = sum(if a then b else c where d)
  measure neg = -(if a then b else c) + (not a) * 2
}
"#;

const ALL: &[(&str, &str)] = &[
    ("HEADER", HEADER),
    ("PERIODS", PERIODS),
    ("INPUTS", INPUTS),
    ("MEASURES", MEASURES),
    ("TIERS", TIERS),
    ("RATE_TABLES", RATE_TABLES),
    ("PAY", PAY),
    ("PAYMENTS", PAYMENTS),
    ("COMMENTS", COMMENTS),
    ("VERSIONS", VERSIONS),
    ("EDGE", EDGE),
];

// ---------------------------------------------------------------------------------------------
// Properties over every plan
// ---------------------------------------------------------------------------------------------

#[test]
fn inline_plans_are_idempotent_round_trip_and_keep_comments() {
    for (name, src) in ALL {
        check_plan(name, src);
    }
}

#[test]
fn plan_files_are_idempotent_round_trip_and_keep_comments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    comp_files(&root.join("examples"), &mut files);
    comp_files(&root.join("tests"), &mut files);
    assert!(!files.is_empty(), "no .comp files found");
    for f in files {
        let src = std::fs::read_to_string(&f).expect("readable");
        let name = f.display().to_string();
        match parse(&src) {
            Ok(_) => {
                check_plan(&name, &src);
            }
            // Files written to exercise parse errors: the formatter reports the same errors.
            Err(errs) => assert_eq!(format(&src).err(), Some(errs), "{name}"),
        }
    }
}

#[test]
fn parse_errors_are_returned() {
    let errs = format("plan \"x\" { measure = }").expect_err("does not parse");
    assert_eq!(errs[0].code, "E0001");
}

// ---------------------------------------------------------------------------------------------
// Exact layouts
// ---------------------------------------------------------------------------------------------

#[test]
fn exact_example_plan() {
    let src = include_str!("../../examples/ae_quota_tiers.comp");
    let expected = r#"# Account executive: quota tiers with accelerators, a new-logo kicker, a SPIFF and caps.
plan "Account Executive FY2026" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, product: text, new_logo: bool }
  input payee { quota: money, target_incentive: money }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota

  component core {
    commission on credit.amount
    rate graduated by attainment {
      [0%,   50%)  2%
      [50%,  100%) 8%
      [100%, 150%) 12%  # accelerator
      [150%, ..)   16%
    }
    multiply by 1.2 when deal.new_logo
    gate attainment >= 25%
    cap per period at 50% of payee.target_incentive
  }

  component platform_spiff {
    pay 250 per deal when deal.product = "Platform" and deal.amount >= 100000
    during 2026-02-01 to 2026-03-31
  }

  component kicker {
    pay 2000 once when attainment >= 120%
  }

  cap total per period at payee.target_incentive
}
"#;
    assert_eq!(format(src).expect("parses"), expected);
}

#[test]
fn exact_messy_plan() {
    let src = r#"
# Territory plan.
plan "Territory"   version 2{currency USD period quarter fiscal year starts february
input deal(id=deal_id,payee=rep_id,date=close_date){amount:money from "Amount USD",segment:text,product:text,seats:integer}
input payee{quota:money}
measure bookings=team ytd sum(credit.amount where deal.new_logo)
measure att=bookings/payee.quota   # attainment
component by_segment{commission on credit.amount rate table by deal.segment,deal.product{"Enterprise","Platform"=>10% "Enterprise",_=>8% default=>flat 50}
pay 5 per unit of deal.seats when not(deal.seats<10)
multiply 1.2 when (att>1 and deal.segment="SMB")or deal.new_logo}
component curve{rate interpolated by att at period end{0%=>0% 50%=>25% 100%=>100%}
cap per period at max(1_000,  10% of payee.quota)}
cap total per plan at 1.50*payee.quota}
"#;
    let expected = r#"# Territory plan.
plan "Territory" version 2 {
  currency USD
  period quarter fiscal year starts february

  input deal (id = deal_id, payee = rep_id, date = close_date) {
    amount: money from "Amount USD"
    segment: text
    product: text
    seats: integer
  }
  input payee { quota: money }

  measure bookings = team ytd sum(credit.amount where deal.new_logo)
  measure att = bookings / payee.quota  # attainment

  component by_segment {
    commission on credit.amount
    rate table by deal.segment, deal.product {
      "Enterprise", "Platform" => 10%
      "Enterprise", _          => 8%
      default                  => flat 50
    }
    pay 5 per unit of deal.seats when not deal.seats < 10
    multiply by 1.2 when att > 1 and deal.segment = "SMB" or deal.new_logo
  }

  component curve {
    rate interpolated by att at period end {
      0%   => 0%
      50%  => 25%
      100% => 100%
    }
    cap per period at max(1000, 10% of payee.quota)
  }

  cap total per plan at 1.50 * payee.quota
}
"#;
    let out = format(src).expect("parses");
    assert_eq!(out, expected);
    check_plan("messy", src);
}

#[test]
fn exact_comments_plan() {
    let expected = r#"# top
# after the name
plan "Comments" {
  # before currency
  # between keyword and code
  currency USD  # trailing currency

  # before measure

  # inside an expression
  measure a = b + c  # after the expression
  measure s = "not # a comment"  # a real one

  component c {  # header trailing
    # leading clause
    gate x  # trailing clause
    # inside the rate header
    rate graduated by y {
      # first row comment
      [0, 1) 1%
    }  # after the table
    # before close
  }  # after the component
  # last in plan
}  # after the plan
# tail 1

# tail 2
"#;
    assert_eq!(format(COMMENTS).expect("parses"), expected);
}

#[test]
fn exact_tiers_and_header() {
    let expected = r#"plan "Tiers" {
  component tiers {
    commission on credit.amount
    # Bands by attainment.
    rate graduated by attainment {
      [0%,   50%)  2%
      [50%,  100%) 8%  # main band

      [100%, 150%] 12%
      (150%, ..)   16%
      # last
    }
    rate retroactive by amount per deal {
      [0,     10000) 1%
      [10000, ..]    2%
    }
    rate graduated by bookings running {
      [0,   100) flat 500
      [100, ..)  flat 1000.00
    }
    rate retroactive by attainment at period end {
      [0%,   100%) 0%
      [100%, ..)   5%
    }
    rate interpolated by attainment {
      0%   => 0%
      50%  => 25%  # halfway
      100% => 100%
      150% => 200%
    }
  }
}
"#;
    assert_eq!(format(TIERS).expect("parses"), expected);
    let header = format(HEADER).expect("parses");
    assert_eq!(
        header,
        r#"# File header comment.

# Second header paragraph.
plan "Header Items" {  # after the plan brace
  currency EUR
  period quarter fiscal year starts february  # fiscal
  effective 2026-02-01 to 2027-01-31
  rounding half_up 2 per component
  proration 30_360
  ramp [0%, 25%, 50%, 75%, 100%]  # ramp factors
  credit overlay
  # end of plan
}
# end of file
"#
    );
}

#[test]
fn crlf_tabs_and_bom_are_normalised() {
    let src = "\u{FEFF}# crlf\r\nplan \"p\" {\r\n\tcurrency USD\t# code\r\n\r\n\r\n\tmeasure m = 1 # one\r\n\tholdback 5%\t\r\n}\r\n";
    let out = check_plan("crlf", src);
    assert_eq!(
        out,
        "# crlf\nplan \"p\" {\n  currency USD  # code\n\n  measure m = 1  # one\n\n  holdback 5%\n}\n"
    );
}

#[test]
fn payments_are_copied_from_the_source() {
    let out = format(PAYMENTS).expect("parses");
    assert!(out.contains("\n  holdback 10% of payout until quarter end   # kept verbatim\n"));
    assert!(out.contains("\n  draw 1000 per month recoverable\n"));
    // Without the source only the keyword is known; it parses back to the same AST.
    let printed = print_file(&parse(PAYMENTS).expect("parses"));
    assert!(printed.contains("\n  holdback\n  draw\n  clawback\n  guarantee\n"));
}

#[test]
fn expressions_print_with_minimal_parentheses() {
    let cases = [
        ("a + b * c", "a + b * c"),
        ("(a + b) * c", "(a + b) * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a - (b + c)", "a - (b + c)"),
        ("a + (b + c)", "a + (b + c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b / c)", "a / (b / c)"),
        ("a / (b * c)", "a / (b * c)"),
        ("(a / b) * c", "a / b * c"),
        ("50% of (a + b)", "50% of (a + b)"),
        ("-(a * b)", "-(a * b)"),
        ("(-a) * b", "-a * b"),
        ("- -a", "--a"),
        ("a - -b", "a - -b"),
        ("not (a and b)", "not (a and b)"),
        ("not (a = b)", "not a = b"),
        ("(not a) = b", "(not a) = b"),
        ("not not a", "not not a"),
        ("(not a) and b", "not a and b"),
        ("a or (b or c)", "a or (b or c)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a and b or c", "a and b or c"),
        ("(a = b) = c", "(a = b) = c"),
        ("a = (b < c)", "a = (b < c)"),
        ("(if a then b else c) + 1", "(if a then b else c) + 1"),
        ("1 + (if a then b else c)", "1 + (if a then b else c)"),
        ("if a then b else c + 1", "if a then b else c + 1"),
        (
            "if (if a then b else c) then d else e",
            "if (if a then b else c) then d else e",
        ),
        (
            "if a then (if b then c else d) else e",
            "if a then (if b then c else d) else e",
        ),
        (
            "if a then b else (if c then d else e)",
            "if a then b else if c then d else e",
        ),
        ("-(if a then b else c)", "-(if a then b else c)"),
        ("-(not a)", "-(not a)"),
        ("min(x)", "min(x)"),
        ("max(x where y)", "max(x where y)"),
        ("min(a, b)", "min(a, b)"),
        ("min()", "min()"),
        ("year count(where deal.x)", "year count(where deal.x)"),
        ("round(x, 2, half_up)", "round(x, 2, half_up)"),
        ("1.50 + 0.0 + 1_000", "1.50 + 0.0 + 1000"),
        ("12.5%", "12.5%"),
    ];
    for (input, want) in cases {
        let src = format!("plan \"p\" {{ measure m = {input} }}");
        let out = check_plan(input, &src);
        assert_eq!(
            out,
            format!("plan \"p\" {{\n  measure m = {want}\n}}\n"),
            "{input}"
        );
    }
}

#[test]
fn edge_cases_keep_their_meaning() {
    let out = check_plan("EDGE", EDGE);
    assert!(out.contains("rate graduated by (amount) {"), "{out}");
    assert!(out.contains("rate graduated by (amount.x + 1) {"), "{out}");
    assert!(out.contains("(-5)     => 2"), "{out}");
    assert!(out.contains(" => (ramp)\n"), "{out}");
    assert!(out.contains(" => (team)\n"), "{out}");
    assert!(out.contains("[0, 1) (ramp)\n"), "{out}");
    assert!(out.contains("(1, 2] (flat - 1)\n"), "{out}");
    assert!(out.contains("multiply by by"), "{out}");
}

#[test]
fn operator_chains_up_to_the_limit_format_and_longer_ones_are_refused() {
    // A chain of operators nests like brackets, so the parser caps it per statement (E0003).
    let n = commissio_dsl::Limits::DEFAULT.max_operators;
    let plus = format!("plan \"p\" {{ measure m = 1{} }}", " + 1".repeat(n));
    let out = format(&plus).expect("parses");
    assert_eq!(
        out,
        format!("plan \"p\" {{\n  measure m = 1{}\n}}\n", " + 1".repeat(n))
    );
    assert_eq!(format(&out).expect("parses"), out);
    let nots = format!("plan \"p\" {{ measure m = {}x }}", "not ".repeat(n));
    assert_eq!(format(&nots).expect("parses").matches("not ").count(), n);
    let negs = format!(
        "plan \"p\" {{ component c {{ rate table by k {{ default => {}x }} }} }}",
        "- ".repeat(n)
    );
    let out = format(&negs).expect("parses");
    assert!(out.contains(&format!("default => {}x\n", "-".repeat(n))));
    for long in [
        format!("plan \"p\" {{ measure m = 1{} }}", " + 1".repeat(40_000)),
        format!("plan \"p\" {{ measure m = {}x }}", "not ".repeat(40_000)),
    ] {
        let errors = format(&long).expect_err("refused");
        assert_eq!(errors[0].code, "E0003");
    }
}

#[test]
fn team_commission_round_trips() {
    let src = "plan \"p\" {\n  measure d = direct   commission( rep )\n  measure t = team commission(rep,spiff,)\n  component c {\n    pay 5% of (team commission(rep)) once when team\n      commission(rep) > 0\n  }\n}\n";
    let once = format(src).expect("parses");
    assert_eq!(
        once,
        "plan \"p\" {\n  measure d = direct commission(rep)\n  measure t = team commission(rep, spiff)\n\n  component c {\n    pay 5% of team commission(rep) once when team commission(rep) > 0\n  }\n}\n"
    );
    assert_eq!(ast_json(&once), ast_json(src));
    assert_eq!(format(&once).expect("parses"), once);
    // `team` as a name followed by a clause is not team commission.
    let clause =
        "plan \"p\" {\n  component c {\n    gate team\n    commission on credit.amount\n  }\n}\n";
    assert_eq!(format(clause).expect("parses"), clause);
}

// ---------------------------------------------------------------------------------------------
// Random expressions
// ---------------------------------------------------------------------------------------------

fn sp() -> Span {
    Span::default()
}

fn mk(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

fn path(p: &str) -> Expr {
    mk(ExprKind::Path(
        p.split('.')
            .map(|s| Spanned::new(s.to_string(), sp()))
            .collect(),
    ))
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0u64..2_000_000, 0u32..4, any::<bool>()).prop_map(|(m, scale, percent)| mk(
            ExprKind::Number {
                value: Decimal::new(m as i64, scale),
                percent,
            }
        )),
        prop::sample::select(vec![
            "a",
            "b",
            "attainment",
            "deal.amount",
            "payee.quota",
            "credit.share",
            "team",
            "ytd",
            "amount",
            "flat",
            "per",
        ])
        .prop_map(path),
        any::<bool>().prop_map(|b| mk(ExprKind::Bool(b))),
        "[a-z \"\\\\#\n\t]{0,6}".prop_map(|s| mk(ExprKind::Text(s))),
    ]
}

const OPS: [BinaryOp; 13] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Of,
    BinaryOp::Div,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::And,
    BinaryOp::Or,
];

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| mk(ExprKind::Neg(Box::new(x)))),
            inner.clone().prop_map(|x| mk(ExprKind::Not(Box::new(x)))),
            (
                prop::sample::select(OPS.to_vec()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| mk(ExprKind::Binary(
                    op,
                    Box::new(l),
                    Box::new(r)
                ))),
            (
                prop::sample::select(OPS.to_vec()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| mk(ExprKind::Binary(
                    op,
                    Box::new(l),
                    Box::new(r)
                ))),
            // Operators directly under `not`, unary minus and other operators: where
            // precedence mistakes show.
            (
                prop::sample::select(OPS.to_vec()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| mk(ExprKind::Not(Box::new(mk(
                    ExprKind::Binary(op, Box::new(l), Box::new(r))
                ))))),
            (
                prop::sample::select(OPS.to_vec()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| mk(ExprKind::Neg(Box::new(mk(
                    ExprKind::Binary(op, Box::new(l), Box::new(r))
                ))))),
            (
                prop::sample::select(OPS.to_vec()),
                prop::sample::select(OPS.to_vec()),
                prop::sample::select(OPS.to_vec()),
                inner.clone(),
                inner.clone(),
                inner.clone(),
                inner.clone(),
            )
                .prop_map(|(op, lop, rop, a, b, c, d)| mk(ExprKind::Binary(
                    op,
                    Box::new(mk(ExprKind::Binary(lop, Box::new(a), Box::new(b)))),
                    Box::new(mk(ExprKind::Binary(rop, Box::new(c), Box::new(d)))),
                ))),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| mk(ExprKind::If(
                Box::new(c),
                Box::new(a),
                Box::new(b)
            ))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| mk(ExprKind::Call(
                Spanned::new(FuncName::Max, sp()),
                vec![a, b]
            ))),
            inner.clone().prop_map(|a| mk(ExprKind::Call(
                Spanned::new(FuncName::Round, sp()),
                vec![
                    a,
                    mk(ExprKind::Number {
                        value: Decimal::new(2, 0),
                        percent: false
                    }),
                    mk(ExprKind::RoundMode(RoundingMode::HalfUp)),
                ]
            ))),
            (
                prop::sample::select(vec![Population::Own, Population::Team, Population::Direct]),
                prop::sample::select(vec![Window::Period, Window::YearToDate, Window::Year]),
                prop::sample::select(vec![
                    AggFunc::Sum,
                    AggFunc::Count,
                    AggFunc::Avg,
                    AggFunc::Min,
                    AggFunc::Max
                ]),
                prop::option::of(inner.clone()),
                prop::option::of(inner),
            )
                .prop_filter(
                    "min()/max() without a filter is a call",
                    |(_, _, f, a, w)| {
                        !(matches!(f, AggFunc::Min | AggFunc::Max) && a.is_none() && w.is_none())
                    }
                )
                .prop_map(
                    |(population, window, func, arg, filter)| mk(ExprKind::Aggregate {
                        population,
                        window,
                        func,
                        arg: arg.map(Box::new),
                        filter: filter.map(Box::new),
                    })
                ),
            (
                prop::sample::select(vec![Population::Team, Population::Direct]),
                prop::collection::vec(
                    prop::sample::select(vec!["rep", "spiff", "team", "commission", "direct", "a"]),
                    1..4
                ),
            )
                .prop_map(|(population, names)| mk(ExprKind::TeamCommission {
                    population,
                    components: names
                        .into_iter()
                        .map(|n| Spanned::new(n.to_string(), sp()))
                        .collect(),
                })),
        ]
    })
}

fn measure_file(e: Expr) -> ast::File {
    ast::File {
        plans: vec![ast::PlanDecl {
            name: Spanned::new("p".to_string(), sp()),
            version: None,
            items: vec![ast::Item::Measure(ast::MeasureDecl {
                name: Spanned::new("m".to_string(), sp()),
                expr: e,
                span: sp(),
            })],
            span: sp(),
        }],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn random_expressions_round_trip(e in expr()) {
        let file = measure_file(e.clone());
        let text = print_file(&file);
        let reparsed = parse(&text)
            .unwrap_or_else(|errs| panic!("printed text does not parse: {errs:?}\n{text}"));
        prop_assert_eq!(json_of(&reparsed), json_of(&file), "{}", text);
        let formatted = format(&text).expect("parses");
        prop_assert_eq!(&formatted, &text);
        prop_assert_eq!(format(&formatted).expect("parses"), formatted.clone());
        prop_assert_eq!(text, format!("plan \"p\" {{\n  measure m = {}\n}}\n", print_expr(&e)));
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_expressions_in_tier_rows_round_trip(
        rows in prop::collection::vec((expr(), prop::option::of(expr()), expr()), 1..4),
        anchors in prop::collection::vec((expr(), expr()), 1..4),
    ) {
        let mut src = String::from("plan \"p\" {\n  component c {\n    rate graduated by k {\n");
        for (lo, hi, pay) in &rows {
            let hi = hi.as_ref().map(print_expr).unwrap_or_else(|| "..".to_string());
            src.push_str(&format!("      ({}, {}] ({})\n", print_expr(lo), hi, print_expr(pay)));
        }
        src.push_str("    }\n    rate interpolated by k {\n");
        for (at, v) in &anchors {
            src.push_str(&format!("      ({}) => ({})\n", print_expr(at), print_expr(v)));
        }
        src.push_str("    }\n  }\n}\n");
        let once = format(&src).unwrap_or_else(|e| panic!("{e:?}\n{src}"));
        prop_assert_eq!(ast_json(&once), ast_json(&src), "{}", once);
        prop_assert_eq!(format(&once).expect("parses"), once.clone());
    }
}
