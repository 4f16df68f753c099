//! The one view of an error that every binding shows: [`ErrorView`], built by
//! [`Error::view`](crate::Error::view) and serialised by
//! [`Error::to_json`](crate::Error::to_json) (the canonical error JSON). Python builds its
//! exception attributes and `Diagnostic` objects from it, JavaScript receives its JSON, and the
//! CLI's `check --format json` lists each file's [`DiagnosticView`]s; the one-line
//! [`ErrorView::summary`] is each binding's exception message.
//!
//! Every place in plan text is a [`SpanView`]: byte offsets, UTF-16 offsets (JavaScript string
//! indices), and 1-based lines with columns in UTF-8 bytes, UTF-16 code units and characters.

use crate::args::ArgumentError;
use crate::error::Error;
use commissio_core::load::DataError;
use commissio_core::plan::SourceRef;
use commissio_dsl::diagnostic::{Position, Severity};
use commissio_dsl::{Diagnostic, LineIndex};
use serde::Serialize;

/// One plan text indexed for every position unit the bindings use.
#[derive(Debug, Clone)]
pub struct SourceLines {
    index: LineIndex,
    /// The UTF-16 offset at which each line starts.
    utf16_line_starts: Vec<u32>,
}

impl SourceLines {
    /// Indexes `source`.
    pub fn new(source: &str) -> Self {
        let mut utf16_line_starts = vec![0u32];
        let mut units = 0u32;
        for c in source.chars() {
            units = units.saturating_add(c.len_utf16() as u32);
            if c == '\n' {
                utf16_line_starts.push(units);
            }
        }
        SourceLines {
            index: LineIndex::new(source),
            utf16_line_starts,
        }
    }

    /// The line and column index (UTF-8), for rendering diagnostics with a caret.
    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    fn utf16_offset(&self, p: Position) -> u32 {
        let base = self
            .utf16_line_starts
            .get(p.line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0);
        base.saturating_add(p.column_utf16.saturating_sub(1))
    }

    /// The byte span `start..end` in every unit.
    pub fn span(&self, start: u32, end: u32) -> SpanView {
        let from = self.index.position(start as usize);
        let to = self.index.position(end.max(start) as usize);
        SpanView {
            start,
            end: end.max(start),
            start_utf16: self.utf16_offset(from),
            end_utf16: self.utf16_offset(to),
            line: from.line,
            column: from.column,
            column_utf16: from.column_utf16,
            column_chars: from.column_chars,
            end_line: to.line,
            end_column: to.column,
            end_column_utf16: to.column_utf16,
            end_column_chars: to.column_chars,
        }
    }

    /// The place of an evaluation error, or `None` when the engine gave none (the span
    /// `0..0`). The one rule for "has a span" in every binding.
    pub fn source_span(&self, source: SourceRef) -> Option<SpanView> {
        (source.start > 0 || source.end > 0).then(|| self.span(source.start, source.end))
    }

    /// A diagnostic with every span resolved.
    pub fn diagnostic(&self, d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            code: d.code,
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: d.message.clone(),
            span: self.span(d.primary.span.start, d.primary.span.end),
            label: d.primary.message.clone(),
            hint: d.hint.clone(),
            related: d
                .secondary
                .iter()
                .map(|l| RelatedView {
                    span: self.span(l.span.start, l.span.end),
                    message: l.message.clone(),
                })
                .collect(),
        }
    }
}

