//! `input` declarations: record fields and built-in column mappings.

use super::checker::Checker;
use crate::ast::{self, Span};
use crate::diagnostic::Diagnostic;
use commissio_core::plan::{self as ir};
use std::collections::HashMap;

impl Checker {
    pub(super) fn input(&mut self, input: &ast::InputDecl) {
        let (builtins, record): (&[&str], bool) = match input.kind.node.as_str() {
            "deal" => (&["id", "payee", "date"], true),
            "payee" => (&["id", "manager", "start", "end"], false),
            other => {
                self.err(
                    Diagnostic::error(
                        "E0108",
                        input.kind.span,
                        format!("unknown record kind `{other}`"),
                    )
                    .with_hint("inputs are `input deal { ... }` and `input payee { ... }`"),
                );
                return;
            }
        };
        let schema = if record {
            &self.schema.deal
        } else {
            &self.schema.payee
        };
        let already = !schema.fields.is_empty() || !schema.builtin_columns.is_empty();
        if already {
            self.err(
                Diagnostic::error(
                    "E0103",
                    input.kind.span,
                    format!("`input {}` is declared more than once", input.kind.node),
                )
                .with_hint("declare all fields of a record in one input block"),
            );
            return;
        }
        let mut builtin_columns = Vec::new();
        for (b, col) in &input.builtins {
            if !builtins.contains(&b.node.as_str()) {
                self.err(
                    Diagnostic::error(
                        "E0109",
                        b.span,
                        format!(
                            "`{}` is not a built-in column of {}",
                            b.node, input.kind.node
                        ),
                    )
                    .with_hint(format!(
                        "built-in columns of {} are {}",
                        input.kind.node,
                        builtins.join(", ")
                    )),
                );
                continue;
            }
            builtin_columns.push((b.node.clone(), col.node.clone()));
        }
        let mut fields: Vec<ir::FieldDef> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for f in &input.fields {
            if builtins.contains(&f.name.node.as_str()) || (record && f.name.node == "share") {
                self.err(
                    Diagnostic::error("E0103", f.name.span, format!("`{}` is a built-in field of {}", f.name.node, input.kind.node))
                        .with_hint("built-in fields are always present; map their column with `input deal (date = close_date)`"),
                );
                continue;
            }
            if let Some(prev) = seen.get(f.name.node.as_str()) {
                self.duplicate(&format!("field {}", f.name.node), f.name.span, *prev);
                continue;
            }
            seen.insert(&f.name.node, f.name.span);
            fields.push(ir::FieldDef {
                name: f.name.node.clone(),
                column: f
                    .column
                    .as_ref()
                    .map(|c| c.node.clone())
                    .unwrap_or_else(|| f.name.node.clone()),
                ty: f.ty.node,
            });
        }
        let rs = ir::RecordSchema {
            builtin_columns,
            fields,
        };
        if record {
            self.schema.deal = rs;
        } else {
            self.schema.payee = rs;
        }
    }
}
