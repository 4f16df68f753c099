//! Diagnostics as data: a stable code, a message, spans and a hint.
//!
//! The checker returns every problem at once as [`Diagnostic`] values. [`LineIndex`] turns a
//! byte span into line and column, both in UTF-8 bytes and in UTF-16 code units (what
//! JavaScript editors count) and characters. [`Diagnostic::render`] is the output for people at
//! a terminal; the one JSON shape for tools is the facade's `commissio::DiagnosticView`, built
//! from these values, so no second shape exists here. A rendering quotes at most
//! [`EXCERPT_CHARS`] characters of a source line (cut around the span, with `…`), so a huge
//! one-line plan never makes a huge message.

use crate::ast::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The plan is refused.
    Error,
    /// The plan is accepted, but something looks wrong.
    Warning,
}

/// A span with an optional note about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it (may be empty).
    pub message: String,
}

/// One problem found in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0301`. The list is in docs/language.md.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The place the problem is.
    pub primary: Label,
    /// Related places (the earlier definition of a duplicate, the neighbouring tier, ...).
    pub secondary: Vec<Label>,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            hint: None,
        }
    }
    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Adds a note to the primary span.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }
    /// Adds a related span.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// A human rendering: `error[E0301]: message`, the file, line and column, the source line
    /// and a caret under the span, then secondary notes and the hint.
    pub fn render(&self, index: &LineIndex, file_name: &str) -> String {
        let mut out = String::new();
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "{kind}[{}]: {}\n",
            self.code,
            visible(&self.message, true)
        ));
        let p = index.position(self.primary.span.start as usize);
        out.push_str(&format!(
            "  --> {file_name}:{}:{}\n",
            p.line, p.column_chars
        ));
        render_snippet(&mut out, index, &self.primary, '^');
        for s in &self.secondary {
            let sp = index.position(s.span.start as usize);
            out.push_str(&format!(
                "  note: {}:{}:{}\n",
                file_name, sp.line, sp.column_chars
            ));
            render_snippet(&mut out, index, s, '-');
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("  = help: {}\n", visible(h, true)));
        }
        out
    }
}

/// `text` with every control character shown as a visible one, character for character (so
/// a caret under a quoted line stays aligned): C0 controls as their control pictures (`␀`,
/// `␛`; a tab as a space), DEL as `␡`, C1 controls and the bidirectional overrides that can
/// make a line read differently from what it holds as `�`. Line breaks are kept when
/// `keep_newlines`. A terminal then never receives raw escapes from plan text.
pub fn visible(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| -> Option<char> {
        match c {
            '\n' if keep_newlines => None,
            '\t' => Some(' '),
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
            '\u{7f}' => Some('\u{2421}'),
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                Some('\u{fffd}')
            }
            _ => None,
        }
    };
    if !text.chars().any(|c| shown(c).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| shown(c).unwrap_or(c)).collect())
}

fn render_snippet(out: &mut String, index: &LineIndex, label: &Label, mark: char) {
    let p = index.position(label.span.start as usize);
    let line_start = index.line_start(p.line);
    let line_text = index.line_text(p.line);
    let start = (label.span.start as usize).clamp(line_start, line_start + line_text.len());
    let end = (label.span.end as usize).clamp(start, line_start + line_text.len());
    let (text, before, width) = excerpt(line_text, start - line_start, end - line_start);
    let gutter = p.line.to_string();
    let pad = " ".repeat(gutter.len());
    out.push_str(&format!("{pad} |\n{gutter} | {}\n", visible(&text, false)));
    // Underline the span's part on its first line, counting characters, not bytes.
    out.push_str(&format!(
        "{pad} | {}{}",
        " ".repeat(before),
        mark.to_string().repeat(width.max(1))
    ));
    if !label.message.is_empty() {
        out.push(' ');
        out.push_str(&visible(&label.message, true));
    }
    out.push('\n');
}

/// Most characters of a source line a diagnostic shows (plus an `…` at each cut end): a plan
/// of one 1 MiB line must not be echoed whole, twice (the line and the spaces before the caret).
pub const EXCERPT_CHARS: usize = 200;
/// Characters shown before the span's start when a long line is cut.
const EXCERPT_BEFORE: usize = 60;

/// The part of `line` to show for the span `start..end` (byte offsets in the line, on char
/// boundaries or moved back to one): the excerpt, the characters before the span in it and
/// the span's width in characters, both counted in the excerpt. A line of at most
/// [`EXCERPT_CHARS`] characters is shown whole; a longer one is cut to that many characters
/// around the span's start, with `…` where it was cut.
fn excerpt(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while i > 0 && !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(start), floor(end));
    let before = line.get(..start).map_or(0, |s| s.chars().count());
    let span = line.get(start..end).map_or(0, |s| s.chars().count());
    let total = line.chars().count();
    if total <= EXCERPT_CHARS {
        return (line.to_string(), before, span);
    }
    let first = before
        .saturating_sub(EXCERPT_BEFORE)
        .min(total - EXCERPT_CHARS);
    let last = first + EXCERPT_CHARS;
    let mut text: String = line.chars().skip(first).take(EXCERPT_CHARS).collect();
    let mut shift = 0;
    if first > 0 {
        text.insert(0, '…');
        shift = 1;
    }
    if last < total {
        text.push('…');
    }
    let width = span.min(last.saturating_sub(before));
    (text, before - first + shift, width)
}

