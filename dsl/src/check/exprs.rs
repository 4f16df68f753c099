//! Expressions: names, types, operators and function calls, lowered to the typed plan.

use super::checker::{is_numeric, suggest, type_name, Checker, Ctx, Ty};
use crate::ast::{self, BinaryOp, Expr, ExprKind, FuncName, Span};
use crate::diagnostic::Diagnostic;
use commissio_core::plan::{self as ir, FieldType, ValueType};
use rust_decimal::Decimal;

impl Checker {
    pub(super) fn condition(&mut self, e: &Expr, ctx: Ctx) -> Option<ir::Expr> {
        let (ir, t) = self.expr(e, ctx)?;
        if t.vt != ValueType::Bool {
            self.err(
                Diagnostic::error(
                    "E0203",
                    e.span,
                    format!(
                        "a condition must be true or false, found {}",
                        type_name(t.vt)
                    ),
                )
                .with_hint("compare it, e.g. `attainment >= 100%`"),
            );
            return None;
        }
        Some(ir)
    }

    pub(super) fn constant_number(&mut self, e: &Expr, what: &str) -> Option<Decimal> {
        match const_value(e) {
            Some(v) => Some(v),
            // Literals only, so the fold itself failed: never a rounded stand-in.
            None if only_literals(e) => {
                self.err(Diagnostic::error(
                    "E0006",
                    e.span,
                    format!("{what} must be exact: this constant divides by zero or leaves the 96-bit range"),
                ));
                None
            }
            None => {
                self.err(
                    Diagnostic::error("E0305", e.span, format!("{what} must be constant numbers"))
                        .with_hint("write a number such as 50% or 100000"),
                );
                None
            }
        }
    }

    /// Every cycle of the checker's expression recursion passes here, so the stack check
    /// is here (crate::stack).
    pub(super) fn expr(&mut self, e: &Expr, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        crate::stack::guard(|| self.expr_node(e, ctx))
    }

