//! The canonical layout of plan text.
//!
//! [`format()`] parses plan text and prints it back in the one canonical layout, keeping every
//! comment; [`print_file`] prints an AST (which has no comments) in the same layout. Formatting
//! is idempotent (`format(format(x)) == format(x)`) and preserves meaning: the AST of the output
//! equals the AST of the input, spans aside.
//!
//! # Layout rules
//!
//! * **Indentation** is two spaces per block level; lines end with `\n`, the file ends with one
//!   `\n`, and no line has trailing spaces.
//! * **Order**: items, clauses, fields and rows stay in the order written (reordering would move
//!   comments away from what they describe).
//! * **One item per line**: every plan item, component clause, input field and table row is on
//!   its own line. Expressions are never wrapped.
//! * **Blank lines**: one blank line between plans, and between top-level groups inside a plan:
//!   the header block (`currency`, `period`, `effective`, `rounding`, `proration`, `ramp`,
//!   `credit overlay`), inputs, measures, each component on its own, plan-level caps and floors,
//!   and payment items. A blank line the author left between two lines (items, clauses, rows,
//!   fields or comment lines) is kept; runs of blank lines collapse to one; there is never a
//!   blank line right after `{` or right before `}`.
//! * **Blocks**: `plan`, `component`, `input`, tier tables and rate tables open with `{` at the
//!   end of their header line and close with `}` on a line of its own, at the header's
//!   indentation. An empty `plan` or `component` block (no items, no comments) prints as `{}`.
//! * **Inputs**: `input payee { quota: money, target_incentive: money }` on one line when it has
//!   at most 3 fields, no comment inside the braces, and the line fits in 100 columns; otherwise
//!   one field per line without commas. A column map prints as
//!   `input deal (id = deal_id, payee = rep_id) {`. Column names print bare when they are plain
//!   names (`from amount_usd`), quoted otherwise (`from "Amount USD"`).
//! * **Tier tables**: one row per line, the three columns (`[lo,`, `hi)`, pay) padded so that
//!   the upper bounds and the pays line up; an open upper bound prints as `..`; `flat` pays print
//!   as `flat 500`. Interpolated anchors print `at => value` with the arrows lined up.
//! * **Rate tables**: one row per line, key columns padded so that keys and arrows line up;
//!   wildcards print as `_`, the default row as `default => pay`.
//! * **Clauses** print with their full keywords: `multiply by 1.2 when c` (the optional `by` is
//!   always written), `eligible when c`, `pay 250 per deal when c`, `pay 5 per unit of x`,
//!   `pay 2000 once`, `cap per period at x`, `cap total per plan at x`, `true_up ytd`,
//!   `period quarter fiscal year starts february`, `ramp [0%, 50%, 100%]`.
//! * **Expressions**: single spaces around binary operators (`a + b`, `50% of x`, `a and b`),
//!   none after unary minus (`-x`), one after `not`; parentheses only where precedence or
//!   grouping needs them, so the tree is exactly what was parsed: a left operand of looser
//!   precedence, any right operand of the same or looser precedence (the operators are
//!   left-associative), either operand of a comparison that is itself a comparison or looser
//!   (comparisons do not chain), the operand of `not` when it is `and`/`or`, the operand of unary
//!   minus unless it is an atom or another minus, and an `if` whenever it is an operand (or the
//!   condition or `then` branch of another `if`; an `else if` chain needs none). Those `if`
//!   brackets are for reading, and each adds a nesting level (docs/language.md §14): when they
//!   would take a plan past the depth limit, [`format()`] prints the whole plan with brackets
//!   around an `if` only where the grammar needs them (an operand with more text of the same
//!   expression after it), so the formatted plan never nests deeper than the parser accepts.
//! * **Disambiguating parentheses**: a few more are kept where the grammar would otherwise read
//!   the text differently: a tier key expression starting with a name `amount`
//!   (`by (amount.x + 1)`, since `by amount` is the built-in key); a rate starting with a name
//!   `flat` (`(flat - 1)`); an interpolated anchor key starting with `-` (it would continue the
//!   previous row's value as a subtraction); and a row value ending in a function name
//!   (`ramp`, `min`, ...) before a row starting with `(`, or ending in `team`, `direct`, `ytd` or
//!   `year` before an anchor key starting with a name (it would read as a call or aggregate).
//! * **Literals**: numbers print from their decimal exactly as stored, so the written scale
//!   stays (`1.50` stays `1.50`), digit-group underscores are dropped (`100_000` prints as
//!   `100000`) and leading zeros go; percents print as `value%`; dates as `YYYY-MM-DD`; text is
//!   re-escaped (`\"`, `\\`, `\n`, `\t`).
//! * **Aggregates** print as `[team |direct ][ytd |year ]func(arg[ where filter])`, so the
//!   defaults (own lines, the period) print nothing: `sum(credit.amount)`,
//!   `team ytd sum(credit.amount where deal.new_logo)`, `count()`, `count(where deal.x)`,
//!   `min(x)`. Team commission prints as `team commission(a, b)` / `direct commission(a)`.
//! * **Payment items** (`holdback ...`, `draw ...`) are not in the AST beyond their keyword:
//!   [`format()`] copies their text from the source (trailing spaces removed); [`print_file`]
//!   prints the keyword alone, which parses back to the same AST. (A `# ...` on a payment
//!   item's line is part of its text for the grammar, so it stays there verbatim.)
//!
//! # Comments
//!
//! [`format()`] collects every `#` comment of the source (a `#` inside a text literal or inside a
//! payment item's text is not a comment) and attaches each one:
//!
//! * a comment with code before it on its line, right after an item, clause, field, row, header
//!   line (`component c {  # note`) or closing brace (only spaces and commas between), stays on
//!   that line as a trailing comment, two spaces after the code;
//! * any other comment is printed on its own line, at the indentation of the next item, clause,
//!   field or row in the same block, above it; a comment after the last one stays inside the
//!   block, before its `}`; a comment after the last plan stays at the end of the file;
//! * a comment written in the middle of a construct that prints on one line (inside a
//!   multi-line expression, between a header and its `{`) moves onto its own line above it.
//!
//! Comment text is kept as written (trailing spaces removed).

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use commissio_core::plan::{Population, Window};
use std::fmt::Write as _;