/// A span of plan text in every unit a binding may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SpanView {
    /// First byte (UTF-8).
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// `start` as a UTF-16 offset (a JavaScript string index).
    pub start_utf16: u32,
    /// `end` as a UTF-16 offset.
    pub end_utf16: u32,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start` in UTF-8 bytes.
    pub column: u32,
    /// 1-based column of `start` in UTF-16 code units.
    pub column_utf16: u32,
    /// 1-based column of `start` in characters.
    pub column_chars: u32,
    /// 1-based line of `end`.
    pub end_line: u32,
    /// 1-based column of `end` in UTF-8 bytes.
    pub end_column: u32,
    /// 1-based column of `end` in UTF-16 code units.
    pub end_column_utf16: u32,
    /// 1-based column of `end` in characters.
    pub end_column_chars: u32,
}

/// A related place of a diagnostic ("first declared here").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RelatedView {
    /// Where.
    #[serde(flatten)]
    pub span: SpanView,
    /// What about it.
    pub message: String,
}

/// A diagnostic of plan text, its primary span flattened into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DiagnosticView {
    /// Stable code, e.g. `E0301` (listed in docs/language.md).
    pub code: &'static str,
    /// `"error"` or `"warning"`.
    pub severity: &'static str,
    /// One sentence: what is wrong.
    pub message: String,
    /// Where.
    #[serde(flatten)]
    pub span: SpanView,
    /// A note on the primary span (may be empty).
    pub label: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    /// Related places.
    pub related: Vec<RelatedView>,
}

impl DiagnosticView {
    /// `error[E0301] line 16, column 7: message`, the one-line form.
    pub fn summary(&self) -> String {
        format!(
            "{}[{}] line {}, column {}: {}",
            self.severity, self.code, self.span.line, self.span.column, self.message
        )
    }
}

/// Any error of the facade, as every binding shows it. Serialised with a `kind` tag:
/// `plan`, `data`, `period`, `eval` or `argument`; every kind has `code` and `summary`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorView<'a> {
    /// The plan text has errors.
    Plan {
        /// The first diagnostic's code.
        code: &'static str,
        /// See [`ErrorView::summary`].
        summary: String,
        /// Every diagnostic, in source order.
        diagnostics: Vec<DiagnosticView>,
    },
    /// The input data does not fit the plan.
    Data {
        /// The first error's code.
        code: &'static str,
        /// See [`ErrorView::summary`].
        summary: String,
        /// The listed errors (table, row, id, field, expected, message).
        errors: &'a [DataError],
        /// How many more were found but not listed.
        omitted: usize,
    },
    /// A period or range could not be read.
    Period {
        /// `P0001`.
        code: &'static str,
        /// See [`ErrorView::summary`].
        summary: String,
        /// The text given.
        text: &'a str,
        /// Why it was refused.
        reason: &'a str,
    },
    /// Evaluation stopped.
    Eval {
        /// `R....`.
        code: &'a str,
        /// See [`ErrorView::summary`].
        summary: String,
        /// The engine's sentence, without the context.
        message: &'a str,
        /// The payee, when the error is tied to one.
        payee: Option<&'a str>,
        /// The deal, when the error is tied to one.
        deal: Option<&'a str>,
        /// The period label, when the error is tied to one.
        period: Option<&'a str>,
        /// The plan text that caused it, when the engine named it.
        span: Option<SpanView>,
    },
    /// An argument could not be read.
    Argument {
        /// `A0001`.
        code: &'static str,
        /// See [`ErrorView::summary`].
        summary: String,
    },
}

impl ErrorView<'_> {
    /// Leads the summary with `prefix` (a program names the plan an error arose in).
    pub fn prefix_summary(&mut self, prefix: &str) {
        match self {
            ErrorView::Plan { summary, .. }
            | ErrorView::Data { summary, .. }
            | ErrorView::Period { summary, .. }
            | ErrorView::Eval { summary, .. }
            | ErrorView::Argument { summary, .. } => summary.insert_str(0, prefix),
        }
    }

    /// The stable code of the (first) error.
    pub fn code(&self) -> &str {
        match self {
            ErrorView::Plan { code, .. }
            | ErrorView::Data { code, .. }
            | ErrorView::Period { code, .. }
            | ErrorView::Argument { code, .. } => code,
            ErrorView::Eval { code, .. } => code,
        }
    }

    /// The one-line message every binding raises with: for a plan, `the plan has 2 errors;
    /// first: error[E0301] line 16, column 7: …`; for data, the first error (and how many
    /// more); for an evaluation, `[R0101] message (payee "A", period 2026-Q1, deal "D1",
    /// line 12, column 5)`.
    pub fn summary(&self) -> &str {
        match self {
            ErrorView::Plan { summary, .. }
            | ErrorView::Data { summary, .. }
            | ErrorView::Period { summary, .. }
            | ErrorView::Eval { summary, .. }
            | ErrorView::Argument { summary, .. } => summary,
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Error {
    /// The error as every binding shows it; `lines` is the plan text it refers to.
    pub fn view<'a>(&'a self, lines: &SourceLines) -> ErrorView<'a> {
        match self {
            Error::Plan(diags) => {
                let diagnostics: Vec<DiagnosticView> =
                    diags.iter().map(|d| lines.diagnostic(d)).collect();
                let summary = match diagnostics.first() {
                    Some(first) if diagnostics.len() == 1 => {
                        format!("the plan has 1 error: {}", first.summary())
                    }
                    Some(first) => format!(
                        "the plan has {}; first: {}",
                        plural(diagnostics.len(), "error", "errors"),
                        first.summary()
                    ),
                    None => "the plan was refused".to_string(),
                };
                ErrorView::Plan {
                    code: diags.first().map(|d| d.code).unwrap_or(""),
                    summary,
                    diagnostics,
                }
            }
            Error::Data(e) => {
                let listed = e.errors.len() + e.omitted;
                let summary = match e.errors.first() {
                    Some(first) if listed == 1 => first.to_string(),
                    Some(first) => format!(
                        "{first} (and {} more {})",
                        listed - 1,
                        if listed == 2 { "error" } else { "errors" }
                    ),
                    None => "the input data does not fit the plan".to_string(),
                };
                ErrorView::Data {
                    code: e.errors.first().map(|e| e.code.as_str()).unwrap_or(""),
                    summary,
                    errors: &e.errors,
                    omitted: e.omitted,
                }
            }
            Error::Period(p) => ErrorView::Period {
                code: "P0001",
                summary: p.to_string(),
                text: &p.text,
                reason: &p.reason,
            },
            Error::Eval(e) => {
                let span = lines.source_span(e.source);
                let mut context = Vec::new();
                if let Some(p) = &e.payee {
                    context.push(format!("payee {p:?}"));
                }
                if let Some(p) = &e.period {
                    context.push(format!("period {p}"));
                }
                if let Some(d) = &e.deal {
                    context.push(format!("deal {d:?}"));
                }
                if let Some(s) = &span {
                    context.push(format!("line {}, column {}", s.line, s.column));
                }
                let mut summary = format!("[{}] {}", e.code, e.message);
                if !context.is_empty() {
                    summary.push_str(&format!(" ({})", context.join(", ")));
                }
                ErrorView::Eval {
                    code: &e.code,
                    summary,
                    message: &e.message,
                    payee: e.payee.as_deref(),
                    deal: e.deal.as_deref(),
                    period: e.period.as_deref(),
                    span,
                }
            }
            Error::Argument(a) => ErrorView::Argument {
                code: ArgumentError::CODE,
                summary: a.message.clone(),
            },
        }
    }
}

impl Error {
    /// The canonical JSON of the error, the counterpart of [`crate::Results::to_json`]: its
    /// [`ErrorView`], the same bytes from every binding (Python `CommissioError.canonical_json`,
    /// JavaScript `CommissioError.canonicalJson`) for the same plan
    /// and data. `source` is the plan text (for the lines and columns of diagnostics).
    pub fn to_json(&self, source: &str) -> String {
        self.to_json_lines(&SourceLines::new(source))
    }

    /// [`Error::to_json`] with the plan text already indexed.
    pub fn to_json_lines(&self, lines: &SourceLines) -> String {
        // Plain data (strings, numbers, options): serialisation cannot fail.
        serde_json::to_string(&self.view(lines)).unwrap_or_default()
    }
}
