//! The checker's state ([`Checker`]: the schema, measures and components of one plan block,
//! and the diagnostics found), the types it gives expressions, and name suggestions.

use crate::ast::Span;
use crate::diagnostic::Diagnostic;
use commissio_core::period::DateRange;
use commissio_core::plan::{self as ir, ValueType};
use std::collections::HashMap;

/// Where an expression is evaluated: what it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    /// Per credit line: deal, credit, payee, measures, built-ins.
    Line,
    /// Per credit line inside an aggregate: deal, credit, payee; no measures, no aggregates.
    AggregateArg,
    /// Per payee and period: payee, measures, built-ins; no deal or credit.
    Period,
    /// A constant: literals only.
    Const,
}

/// A checked expression's type. `constant` marks expressions made only of literals: they may
/// stand for money ("money never mixes with a plain number except through literals").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ty {
    pub(super) vt: ValueType,
    pub(super) constant: bool,
}

impl Ty {
    pub(super) fn of(vt: ValueType) -> Ty {
        Ty {
            vt,
            constant: false,
        }
    }
}

pub(super) fn type_name(vt: ValueType) -> &'static str {
    match vt {
        ValueType::Money => "money",
        ValueType::Number => "number",
        ValueType::Integer => "integer",
        ValueType::Date => "date",
        ValueType::Text => "text",
        ValueType::Bool => "bool",
    }
}

pub(super) fn is_numeric(vt: ValueType) -> bool {
    matches!(vt, ValueType::Number | ValueType::Integer)
}

pub(super) struct MeasureInfo {
    pub(super) index: usize,
    pub(super) ty: ValueType,
    pub(super) span: Span,
}

pub(super) struct Checker {
    pub(super) errors: Vec<Diagnostic>,
    pub(super) schema: ir::Schema,
    pub(super) measures: Vec<ir::Measure>,
    pub(super) measure_names: HashMap<String, MeasureInfo>,
    pub(super) hidden_count: usize,
    pub(super) effective: Option<DateRange>,
    /// Component names of the plan block, with their index among its components.
    pub(super) component_index: HashMap<String, usize>,
    /// Components counted by `team|direct commission(...)`, with where each is named.
    pub(super) team_counted: Vec<(usize, Span)>,
}

impl Checker {
    pub(super) fn new() -> Self {
        Checker {
            errors: Vec::new(),
            schema: ir::Schema::default(),
            measures: Vec::new(),
            measure_names: HashMap::new(),
            hidden_count: 0,
            effective: None,
            component_index: HashMap::new(),
            team_counted: Vec::new(),
        }
    }

    pub(super) fn err(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    pub(super) fn duplicate(&mut self, what: &str, span: Span, prev: Span) {
        self.err(
            Diagnostic::error("E0103", span, format!("{what} is declared more than once"))
                .with_secondary(prev, "first declared here")
                .with_hint("keep one declaration"),
        );
    }
}

/// The closest known name within edit distance 2, for "did you mean" hints.
pub(super) fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