    fn expr_node(&mut self, e: &Expr, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        let span = e.span;
        match &e.kind {
            ExprKind::Number { value, percent } => {
                let v = if *percent {
                    *value / Decimal::ONE_HUNDRED
                } else {
                    *value
                };
                let vt = if !*percent && value.scale() == 0 {
                    ValueType::Integer
                } else {
                    ValueType::Number
                };
                Some((
                    ir::Expr::Lit(ir::Literal::Decimal(v)),
                    Ty { vt, constant: true },
                ))
            }
            ExprKind::Date(d) => Some((
                ir::Expr::Lit(ir::Literal::Date(*d)),
                Ty {
                    vt: ValueType::Date,
                    constant: true,
                },
            )),
            ExprKind::Text(t) => Some((
                ir::Expr::Lit(ir::Literal::Text(t.clone())),
                Ty {
                    vt: ValueType::Text,
                    constant: true,
                },
            )),
            ExprKind::Bool(b) => Some((
                ir::Expr::Lit(ir::Literal::Bool(*b)),
                Ty {
                    vt: ValueType::Bool,
                    constant: true,
                },
            )),
            ExprKind::Path(parts) => self.path(parts, span, ctx),
            ExprKind::Neg(inner) => {
                let (ie, t) = self.expr(inner, ctx)?;
                if !matches!(
                    t.vt,
                    ValueType::Money | ValueType::Number | ValueType::Integer
                ) {
                    self.err(Diagnostic::error(
                        "E0201",
                        span,
                        format!("cannot negate {}", type_name(t.vt)),
                    ));
                    return None;
                }
                Some((ir::Expr::Unary(ir::UnOp::Neg, Box::new(ie), span.into()), t))
            }
            ExprKind::Not(inner) => {
                let ie = self.condition(inner, ctx)?;
                Some((
                    ir::Expr::Unary(ir::UnOp::Not, Box::new(ie), span.into()),
                    Ty::of(ValueType::Bool),
                ))
            }
            ExprKind::Binary(op, a, b) => {
                let ra = self.expr(a, ctx);
                let rb = self.expr(b, ctx);
                let ((ae, at), (be, bt)) = (ra?, rb?);
                let ty = self.binary_type(*op, at, bt, a.span, b.span, span)?;
                let irop = match op {
                    BinaryOp::Add => ir::BinOp::Add,
                    BinaryOp::Sub => ir::BinOp::Sub,
                    BinaryOp::Mul | BinaryOp::Of => ir::BinOp::Mul,
                    BinaryOp::Div => ir::BinOp::Div,
                    BinaryOp::Eq => ir::BinOp::Eq,
                    BinaryOp::Ne => ir::BinOp::Ne,
                    BinaryOp::Lt => ir::BinOp::Lt,
                    BinaryOp::Le => ir::BinOp::Le,
                    BinaryOp::Gt => ir::BinOp::Gt,
                    BinaryOp::Ge => ir::BinOp::Ge,
                    BinaryOp::And => ir::BinOp::And,
                    BinaryOp::Or => ir::BinOp::Or,
                };
                Some((
                    ir::Expr::Binary(irop, Box::new(ae), Box::new(be), span.into()),
                    ty,
                ))
            }
            ExprKind::If(c, a, b) => {
                let rc = self.condition(c, ctx);
                let ra = self.expr(a, ctx);
                let rb = self.expr(b, ctx);
                let (ce, (ae, at), (be, bt)) = (rc?, ra?, rb?);
                let ty = self.unify(at, bt, a.span, b.span, "the two branches of `if`")?;
                Some((ir::Expr::If(Box::new(ce), Box::new(ae), Box::new(be)), ty))
            }
            ExprKind::Call(f, args) => self.call(f.node, args, span, ctx),
            ExprKind::RoundMode(_) => {
                self.err(Diagnostic::error(
                    "E0207",
                    span,
                    "a rounding mode is only allowed as the third argument of round()",
                ));
                None
            }
            ExprKind::Aggregate { .. } | ExprKind::TeamCommission { .. } => match ctx {
                Ctx::AggregateArg => {
                    self.err(Diagnostic::error(
                        "E0206",
                        span,
                        "an aggregate cannot be nested inside another aggregate",
                    ));
                    None
                }
                Ctx::Const => {
                    self.err(Diagnostic::error(
                        "E0305",
                        span,
                        "a constant is needed here",
                    ));
                    None
                }
                Ctx::Line | Ctx::Period => self.hidden_aggregate(e),
            },
        }
    }

    /// Two operand types that must agree (branches of `if`, min/max arguments, comparisons).
    pub(super) fn unify(&mut self, a: Ty, b: Ty, sa: Span, sb: Span, what: &str) -> Option<Ty> {
        let constant = a.constant && b.constant;
        let vt = match (a.vt, b.vt) {
            (x, y) if x == y => x,
            (ValueType::Integer, ValueType::Number) | (ValueType::Number, ValueType::Integer) => {
                ValueType::Number
            }
            (ValueType::Money, n) if is_numeric(n) && b.constant => ValueType::Money,
            (n, ValueType::Money) if is_numeric(n) && a.constant => ValueType::Money,
            (ValueType::Money, n) | (n, ValueType::Money) if is_numeric(n) => {
                let (num_span, money_span) = if a.vt == ValueType::Money {
                    (sb, sa)
                } else {
                    (sa, sb)
                };
                self.err(
                    Diagnostic::error("E0202", num_span, format!("{what} mix money with a plain number"))
                        .with_secondary(money_span, "this is money")
                        .with_hint("money only mixes with literal numbers; multiply a plain number by a money amount to make money"),
                );
                return None;
            }
            (x, y) => {
                self.err(
                    Diagnostic::error(
                        "E0201",
                        sb,
                        format!(
                            "{what} have different types: {} and {}",
                            type_name(x),
                            type_name(y)
                        ),
                    )
                    .with_secondary(sa, type_name(x)),
                );
                return None;
            }
        };
        Some(Ty { vt, constant })
    }

