//! Plan text → spanned AST, with limits that are errors, never crashes.
//!
//! Stages: a byte-level pre-scan enforces the size and nesting limits (so the recursive descent
//! is bounded), pest parses with a call limit (so backtracking is bounded) and with enough stack
//! for that depth in any build on any thread (`PEST_STACK`), and the parse tree is turned into
//! [`crate::ast`] nodes, a recursion whose stack the crate's `stack` module bounds.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use commissio_core::money::{RoundingMode, RoundingStage};
use commissio_core::period::{Date, Grain};
use commissio_core::plan::{
    AggFunc, DayCount, FieldType, LimitLevel, Population, TierMode, TierScope, Window,
};
use pest::iterators::{Pair, Pairs};
use pest::Parser as _;
use rust_decimal::Decimal;

/// The pest parser and its generated `Rule` enum, kept private: the grammar's rule names are
/// not part of the crate's interface (the AST is).
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "plan.pest"]
    pub(super) struct PlanParser;
}
use grammar::{PlanParser, Rule};

/// Limits on plan text. Exceeding one is an error with its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest plan text in bytes (`E0002`).
    pub max_bytes: usize,
    /// Deepest nesting of brackets and `if` expressions (`E0003`).
    pub max_depth: usize,
    /// Most grammar rule calls pest may make (`E0004`).
    pub max_calls: usize,
    /// Most operators (`+ - * / of and or not`) in one statement (`E0003`): a chain of
    /// operators is a nested tree, so its length is a depth too.
    pub max_operators: usize,
}