/// Columns of one indentation level.
const INDENT: &str = "  ";
/// Widest one-line `input` (including indentation).
const ONE_LINE_INPUT_WIDTH: usize = 100;
/// Most fields an `input` may have and still print on one line.
const ONE_LINE_INPUT_FIELDS: usize = 3;

/// Formats plan text into the one canonical layout. Errors are the parse diagnostics, or the
/// plan limit the formatted text would pass (`E0002` when it would be larger than 1 MiB):
/// the formatter never writes a plan the parser refuses.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let file = crate::parse::parse(source)?;
    let print = |minimal: bool| {
        MINIMAL_IF_BRACKETS.with(|m| m.set(minimal));
        let mut p = Printer::new(Some(source), &file);
        p.file(&file);
        let out = p.finish();
        MINIMAL_IF_BRACKETS.with(|m| m.set(false));
        out
    };
    let mut out = print(false);
    let mut limit = crate::parse::check_limits(&out);
    if limit.as_ref().is_err_and(|d| d.code == "E0003") {
        // The brackets around `if`s for reading went past the depth limit: drop them.
        out = print(true);
        limit = crate::parse::check_limits(&out);
    }
    dismantle(file);
    match limit {
        Ok(()) => Ok(out),
        Err(d) => Err(vec![Diagnostic::error(
            d.code,
            Span::new(source.len(), source.len()),
            format!("formatted, the plan would pass a limit: {}", d.message),
        )
        .with_hint("split the plan, or name inner parts as measures")]),
    }
}

thread_local! {
    /// Whether [`write_expr`] brackets an `if` only where the grammar needs it (set by
    /// [`format()`] for a plan that the reading brackets would take past the depth limit).
    static MINIMAL_IF_BRACKETS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Prints an AST (no comments) canonically.
///
/// Payment items print as their keyword alone (the AST keeps nothing else of them). The AST is
/// assumed to be one [`crate::parse()`] could produce (numbers are never negative, for example).
pub fn print_file(file: &File) -> String {
    let mut p = Printer::new(None, file);
    p.file(file);
    p.finish()
}

/// Prints one expression canonically, on one line.
pub fn print_expr(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e);
    s
}

/// Drops an AST without recursion. Operator chains nest as deep as they are long (the parser's
/// nesting limit counts only brackets and `if`s), and the derived drop of a long enough chain
/// overflows the stack.
fn dismantle(file: File) {
    let mut exprs: Vec<Expr> = Vec::new();
    for plan in file.plans {
        for item in plan.items {
            match item {
                Item::Ramp { factors, .. } => exprs.extend(factors),
                Item::Measure(m) => exprs.push(m.expr),
                Item::Limit(l) => exprs.push(l.amount),
                Item::Component(c) => {
                    for clause in c.items {
                        clause_exprs(clause, &mut exprs);
                    }
                }
                _ => {}
            }
        }
    }
    while let Some(e) = exprs.pop() {
        match e.kind {
            ExprKind::Neg(x) | ExprKind::Not(x) => exprs.push(*x),
            ExprKind::Binary(_, l, r) => {
                exprs.push(*l);
                exprs.push(*r);
            }
            ExprKind::If(c, a, b) => {
                exprs.push(*c);
                exprs.push(*a);
                exprs.push(*b);
            }
            ExprKind::Call(_, args) => exprs.extend(args),
            ExprKind::Aggregate { arg, filter, .. } => {
                exprs.extend(arg.map(|a| *a));
                exprs.extend(filter.map(|f| *f));
            }
            _ => {}
        }
    }
}

fn clause_exprs(clause: ComponentItem, exprs: &mut Vec<Expr>) {
    let pay = |p: PayDecl| match p {
        PayDecl::Rate(e) | PayDecl::Flat(e, _) => e,
    };
    match clause {
        ComponentItem::Commission { basis, .. } => exprs.push(basis),
        ComponentItem::Rate { rate, .. } => match rate {
            RateSpec::Expr(e) => exprs.push(e),
            RateSpec::Tiers(t) => {
                if let TierKeyDecl::Expr(k) = t.key {
                    exprs.push(k);
                }
                for r in t.rows {
                    exprs.push(r.lo);
                    exprs.extend(r.hi);
                    exprs.push(pay(r.pay));
                }
                for a in t.anchors {
                    exprs.push(a.at);
                    exprs.push(a.value);
                }
            }
            RateSpec::Table(t) => {
                exprs.extend(t.keys);
                for r in t.rows {
                    exprs.extend(r.keys.into_iter().flatten().flatten());
                    exprs.push(pay(r.pay));
                }
            }
        },
        ComponentItem::Pay {
            amount, unit, when, ..
        } => {
            exprs.push(amount);
            if let PayUnit::PerUnit(e, _) = unit {
                exprs.push(e);
            }
            exprs.extend(when);
        }
        ComponentItem::Multiply { factor, when, .. } => {
            exprs.push(factor);
            exprs.extend(when);
        }
        ComponentItem::Gate { cond, .. } | ComponentItem::Eligible { cond, .. } => exprs.push(cond),
        ComponentItem::Limit(l) => exprs.push(l.amount),
        ComponentItem::During { .. } | ComponentItem::TrueUp(_) => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/// `if` is the loosest: as an operand it always needs parentheses.
const PREC_IF: u8 = 0;
/// `not` binds looser than comparison, tighter than `and`.
const PREC_NOT: u8 = 3;
/// Unary minus binds tighter than `*`.
const PREC_NEG: u8 = 7;
/// Literals, paths, calls, aggregates.
const PREC_ATOM: u8 = 8;

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If(..) => PREC_IF,
        ExprKind::Binary(op, ..) => op.precedence(),
        ExprKind::Not(_) => PREC_NOT,
        ExprKind::Neg(_) => PREC_NEG,
        _ => PREC_ATOM,
    }
}

