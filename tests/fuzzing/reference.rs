//! A deliberately naive evaluator for the generated plans, written from docs/language.md and
//! nothing else: plain loops over `Decimal`, no shared code with the engine. Where it and the
//! engine disagree, the docs decide which one is wrong.
//!
//! Sections it follows: §4.4 credits, §5 measures, §7 components (gates, multipliers,
//! eligibility), §8 tiers (bands, scopes, integer keys, flat bands), §8.6 interpolated tables
//! (rates and money curves, per deal and at period end), §9 caps and floors with their order
//! and allocation, §10 evaluation and line order, §3.4/§11 rounding.

use super::model::{
    Basis, Case, Comp, Curve, Grain, Key, Lit, Mode, Pay, Rate, Scope, Stage, Tiers,
};
use commissio::core::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;

/// One expected line.
#[derive(Debug, Clone, PartialEq)]
pub struct RefLine {
    /// Component name (`c0`, …) or `(plan)`.
    pub component: String,
    /// Deal id of a deal line; `None` for period lines.
    pub deal: Option<String>,
    /// Amount.
    pub amount: Decimal,
}

/// What the reference expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Lines in line order and the total, per (payee, period label).
    Results(BTreeMap<(String, String), (Vec<RefLine>, Decimal)>),
    /// Evaluation stops with this code.
    Error(&'static str),
}

fn dec(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text).map_err(|e| format!("reference cannot read {text:?}: {e}"))
}

fn val(lit: &Lit) -> Result<Decimal, String> {
    lit.value()
        .ok_or_else(|| format!("reference cannot use literal {lit:?}"))
}

/// `x%` as a number (§2.4: the number / 100), exactly.
fn percent(x: Decimal) -> Decimal {
    x * Decimal::new(1, 2)
}

/// Rounding of §3.4, worked out by hand: truncate, look at the remainder.
pub fn round(v: Decimal, scale: u32, mode: &str) -> Decimal {
    let unit = Decimal::new(1, scale);
    let t = (v / unit).trunc() * unit;
    let r = (v - t).abs();
    if r.is_zero() {
        return t;
    }
    let away = if v.is_sign_negative() {
        t - unit
    } else {
        t + unit
    };
    let half = unit / Decimal::TWO;
    let even = ((t / unit).trunc() % Decimal::TWO).is_zero();
    let up = match mode {
        "down" => false,
        "up" => true,
        "floor" => v.is_sign_negative(),
        "ceiling" => !v.is_sign_negative(),
        "half_up" => r >= half,
        "half_down" => r > half,
        // half_even
        _ => r > half || (r == half && !even),
    };
    if up {
        away
    } else {
        t
    }
}

