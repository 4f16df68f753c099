//! Writes a generated case as plan text (docs/language.md) and input tables.

use super::model::{
    Basis, Case, Comp, Curve, Grain, Key, Limit, Lit, Mode, Pay, PlanSpec, Rate, Scope, Stage,
    Tiers,
};
use commissio::{Cell, Inputs, Table};
use std::fmt::Write;

/// A number literal; whole parts of 1,000 and more get `_` separators when asked (§2.4).
fn num(lit: &Lit, underscores: bool) -> String {
    let text = match lit {
        Lit::Raw(s) => return s.clone(),
        Lit::D(d) => d.to_string(),
    };
    if !underscores {
        return text;
    }
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('_');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

struct W<'a> {
    plan: &'a PlanSpec,
    out: String,
}

impl W<'_> {
    fn n(&self, lit: &Lit) -> String {
        num(lit, self.plan.underscores)
    }

    fn pct(&self, lit: &Lit) -> String {
        format!("{}%", self.n(lit))
    }

    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.out, "{:indent$}{text}", "", indent = indent);
    }

    /// A rate as written: a percent on a money basis, a price on a unit basis.
    fn rate(&self, basis: Basis, lit: &Lit) -> String {
        match basis {
            Basis::Amount => self.pct(lit),
            Basis::Units => self.n(lit),
        }
    }

    fn bound(&self, t: &Tiers, lit: &Lit) -> String {
        match t.key {
            Key::Attainment if !t.ratio_plain => self.pct(lit),
            _ => self.n(lit),
        }
    }

    fn tiers(&mut self, basis: Basis, t: &Tiers) {
        let mode = match t.mode {
            Mode::Graduated => "graduated",
            Mode::Retroactive => "retroactive",
        };
        let key = match t.key {
            Key::Amount => "amount",
            Key::Attainment => "attainment",
            Key::Bookings => "bookings",
        };
        let scope = if t.scope_written {
            match t.scope {
                Scope::PerDeal => " per deal",
                Scope::Running => " running",
                Scope::PeriodEnd => " at period end",
            }
        } else {
            ""
        };
        self.line(4, &format!("rate {mode} by {key}{scope} {{"));
        let mut lo = t.first_lo.clone();
        let mut lo_open = t.first_open;
        for b in &t.bands {
            let open = if lo_open { "(" } else { "[" };
            let hi = match &b.hi {
                None => "..)".to_string(),
                Some(h) => format!(
                    "{}{}",
                    self.bound(t, h),
                    if b.hi_closed { "]" } else { ")" }
                ),
            };
            let pay = match &b.pay {
                Pay::Rate(r) => self.rate(basis, r),
                Pay::Flat(f) => format!("flat {}", self.n(f)),
            };
            let row = format!("{open}{}, {hi}  {pay}", self.bound(t, &lo));
            self.line(6, &row);
            if let Some(h) = &b.hi {
                lo = h.clone();
            }
            lo_open = b.hi_closed;
        }
        self.line(4, "}");
    }

    fn curve(&mut self, c: &Curve) {
        let key = match c.key {
            Key::Amount => "amount",
            Key::Attainment => "attainment",
            Key::Bookings => "bookings",
        };
        let scope = match (c.scope_written, c.per_deal) {
            (false, _) => "",
            (true, true) => " per deal",
            (true, false) => " at period end",
        };
        self.line(4, &format!("rate interpolated by {key}{scope} {{"));
        for (k, v) in &c.anchors {
            let k = match c.key {
                Key::Attainment => self.pct(k),
                _ => self.n(k),
            };
            let v = if c.money { self.n(v) } else { self.pct(v) };
            self.line(6, &format!("{k} => {v}"));
        }
        self.line(4, "}");
    }

    fn comp(&mut self, i: usize, c: &Comp) {
        self.line(2, &format!("component c{i} {{"));
        let basis = match c.basis {
            Basis::Amount => "credit.amount",
            Basis::Units => "deal.units",
        };
        self.line(4, &format!("commission on {basis}"));
        match &c.rate {
            Rate::Flat(r) => {
                let text = format!("rate {}", self.rate(c.basis, r));
                self.line(4, &text);
            }
            Rate::Tiers(t) => self.tiers(c.basis, t),
            Rate::Curve(k) => self.curve(k),
        }
        for m in &c.mults {
            let mut text = format!("multiply {}", self.n(&m.factor));
            if let Some(x) = &m.when_amount_ge {
                let _ = write!(text, " when deal.amount >= {}", self.n(x));
            }
            self.line(4, &text);
        }
        if let Some(x) = &c.gate {
            let text = format!("gate bookings >= {}", self.n(x));
            self.line(4, &text);
        }
        if let Some(x) = &c.eligible {
            let text = format!("eligible when deal.amount >= {}", self.n(x));
            self.line(4, &text);
        }
        for l in &c.limits {
            let text = self.limit(l, if l.wide { "per line" } else { "per period" });
            self.line(4, &text);
        }
        self.line(2, "}");
    }

    fn limit(&self, l: &Limit, level: &str) -> String {
        let kind = if l.cap { "cap" } else { "floor" };
        format!("{kind} {level} at {}", self.n(&l.amount))
    }
}