fn is_comparison(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
    )
}

/// A step of printing an expression: an expression still to print, or fixed text.
///
/// An expression is a *tail* when nothing of its enclosing expression is printed after it
/// (up to a bracket, a keyword such as `then`, or the end): an `if` there needs no brackets,
/// since its `else` branch would end at the same place anyway.
enum Task<'e> {
    Expr(&'e Expr, bool),
    Text(&'static str),
}

/// Schedules `e`, in parentheses when it binds looser than `min` (an `if` in a tail position
/// only for reading, and not when `minimal`). Tasks run last-in first-out, so they are pushed
/// in reverse.
fn push_operand<'e>(stack: &mut Vec<Task<'e>>, e: &'e Expr, min: u8, tail: bool, minimal: bool) {
    let bare_if = minimal && tail && matches!(e.kind, ExprKind::If(..));
    if prec(e) < min && !bare_if {
        stack.push(Task::Text(")"));
        stack.push(Task::Expr(e, true));
        stack.push(Task::Text("("));
    } else {
        stack.push(Task::Expr(e, tail));
    }
}

/// Writes an expression. Iterative, with an explicit stack: operator chains such as
/// `1 + 1 + ... + 1` or `not not ... x` nest as deep as they are long, and the parser's nesting
/// limit counts only brackets and `if`s.
fn write_expr(out: &mut String, e: &Expr) {
    let minimal = MINIMAL_IF_BRACKETS.with(|m| m.get());
    let mut stack = vec![Task::Expr(e, true)];
    while let Some(task) = stack.pop() {
        let (e, tail) = match task {
            Task::Text(t) => {
                out.push_str(t);
                continue;
            }
            Task::Expr(e, tail) => (e, tail),
        };
        match &e.kind {
            ExprKind::Number { value, percent } => {
                let _ = write!(out, "{value}");
                if *percent {
                    out.push('%');
                }
            }
            ExprKind::Date(d) => {
                let _ = write!(out, "{d}");
            }
            ExprKind::Text(t) => write_quoted(out, t),
            ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Path(parts) => {
                for (i, id) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(&id.node);
                }
            }
            ExprKind::RoundMode(m) => out.push_str(m.keyword()),
            ExprKind::Neg(x) => {
                out.push('-');
                push_operand(&mut stack, x, PREC_NEG, tail, minimal);
            }
            ExprKind::Not(x) => {
                out.push_str("not ");
                push_operand(&mut stack, x, PREC_NOT, tail, minimal);
            }
            ExprKind::Binary(op, l, r) => {
                let p = op.precedence();
                let left_min = if is_comparison(*op) { p + 1 } else { p };
                push_operand(&mut stack, r, p + 1, tail, minimal);
                stack.push(Task::Text(" "));
                stack.push(Task::Text(op.text()));
                stack.push(Task::Text(" "));
                push_operand(&mut stack, l, left_min, false, minimal);
            }
            ExprKind::If(c, a, b) => {
                // The condition ends at `then`, the `then` branch at `else`: both are tails.
                out.push_str("if ");
                stack.push(Task::Expr(b, tail));
                stack.push(Task::Text(" else "));
                push_operand(&mut stack, a, PREC_IF + 1, true, minimal);
                stack.push(Task::Text(" then "));
                push_operand(&mut stack, c, PREC_IF + 1, true, minimal);
            }
            ExprKind::Call(f, args) => {
                out.push_str(f.node.text());
                out.push('(');
                stack.push(Task::Text(")"));
                for (i, a) in args.iter().enumerate().rev() {
                    stack.push(Task::Expr(a, true));
                    if i > 0 {
                        stack.push(Task::Text(", "));
                    }
                }
            }
            ExprKind::Aggregate {
                population,
                window,
                func,
                arg,
                filter,
            } => {
                match population {
                    Population::Own => {}
                    Population::Team => out.push_str("team "),
                    Population::Direct => out.push_str("direct "),
                }
                match window {
                    Window::Period => {}
                    Window::YearToDate => out.push_str("ytd "),
                    Window::Year => out.push_str("year "),
                }
                out.push_str(agg_func_text(*func));
                out.push('(');
                stack.push(Task::Text(")"));
                if let Some(f) = filter {
                    stack.push(Task::Expr(f, true));
                    stack.push(Task::Text(if arg.is_some() { " where " } else { "where " }));
                }
                if let Some(a) = arg {
                    stack.push(Task::Expr(a, true));
                }
            }
            ExprKind::TeamCommission {
                population,
                components,
            } => {
                out.push_str(match population {
                    Population::Direct => "direct",
                    _ => "team",
                });
                out.push_str(" commission(");
                for (i, c) in components.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&c.node);
                }
                out.push(')');
            }
        }
    }
}

fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_quoted(&mut out, s);
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Words the grammar never accepts as names.
const RESERVED: &[&str] = &[
    "and", "or", "not", "if", "then", "else", "true", "false", "where",
];

/// Whether `s` is a plain name the grammar reads as `ident`.
fn is_plain_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(is_ident_char) && !RESERVED.contains(&s)
}

/// A data column name: bare when it is a plain name, quoted otherwise.
fn column_text(s: &str) -> String {
    if is_plain_name(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// Whether `text` starts with the whole word `word` (followed by a non-name character or end).
fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word)
        .is_some_and(|rest| !rest.starts_with(is_ident_char))
}

/// Whether `text` ends with a built-in function name as a whole word: followed by `(` on the
/// next row it would read as a call.
fn ends_with_func_name(text: &str) -> bool {
    last_word(text).is_some_and(|w| FuncName::from_text(w).is_some())
}

/// Whether `text` ends with `team`, `direct`, `ytd` or `year` as a whole word: followed by a
/// name on the next row it would read as the start of an aggregate.
fn ends_with_aggregate_prefix(text: &str) -> bool {
    last_word(text).is_some_and(|w| matches!(w, "team" | "direct" | "ytd" | "year"))
}

/// The name at the end of `text` (not a field after a `.`), if it ends with one.
fn last_word(text: &str) -> Option<&str> {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map(|(i, _)| i)?;
    let (before, word) = text.split_at(start);
    if before.ends_with('.') || word.starts_with(|c: char| c.is_ascii_digit()) {
        None
    } else {
        Some(word)
    }
}

fn parenthesized(text: String) -> String {
    format!("({text})")
}