/// Deal id order (§10.1): all-digit ids as numbers (ties as text) before other ids, which
/// compare byte by byte.
pub fn id_order(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (digits(a), digits(b)) {
        (true, true) => {
            let na = a.trim_start_matches('0');
            let nb = b.trim_start_matches('0');
            na.len()
                .cmp(&nb.len())
                .then_with(|| na.cmp(nb))
                .then_with(|| a.as_bytes().cmp(b.as_bytes()))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.as_bytes().cmp(b.as_bytes()),
    }
}

/// A credit line (§4.4).
#[derive(Debug, Clone)]
struct Credit {
    deal: String,
    date: (i32, u32, u32),
    payee: String,
    share: Decimal,
    /// `deal.amount`
    deal_amount: Decimal,
    /// `credit.amount` = deal.amount × share.
    amount: Decimal,
    /// `deal.units`
    units: Decimal,
}

/// A band in basis units.
#[derive(Debug, Clone, Copy)]
struct B {
    lo: Decimal,
    lo_closed: bool,
    hi: Option<Decimal>,
    hi_closed: bool,
    pay: P,
}

#[derive(Debug, Clone, Copy)]
enum P {
    Rate(Decimal),
    Flat(Decimal),
}

fn contains(b: &B, x: Decimal) -> bool {
    let lo_ok = if b.lo_closed { x >= b.lo } else { x > b.lo };
    let hi_ok = match b.hi {
        None => true,
        Some(h) => {
            if b.hi_closed {
                x <= h
            } else {
                x < h
            }
        }
    };
    lo_ok && hi_ok
}

/// The band holding point `x`; below the first band is the first, above the last the last
/// (§8.4).
fn holding(bands: &[B], x: Decimal) -> usize {
    for (k, b) in bands.iter().enumerate() {
        if contains(b, x) {
            return k;
        }
    }
    if x <= bands[0].lo {
        0
    } else {
        bands.len() - 1
    }
}

/// Graduated pay of the key interval from `s` to `e` (§8.3, §8.5): Σ rate × length of the
/// overlap with each band, the first band reaching down to −∞ and the last up to +∞; a flat
/// band pays its amount when the interval overlaps it and starts at or below its lower bound.
/// A decreasing interval pays back.
fn graduated(bands: &[B], s: Decimal, e: Decimal) -> Decimal {
    let (a, b, back) = if e >= s { (s, e, false) } else { (e, s, true) };
    let mut total = Decimal::ZERO;
    for (k, band) in bands.iter().enumerate() {
        let lo = if k == 0 { a } else { band.lo.max(a) };
        let hi = if k + 1 == bands.len() {
            b
        } else {
            band.hi.unwrap_or(b).min(b)
        };
        if hi <= lo {
            continue;
        }
        match band.pay {
            P::Rate(r) => total += r * (hi - lo),
            P::Flat(f) => {
                if a <= band.lo {
                    total += f
                }
            }
        }
    }
    if back {
        -total
    } else {
        total
    }
}

fn whole(d: Decimal) -> Result<i64, String> {
    if !d.fract().is_zero() {
        return Err(format!("not a whole number of units: {d}"));
    }
    d.trunc()
        .normalize()
        .to_string()
        .parse::<i64>()
        .map_err(|e| format!("units {d}: {e}"))
}

/// Graduated pay on an integer key (§8.4): the running interval [s, e) covers units
/// s+1 ..= e, each paid at the price of the band holding it; a flat band pays once when one
/// of the units is in it and the first unit is at or below the band's lowest unit.
fn graduated_units(bands: &[B], s: Decimal, e: Decimal) -> Result<Decimal, String> {
    let (a, b, back) = if e >= s { (s, e, false) } else { (e, s, true) };
    let (a, b) = (whole(a)?, whole(b)?);
    let mut total = Decimal::ZERO;
    let mut covered = vec![false; bands.len()];
    for u in (a + 1)..=b {
        let k = holding(bands, Decimal::from(u));
        covered[k] = true;
        if let P::Rate(r) = bands[k].pay {
            total += r;
        }
    }
    for (k, band) in bands.iter().enumerate() {
        if let P::Flat(f) = band.pay {
            let lowest = if band.lo_closed {
                band.lo.ceil()
            } else {
                band.lo.floor() + Decimal::ONE
            };
            if covered[k] && Decimal::from(a + 1) <= lowest {
                total += f;
            }
        }
    }
    Ok(if back { -total } else { total })
}

/// Bands in basis units: a ratio key's bounds are multiplied by the denominator (§8.2).
fn bands(t: &Tiers, basis: Basis, quota: Decimal) -> Result<Vec<B>, String> {
    let unit = |lit: &Lit| -> Result<Decimal, String> {
        let v = val(lit)?;
        Ok(match t.key {
            Key::Attainment if t.ratio_plain => v * quota,
            Key::Attainment => percent(v) * quota,
            _ => v,
        })
    };
    let mut out = Vec::new();
    let mut lo = unit(&t.first_lo)?;
    let mut lo_closed = !t.first_open;
    for b in &t.bands {
        let hi = match &b.hi {
            Some(h) => Some(unit(h)?),
            None => None,
        };
        let pay = match &b.pay {
            Pay::Rate(r) => P::Rate(rate_value(basis, r)?),
            Pay::Flat(f) => P::Flat(val(f)?),
        };
        out.push(B {
            lo,
            lo_closed,
            hi,
            hi_closed: b.hi_closed,
            pay,
        });
        if let Some(h) = hi {
            lo = h;
        }
        lo_closed = !b.hi_closed;
    }
    Ok(out)
}

/// A rate as a multiplier of the basis: a percent on money, a price on units.
fn rate_value(basis: Basis, lit: &Lit) -> Result<Decimal, String> {
    let v = val(lit)?;
    Ok(match basis {
        Basis::Amount => percent(v),
        Basis::Units => v,
    })
}

/// The value of an interpolated table at key `k` (§8.6): the first anchor's value at or below
/// the first key, the last one's at or above the last key; between anchors (a, v) and
/// (a′, v′), v + (v′ − v) × (K − a) / (a′ − a), one division at the end. Keys of a ratio
/// measure are multiplied by its denominator first (§8.2); rates are fractions (§2.4).
fn curve_value(c: &Curve, k: Decimal, quota: Decimal) -> Result<Decimal, String> {
    let mut points = Vec::new();
    for (a, v) in &c.anchors {
        let a = match c.key {
            Key::Attainment => percent(val(a)?) * quota,
            _ => val(a)?,
        };
        let v = if c.money { val(v)? } else { percent(val(v)?) };
        points.push((a, v));
    }
    let (Some(&(a0, v0)), Some(&(an, vn))) = (points.first(), points.last()) else {
        return Err("a curve without anchors".into());
    };
    if k <= a0 {
        return Ok(v0);
    }
    if k >= an {
        return Ok(vn);
    }
    for w in points.windows(2) {
        let ((a, v), (a2, v2)) = (w[0], w[1]);
        if k == a {
            return Ok(v);
        }
        if k > a && k < a2 {
            return Ok(v + (v2 - v) * (k - a) / (a2 - a));
        }
    }
    Err(format!("key {k} outside the anchors"))
}

/// A line while a payee-period is worked out.
#[derive(Debug, Clone)]
struct Work {
    /// Component index; `None` for plan-level lines.
    comp: Option<usize>,
    /// Position of the credit line in the payee's line order; `None` for period lines.
    pos: Option<usize>,
    deal: Option<String>,
    amount: Decimal,
}

struct Ctx<'a> {
    case: &'a Case,
    mode: &'a str,
    scale: u32,
    stage: Stage,
}