    fn binary_type(
        &mut self,
        op: BinaryOp,
        a: Ty,
        b: Ty,
        sa: Span,
        sb: Span,
        span: Span,
    ) -> Option<Ty> {
        use ValueType::*;
        let constant = a.constant && b.constant;
        let mismatch = |this: &mut Self, extra: &str| {
            this.err(
                Diagnostic::error(
                    "E0201",
                    span,
                    format!(
                        "cannot apply `{}` to {} and {}{extra}",
                        op.text(),
                        type_name(a.vt),
                        type_name(b.vt)
                    ),
                )
                .with_secondary(sa, type_name(a.vt))
                .with_secondary(sb, type_name(b.vt)),
            );
            None
        };
        let vt = match op {
            BinaryOp::And | BinaryOp::Or => {
                if a.vt != Bool || b.vt != Bool {
                    let (bad, t) = if a.vt != Bool { (sa, a.vt) } else { (sb, b.vt) };
                    self.err(Diagnostic::error(
                        "E0203",
                        bad,
                        format!(
                            "`{}` needs true/false on both sides, found {}",
                            op.text(),
                            type_name(t)
                        ),
                    ));
                    return None;
                }
                Bool
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                let ordered = !matches!(op, BinaryOp::Eq | BinaryOp::Ne);
                let t = self.unify(a, b, sa, sb, "the two sides of a comparison")?;
                if ordered && matches!(t.vt, Text | Bool) {
                    return mismatch(self, ": text and bool compare only with = and !=");
                }
                Bool
            }
            BinaryOp::Add | BinaryOp::Sub => match (a.vt, b.vt) {
                (Date, n) if is_numeric(n) => Date,
                (n, Date) if is_numeric(n) && op == BinaryOp::Add => Date,
                (Date, Date) => {
                    return mismatch(self, "; use days(from, to) for the days between two dates")
                }
                _ => {
                    let t = self.unify(a, b, sa, sb, "the two sides of `+`/`-`")?;
                    if matches!(t.vt, Text | Bool) {
                        return mismatch(self, "");
                    }
                    t.vt
                }
            },
            BinaryOp::Mul | BinaryOp::Of => match (a.vt, b.vt) {
                (Money, Money) => {
                    self.err(
                        Diagnostic::error("E0202", span, "money times money has no meaning")
                            .with_hint("divide one amount by another to get a ratio, or multiply money by a rate"),
                    );
                    return None;
                }
                (Money, n) | (n, Money) if is_numeric(n) => Money,
                (Integer, Integer) => Integer,
                (x, y) if is_numeric(x) && is_numeric(y) => Number,
                _ => return mismatch(self, ""),
            },
            BinaryOp::Div => match (a.vt, b.vt) {
                (Money, Money) => Number,
                (Money, n) if is_numeric(n) => Money,
                (n, Money) if is_numeric(n) => {
                    self.err(
                        Diagnostic::error(
                            "E0202",
                            span,
                            "a plain number divided by money has no meaning",
                        )
                        .with_secondary(sb, "this is money"),
                    );
                    return None;
                }
                // Never integer division: integer / integer is an exact decimal.
                (x, y) if is_numeric(x) && is_numeric(y) => Number,
                _ => return mismatch(self, ""),
            },
        };
        Some(Ty { vt, constant })
    }