impl Limits {
    /// The limits used everywhere, on every platform (the wasm32 build links an 8 MiB stack
    /// so that the same depth holds there: bindings/wasm/build.rs): 1 MiB, depth 64,
    /// 10 million pest calls, 256 operators per statement.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 1 << 20,
        max_depth: 64,
        max_calls: 10_000_000,
        max_operators: 256,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Parses plan text into an AST with the default limits.
pub fn parse(source: &str) -> Result<File, Vec<Diagnostic>> {
    parse_with_limits(source, Limits::DEFAULT)
}

/// Item keywords that start a new statement: the `if` nesting count restarts at each.
const STATEMENT_WORDS: &[&str] = &[
    "measure",
    "component",
    "rate",
    "pay",
    "multiply",
    "gate",
    "eligible",
    "commission",
    "cap",
    "floor",
    "currency",
    "period",
    "effective",
    "rounding",
    "input",
    "ramp",
    "during",
];

/// Words after which a bracket can continue the same expression or statement (keywords,
/// functions, aggregates, the words of clauses). Any other word ends an operand (a name, a
/// path's last part, `true`), so a bracket right after it starts a new item (a tier row).
/// A word missing here only makes the count of open `if`s larger, never smaller.
const BRACKET_CONTINUES: &[&str] = &[
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "of",
    "when",
    "where",
    "by",
    "at",
    "on",
    "to",
    "per",
    "from",
    "min",
    "max",
    "clamp",
    "abs",
    "round",
    "days",
    "prorate",
    "ramp",
    "sum",
    "count",
    "avg",
    "team",
    "direct",
    "ytd",
    "year",
    "commission",
    "flat",
    "table",
    "default",
    "input",
    "plan",
    "version",
    "amount",
    "deal",
    "unit",
    "line",
    "period",
    "total",
    "running",
    "end",
    "once",
    "retroactive",
    "graduated",
    "interpolated",
    "overlay",
    "credit",
];

/// Closes the `if`s counted at the innermost bracket level: the expression they were in has
/// ended there.
fn close_ifs(ifs_per_level: &mut [usize], open_ifs: &mut usize) {
    if let Some(top) = ifs_per_level.last_mut() {
        *open_ifs -= (*top).min(*open_ifs);
        *top = 0;
    }
}

/// Checks size and nesting before any recursive parsing happens.
///
/// Depth counts open brackets plus the `if`s whose expression has not ended: an `if`'s else
/// branch runs to the end of its expression, so the `if` stays open until its bracket closes,
/// the next statement starts, or something that cannot be inside one expression comes: a
/// `,`, a `=>`, or a bracket right after a complete operand (the next tier row). Sequential
/// `if`s (call arguments, table rows) therefore do not add up; nested ones do.
fn prescan(source: &str, limits: Limits) -> Result<(), Diagnostic> {
    if source.len() > limits.max_bytes {
        return Err(Diagnostic::error(
            "E0002",
            Span::new(limits.max_bytes, source.len()),
            format!(
                "the plan is {} bytes; the limit is {} bytes",
                source.len(),
                limits.max_bytes
            ),
        )
        .with_hint("split the plan into smaller plans"));
    }
    let bytes = source.as_bytes();
    // A carriage return ends a line only before a line feed (CRLF). A lone one (old Mac line
    // endings) would put every diagnostic on line 1 and let a `#` comment run on past it, so
    // it is refused where it stands.
    for (at, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'\r') {
        if bytes.get(at + 1) != Some(&b'\n') {
            return Err(Diagnostic::error(
                "E0001",
                Span::new(at, at + 1),
                "a carriage return not followed by a line feed: plan lines end with LF or CRLF",
            )
            .with_hint("save the plan with LF (Unix) or CRLF (Windows) line endings"));
        }
    }
    // Per open bracket, the number of `if`s seen at that level since the last statement word.
    let mut ifs_per_level: Vec<usize> = vec![0];
    let mut open_ifs = 0usize;
    let mut operators = 0usize;
    // Whether the last token ends an operand (a literal, a name, a closing bracket).
    let mut operand_end = false;
    let mut i = 0;
    let too_many = |at: usize| {
        Diagnostic::error(
            "E0003",
            Span::new(at, at + 1),
            format!(
                "this statement has more than {} operators",
                limits.max_operators
            ),
        )
        .with_hint("name parts of the expression as measures")
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            // A date literal's dashes are not operators.
            c if c.is_ascii_digit() => {
                let date = bytes.get(i..i + 10).is_some_and(|t| {
                    t.iter().enumerate().all(|(k, &ch)| {
                        if k == 4 || k == 7 {
                            ch == b'-'
                        } else {
                            ch.is_ascii_digit()
                        }
                    })
                });
                operand_end = true;
                if date {
                    i += 10;
                    continue;
                }
            }
            b'%' => operand_end = true,
            b',' => {
                close_ifs(&mut ifs_per_level, &mut open_ifs);
                operand_end = false;
            }
            b'=' if bytes.get(i + 1) == Some(&b'>') => {
                close_ifs(&mut ifs_per_level, &mut open_ifs);
                operand_end = false;
            }
            b'+' | b'-' | b'*' | b'/' => {
                operand_end = false;
                operators += 1;
                if operators > limits.max_operators {
                    return Err(too_many(i));
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                operand_end = true;
            }
            b'(' | b'[' | b'{' => {
                if operand_end && b != b'{' {
                    close_ifs(&mut ifs_per_level, &mut open_ifs);
                }
                operand_end = false;
                ifs_per_level.push(0);
                if ifs_per_level.len() - 1 + open_ifs > limits.max_depth {
                    return Err(depth_error(i, limits));
                }
            }
            b')' | b']' | b'}' if ifs_per_level.len() > 1 => {
                operand_end = true;
                let closed = ifs_per_level.pop().unwrap_or(0);
                open_ifs -= closed.min(open_ifs);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &source[start..i];
                operand_end =
                    !BRACKET_CONTINUES.contains(&word) && !STATEMENT_WORDS.contains(&word);
                if matches!(word, "and" | "or" | "not" | "of") {
                    operators += 1;
                    if operators > limits.max_operators {
                        return Err(too_many(start));
                    }
                }
                if word == "if" {
                    if let Some(top) = ifs_per_level.last_mut() {
                        *top += 1;
                    }
                    open_ifs += 1;
                    if ifs_per_level.len() - 1 + open_ifs > limits.max_depth {
                        return Err(depth_error(start, limits));
                    }
                } else if STATEMENT_WORDS.contains(&word) {
                    operators = 0;
                    close_ifs(&mut ifs_per_level, &mut open_ifs);
                }
                continue;
            }
            c if !c.is_ascii_whitespace() => operand_end = false,
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Checks text against the default size, depth and operator limits, as [`parse`] does first
/// (for the formatter, which must not write what the parser refuses).
pub(crate) fn check_limits(source: &str) -> Result<(), Diagnostic> {
    prescan(source, Limits::DEFAULT)
}

fn depth_error(at: usize, limits: Limits) -> Diagnostic {
    Diagnostic::error(
        "E0003",
        Span::new(at, at + 1),
        format!(
            "nesting is deeper than the limit of {} levels",
            limits.max_depth
        ),
    )
    .with_hint("name inner parts as measures to flatten the expression")
}

/// Stack given to pest's parse, which recurses about ten grammar rules per nesting level
/// inside generated code (no [`crate::stack::guard`] there). Measured on x86-64 Linux: the
/// deepest plans within [`Limits::DEFAULT`] (conformance cases 098 and 099) need about
/// 900 KiB in a debug build, far less in release; 4 MiB leaves four times that. When less is
/// left, the parse runs on a fresh segment of this size (touched pages only are committed).
/// pest's own guard stops with an error (`E0004`) if a parse still runs short.
const PEST_STACK: usize = 4 * 1024 * 1024;

/// Parses plan text into an AST with explicit limits.
pub fn parse_with_limits(source: &str, limits: Limits) -> Result<File, Vec<Diagnostic>> {
    prescan(source, limits).map_err(|d| vec![d])?;
    pest::set_call_limit(std::num::NonZeroUsize::new(limits.max_calls));
    let result = crate::stack::with_stack(PEST_STACK, || PlanParser::parse(Rule::file, source));
    pest::set_call_limit(None);
    let mut pairs = result.map_err(|e| vec![syntax_error(source, e)])?;
    let file = pairs
        .next()
        .ok_or_else(|| vec![internal(Span::default(), "empty parse")])?;
    let mut b = Builder { errors: Vec::new() };
    let ast = b.file(file);
    if b.errors.is_empty() {
        Ok(ast)
    } else {
        Err(b.errors)
    }
}

fn rule_name(rule: &Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of input",
        Rule::plan | Rule::kw_plan => "`plan`",
        Rule::string => "a \"text\" literal",
        Rule::ident | Rule::path => "a name",
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::cmp_expr | Rule::add_expr
        | Rule::mul_expr | Rule::unary => "an expression",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::integer => "a whole number",
        Rule::decimal | Rule::percent => "a number",
        Rule::currency_code => "a currency code such as USD",
        Rule::grain => "month, quarter, half or year",
        Rule::round_mode => "a rounding mode (half_even, half_up, half_down, down, up, floor, ceiling)",
        Rule::round_stage => "line, component or payout",
        Rule::type_name => "a type (money, number, percent, integer, date, text, bool)",
        Rule::tier_mode => "retroactive, graduated or interpolated",
        Rule::tier_row => "a tier row such as [0%, 50%) 2%",
        Rule::anchor_row => "an anchor row such as 50% => 25%",
        Rule::close_bracket => "`)` or `]`",
        Rule::limit_level => "per line, per period, total per period or total per plan",
        Rule::pay_unit => "per deal, per unit of ..., or once",
        Rule::month_name => "a month name such as february",
        Rule::day_count => "actual or 30_360",
        Rule::currency_decl
        | Rule::period_decl
        | Rule::effective_decl
        | Rule::rounding_decl
        | Rule::input_decl
        | Rule::measure_decl
        | Rule::component_decl
        | Rule::limit_decl => "a plan item (currency, period, effective, rounding, input, measure, component, cap, floor)",
        Rule::commission_clause
        | Rule::rate_clause
        | Rule::pay_clause
        | Rule::multiply_clause
        | Rule::gate_clause
        | Rule::eligible_clause
        | Rule::during_clause
        | Rule::true_up_clause => "a component clause (commission, rate, pay, multiply, gate, eligible, during, cap, floor)",
        Rule::kw_to => "`to`",
        Rule::kw_per => "`per`",
        Rule::kw_at => "`at`",
        Rule::kw_on => "`on`",
        Rule::kw_by => "`by`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_when => "`when`",
        _ => return None,
    })
}

fn syntax_error(source: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((a, b)) => (a, b),
    };
    // Point at the whole unexpected token, not just one byte.
    let token_end = source
        .get(start..)
        .map(|rest| {
            let n = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map(|(i, _)| i)
                .unwrap_or(rest.len());
            start + n.max(rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0))
        })
        .unwrap_or(start)
        .max(end);
    let found = source.get(start..token_end).unwrap_or("");
    let found_text = if found.is_empty() {
        "end of input".to_string()
    } else {
        format!("`{found}`")
    };
    match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives.iter().filter_map(rule_name).collect();
            expected.sort_unstable();
            expected.dedup();
            let msg = if expected.is_empty() {
                format!("unexpected {found_text}")
            } else {
                format!("expected {}, found {found_text}", expected.join(" or "))
            };
            Diagnostic::error("E0001", Span::new(start, token_end), msg)
        }
        pest::error::ErrorVariant::CustomError { message } => {
            if message.contains("stack limit") {
                Diagnostic::error(
                    "E0004",
                    Span::new(start, token_end),
                    "the plan nests too deeply for the parser's stack",
                )
                .with_hint("name inner parts as measures to flatten the expression")
            } else if message.contains("call limit") {
                Diagnostic::error(
                    "E0004",
                    Span::new(start, token_end),
                    "the plan is too complex to parse within the call limit",
                )
                .with_hint("simplify or split the plan")
            } else {
                Diagnostic::error("E0001", Span::new(start, token_end), message.clone())
            }
        }
    }
}