impl Ctx<'_> {
    fn round(&self, v: Decimal) -> Decimal {
        round(v, self.scale, self.mode)
    }

    /// A raw amount through multipliers, the gate, line rounding and line limits (§7.5,
    /// §7.6, §3.4, §9).
    fn finish(
        &self,
        c: &Comp,
        pass: bool,
        raw: Decimal,
        deal_amount: Option<Decimal>,
    ) -> Result<Decimal, String> {
        let mut v = raw;
        for m in &c.mults {
            let applies = match (&m.when_amount_ge, deal_amount) {
                (None, _) => true,
                (Some(x), Some(a)) => a >= val(x)?,
                (Some(_), None) => return Err("a deal condition on a period line".into()),
            };
            if applies {
                v *= val(&m.factor)?;
            }
        }
        if self.stage == Stage::Line {
            v = self.round(v);
        }
        // A failed gate: the component pays 0 and its floors do not apply (§7.6); a cap
        // cannot take a 0 elsewhere without contradicting "pays 0".
        if !pass {
            return Ok(Decimal::ZERO);
        }
        for l in c.limits.iter().filter(|l| l.wide) {
            let e = val(&l.amount)?;
            v = if l.cap { v.min(e) } else { v.max(e) };
        }
        Ok(v)
    }
}