/// A row's pay: `flat x` or a rate expression.
fn pay_text(p: &PayDecl) -> String {
    match p {
        PayDecl::Flat(e, _) => format!("flat {}", print_expr(e)),
        PayDecl::Rate(e) => {
            let t = print_expr(e);
            // A rate expression starting with a name `flat` would read as a flat pay.
            if starts_with_word(&t, "flat") {
                parenthesized(t)
            } else {
                t
            }
        }
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    let mut out = s.to_string();
    for _ in n..width {
        out.push(' ');
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn limit_text(l: &LimitDecl) -> String {
    format!(
        "{} {} at {}",
        if l.is_cap { "cap" } else { "floor" },
        limit_level_text(l.level.node),
        print_expr(&l.amount)
    )
}

fn field_text(f: &FieldDecl) -> String {
    let mut s = format!("{}: {}", f.name.node, field_type_text(f.ty.node));
    if let Some(c) = &f.column {
        s.push_str(" from ");
        s.push_str(&column_text(&c.node));
    }
    s
}

/// Row texts of a tier table, aligned.
fn tier_rows_text(t: &TierTableDecl) -> Vec<String> {
    let mut cols: Vec<(String, String, String)> = t
        .rows
        .iter()
        .map(|r| {
            let lo = format!(
                "{}{},",
                if r.lo_closed { "[" } else { "(" },
                print_expr(&r.lo)
            );
            let hi = format!(
                "{}{}",
                r.hi.as_ref()
                    .map(print_expr)
                    .unwrap_or_else(|| "..".to_string()),
                if r.hi_closed { "]" } else { ")" }
            );
            (lo, hi, pay_text(&r.pay))
        })
        .collect();
    // A pay ending in a function name, followed by a row opening with `(`, would read as a call.
    for i in 1..t.rows.len() {
        let next_opens_paren = t.rows.get(i).is_some_and(|r| !r.lo_closed);
        if let Some(prev) = cols.get_mut(i - 1) {
            if next_opens_paren && ends_with_func_name(&prev.2) {
                prev.2 = parenthesized(std::mem::take(&mut prev.2));
            }
        }
    }
    let w_lo = cols.iter().map(|c| width(&c.0)).max().unwrap_or(0);
    let w_hi = cols.iter().map(|c| width(&c.1)).max().unwrap_or(0);
    cols.iter()
        .map(|(lo, hi, pay)| format!("{} {} {}", pad(lo, w_lo), pad(hi, w_hi), pay))
        .collect()
}

/// Row texts of an interpolated table, arrows aligned.
fn anchor_rows_text(t: &TierTableDecl) -> Vec<String> {
    let mut cols: Vec<(String, String)> = t
        .anchors
        .iter()
        .map(|a| (print_expr(&a.at), print_expr(&a.value)))
        .collect();
    // The row boundary is invisible to the parser: a key starting with `-` would continue the
    // previous value as a subtraction, and one starting with `(` would make a call of a value
    // ending in a function name.
    for i in 1..cols.len() {
        let (before, after) = cols.split_at_mut(i);
        let (Some(prev), Some(cur)) = (before.last_mut(), after.first_mut()) else {
            continue;
        };
        if cur.0.starts_with('-') {
            cur.0 = parenthesized(std::mem::take(&mut cur.0));
        }
        if (cur.0.starts_with('(') && ends_with_func_name(&prev.1))
            || (cur.0.starts_with(is_ident_char) && ends_with_aggregate_prefix(&prev.1))
        {
            prev.1 = parenthesized(std::mem::take(&mut prev.1));
        }
    }
    let w = cols.iter().map(|c| width(&c.0)).max().unwrap_or(0);
    cols.iter()
        .map(|(at, v)| format!("{} => {}", pad(at, w), v))
        .collect()
}

/// Row texts of a rate table, keys and arrows aligned.
fn table_rows_text(t: &RateTableDecl) -> Vec<String> {
    let cells: Vec<Option<Vec<String>>> = t
        .rows
        .iter()
        .map(|r| {
            r.keys.as_ref().map(|ks| {
                ks.iter()
                    .map(|k| {
                        k.as_ref()
                            .map(print_expr)
                            .unwrap_or_else(|| "_".to_string())
                    })
                    .collect()
            })
        })
        .collect();
    // Width of each non-last key column (with its comma).
    let mut widths: Vec<usize> = Vec::new();
    for row in cells.iter().flatten() {
        for (i, k) in row.iter().enumerate() {
            if i + 1 < row.len() {
                if widths.len() <= i {
                    widths.resize(i + 1, 0);
                }
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(k) + 1);
                }
            }
        }
    }
    let keys: Vec<String> = cells
        .iter()
        .map(|row| match row {
            None => "default".to_string(),
            Some(ks) => {
                let mut s = String::new();
                for (i, k) in ks.iter().enumerate() {
                    if i + 1 < ks.len() {
                        let w = widths.get(i).copied().unwrap_or(0);
                        s.push_str(&pad(&format!("{k},"), w));
                        s.push(' ');
                    } else {
                        s.push_str(k);
                    }
                }
                s
            }
        })
        .collect();
    let w = keys.iter().map(|k| width(k)).max().unwrap_or(0);
    keys.iter()
        .zip(&t.rows)
        .map(|(k, r)| format!("{} => {}", pad(k, w), pay_text(&r.pay)))
        .collect()
}

fn tier_header(t: &TierTableDecl) -> String {
    let key = match &t.key {
        TierKeyDecl::Amount(_) => "amount".to_string(),
        TierKeyDecl::Expr(e) => {
            let k = print_expr(e);
            // A key expression starting with the name `amount` would read as `by amount`.
            if starts_with_word(&k, "amount") {
                parenthesized(k)
            } else {
                k
            }
        }
    };
    let mut s = format!("rate {} by {}", tier_mode_text(t.mode.node), key);
    if let Some(scope) = &t.scope {
        s.push(' ');
        s.push_str(tier_scope_text(scope.node));
    }
    s.push_str(" {");
    s
}

fn table_header(t: &RateTableDecl) -> String {
    let keys: Vec<String> = t.keys.iter().map(print_expr).collect();
    format!("rate table by {} {{", keys.join(", "))
}

fn pay_clause_text(amount: &Expr, unit: &PayUnit, when: &Option<Expr>) -> String {
    let mut s = format!("pay {}", print_expr(amount));
    match unit {
        PayUnit::PerDeal(_) => s.push_str(" per deal"),
        PayUnit::PerUnit(e, _) => {
            s.push_str(" per unit of ");
            s.push_str(&print_expr(e));
        }
        PayUnit::Once(_) => s.push_str(" once"),
    }
    push_when(&mut s, when);
    s
}

fn push_when(s: &mut String, when: &Option<Expr>) {
    if let Some(w) = when {
        s.push_str(" when ");
        s.push_str(&print_expr(w));
    }
}

/// The text of a one-line plan item (everything but inputs, components and payments).
fn simple_item_text(item: &Item) -> String {
    match item {
        Item::Currency(c) => format!("currency {}", c.node),
        Item::Period {
            grain,
            fiscal_start,
            ..
        } => {
            let mut s = format!("period {}", grain.node.keyword());
            if let Some(m) = fiscal_start {
                let name = usize::from(m.node)
                    .checked_sub(1)
                    .and_then(|i| MONTHS.get(i))
                    .copied()
                    .unwrap_or("january");
                s.push_str(" fiscal year starts ");
                s.push_str(name);
            }
            s
        }
        Item::Effective { start, end, .. } => format!("effective {} to {}", start.node, end.node),
        Item::Rounding {
            mode, scale, stage, ..
        } => format!(
            "rounding {} {} per {}",
            mode.node.keyword(),
            scale.node,
            stage.node.keyword()
        ),
        Item::Proration(d) => format!("proration {}", day_count_text(d.node)),
        Item::Ramp { factors, .. } => {
            let fs: Vec<String> = factors.iter().map(print_expr).collect();
            format!("ramp [{}]", fs.join(", "))
        }
        Item::Overlay(_) => "credit overlay".to_string(),
        Item::Measure(m) => format!("measure {} = {}", m.name.node, print_expr(&m.expr)),
        Item::Limit(l) => limit_text(l),
        Item::Payment { kind, .. } => kind.node.clone(),
        Item::Input(_) | Item::Component(_) => String::new(),
    }
}

/// Top-level groups, separated by a blank line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Header,
    Inputs,
    Measures,
    Component,
    Limits,
    Payments,
}

fn group(item: &Item) -> Group {
    match item {
        Item::Currency(_)
        | Item::Period { .. }
        | Item::Effective { .. }
        | Item::Rounding { .. }
        | Item::Proration(_)
        | Item::Ramp { .. }
        | Item::Overlay(_) => Group::Header,
        Item::Input(_) => Group::Inputs,
        Item::Measure(_) => Group::Measures,
        Item::Component(_) => Group::Component,
        Item::Limit(_) => Group::Limits,
        Item::Payment { .. } => Group::Payments,
    }
}

// ---------------------------------------------------------------------------------------------
// Comments and the line printer
// ---------------------------------------------------------------------------------------------