fn internal(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error("E0005", span, format!("internal parser error: {what}"))
        .with_hint("this is a bug in Commissio; please report it with the plan")
}

fn span_of(p: &Pair<'_, Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

struct Builder {
    errors: Vec<Diagnostic>,
}

/// A placeholder expression used after an error, so building can continue.
fn error_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Bool(false),
        span,
    }
}

impl Builder {
    fn bug(&mut self, span: Span, what: &str) {
        self.errors.push(internal(span, what));
    }

    fn next<'i>(
        &mut self,
        pairs: &mut impl Iterator<Item = Pair<'i, Rule>>,
        at: Span,
    ) -> Option<Pair<'i, Rule>> {
        let p = pairs.next();
        if p.is_none() {
            self.bug(at, "missing node");
        }
        p
    }

    fn file(&mut self, file: Pair<'_, Rule>) -> File {
        let plans = file
            .into_inner()
            .filter(|p| p.as_rule() == Rule::plan)
            .map(|p| self.plan(p))
            .collect();
        File { plans }
    }

    fn plan(&mut self, p: Pair<'_, Rule>) -> PlanDecl {
        let span = span_of(&p);
        let mut name = Spanned::new(String::new(), span);
        let mut version = None;
        let mut items = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::kw_plan => {}
                Rule::string => name = self.string(c),
                Rule::version_tag => {
                    let s = span_of(&c);
                    if let Some(n) = c.into_inner().find(|x| x.as_rule() == Rule::integer) {
                        version = self.small_int(n).map(|v| Spanned::new(v, s));
                    }
                }
                _ => {
                    if let Some(item) = self.item(c) {
                        items.push(item);
                    }
                }
            }
        }
        PlanDecl {
            name,
            version,
            items,
            span,
        }
    }

    fn string(&mut self, p: Pair<'_, Rule>) -> Spanned<String> {
        let span = span_of(&p);
        let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        Spanned::new(out, span)
    }

    fn small_int(&mut self, p: Pair<'_, Rule>) -> Option<u32> {
        match p.as_str().parse::<u32>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.errors.push(Diagnostic::error(
                    "E0006",
                    span_of(&p),
                    format!("{} is too large", p.as_str()),
                ));
                None
            }
        }
    }

    fn date(&mut self, p: Pair<'_, Rule>) -> Spanned<Date> {
        let span = span_of(&p);
        match Date::parse(p.as_str()) {
            Some(d) => Spanned::new(d, span),
            None => {
                self.errors.push(
                    Diagnostic::error("E0007", span, format!("{} is not a valid date", p.as_str()))
                        .with_hint("dates are YYYY-MM-DD with a real month and day"),
                );
                Spanned::new(Date::default(), span)
            }
        }
    }

    fn ident(&mut self, p: Pair<'_, Rule>) -> Ident {
        Spanned::new(p.as_str().to_string(), span_of(&p))
    }

    fn column_name(&mut self, p: Pair<'_, Rule>) -> Spanned<String> {
        let span = span_of(&p);
        match p.into_inner().next() {
            Some(c) if c.as_rule() == Rule::string => self.string(c),
            Some(c) => self.ident(c),
            None => Spanned::new(String::new(), span),
        }
    }

    fn item(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let span = span_of(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        Some(match rule {
            Rule::currency_decl => {
                let code = inner.find(|c| c.as_rule() == Rule::currency_code)?;
                Item::Currency(Spanned::new(code.as_str().to_string(), span_of(&code)))
            }
            Rule::period_decl => {
                let mut grain = None;
                let mut fiscal_start = None;
                for c in inner {
                    match c.as_rule() {
                        Rule::grain => {
                            grain = Grain::from_keyword(c.as_str())
                                .map(|g| Spanned::new(g, span_of(&c)));
                        }
                        Rule::fiscal_start => {
                            if let Some(m) =
                                c.into_inner().find(|x| x.as_rule() == Rule::month_name)
                            {
                                let idx = MONTHS.iter().position(|n| *n == m.as_str()).unwrap_or(0);
                                fiscal_start = Some(Spanned::new(idx as u8 + 1, span_of(&m)));
                            }
                        }
                        _ => {}
                    }
                }
                let Some(grain) = grain else {
                    self.bug(span, "period without grain");
                    return None;
                };
                Item::Period {
                    grain,
                    fiscal_start,
                    span,
                }
            }
            Rule::effective_decl => {
                let mut dates = inner.filter(|c| c.as_rule() == Rule::date);
                let start = self.next(&mut dates, span)?;
                let end = self.next(&mut dates, span)?;
                Item::Effective {
                    start: self.date(start),
                    end: self.date(end),
                    span,
                }
            }
            Rule::rounding_decl => {
                let mut mode = None;
                let mut scale = None;
                let mut stage = None;
                for c in inner {
                    match c.as_rule() {
                        Rule::round_mode => {
                            mode = RoundingMode::from_keyword(c.as_str())
                                .map(|m| Spanned::new(m, span_of(&c)))
                        }
                        Rule::integer => {
                            let s = span_of(&c);
                            scale = self.small_int(c).map(|v| Spanned::new(v, s));
                        }
                        Rule::round_stage => {
                            stage = RoundingStage::from_keyword(c.as_str())
                                .map(|m| Spanned::new(m, span_of(&c)))
                        }
                        _ => {}
                    }
                }
                match (mode, scale, stage) {
                    (Some(mode), Some(scale), Some(stage)) => Item::Rounding {
                        mode,
                        scale,
                        stage,
                        span,
                    },
                    _ => return None,
                }
            }
            Rule::proration_decl => {
                let d = inner.find(|c| c.as_rule() == Rule::day_count)?;
                let dc = if d.as_str() == "30_360" {
                    DayCount::Thirty360
                } else {
                    DayCount::Actual
                };
                Item::Proration(Spanned::new(dc, span))
            }
            Rule::ramp_decl => {
                let factors = inner
                    .filter(|c| c.as_rule() == Rule::expr)
                    .map(|c| self.expr(c))
                    .collect();
                Item::Ramp { factors, span }
            }
            Rule::overlay_decl => Item::Overlay(span),
            Rule::input_decl => Item::Input(self.input(inner, span)),
            Rule::measure_decl => {
                let name = inner.find(|c| c.as_rule() == Rule::ident)?;
                let name = self.ident(name);
                let e = inner.find(|c| c.as_rule() == Rule::expr)?;
                Item::Measure(MeasureDecl {
                    name,
                    expr: self.expr(e),
                    span,
                })
            }
            Rule::component_decl => Item::Component(self.component(inner, span)),
            Rule::limit_decl => Item::Limit(self.limit(inner, span)?),
            Rule::payment_decl => {
                let k = inner.find(|c| c.as_rule() == Rule::payment_kind)?;
                Item::Payment {
                    kind: Spanned::new(k.as_str().to_string(), span_of(&k)),
                    span,
                }
            }
            _ => {
                self.bug(span, "unknown plan item");
                return None;
            }
        })
    }

    fn input(&mut self, inner: Pairs<'_, Rule>, span: Span) -> InputDecl {
        let mut kind = Spanned::new(String::new(), span);
        let mut builtins = Vec::new();
        let mut fields = Vec::new();
        for c in inner {
            match c.as_rule() {
                Rule::ident => kind = self.ident(c),
                Rule::column_map => {
                    for alias in c.into_inner() {
                        let mut parts = alias.into_inner();
                        let (Some(b), Some(col)) = (parts.next(), parts.next()) else {
                            continue;
                        };
                        let b = self.ident(b);
                        let col = self.column_name(col);
                        builtins.push((b, col));
                    }
                }
                Rule::field_decl => {
                    let fspan = span_of(&c);
                    let mut name = None;
                    let mut ty = None;
                    let mut column = None;
                    for f in c.into_inner() {
                        match f.as_rule() {
                            Rule::ident => name = Some(self.ident(f)),
                            Rule::type_name => {
                                let t = match f.as_str() {
                                    "money" => FieldType::Money,
                                    "number" => FieldType::Number,
                                    "percent" => FieldType::Percent,
                                    "integer" => FieldType::Integer,
                                    "date" => FieldType::Date,
                                    "text" => FieldType::Text,
                                    _ => FieldType::Bool,
                                };
                                ty = Some(Spanned::new(t, span_of(&f)));
                            }
                            Rule::column_name => column = Some(self.column_name(f)),
                            _ => {}
                        }
                    }
                    if let (Some(name), Some(ty)) = (name, ty) {
                        fields.push(FieldDecl {
                            name,
                            ty,
                            column,
                            span: fspan,
                        });
                    }
                }
                _ => {}
            }
        }
        InputDecl {
            kind,
            builtins,
            fields,
            span,
        }
    }

    fn limit(&mut self, inner: Pairs<'_, Rule>, span: Span) -> Option<LimitDecl> {
        let mut is_cap = true;
        let mut level = None;
        let mut amount = None;
        for c in inner {
            match c.as_rule() {
                Rule::limit_kind => is_cap = c.as_str() == "cap",
                Rule::limit_level => {
                    let ls = span_of(&c);
                    let l = match c.into_inner().next().map(|x| x.as_rule()) {
                        Some(Rule::per_line) => LimitLevel::Line,
                        Some(Rule::per_period) => LimitLevel::Period,
                        Some(Rule::total_period) => LimitLevel::TotalPeriod,
                        _ => LimitLevel::TotalPlan,
                    };
                    level = Some(Spanned::new(l, ls));
                }
                Rule::expr => amount = Some(self.expr(c)),
                _ => {}
            }
        }
        Some(LimitDecl {
            is_cap,
            level: level?,
            amount: amount?,
            span,
        })
    }

    fn component(&mut self, inner: Pairs<'_, Rule>, span: Span) -> ComponentDecl {
        let mut name = Spanned::new(String::new(), span);
        let mut items = Vec::new();
        for c in inner {
            let cspan = span_of(&c);
            let rule = c.as_rule();
            match rule {
                Rule::ident => name = self.ident(c),
                Rule::kw_component => {}
                Rule::commission_clause => {
                    if let Some(e) = c.into_inner().find(|x| x.as_rule() == Rule::expr) {
                        items.push(ComponentItem::Commission {
                            basis: self.expr(e),
                            span: cspan,
                        });
                    }
                }
                Rule::rate_clause => {
                    let Some(r) = c.into_inner().find(|x| x.as_rule() != Rule::kw_rate) else {
                        continue;
                    };
                    let rate = match r.as_rule() {
                        Rule::tier_table => RateSpec::Tiers(self.tier_table(r)),
                        Rule::rate_table => RateSpec::Table(self.rate_table(r)),
                        _ => RateSpec::Expr(self.expr(r)),
                    };
                    items.push(ComponentItem::Rate { rate, span: cspan });
                }
                Rule::pay_clause => {
                    let mut exprs = Vec::new();
                    let mut unit = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::expr => exprs.push(self.expr(x)),
                            Rule::pay_unit => {
                                let us = span_of(&x);
                                let Some(u) = x.into_inner().next() else {
                                    continue;
                                };
                                unit = Some(match u.as_rule() {
                                    Rule::per_deal => PayUnit::PerDeal(us),
                                    Rule::once => PayUnit::Once(us),
                                    _ => {
                                        let e = u.into_inner().find(|y| y.as_rule() == Rule::expr);
                                        let e = e
                                            .map(|y| self.expr(y))
                                            .unwrap_or_else(|| error_expr(us));
                                        PayUnit::PerUnit(e, us)
                                    }
                                });
                            }
                            _ => {}
                        }
                    }
                    let mut exprs = exprs.into_iter();
                    if let (Some(amount), Some(unit)) = (exprs.next(), unit) {
                        items.push(ComponentItem::Pay {
                            amount,
                            unit,
                            when: exprs.next(),
                            span: cspan,
                        });
                    }
                }
                Rule::multiply_clause => {
                    let mut exprs = c.into_inner().filter(|x| x.as_rule() == Rule::expr);
                    if let Some(f) = exprs.next() {
                        let factor = self.expr(f);
                        let when = exprs.next().map(|w| self.expr(w));
                        items.push(ComponentItem::Multiply {
                            factor,
                            when,
                            span: cspan,
                        });
                    }
                }
                Rule::gate_clause | Rule::eligible_clause => {
                    if let Some(e) = c.into_inner().find(|x| x.as_rule() == Rule::expr) {
                        let cond = self.expr(e);
                        items.push(if rule == Rule::gate_clause {
                            ComponentItem::Gate { cond, span: cspan }
                        } else {
                            ComponentItem::Eligible { cond, span: cspan }
                        });
                    }
                }
                Rule::during_clause => {
                    let mut dates = c.into_inner().filter(|x| x.as_rule() == Rule::date);
                    if let (Some(a), Some(b)) = (dates.next(), dates.next()) {
                        let (start, end) = (self.date(a), self.date(b));
                        items.push(ComponentItem::During {
                            start,
                            end,
                            span: cspan,
                        });
                    }
                }
                Rule::limit_decl => {
                    if let Some(l) = self.limit(c.into_inner(), cspan) {
                        items.push(ComponentItem::Limit(l));
                    }
                }
                Rule::true_up_clause => items.push(ComponentItem::TrueUp(cspan)),
                _ => self.bug(cspan, "unknown component clause"),
            }
        }
        ComponentDecl { name, items, span }
    }

    fn pay_decl(&mut self, p: Pair<'_, Rule>) -> PayDecl {
        let span = span_of(&p);
        match p.into_inner().next() {
            Some(x) if x.as_rule() == Rule::flat_pay => {
                let e = x.into_inner().find(|y| y.as_rule() == Rule::expr);
                PayDecl::Flat(
                    e.map(|y| self.expr(y)).unwrap_or_else(|| error_expr(span)),
                    span,
                )
            }
            Some(x) => PayDecl::Rate(self.expr(x)),
            None => PayDecl::Rate(error_expr(span)),
        }
    }

    fn tier_table(&mut self, p: Pair<'_, Rule>) -> TierTableDecl {
        let span = span_of(&p);
        let mut mode = Spanned::new(TierMode::Graduated, span);
        let mut key = TierKeyDecl::Amount(span);
        let mut scope = None;
        let mut rows = Vec::new();
        let mut anchors = Vec::new();
        for c in p.into_inner() {
            let cs = span_of(&c);
            match c.as_rule() {
                Rule::tier_mode => {
                    let m = match c.as_str() {
                        "retroactive" => TierMode::Retroactive,
                        "interpolated" => TierMode::Interpolated,
                        _ => TierMode::Graduated,
                    };
                    mode = Spanned::new(m, cs);
                }
                Rule::tier_key => {
                    key = match c.into_inner().next() {
                        Some(k) if k.as_rule() == Rule::amount_key => TierKeyDecl::Amount(cs),
                        Some(k) => TierKeyDecl::Expr(self.expr(k)),
                        None => TierKeyDecl::Amount(cs),
                    }
                }
                Rule::tier_scope => {
                    let s = match c.into_inner().next().map(|x| x.as_rule()) {
                        Some(Rule::scope_per_deal) => TierScope::PerLine,
                        Some(Rule::scope_running) => TierScope::Running,
                        _ => TierScope::PeriodEnd,
                    };
                    scope = Some(Spanned::new(s, cs));
                }
                Rule::tier_row => {
                    let mut lo_closed = true;
                    let mut lo = error_expr(cs);
                    let mut hi = None;
                    let mut hi_closed = false;
                    let mut pay = PayDecl::Rate(error_expr(cs));
                    for part in c.into_inner() {
                        match part.as_rule() {
                            Rule::lower_bound => {
                                for x in part.into_inner() {
                                    match x.as_rule() {
                                        Rule::open_closed_lo => lo_closed = x.as_str() == "[",
                                        _ => lo = self.expr(x),
                                    }
                                }
                            }
                            Rule::upper_bound => {
                                for x in part.into_inner() {
                                    match x.as_rule() {
                                        Rule::close_bracket => hi_closed = x.as_str() == "]",
                                        Rule::unbounded => hi = None,
                                        _ => hi = Some(self.expr(x)),
                                    }
                                }
                            }
                            Rule::tier_pay => pay = self.pay_decl(part),
                            _ => {}
                        }
                    }
                    rows.push(TierRowDecl {
                        lo_closed,
                        lo,
                        hi,
                        hi_closed,
                        pay,
                        span: cs,
                    });
                }
                Rule::anchor_row => {
                    let mut e = c.into_inner().filter(|x| x.as_rule() == Rule::expr);
                    if let (Some(a), Some(v)) = (e.next(), e.next()) {
                        anchors.push(AnchorDecl {
                            at: self.expr(a),
                            value: self.expr(v),
                            span: cs,
                        });
                    }
                }
                _ => {}
            }
        }
        TierTableDecl {
            mode,
            key,
            scope,
            rows,
            anchors,
            span,
        }
    }

    fn rate_table(&mut self, p: Pair<'_, Rule>) -> RateTableDecl {
        let span = span_of(&p);
        let mut keys = Vec::new();
        let mut rows = Vec::new();
        for c in p.into_inner() {
            let cs = span_of(&c);
            match c.as_rule() {
                Rule::expr => keys.push(self.expr(c)),
                Rule::table_row => {
                    let mut ks = Vec::new();
                    let mut pay = PayDecl::Rate(error_expr(cs));
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::table_key => match x.into_inner().next() {
                                Some(k) if k.as_rule() == Rule::wildcard => ks.push(None),
                                Some(k) => ks.push(Some(self.primary(k))),
                                None => {}
                            },
                            Rule::tier_pay => pay = self.pay_decl(x),
                            _ => {}
                        }
                    }
                    rows.push(TableRowDecl {
                        keys: Some(ks),
                        pay,
                        span: cs,
                    });
                }
                Rule::default_row => {
                    let pay = c
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::tier_pay)
                        .map(|x| self.pay_decl(x))
                        .unwrap_or_else(|| PayDecl::Rate(error_expr(cs)));
                    rows.push(TableRowDecl {
                        keys: None,
                        pay,
                        span: cs,
                    });
                }
                _ => {}
            }
        }
        RateTableDecl { keys, rows, span }
    }

    // ---- expressions ----

    /// Every cycle of the expression recursion passes here, so the stack check is here.
    fn expr(&mut self, p: Pair<'_, Rule>) -> Expr {
        crate::stack::guard(|| self.expr_node(p))
    }

    fn expr_node(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = span_of(&p);
        match p.as_rule() {
            Rule::expr | Rule::paren => match p.into_inner().find(|c| c.as_rule() != Rule::kw_of) {
                Some(inner) => self.expr(inner),
                None => error_expr(span),
            },
            Rule::or_expr | Rule::and_expr | Rule::add_expr | Rule::mul_expr => {
                self.binary_chain(p)
            }
            Rule::not_expr => {
                let mut nots = Vec::new();
                let mut operand = None;
                for c in p.into_inner() {
                    if c.as_rule() == Rule::not_op {
                        nots.push(span_of(&c));
                    } else {
                        operand = Some(self.expr(c));
                    }
                }
                let mut e = operand.unwrap_or_else(|| error_expr(span));
                for s in nots.into_iter().rev() {
                    let sp = s.to(e.span);
                    e = Expr {
                        kind: ExprKind::Not(Box::new(e)),
                        span: sp,
                    };
                }
                e
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return error_expr(span);
                };
                let lhs = self.expr(first);
                match (it.next(), it.next()) {
                    (Some(op), Some(rhs)) => {
                        let op = match op.as_str() {
                            "<=" => BinaryOp::Le,
                            ">=" => BinaryOp::Ge,
                            "!=" => BinaryOp::Ne,
                            "=" => BinaryOp::Eq,
                            "<" => BinaryOp::Lt,
                            _ => BinaryOp::Gt,
                        };
                        let rhs = self.expr(rhs);
                        Expr {
                            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                            span,
                        }
                    }
                    _ => lhs,
                }
            }
            Rule::unary => {
                let mut negs = Vec::new();
                let mut operand = None;
                for c in p.into_inner() {
                    if c.as_rule() == Rule::neg_op {
                        negs.push(span_of(&c));
                    } else {
                        operand = Some(self.expr(c));
                    }
                }
                let mut e = operand.unwrap_or_else(|| error_expr(span));
                for s in negs.into_iter().rev() {
                    let sp = s.to(e.span);
                    e = Expr {
                        kind: ExprKind::Neg(Box::new(e)),
                        span: sp,
                    };
                }
                e
            }
            _ => self.primary(p),
        }
    }

    fn binary_chain(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = span_of(&p);
        let mut it = p.into_inner();
        let Some(first) = it.next() else {
            return error_expr(span);
        };
        let mut lhs = self.expr(first);
        while let Some(op) = it.next() {
            let op = match (op.as_rule(), op.as_str()) {
                (Rule::kw_or, _) => BinaryOp::Or,
                (Rule::kw_and, _) => BinaryOp::And,
                (_, "+") => BinaryOp::Add,
                (_, "-") => BinaryOp::Sub,
                (_, "*") => BinaryOp::Mul,
                (_, "/") => BinaryOp::Div,
                _ => BinaryOp::Of,
            };
            let Some(rhs) = it.next() else { break };
            let rhs = self.expr(rhs);
            let sp = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span: sp,
            };
        }
        lhs
    }

    fn number(&mut self, text: &str, span: Span) -> Decimal {
        let cleaned: String = text.chars().filter(|c| *c != '_' && *c != '%').collect();
        match Decimal::from_str_exact(&cleaned) {
            // A percent is lowered as its number / 100, two more places: that must be exact
            // too (`0.0000000000000000000000000001%` would otherwise become 0).
            Ok(d) if text.ends_with('%') && d.normalize().scale() > 26 => {
                self.errors.push(
                    Diagnostic::error(
                        "E0006",
                        span,
                        format!("{text} cannot be held exactly: as a fraction it needs more than 28 decimal places"),
                    )
                    .with_hint("a percent may have at most 26 decimal places"),
                );
                Decimal::ZERO
            }
            Ok(d) => d,
            Err(_) => {
                self.errors.push(
                    Diagnostic::error("E0006", span, format!("{text} is out of range"))
                        .with_hint("a number must fit in 96 bits: at most 79228162514264337593543950335, 28 decimal places"),
                );
                Decimal::ZERO
            }
        }
    }

    fn primary(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = span_of(&p);
        let kind = match p.as_rule() {
            Rule::percent => ExprKind::Number {
                value: self.number(p.as_str(), span),
                percent: true,
            },
            Rule::decimal => ExprKind::Number {
                value: self.number(p.as_str(), span),
                percent: false,
            },
            Rule::date => ExprKind::Date(self.date(p).node),
            Rule::string => ExprKind::Text(self.string(p).node),
            Rule::boolean => ExprKind::Bool(p.as_str() == "true"),
            Rule::path => ExprKind::Path(
                p.into_inner()
                    .map(|i| Spanned::new(i.as_str().to_string(), span_of(&i)))
                    .collect(),
            ),
            Rule::paren | Rule::expr => return self.expr(p),
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|c| c.as_rule() == Rule::expr);
                let (Some(c), Some(a), Some(b)) = (parts.next(), parts.next(), parts.next()) else {
                    return error_expr(span);
                };
                ExprKind::If(
                    Box::new(self.expr(c)),
                    Box::new(self.expr(a)),
                    Box::new(self.expr(b)),
                )
            }
            Rule::call => {
                let mut it = p.into_inner();
                let Some(name) = it.next() else {
                    return error_expr(span);
                };
                let fname = FuncName::from_text(name.as_str()).unwrap_or(FuncName::Min);
                let fspan = span_of(&name);
                let mut args = Vec::new();
                for a in it {
                    if a.as_rule() == Rule::round_mode_arg {
                        let arg_span = span_of(&a);
                        let mode = a
                            .into_inner()
                            .next()
                            .and_then(|m| RoundingMode::from_keyword(m.as_str()))
                            .unwrap_or(RoundingMode::HalfEven);
                        args.push(Expr {
                            kind: ExprKind::RoundMode(mode),
                            span: arg_span,
                        });
                    } else {
                        args.push(self.expr(a));
                    }
                }
                // `min(x)` / `max(x)` with one argument are aggregates over credit lines.
                if matches!(fname, FuncName::Min | FuncName::Max) && args.len() == 1 {
                    let func = if fname == FuncName::Min {
                        AggFunc::Min
                    } else {
                        AggFunc::Max
                    };
                    let arg = args.pop().map(Box::new);
                    ExprKind::Aggregate {
                        population: Population::Own,
                        window: Window::Period,
                        func,
                        arg,
                        filter: None,
                    }
                } else {
                    ExprKind::Call(Spanned::new(fname, fspan), args)
                }
            }
            Rule::team_commission => {
                let mut population = Population::Team;
                let mut components = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::agg_population if c.as_str() == "direct" => {
                            population = Population::Direct
                        }
                        Rule::ident => {
                            components.push(Spanned::new(c.as_str().to_string(), span_of(&c)))
                        }
                        _ => {}
                    }
                }
                ExprKind::TeamCommission {
                    population,
                    components,
                }
            }
            Rule::aggregate => {
                let mut population = Population::Own;
                let mut window = Window::Period;
                let mut func = AggFunc::Sum;
                let mut arg = None;
                let mut filter = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::agg_population => {
                            population = if c.as_str() == "team" {
                                Population::Team
                            } else {
                                Population::Direct
                            }
                        }
                        Rule::agg_window => {
                            window = if c.as_str() == "ytd" {
                                Window::YearToDate
                            } else {
                                Window::Year
                            }
                        }
                        Rule::agg_func => {
                            func = match c.as_str() {
                                "count" => AggFunc::Count,
                                "avg" => AggFunc::Avg,
                                "min" => AggFunc::Min,
                                "max" => AggFunc::Max,
                                _ => AggFunc::Sum,
                            }
                        }
                        Rule::agg_arg => {
                            if let Some(e) = c.into_inner().next() {
                                arg = Some(Box::new(self.expr(e)));
                            }
                        }
                        Rule::expr => filter = Some(Box::new(self.expr(c))),
                        _ => {}
                    }
                }
                ExprKind::Aggregate {
                    population,
                    window,
                    func,
                    arg,
                    filter,
                }
            }
            _ => {
                self.bug(span, "unexpected expression node");
                ExprKind::Bool(false)
            }
        };
        Expr { kind, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_parentheses_are_an_error() {
        let src = format!(
            "plan \"x\" {{ measure m = {}1{} }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let errs = parse(&src).err().unwrap_or_default();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "E0003");
    }

    /// A plan around one component clause.
    fn component(clause: &str) -> String {
        format!(
            "plan \"x\" {{\n  input deal {{ amount: money, won: bool }}\n  component c {{\n    commission on credit.amount\n    {clause}\n  }}\n}}\n"
        )
    }

    /// The code, message and offset of the first error, or None.
    fn first_error(src: &str) -> Option<(&'static str, String, usize)> {
        parse(src).err().map(|e| {
            (
                e[0].code,
                e[0].message.clone(),
                e[0].primary.span.start as usize,
            )
        })
    }

    #[test]
    fn a_lone_carriage_return_is_refused_where_it_stands() {
        let crlf = component("rate 5%").replace('\n', "\r\n");
        assert_eq!(first_error(&crlf), None);
        let cr = component("rate 5%").replace('\n', "\r");
        assert_eq!(
            first_error(&cr),
            Some((
                "E0001",
                "a carriage return not followed by a line feed: plan lines end with LF or CRLF"
                    .to_string(),
                cr.find('\r').unwrap_or(usize::MAX)
            ))
        );
        // One lone CR among CRLF lines is found on its own line.
        let mixed = crlf.replacen("\r\n    rate", "\r    rate", 1);
        let at = mixed.find("\r    rate").unwrap_or(usize::MAX);
        assert_eq!(first_error(&mixed).map(|e| e.2), Some(at));
    }

    #[test]
    fn sequential_ifs_do_not_add_up() {
        // 1,000 tier rows each paying an `if`, and 200 `if`s as call arguments: one `if` open
        // at a time, so depth 4 (plan, component, table, row) and 3 (plan, component, call).
        let rows: String = (0..1000)
            .map(|i| {
                format!(
                    "      [{}, {}) if deal.won then 2% else 1%\n",
                    i * 10,
                    i * 10 + 10
                )
            })
            .collect();
        let tiers = component(&format!("rate graduated by amount {{\n{rows}    }}"));
        assert_eq!(first_error(&tiers), None);
        let args = vec!["if deal.won then 2% else 1%"; 200].join(", ");
        assert_eq!(first_error(&component(&format!("rate max({args})"))), None);
        let rows: String = (0..300)
            .map(|i| format!("      \"k{i}\" => if deal.won then 2% else 1%\n"))
            .collect();
        let table = component(&format!("rate table by deal.won {{\n{rows}    }}"));
        assert_eq!(first_error(&table), None);
    }

    #[test]
    fn nested_ifs_count_to_the_limit() {
        // Plan and component braces (2) and 62 nested `if`s in `then` branches: depth 64.
        let nested = |n: usize| {
            let mut e = String::from("2%");
            for _ in 0..n {
                e = format!("if deal.won then {e} else 1%");
            }
            component(&format!("rate {e}"))
        };
        assert_eq!(first_error(&nested(62)), None);
        let src = nested(63);
        // The 63rd `if` (the innermost) opens level 65.
        let at = src.rfind("if deal.won").unwrap_or(0);
        assert_eq!(
            first_error(&src),
            Some((
                "E0003",
                "nesting is deeper than the limit of 64 levels".to_string(),
                at
            ))
        );
        // An `if` still open is counted by a bracket after an operator (`else (`), not closed.
        let src = component(&format!(
            "rate {}(1%){}",
            "if deal.won then 2% else (".repeat(31),
            ")".repeat(31)
        ));
        let at = src.rfind("(1%)").unwrap_or(0);
        assert_eq!(
            first_error(&src),
            Some((
                "E0003",
                "nesting is deeper than the limit of 64 levels".to_string(),
                at
            ))
        );
    }

    #[test]
    fn parses_a_small_plan() {
        let src = r#"plan "x" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  measure bookings = sum(credit.amount)
  component c {
    commission on credit.amount
    rate graduated by amount {
      [0, 50_000) 5%
      [50_000, ..) 7%
    }
    multiply 1.2 when deal.amount > 10
  }
}"#;
        let f = parse(src).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.plans.len(), 1);
        assert_eq!(f.plans[0].items.len(), 7);
    }
}