/// A cap over lines in order (§9 allocation), with the running state (before, paid).
fn cap_in_order(lines: &mut [Work], cap: Decimal, state: &mut (Decimal, Decimal)) {
    for w in lines.iter_mut() {
        state.0 += w.amount;
        let paid = state.0.min(cap);
        w.amount = paid - state.1;
        state.1 = paid;
    }
}

/// The expected outcome of a generated case.
pub fn evaluate(case: &Case) -> Result<Expect, String> {
    let plan = &case.plan;
    let eff_start = (2026, plan.eff_start.0, plan.eff_start.1);
    let eff_end = (2026, plan.eff_end.0, plan.eff_end.1);
    // Periods from the start of the fiscal year through the last asked for (§10).
    let mut periods = Vec::new();
    for i in 1..=case.last {
        let (m0, m1) = match plan.grain {
            Grain::Month => (i, i),
            Grain::Quarter => (3 * i - 2, 3 * i),
        };
        let start = (2026, m0, 1);
        let end = (2026, m1, super::model::month_len(m1));
        periods.push((i, start, end));
    }
    let in_force = |start: (i32, u32, u32)| start >= eff_start && start <= eff_end;
    let mut quotas = BTreeMap::new();
    for p in &case.payees {
        quotas.insert(p.id.clone(), dec(&p.quota)?);
    }
    // A zero quota divides by zero wherever attainment is read (§8.2, R0101); every payee is
    // evaluated in every period under a version.
    let attainment = plan.comps.iter().any(|c| c.rate.reads_attainment());
    if attainment && quotas.values().any(|q| q.is_zero()) && periods.iter().any(|p| in_force(p.1)) {
        return Ok(Expect::Error("R0101"));
    }
    // Credit lines of deals inside the effective range (§3.3, §4.4).
    let mut credits = Vec::new();
    for d in &case.deals {
        let date = (d.date.y, d.date.m, d.date.d);
        if date < eff_start || date > eff_end {
            continue;
        }
        let amount = dec(&d.amount)?;
        let units = dec(&d.units)?;
        let rows: Vec<(String, Decimal)> = match &case.credits {
            Some(rows) if rows.iter().any(|c| c.deal == d.id) => {
                let mut v = Vec::new();
                for c in rows.iter().filter(|c| c.deal == d.id) {
                    let share = match c.share.strip_suffix('%') {
                        Some(p) => percent(dec(p)?),
                        None => dec(&c.share)?,
                    };
                    v.push((c.payee.clone(), share));
                }
                v
            }
            _ => vec![(d.owner.clone(), Decimal::ONE)],
        };
        for (payee, share) in rows {
            credits.push(Credit {
                deal: d.id.clone(),
                date,
                payee,
                share,
                deal_amount: amount,
                amount: amount * share,
                units,
            });
        }
    }
    let cx = Ctx {
        case,
        mode: plan.mode,
        scale: plan.scale,
        stage: plan.stage,
    };
    let mut out = BTreeMap::new();
    for p in &case.payees {
        let quota = quotas.get(&p.id).copied().unwrap_or_default();
        // `total per plan` running sums, carried from period to period (one version).
        let mut plan_state = vec![(Decimal::ZERO, Decimal::ZERO); plan.limits.len()];
        for &(index, start, end) in &periods {
            if !in_force(start) {
                continue;
            }
            let mut mine: Vec<&Credit> = credits
                .iter()
                .filter(|c| c.payee == p.id && c.date >= start && c.date <= end)
                .collect();
            mine.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| id_order(&a.deal, &b.deal)));
            let lines = payee_period(&cx, &mine, quota, &mut plan_state)?;
            if index < case.first {
                continue;
            }
            if lines.is_empty() {
                continue;
            }
            let total = lines.iter().map(|l| l.amount).sum();
            let label = super::model::period_label(plan.grain, index);
            out.insert((p.id.clone(), label), (lines, total));
        }
    }
    Ok(Expect::Results(out))
}