impl LineIndex {
    /// The line holding byte `offset`, cut to at most [`EXCERPT_CHARS`] characters around
    /// that offset (with `…` where it was cut), for messages that quote the source.
    pub fn line_excerpt(&self, offset: usize) -> String {
        let p = self.position(offset);
        let line_start = self.line_start(p.line);
        let line = self.line_text(p.line);
        excerpt(
            line,
            offset.saturating_sub(line_start),
            offset.saturating_sub(line_start),
        )
        .0
    }
}

/// A position in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column in UTF-8 bytes.
    pub column: u32,
    /// 1-based column in UTF-16 code units (for JavaScript editors).
    pub column_utf16: u32,
    /// 1-based column in characters (Unicode scalar values), for people.
    pub column_chars: u32,
}

/// Maps byte offsets of one source text to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    source: String,
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes a source text.
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        LineIndex {
            source: source.to_string(),
            line_starts,
        }
    }

    /// Position of a byte offset (clamped to the text; a non-boundary offset is moved back to
    /// the character start).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.source.len());
        while offset > 0 && !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line0 = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line0).copied().unwrap_or(0);
        let prefix = self.source.get(start..offset).unwrap_or("");
        Position {
            line: line0 as u32 + 1,
            column: (offset - start) as u32 + 1,
            column_utf16: prefix.encode_utf16().count() as u32 + 1,
            column_chars: prefix.chars().count() as u32 + 1,
        }
    }

    fn line_start(&self, line: u32) -> usize {
        self.line_starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Text of a 1-based line without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let start = self.line_start(line);
        let rest = self.source.get(start..).unwrap_or("");
        let text = rest.split('\n').next().unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns() {
        let src = "a\n€😀x";
        let idx = LineIndex::new(src);
        let x = src.find('x').unwrap_or(0);
        let p = idx.position(x);
        assert_eq!(
            (p.line, p.column, p.column_utf16, p.column_chars),
            (2, 8, 4, 3)
        );
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        let src = "plan \"x\u{1b}[31m\" {\n\tcurrency\u{0}usd\u{202e}\n}\n";
        let idx = LineIndex::new(src);
        let start = src.find("usd").unwrap_or(0);
        let d = Diagnostic::error("E0001", Span::new(start, start + 3), "found \u{7}x\u{9b}");
        assert_eq!(
            d.render(&idx, "p.comp"),
            "error[E0001]: found ␇x�\n  --> p.comp:2:11\n  |\n2 |  currency␀usd�\n  |           ^^^\n"
        );
        assert_eq!(visible("a\nb\r", true), "a\nb␍");
        assert_eq!(visible("a\nb", false), "a␊b");
    }

    #[test]
    fn render_has_caret() {
        let src = "plan \"x\" {\n  currency usd\n}\n";
        let idx = LineIndex::new(src);
        let start = src.find("usd").unwrap_or(0);
        let d = Diagnostic::error("E0001", Span::new(start, start + 3), "bad currency")
            .with_hint("use USD");
        assert_eq!(
            d.render(&idx, "p.comp"),
            "error[E0001]: bad currency\n  --> p.comp:2:12\n  |\n2 |   currency usd\n  |            ^^^\n  = help: use USD\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        // One line of 1,000 characters, a 3-character span at character 500 (0-based).
        let line = format!("{}abc{}", "x".repeat(500), "é".repeat(497));
        let src = format!("{line}\nnext\n");
        let idx = LineIndex::new(&src);
        let start = src.find("abc").unwrap_or(0);
        let d = Diagnostic::error("E0002", Span::new(start, start + 3), "too long");
        let shown = format!("…{}abc{}…", "x".repeat(60), "é".repeat(137));
        assert_eq!(
            d.render(&idx, "p.comp"),
            format!(
                "error[E0002]: too long\n  --> p.comp:1:501\n  |\n1 | {shown}\n  | {}^^^\n",
                " ".repeat(61)
            )
        );
        assert_eq!(idx.line_excerpt(start), shown);
        // At the start of a long line: no `…` before; at its end: none after, and the
        // caret of a span running past the excerpt stops at its end.
        assert_eq!(
            excerpt(&line, 0, 3),
            (format!("{}…", "x".repeat(200)), 0, 3)
        );
        let end = line.len();
        assert_eq!(
            excerpt(&line, end - 2, end),
            (format!("…{}", "é".repeat(200)), 200, 1)
        );
        assert_eq!(
            excerpt(&line, 490, end),
            (
                format!("…{}abc{}…", "x".repeat(70), "é".repeat(127)),
                61,
                140
            )
        );
        // A line of exactly EXCERPT_CHARS characters is shown whole.
        let short = "y".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&short, 199, 200), (short.clone(), 199, 1));
    }
}