    fn path(&mut self, parts: &[ast::Ident], span: Span, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        let names: Vec<&str> = parts.iter().map(|p| p.node.as_str()).collect();
        if ctx == Ctx::Const {
            self.err(
                Diagnostic::error("E0305", span, "a constant is needed here")
                    .with_hint("write a number, e.g. 50% or 100000"),
            );
            return None;
        }
        let line_only = |this: &mut Self, what: &str| -> Option<(ir::Expr, Ty)> {
            this.err(
                Diagnostic::error("E0204", span, format!("{what} is not available here: this is evaluated once per payee and period"))
                    .with_hint("read deal and credit fields inside an aggregate, e.g. sum(credit.amount where ...)"),
            );
            None
        };
        match names.as_slice() {
            [root, field] if *root == "deal" || *root == "credit" => {
                if ctx == Ctx::Period {
                    return line_only(self, &format!("`{root}.{field}`"));
                }
                let credit = *root == "credit";
                match *field {
                    "date" => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::DealDate),
                            Ty::of(ValueType::Date),
                        ))
                    }
                    "share" if credit => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::CreditShare),
                            Ty::of(ValueType::Number),
                        ))
                    }
                    _ => {}
                }
                let i = self.field_index("deal", root, field, parts[1].span)?;
                let ft = self.schema.deal.fields[i].ty;
                if credit {
                    if !matches!(
                        ft,
                        FieldType::Money
                            | FieldType::Number
                            | FieldType::Integer
                            | FieldType::Percent
                    ) {
                        self.err(
                            Diagnostic::error(
                                "E0201",
                                span,
                                format!(
                                    "`credit.{field}` needs a numeric field; `{field}` is {}",
                                    ast::field_type_text(ft)
                                ),
                            )
                            .with_hint(format!("read it as `deal.{field}`")),
                        );
                        return None;
                    }
                    // A share of an integer count is no longer whole.
                    let vt = if ft.value_type() == ValueType::Integer {
                        ValueType::Number
                    } else {
                        ft.value_type()
                    };
                    Some((ir::Expr::CreditField(i), Ty::of(vt)))
                } else {
                    Some((ir::Expr::DealField(i), Ty::of(ft.value_type())))
                }
            }
            ["payee", field] => {
                match *field {
                    "start" => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::PayeeStart),
                            Ty::of(ValueType::Date),
                        ))
                    }
                    "end" => {
                        return Some((
                            ir::Expr::Builtin(ir::Builtin::PayeeEnd),
                            Ty::of(ValueType::Date),
                        ))
                    }
                    _ => {}
                }
                let i = self.field_index("payee", "payee", field, parts[1].span)?;
                Some((
                    ir::Expr::PayeeField(i),
                    Ty::of(self.schema.payee.fields[i].ty.value_type()),
                ))
            }
            ["period", "start"] => Some((
                ir::Expr::Builtin(ir::Builtin::PeriodStart),
                Ty::of(ValueType::Date),
            )),
            ["period", "end"] => Some((
                ir::Expr::Builtin(ir::Builtin::PeriodEnd),
                Ty::of(ValueType::Date),
            )),
            ["quota"] => Some((
                ir::Expr::Builtin(ir::Builtin::Quota),
                Ty::of(ValueType::Money),
            )),
            ["tenure"] => Some((
                ir::Expr::Builtin(ir::Builtin::Tenure),
                Ty::of(ValueType::Integer),
            )),
            [name] => {
                if let Some(m) = self.measure_names.get(*name) {
                    if ctx == Ctx::AggregateArg {
                        self.err(
                            Diagnostic::error(
                                "E0204",
                                span,
                                format!("measure `{name}` cannot be read inside an aggregate"),
                            )
                            .with_hint("aggregates read deal and credit fields per line"),
                        );
                        return None;
                    }
                    return Some((ir::Expr::Measure(m.index), Ty::of(m.ty)));
                }
                let known: Vec<&str> = self
                    .measure_names
                    .keys()
                    .map(String::as_str)
                    .chain(["quota", "tenure"])
                    .collect();
                let hint = match suggest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if RESERVED_ROOTS.contains(name) => {
                        format!("`{name}` needs a field, e.g. `{name}.amount`")
                    }
                    None => "measures must be defined above the place they are used".to_string(),
                };
                self.err(
                    Diagnostic::error("E0101", span, format!("unknown name `{name}`"))
                        .with_hint(hint),
                );
                None
            }
            _ => {
                self.err(
                    Diagnostic::error("E0101", span, format!("unknown name `{}`", names.join(".")))
                        .with_hint("names are measures, or record fields such as deal.amount, credit.amount, payee.quota"),
                );
                None
            }
        }
    }

    /// An argument that must be money or a number; E0201 (`{what}, found <type>`) otherwise.
    fn numeric_arg(&mut self, e: &Expr, ctx: Ctx, what: &str) -> Option<(ir::Expr, Ty)> {
        let (ie, t) = self.expr(e, ctx)?;
        if !matches!(
            t.vt,
            ValueType::Money | ValueType::Number | ValueType::Integer
        ) {
            self.err(Diagnostic::error(
                "E0201",
                e.span,
                format!("{what}, found {}", type_name(t.vt)),
            ));
            return None;
        }
        Some((ie, t))
    }

    /// The index of a declared field of `record` (`deal` or `payee`), or E0102 with the
    /// closest known name as a hint.
    fn field_index(&mut self, record: &str, root: &str, field: &str, span: Span) -> Option<usize> {
        let fields = if record == "deal" {
            &self.schema.deal.fields
        } else {
            &self.schema.payee.fields
        };
        if let Some(i) = fields.iter().position(|f| f.name == field) {
            return Some(i);
        }
        let hint = match suggest(field, fields.iter().map(|f| f.name.as_str())) {
            Some(s) => format!(
                "did you mean `{root}.{s}`? Fields are declared in `input {record} {{ ... }}`"
            ),
            None => format!("declare it in `input {record} {{ ... }}`"),
        };
        self.err(
            Diagnostic::error("E0102", span, format!("{record}s have no field `{field}`"))
                .with_hint(hint),
        );
        None
    }

    fn call(&mut self, f: FuncName, args: &[Expr], span: Span, ctx: Ctx) -> Option<(ir::Expr, Ty)> {
        let name = f.text();
        let arity_err = |this: &mut Self, want: &str| {
            this.err(Diagnostic::error(
                "E0207",
                span,
                format!("{name}() takes {want}, found {}", args.len()),
            ));
            None
        };
        match f {
            FuncName::Round => {
                if args.len() != 3 {
                    return arity_err(self, "3 arguments: round(value, decimal places, mode)");
                }
                let (ve, vt) = self.numeric_arg(&args[0], ctx, "round() needs a number")?;
                let scale = match &args[1].kind {
                    ExprKind::Number {
                        value,
                        percent: false,
                    } if value.scale() == 0 && *value <= Decimal::from(28) => {
                        u32::try_from(value.mantissa()).ok()
                    }
                    _ => None,
                };
                let Some(scale) = scale else {
                    self.err(Diagnostic::error(
                        "E0207",
                        args[1].span,
                        "round() needs a whole number of decimal places (0 to 28)",
                    ));
                    return None;
                };
                let ExprKind::RoundMode(mode) = args[2].kind else {
                    self.err(
                        Diagnostic::error(
                            "E0207",
                            args[2].span,
                            "round() needs a rounding mode as its third argument",
                        )
                        .with_hint("half_even, half_up, half_down, down, up, floor or ceiling"),
                    );
                    return None;
                };
                Some((ir::Expr::Round(Box::new(ve), scale, mode), vt))
            }
            FuncName::Min | FuncName::Max | FuncName::Clamp | FuncName::Abs => {
                let ok = match f {
                    FuncName::Clamp => args.len() == 3,
                    FuncName::Abs => args.len() == 1,
                    _ => args.len() >= 2,
                };
                if !ok {
                    return arity_err(
                        self,
                        match f {
                            FuncName::Clamp => "3 arguments: clamp(value, low, high)",
                            FuncName::Abs => "1 argument",
                            _ => "2 or more arguments",
                        },
                    );
                }
                let mut lowered = Vec::new();
                let mut ty: Option<(Ty, Span)> = None;
                for a in args {
                    let (ae, at) = self.expr(a, ctx)?;
                    if !matches!(
                        at.vt,
                        ValueType::Money | ValueType::Number | ValueType::Integer
                    ) {
                        self.err(Diagnostic::error(
                            "E0201",
                            a.span,
                            format!("{name}() needs numbers, found {}", type_name(at.vt)),
                        ));
                        return None;
                    }
                    ty = Some(match ty {
                        None => (at, a.span),
                        Some((t, s)) => (
                            self.unify(t, at, s, a.span, &format!("the arguments of {name}()"))?,
                            s,
                        ),
                    });
                    lowered.push(ae);
                }
                let (t, _) = ty?;
                let func = match f {
                    FuncName::Min => ir::Func::Min,
                    FuncName::Max => ir::Func::Max,
                    FuncName::Clamp => ir::Func::Clamp,
                    _ => ir::Func::Abs,
                };
                Some((ir::Expr::Call(func, lowered, span.into()), t))
            }
            FuncName::Days => {
                if args.len() != 2 {
                    return arity_err(self, "2 dates: days(from, to)");
                }
                let mut lowered = Vec::new();
                for a in args {
                    let (ae, at) = self.expr(a, ctx)?;
                    if at.vt != ValueType::Date {
                        self.err(Diagnostic::error(
                            "E0201",
                            a.span,
                            format!("days() needs dates, found {}", type_name(at.vt)),
                        ));
                        return None;
                    }
                    lowered.push(ae);
                }
                Some((
                    ir::Expr::Call(ir::Func::Days, lowered, span.into()),
                    Ty::of(ValueType::Integer),
                ))
            }
            FuncName::Prorate | FuncName::Ramp => {
                if args.len() != 1 {
                    return arity_err(self, "1 argument");
                }
                let (ae, at) =
                    self.numeric_arg(&args[0], ctx, &format!("{name}() needs a number or money"))?;
                let func = if f == FuncName::Prorate {
                    ir::Func::Prorate
                } else {
                    ir::Func::Ramp
                };
                let vt = if at.vt == ValueType::Integer {
                    ValueType::Number
                } else {
                    at.vt
                };
                Some((ir::Expr::Call(func, vec![ae], span.into()), Ty::of(vt)))
            }
        }
    }
}