/// A line amount as shown (§7.1): with `rounding ... per line`, at the plan's scale whenever
/// that loses no digit (a 0 of a failed gate is `0.00`, a cap of `50% of 10000.00` cuts to
/// `5000.00`); otherwise as computed.
fn shown(cx: &Ctx, v: Decimal) -> Decimal {
    let mut v = v;
    if cx.stage == Stage::Line && v.round_dp(cx.scale) == v {
        v.rescale(cx.scale);
    }
    v
}

/// Every line of one payee in one period, in line order (§10, §10.1).
fn payee_period(
    cx: &Ctx,
    mine: &[&Credit],
    quota: Decimal,
    plan_state: &mut [(Decimal, Decimal)],
) -> Result<Vec<RefLine>, String> {
    let plan = &cx.case.plan;
    let bookings: Decimal = mine.iter().map(|c| c.amount).sum();
    let mut all: Vec<Work> = Vec::new();
    for (ci, c) in plan.comps.iter().enumerate() {
        let mut lines = component(cx, ci, c, mine, quota, bookings)?;
        all.append(&mut lines);
    }
    // Line order: deal lines by position then component; period lines after, by component.
    let mut ordered: Vec<Work> = all.iter().filter(|w| w.pos.is_some()).cloned().collect();
    ordered.sort_by_key(|w| (w.pos, w.comp));
    let mut period: Vec<Work> = all.iter().filter(|w| w.pos.is_none()).cloned().collect();
    period.sort_by_key(|w| w.comp);
    ordered.append(&mut period);
    // Plan limits: every `total per period`, then every `total per plan`, each in the order
    // written (§9).
    for l in plan.limits.iter().filter(|l| !l.wide) {
        let e = val(&l.amount)?;
        if l.cap {
            cap_in_order(&mut ordered, e, &mut (Decimal::ZERO, Decimal::ZERO));
        } else {
            let total: Decimal = ordered.iter().map(|w| w.amount).sum();
            if total < e {
                ordered.push(Work {
                    comp: None,
                    pos: None,
                    deal: None,
                    amount: e - total,
                });
            }
        }
    }
    for (li, l) in plan.limits.iter().enumerate().filter(|(_, l)| l.wide) {
        let e = val(&l.amount)?;
        if l.cap {
            cap_in_order(&mut ordered, e, &mut plan_state[li]);
        }
    }
    if cx.stage == Stage::Payout {
        let total: Decimal = ordered.iter().map(|w| w.amount).sum();
        let r = cx.round(total);
        if r != total {
            ordered.push(Work {
                comp: None,
                pos: None,
                deal: None,
                amount: r - total,
            });
        }
    }
    // A payee without credit lines gets no 0.00 period lines from tier tables (§7.1).
    if mine.is_empty() {
        ordered.retain(|w| !(w.comp.is_some() && w.pos.is_none() && w.amount.is_zero()));
    }
    Ok(ordered
        .into_iter()
        .map(|w| RefLine {
            component: match w.comp {
                Some(i) => format!("c{i}"),
                None => "(plan)".into(),
            },
            deal: w.deal,
            amount: shown(cx, w.amount),
        })
        .collect())
}