/// A `#` comment in the source.
struct Comment {
    /// Byte offset of the `#`.
    start: usize,
    /// End of the text with trailing spaces removed.
    text_end: usize,
    /// Nothing but spaces before it on its line.
    own_line: bool,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Finds the comments of `src`, skipping text literals and the `skip` ranges (payment items,
/// whose text runs to the end of the line). `skip` is sorted by start.
fn scan_comments(src: &str, skip: &[(usize, usize)]) -> Vec<Comment> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut next_skip = 0;
    let mut i = 0;
    while i < b.len() {
        while skip.get(next_skip).is_some_and(|s| s.1 <= i) {
            next_skip += 1;
        }
        if let Some(&(s, e)) = skip.get(next_skip) {
            if s <= i {
                i = e.max(i + 1);
                continue;
            }
        }
        match b.get(i) {
            Some(b'#') => {
                let start = i;
                while b.get(i).is_some_and(|c| *c != b'\n') {
                    i += 1;
                }
                let raw = src.get(start..i).unwrap_or("");
                let text_end = start + raw.trim_end_matches([' ', '\t', '\r']).len();
                let line_start = src
                    .get(..start)
                    .and_then(|s| s.rfind('\n'))
                    .map(|n| n + 1)
                    .unwrap_or(0);
                let own_line = src
                    .get(line_start..start)
                    .unwrap_or("")
                    .chars()
                    .all(|c| matches!(c, ' ' | '\t' | '\r' | '\u{FEFF}'));
                out.push(Comment {
                    start,
                    text_end,
                    own_line,
                });
            }
            Some(b'"') => {
                i += 1;
                while let Some(&c) = b.get(i) {
                    if c == b'"' || c == b'\n' {
                        break;
                    }
                    if c == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn payment_spans(file: &File) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = file
        .plans
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|it| match it {
            Item::Payment { span, .. } => Some((span.start as usize, span.end as usize)),
            _ => None,
        })
        .collect();
    v.sort_unstable();
    v
}

struct Printer<'s> {
    /// The source, when formatting text (comments, payment text, blank lines come from it).
    src: Option<&'s str>,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
    lines: Vec<String>,
    /// A blank line is wanted before the next line.
    want_blank: bool,
    /// The last line opened a block (or nothing is printed yet): no blank line may follow.
    at_block_start: bool,
}

impl<'s> Printer<'s> {
    fn new(src: Option<&'s str>, file: &File) -> Self {
        let comments = match src {
            Some(s) => scan_comments(s, &payment_spans(file)),
            None => Vec::new(),
        };
        Printer {
            src,
            comments,
            next: 0,
            lines: Vec::new(),
            want_blank: false,
            at_block_start: true,
        }
    }

    fn finish(self) -> String {
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }

    // ---- lines ----

    fn push_line(&mut self, indent: usize, text: &str) {
        if self.want_blank && !self.at_block_start {
            self.lines.push(String::new());
        }
        self.want_blank = false;
        self.at_block_start = false;
        self.lines
            .push(format!("{}{}", INDENT.repeat(indent), text));
    }

    fn open_line(&mut self, indent: usize, text: &str) {
        self.push_line(indent, text);
        self.at_block_start = true;
    }

    fn close_line(&mut self, indent: usize, text: &str) {
        self.want_blank = false;
        self.at_block_start = false;
        self.lines
            .push(format!("{}{}", INDENT.repeat(indent), text));
    }

    fn blank(&mut self) {
        self.want_blank = true;
    }

    // ---- source positions ----

    fn comment_text(&self, c: &Comment) -> &'s str {
        self.src
            .and_then(|s| s.get(c.start..c.text_end))
            .unwrap_or("")
    }

    /// Whether the author left a blank line right before `pos`.
    fn blank_before(&self, pos: usize) -> bool {
        let Some(src) = self.src else {
            return false;
        };
        let b = src.as_bytes();
        let mut i = pos.min(b.len());
        let mut newlines = 0;
        while i > 0 {
            match b.get(i - 1) {
                Some(&c) if is_space(c) => {
                    if c == b'\n' {
                        newlines += 1;
                    }
                    i -= 1;
                }
                _ => break,
            }
        }
        newlines >= 2
    }

    /// The end of `span` without the spaces and comments pest includes after an optional part.
    fn end_of(&self, span: Span) -> usize {
        let start = span.start as usize;
        let mut end = span.end as usize;
        let Some(src) = self.src else {
            return end;
        };
        let b = src.as_bytes();
        loop {
            while end > start && b.get(end - 1).is_some_and(|c| is_space(*c)) {
                end -= 1;
            }
            match self.comments.binary_search_by_key(&end, |c| c.text_end) {
                Ok(i) => match self.comments.get(i) {
                    Some(c) if c.start >= start && c.start < end => end = c.start,
                    _ => break,
                },
                Err(_) => break,
            }
        }
        end
    }

    /// The offset just past the `{` that opens the block starting at `start`.
    fn brace_after(&self, start: usize) -> usize {
        let Some(src) = self.src else {
            return start;
        };
        let b = src.as_bytes();
        let mut i = start;
        while let Some(&c) = b.get(i) {
            match c {
                b'{' => return i + 1,
                b'#' => {
                    while b.get(i).is_some_and(|c| *c != b'\n') {
                        i += 1;
                    }
                }
                b'"' => {
                    i += 1;
                    while let Some(&c) = b.get(i) {
                        if c == b'"' || c == b'\n' {
                            break;
                        }
                        if c == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        start
    }

    /// Where the `currency` keyword before the code at `code_start` begins.
    fn currency_start(&self, code_start: usize) -> usize {
        let Some(src) = self.src else {
            return code_start;
        };
        let before = src.get(..code_start).unwrap_or("");
        let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n', '\u{FEFF}']);
        if trimmed.ends_with("currency") {
            trimmed.len() - "currency".len()
        } else {
            code_start
        }
    }

    /// Whether a comment not printed yet starts in `from..to`.
    fn has_comments_in(&self, from: usize, to: usize) -> bool {
        let rest = self.comments.get(self.next..).unwrap_or(&[]);
        let first = rest.partition_point(|c| c.start < from);
        rest.get(first).is_some_and(|c| c.start < to)
    }

    // ---- comments ----

    /// Prints, each on its own line, the comments not printed yet that start before `pos`.
    fn comments_before(&mut self, pos: usize, indent: usize, keep_blank_lines: bool) {
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            let start = c.start;
            let text = self.comment_text(c);
            self.next += 1;
            if keep_blank_lines && self.blank_before(start) {
                self.blank();
            }
            self.push_line(indent, text);
        }
    }

    /// Prints the comments before a construct at `start`, then those inside its header (up to
    /// `header_end`), which move above it.
    fn leading(&mut self, start: usize, header_end: usize, indent: usize) {
        self.comments_before(start, indent, true);
        if self.blank_before(start) {
            self.blank();
        }
        self.comments_before(header_end, indent, false);
    }

    /// Appends the next comment to the last line when it follows `end` on the same line.
    fn trailing(&mut self, end: usize) {
        let Some(src) = self.src else {
            return;
        };
        let Some(c) = self.comments.get(self.next) else {
            return;
        };
        if c.own_line || c.start < end {
            return;
        }
        let gap_ok = src
            .get(end..c.start)
            .is_some_and(|g| g.bytes().all(|b| matches!(b, b' ' | b'\t' | b',')));
        if !gap_ok {
            return;
        }
        let text = self.comment_text(c);
        self.next += 1;
        if let Some(last) = self.lines.last_mut() {
            last.push_str("  ");
            last.push_str(text);
        }
    }

    /// A construct printed on one line.
    fn one_line(&mut self, span: Span, indent: usize, text: &str) {
        self.one_line_from(span.start as usize, span, indent, text);
    }

    fn one_line_from(&mut self, start: usize, span: Span, indent: usize, text: &str) {
        let end = self.end_of(span);
        self.leading(start, end, indent);
        self.push_line(indent, text);
        self.trailing(end);
    }

    /// Opens a block: comments before and inside the header, the header line, a trailing
    /// comment after `{`. Returns the offset after `{`.
    fn open_block(&mut self, start: usize, indent: usize, header: &str) -> usize {
        let brace = self.brace_after(start);
        self.leading(start, brace, indent);
        self.open_line(indent, header);
        self.trailing(brace);
        brace
    }

    /// Closes a block ending at `end` (just past its `}`).
    fn close_block(&mut self, end: usize, indent: usize) {
        self.comments_before(end, indent + 1, true);
        self.close_line(indent, "}");
        self.trailing(end);
    }

    // ---- the tree ----

    fn file(&mut self, f: &File) {
        for (i, p) in f.plans.iter().enumerate() {
            if i > 0 {
                self.blank();
            }
            self.plan(p);
        }
        self.comments_before(usize::MAX, 0, true);
    }

    fn plan(&mut self, p: &PlanDecl) {
        let mut header = format!("plan {}", quoted(&p.name.node));
        if let Some(v) = &p.version {
            let _ = write!(header, " version {}", v.node);
        }
        let start = p.span.start as usize;
        let end = self.end_of(p.span);
        if p.items.is_empty() && !self.has_comments_in(self.brace_after(start), end) {
            header.push_str(" {}");
            self.one_line(p.span, 0, &header);
            return;
        }
        header.push_str(" {");
        self.open_block(start, 0, &header);
        let mut prev: Option<Group> = None;
        for item in &p.items {
            let g = group(item);
            if prev.is_some_and(|pg| pg != g || g == Group::Component) {
                self.blank();
            }
            prev = Some(g);
            self.item(item, 1);
        }
        self.close_block(end, 0);
    }

    fn item(&mut self, item: &Item, indent: usize) {
        match item {
            Item::Input(i) => self.input(i, indent),
            Item::Component(c) => self.component(c, indent),
            Item::Currency(c) => {
                let start = self.currency_start(c.span.start as usize);
                self.one_line_from(start, c.span, indent, &simple_item_text(item));
            }
            Item::Payment { kind, span } => {
                let text = self
                    .src
                    .and_then(|s| s.get(span.start as usize..span.end as usize))
                    .map(|t| t.trim_end().to_string())
                    .unwrap_or_else(|| kind.node.clone());
                self.one_line(*span, indent, &text);
            }
            Item::Period { span, .. }
            | Item::Effective { span, .. }
            | Item::Rounding { span, .. }
            | Item::Ramp { span, .. }
            | Item::Overlay(span)
            | Item::Measure(MeasureDecl { span, .. })
            | Item::Limit(LimitDecl { span, .. }) => {
                self.one_line(*span, indent, &simple_item_text(item))
            }
            Item::Proration(d) => self.one_line(d.span, indent, &simple_item_text(item)),
        }
    }

    fn input(&mut self, i: &InputDecl, indent: usize) {
        let mut header = format!("input {}", i.kind.node);
        if !i.builtins.is_empty() {
            let map: Vec<String> = i
                .builtins
                .iter()
                .map(|(b, c)| format!("{} = {}", b.node, column_text(&c.node)))
                .collect();
            let _ = write!(header, " ({})", map.join(", "));
        }
        let start = i.span.start as usize;
        let end = self.end_of(i.span);
        let brace = self.brace_after(start);
        let fields: Vec<String> = i.fields.iter().map(field_text).collect();
        let one = if fields.is_empty() {
            format!("{header} {{}}")
        } else {
            format!("{header} {{ {} }}", fields.join(", "))
        };
        let fits = INDENT.len() * indent + width(&one) <= ONE_LINE_INPUT_WIDTH;
        if fields.len() <= ONE_LINE_INPUT_FIELDS && fits && !self.has_comments_in(brace, end) {
            self.one_line(i.span, indent, &one);
            return;
        }
        header.push_str(" {");
        self.open_block(start, indent, &header);
        for (f, text) in i.fields.iter().zip(&fields) {
            self.one_line(f.span, indent + 1, text);
        }
        self.close_block(end, indent);
    }

    fn component(&mut self, c: &ComponentDecl, indent: usize) {
        let header = format!("component {}", c.name.node);
        let start = c.span.start as usize;
        let end = self.end_of(c.span);
        if c.items.is_empty() && !self.has_comments_in(self.brace_after(start), end) {
            self.one_line(c.span, indent, &format!("{header} {{}}"));
            return;
        }
        self.open_block(start, indent, &format!("{header} {{"));
        for item in &c.items {
            self.clause(item, indent + 1);
        }
        self.close_block(end, indent);
    }

    fn clause(&mut self, item: &ComponentItem, indent: usize) {
        match item {
            ComponentItem::Commission { basis, span } => self.one_line(
                *span,
                indent,
                &format!("commission on {}", print_expr(basis)),
            ),
            ComponentItem::Rate { rate, span } => match rate {
                RateSpec::Expr(e) => {
                    self.one_line(*span, indent, &format!("rate {}", print_expr(e)))
                }
                RateSpec::Tiers(t) => {
                    let rows: Vec<(Span, String)> = if t.anchors.is_empty() {
                        t.rows
                            .iter()
                            .map(|r| r.span)
                            .zip(tier_rows_text(t))
                            .collect()
                    } else {
                        t.anchors
                            .iter()
                            .map(|a| a.span)
                            .zip(anchor_rows_text(t))
                            .collect()
                    };
                    self.table_block(*span, indent, &tier_header(t), &rows);
                }
                RateSpec::Table(t) => {
                    let rows: Vec<(Span, String)> = t
                        .rows
                        .iter()
                        .map(|r| r.span)
                        .zip(table_rows_text(t))
                        .collect();
                    self.table_block(*span, indent, &table_header(t), &rows);
                }
            },
            ComponentItem::Pay {
                amount,
                unit,
                when,
                span,
            } => self.one_line(*span, indent, &pay_clause_text(amount, unit, when)),
            ComponentItem::Multiply { factor, when, span } => {
                let mut s = format!("multiply by {}", print_expr(factor));
                push_when(&mut s, when);
                self.one_line(*span, indent, &s);
            }
            ComponentItem::Gate { cond, span } => {
                self.one_line(*span, indent, &format!("gate {}", print_expr(cond)))
            }
            ComponentItem::Eligible { cond, span } => self.one_line(
                *span,
                indent,
                &format!("eligible when {}", print_expr(cond)),
            ),
            ComponentItem::During { start, end, span } => self.one_line(
                *span,
                indent,
                &format!("during {} to {}", start.node, end.node),
            ),
            ComponentItem::Limit(l) => self.one_line(l.span, indent, &limit_text(l)),
            ComponentItem::TrueUp(span) => self.one_line(*span, indent, "true_up ytd"),
        }
    }

    fn table_block(&mut self, span: Span, indent: usize, header: &str, rows: &[(Span, String)]) {
        let end = self.end_of(span);
        self.open_block(span.start as usize, indent, header);
        for (s, text) in rows {
            self.one_line(*s, indent + 1, text);
        }
        self.close_block(end, indent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(rate: &str) -> String {
        format!(
            "plan \"x\" {{\n  input deal {{ amount: money, won: bool }}\n\n  component c {{\n    commission on credit.amount\n    rate {rate}\n  }}\n}}\n"
        )
    }

    /// `if`s nested in `then` branches, `n` deep.
    fn nested(n: usize) -> String {
        let mut e = String::from("2%");
        for _ in 0..n {
            e = format!("if deal.won then {e} else 1%");
        }
        e
    }

    #[test]
    fn reading_brackets_around_ifs_stay_within_the_depth_limit() {
        // Shallow: the brackets for reading are printed.
        assert_eq!(
            format(&plan(&nested(2))),
            Ok(plan(
                "if deal.won then (if deal.won then 2% else 1%) else 1%"
            ))
        );
        // At the depth limit (62 `if`s in the component), brackets would double the depth:
        // the whole plan prints without them, as it was written, and formats to itself.
        let deep = plan(&nested(62));
        assert_eq!(format(&deep), Ok(deep.clone()));
        // Brackets the grammar needs stay: an `if` operand with text after it.
        // (40 nested: 83 levels with the brackets for reading, 43 without.)
        let needed = plan(&format!("-({}) + 1%", nested(40)));
        assert_eq!(format(&needed), Ok(needed.clone()));
    }

    #[test]
    fn if_arguments_print_without_adding_up() {
        // 70 `if` arguments in brackets print bare (one open at a time), and parse.
        let args = vec!["(if deal.won then 2% else 1%)"; 70].join(", ");
        let bare = vec!["if deal.won then 2% else 1%"; 70].join(", ");
        let out = format(&plan(&format!("max({args})")));
        assert_eq!(out, Ok(plan(&format!("max({bare})"))));
        let out = out.unwrap_or_default();
        assert!(crate::parse::parse(&out).is_ok());
    }
}