pub(super) fn is_percent_literal(e: &Expr) -> bool {
    crate::stack::guard(|| is_percent_literal_node(e))
}

fn is_percent_literal_node(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number { percent, .. } => *percent,
        ExprKind::Neg(x) => is_percent_literal(x),
        _ => false,
    }
}

/// True when an IR expression reads the current credit line (deal or credit fields).
pub(super) fn reads_line(e: &ir::Expr) -> bool {
    crate::stack::guard(|| reads_line_node(e))
}

fn reads_line_node(e: &ir::Expr) -> bool {
    match e {
        ir::Expr::DealField(_) | ir::Expr::CreditField(_) => true,
        ir::Expr::Builtin(b) => matches!(b, ir::Builtin::DealDate | ir::Builtin::CreditShare),
        ir::Expr::Lit(_) | ir::Expr::PayeeField(_) | ir::Expr::Measure(_) => false,
        ir::Expr::Unary(_, x, _) | ir::Expr::Round(x, _, _) => reads_line(x),
        ir::Expr::Binary(_, a, b, _) => reads_line(a) || reads_line(b),
        ir::Expr::If(c, a, b) => reads_line(c) || reads_line(a) || reads_line(b),
        ir::Expr::Call(_, args, _) => args.iter().any(reads_line),
    }
}