/// One component's lines for a payee-period, after its own limits and rounding.
fn component(
    cx: &Ctx,
    ci: usize,
    c: &Comp,
    mine: &[&Credit],
    quota: Decimal,
    bookings: Decimal,
) -> Result<Vec<Work>, String> {
    let pass = match &c.gate {
        Some(x) => bookings >= val(x)?,
        None => true,
    };
    // Eligible lines with their position in the payee's line order.
    let mut elig: Vec<(usize, &Credit)> = Vec::new();
    for (pos, cr) in mine.iter().enumerate() {
        if let Some(x) = &c.eligible {
            if cr.deal_amount < val(x)? {
                continue;
            }
        }
        elig.push((pos, cr));
    }
    let basis = |cr: &Credit| match c.basis {
        Basis::Amount => cr.amount,
        Basis::Units => cr.units,
    };
    let mut lines: Vec<Work> = Vec::new();
    let mut deal_line = |pos: usize, cr: &Credit, raw: Decimal| -> Result<(), String> {
        let amount = cx.finish(c, pass, raw, Some(cr.deal_amount))?;
        lines.push(Work {
            comp: Some(ci),
            pos: Some(pos),
            deal: Some(cr.deal.clone()),
            amount,
        });
        Ok(())
    };
    let mut period_raw: Option<Decimal> = None;
    match &c.rate {
        Rate::Curve(k) => {
            // Per deal: each line's basis is its key; at period end: the eligible basis
            // (`by amount`) or the measure (for the ratio `attainment`, its numerator).
            let period_key = match k.key {
                Key::Amount => elig.iter().map(|(_, cr)| basis(cr)).sum(),
                Key::Attainment | Key::Bookings => bookings,
            };
            match (k.money, k.per_deal) {
                // Money per deal: every line the value at its basis.
                (true, true) => {
                    for &(pos, cr) in &elig {
                        deal_line(pos, cr, curve_value(k, basis(cr), quota)?)?;
                    }
                }
                // A pay curve: one period line, the value at the period-end key.
                (true, false) => period_raw = Some(curve_value(k, period_key, quota)?),
                // Rates: every line its basis × the value at its key.
                (false, per_deal) => {
                    let at_end = curve_value(k, period_key, quota)?;
                    for &(pos, cr) in &elig {
                        let r = if per_deal {
                            curve_value(k, basis(cr), quota)?
                        } else {
                            at_end
                        };
                        deal_line(pos, cr, basis(cr) * r)?;
                    }
                }
            }
        }
        Rate::Flat(r) => {
            let rate = rate_value(c.basis, r)?;
            for &(pos, cr) in &elig {
                deal_line(pos, cr, basis(cr) * rate)?;
            }
        }
        Rate::Tiers(t) => {
            let bands = bands(t, c.basis, quota)?;
            let units = c.basis == Basis::Units;
            let grad = |s: Decimal, e: Decimal| -> Result<Decimal, String> {
                if units {
                    graduated_units(&bands, s, e)
                } else {
                    Ok(graduated(&bands, s, e))
                }
            };
            // The period-end key: the eligible basis for `by amount`, else the measure (for
            // the ratio `attainment`, its numerator `bookings`, §8.3).
            let period_key = match t.key {
                Key::Amount => elig.iter().map(|(_, cr)| basis(cr)).sum(),
                Key::Attainment | Key::Bookings => bookings,
            };
            // Retroactive pays the whole line at one band's rate; a flat band pays its
            // amount × share on a line (§8.5).
            let retro = |band: usize, cr: &Credit| match bands[band].pay {
                P::Rate(r) => basis(cr) * r,
                P::Flat(f) => f * cr.share,
            };
            match (t.mode, t.scope) {
                (Mode::Graduated, Scope::PerDeal) => {
                    for &(pos, cr) in &elig {
                        deal_line(pos, cr, grad(Decimal::ZERO, basis(cr))?)?;
                    }
                }
                (Mode::Graduated, Scope::Running) => {
                    let mut before = Decimal::ZERO;
                    for &(pos, cr) in &elig {
                        let after = before + basis(cr);
                        deal_line(pos, cr, grad(before, after)?)?;
                        before = after;
                    }
                }
                (Mode::Graduated, Scope::PeriodEnd) => {
                    period_raw = Some(grad(Decimal::ZERO, period_key)?);
                }
                (Mode::Retroactive, Scope::PerDeal) => {
                    for &(pos, cr) in &elig {
                        let b = holding(&bands, basis(cr));
                        deal_line(pos, cr, retro(b, cr))?;
                    }
                }
                (Mode::Retroactive, Scope::Running) => {
                    let mut running = Decimal::ZERO;
                    for &(pos, cr) in &elig {
                        running += basis(cr);
                        let b = holding(&bands, running);
                        deal_line(pos, cr, retro(b, cr))?;
                    }
                }
                (Mode::Retroactive, Scope::PeriodEnd) => {
                    let b = holding(&bands, period_key);
                    match bands[b].pay {
                        P::Flat(f) => period_raw = Some(f),
                        P::Rate(_) => {
                            for &(pos, cr) in &elig {
                                deal_line(pos, cr, retro(b, cr))?;
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(raw) = period_raw {
        let amount = cx.finish(c, pass, raw, None)?;
        lines.push(Work {
            comp: Some(ci),
            pos: None,
            deal: None,
            amount,
        });
    }
    // The component's per-period caps and floors, in the order written (§9); none when a gate
    // failed: the component pays 0 (§7.6).
    for l in c.limits.iter().filter(|l| !l.wide && pass) {
        let e = val(&l.amount)?;
        if l.cap {
            cap_in_order(&mut lines, e, &mut (Decimal::ZERO, Decimal::ZERO));
        } else {
            let total: Decimal = lines.iter().map(|w| w.amount).sum();
            if total < e {
                lines.push(Work {
                    comp: Some(ci),
                    pos: None,
                    deal: None,
                    amount: e - total,
                });
            }
        }
    }
    if cx.stage == Stage::Component {
        let total: Decimal = lines.iter().map(|w| w.amount).sum();
        let r = cx.round(total);
        if r != total {
            lines.push(Work {
                comp: Some(ci),
                pos: None,
                deal: None,
                amount: r - total,
            });
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn rounding_table_of_section_3_4() {
        // The table of §3.4: 2.675, 1.005, 0.125, −2.345 in every mode.
        let want = [
            ("half_even", ["2.68", "1.00", "0.12", "-2.34"]),
            ("half_up", ["2.68", "1.01", "0.13", "-2.35"]),
            ("half_down", ["2.67", "1.00", "0.12", "-2.34"]),
            ("down", ["2.67", "1.00", "0.12", "-2.34"]),
            ("up", ["2.68", "1.01", "0.13", "-2.35"]),
            ("floor", ["2.67", "1.00", "0.12", "-2.35"]),
            ("ceiling", ["2.68", "1.01", "0.13", "-2.34"]),
        ];
        for (mode, values) in want {
            let got: Vec<Decimal> = ["2.675", "1.005", "0.125", "-2.345"]
                .iter()
                .map(|v| round(d(v), 2, mode))
                .collect();
            let want: Vec<Decimal> = values.iter().map(|v| d(v)).collect();
            assert_eq!(got, want, "{mode}");
        }
    }

    #[test]
    fn id_order_of_section_10_1() {
        let mut ids = vec!["b", "103", "99", "007", "7", "a", "B", "0"];
        ids.sort_by(|a, b| id_order(a, b));
        assert_eq!(ids, ["0", "007", "7", "99", "103", "B", "a", "b"]);
    }

    #[test]
    fn graduated_p01_and_p22() {
        let band = |lo: &str, hi: Option<&str>, closed: bool, r: &str| B {
            lo: d(lo),
            lo_closed: true,
            hi: hi.map(d),
            hi_closed: closed,
            pay: P::Rate(d(r)),
        };
        let p01 = [
            band("0", Some("50000"), false, "0.05"),
            band("50000", Some("100000"), false, "0.07"),
            band("100000", None, false, "0.10"),
        ];
        assert_eq!(graduated(&p01, d("0"), d("175000")), d("13500"));
        // P22: [1, 5] 7, (5, 10] 6.5, (10, ..) 6 → 6 units graduated 41.50, retroactive 39.
        let mut p22 = [
            band("1", Some("5"), true, "7"),
            band("5", Some("10"), true, "6.5"),
            band("10", None, false, "6"),
        ];
        p22[1].lo_closed = false;
        p22[2].lo_closed = false;
        assert_eq!(
            graduated_units(&p22, d("0"), d("6")).unwrap_or_default(),
            d("41.5")
        );
        assert_eq!(holding(&p22, d("6")), 1);
        assert_eq!(holding(&p22, d("5")), 0);
    }
}