/// The plan text of a case.
pub fn plan_text(plan: &PlanSpec) -> String {
    let mut w = W {
        plan,
        out: String::new(),
    };
    w.line(0, "plan \"Fuzz\" {");
    w.line(2, &format!("currency {}", plan.currency));
    let grain = match plan.grain {
        Grain::Month => "month",
        Grain::Quarter => "quarter",
    };
    w.line(2, &format!("period {grain}"));
    w.line(
        2,
        &format!(
            "effective 2026-{:02}-{:02} to 2026-{:02}-{:02}",
            plan.eff_start.0, plan.eff_start.1, plan.eff_end.0, plan.eff_end.1
        ),
    );
    let stage = match plan.stage {
        Stage::Line => "line",
        Stage::Component => "component",
        Stage::Payout => "payout",
    };
    w.line(
        2,
        &format!("rounding {} {} per {stage}", plan.mode, plan.scale),
    );
    w.line(2, "input deal { amount: money, units: integer }");
    w.line(2, "input payee { quota: money }");
    w.line(2, "measure bookings = sum(credit.amount)");
    w.line(2, "measure attainment = bookings / payee.quota");
    for (i, c) in plan.comps.iter().enumerate() {
        w.comp(i, c);
    }
    for l in &plan.limits {
        let text = w.limit(
            l,
            if l.wide {
                "total per plan"
            } else {
                "total per period"
            },
        );
        w.line(2, &text);
    }
    w.line(0, "}");
    w.out
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// The input tables of a case; every cell is text, read by the plan's declared types.
pub fn inputs(case: &Case) -> Inputs {
    let mut payees = Table::new(["id", "quota"]);
    for p in &case.payees {
        payees.push_row(vec![text(&p.id), text(&p.quota)]);
    }
    let mut deals = Table::new(["id", "payee", "date", "amount", "units"]);
    for d in &case.deals {
        deals.push_row(vec![
            text(&d.id),
            text(&d.owner),
            text(&d.date.text()),
            text(&d.amount),
            text(&d.units),
        ]);
    }
    let credits = case.credits.as_ref().map(|rows| {
        let mut t = Table::new(["deal", "payee", "share"]);
        for c in rows {
            t.push_row(vec![text(&c.deal), text(&c.payee), text(&c.share)]);
        }
        t
    });
    Inputs {
        payees,
        deals,
        credits,
        quotas: None,
        managers: None,
    }
}

/// The case's data as CSV, for failure messages (a reader can replay it with the CLI).
pub fn data_text(case: &Case) -> String {
    let mut s = String::from("payees:\nid,quota\n");
    for p in &case.payees {
        let _ = writeln!(s, "{},{}", p.id, p.quota);
    }
    s.push_str("deals:\nid,payee,date,amount,units\n");
    for d in &case.deals {
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            d.id,
            d.owner,
            d.date.text(),
            d.amount,
            d.units
        );
    }
    match &case.credits {
        None => s.push_str("credits: none\n"),
        Some(rows) => {
            s.push_str("credits:\ndeal,payee,share\n");
            for c in rows {
                let _ = writeln!(s, "{},{},{}", c.deal, c.payee, c.share);
            }
        }
    }
    let _ = writeln!(s, "period: {}", case.period_text());
    s
}