/// Names that are record roots or built-ins and so cannot name a measure.
pub(super) const RESERVED_ROOTS: &[&str] = &[
    "deal", "credit", "payee", "period", "quota", "tenure", "amount",
];

/// True when `e` is made of number literals, `-` and `+ - * / of` only.
fn only_literals(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number { .. } => true,
        ExprKind::Neg(x) => only_literals(x),
        ExprKind::Binary(
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Of | BinaryOp::Div,
            a,
            b,
        ) => only_literals(a) && only_literals(b),
        _ => false,
    }
}

/// The value of a constant number expression (literals, `-`, and `+ - * /` of constants).
fn const_value(e: &Expr) -> Option<Decimal> {
    crate::stack::guard(|| const_value_node(e))
}

fn const_value_node(e: &Expr) -> Option<Decimal> {
    match &e.kind {
        ExprKind::Number { value, percent } => Some(if *percent {
            *value / Decimal::ONE_HUNDRED
        } else {
            *value
        }),
        ExprKind::Neg(x) => const_value(x).map(|v| -v),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (const_value(a)?, const_value(b)?);
            // Folded as the evaluator computes: exact, or None (never quietly rounded).
            match op {
                BinaryOp::Add => commissio_core::exact::add(a, b),
                BinaryOp::Sub => commissio_core::exact::sub(a, b),
                BinaryOp::Mul | BinaryOp::Of => commissio_core::exact::mul(a, b),
                BinaryOp::Div => commissio_core::exact::div(a, b),
                _ => None,
            }
        }
        _ => None,
    }
}
