//! The generated case (a plan in a small subset of the language, plus its data) and the
//! generator that builds one from fuzz bytes.
//!
//! One generator serves both targets: `eval_reference` draws ordinary values (so the naive
//! reference can compute the exact answer), `decimal_edges` swaps some of them for extreme
//! decimals or malformed text.

use arbitrary::Unstructured;
use commissio::core::Decimal;

/// A number as written in the plan: a value, or raw text that is not a valid literal
/// (`decimal_edges` only; the checker must refuse it).
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A decimal, written with `Decimal`'s plain formatting (a leading `-` is unary minus).
    D(Decimal),
    /// Text written as is.
    Raw(String),
}

impl Lit {
    /// The value, when the literal is a decimal.
    pub fn value(&self) -> Option<Decimal> {
        match self {
            Lit::D(d) => Some(*d),
            Lit::Raw(_) => None,
        }
    }
}

/// The plan's period grain (the generated plans use these two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// `period month`
    Month,
    /// `period quarter`
    Quarter,
}

/// `rounding ... per <stage>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `per line`
    Line,
    /// `per component`
    Component,
    /// `per payout`
    Payout,
}

/// The rounding modes of §3.4, by keyword.
pub const MODES: [&str; 7] = [
    "half_even",
    "half_up",
    "half_down",
    "down",
    "up",
    "floor",
    "ceiling",
];

/// What a component is paid on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// `commission on credit.amount` (money; rates are percents).
    Amount,
    /// `commission on deal.units` (an integer count; rates are money prices).
    Units,
}

/// `by <key>` of a tier table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `by amount`: the component's basis.
    Amount,
    /// `by attainment`, the ratio measure `bookings / payee.quota` (bounds are percents).
    Attainment,
    /// `by bookings`, a money measure (bounds are money).
    Bookings,
}

/// Tier mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `graduated`
    Graduated,
    /// `retroactive`
    Retroactive,
}

/// Tier scope; `written` says whether the plan states it or relies on the mode's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `per deal`
    PerDeal,
    /// `running`
    Running,
    /// `at period end`
    PeriodEnd,
}

/// What a band (or a flat component rate) pays.
#[derive(Debug, Clone, PartialEq)]
pub enum Pay {
    /// A rate: for a money basis the percent number as written (`12.5` for `12.5%`); for a
    /// unit basis a money price per unit.
    Rate(Lit),
    /// `flat <money>`.
    Flat(Lit),
}

/// One band; its lower bound is the previous band's upper bound (or the table's first bound).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Upper bound (`None` = `..)`, only on the last band).
    pub hi: Option<Lit>,
    /// `]` rather than `)`; the next band then starts open.
    pub hi_closed: bool,
    /// What the band pays.
    pub pay: Pay,
}

/// A tier table.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    /// Mode.
    pub mode: Mode,
    /// Key.
    pub key: Key,
    /// Scope (what it means, whether written or not).
    pub scope: Scope,
    /// Whether the scope is written (it is always written when it is not the default).
    pub scope_written: bool,
    /// Lower bound of the first band.
    pub first_lo: Lit,
    /// The first band starts open: `(lo, ...`.
    pub first_open: bool,
    /// Bands, lowest first.
    pub bands: Vec<Band>,
    /// `by attainment` bounds written as plain ratios (`1.5`) rather than percents (`150%`);
    /// `decimal_edges` only, where a plain bound can reach the 96-bit limit.
    pub ratio_plain: bool,
}

/// An interpolated table (§8.6): anchors `key => value`, keys strictly increasing; values
/// are rates (`6%`) or money (`5000`). Money basis only.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Key (`by amount`, `by attainment`, `by bookings`).
    pub key: Key,
    /// `per deal` (only `by amount`); otherwise at period end.
    pub per_deal: bool,
    /// Whether the scope is written (`at period end` is the default).
    pub scope_written: bool,
    /// Values are money (a pay curve) rather than rates.
    pub money: bool,
    /// Anchors (key in the key's units: percents for attainment; value: a percent number for
    /// a rate, money otherwise), at least two.
    pub anchors: Vec<(Lit, Lit)>,
}

/// A component's rate.
#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    /// `rate 5%` (money basis) or `rate 7` (unit basis).
    Flat(Lit),
    /// A tier table.
    Tiers(Tiers),
    /// An interpolated table.
    Curve(Curve),
}

impl Rate {
    /// True when the rate reads the ratio measure `attainment`.
    pub fn reads_attainment(&self) -> bool {
        match self {
            Rate::Flat(_) => false,
            Rate::Tiers(t) => t.key == Key::Attainment,
            Rate::Curve(c) => c.key == Key::Attainment,
        }
    }
}

/// `multiply <factor> [when deal.amount >= <x>]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mult {
    /// The factor.
    pub factor: Lit,
    /// Threshold on the deal amount, when conditional.
    pub when_amount_ge: Option<Lit>,
}

/// A cap or floor, component or plan level.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// Cap (true) or floor.
    pub cap: bool,
    /// Component: `per line` (true) or `per period`. Plan: `total per plan` (true) or
    /// `total per period`.
    pub wide: bool,
    /// The amount (a money constant).
    pub amount: Lit,
}

/// A `component` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Comp {
    /// What it is paid on.
    pub basis: Basis,
    /// Its rate.
    pub rate: Rate,
    /// Multipliers, in plan order.
    pub mults: Vec<Mult>,
    /// `gate bookings >= x`.
    pub gate: Option<Lit>,
    /// `eligible when deal.amount >= x`.
    pub eligible: Option<Lit>,
    /// Caps and floors in the order written (`wide` = per line).
    pub limits: Vec<Limit>,
}

impl Comp {
    /// True when the component can pay a period line (its multipliers must then not read
    /// deal fields, §7.1).
    pub fn has_period_lines(&self) -> bool {
        match &self.rate {
            Rate::Flat(_) => false,
            // A money curve at period end pays one period line (§8.6).
            Rate::Curve(c) => c.money && !c.per_deal,
            Rate::Tiers(t) => match (t.mode, t.scope) {
                (Mode::Graduated, Scope::PeriodEnd) => true,
                (Mode::Retroactive, Scope::PeriodEnd) => {
                    t.bands.iter().any(|b| matches!(b.pay, Pay::Flat(_)))
                }
                _ => false,
            },
        }
    }
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSpec {
    /// ISO code.
    pub currency: &'static str,
    /// Its minor units (decimals allowed in money data).
    pub minor: u32,
    /// Period grain.
    pub grain: Grain,
    /// Effective range, (month, day) in 2026.
    pub eff_start: (u32, u32),
    /// Last effective day, (month, day) in 2026.
    pub eff_end: (u32, u32),
    /// Rounding mode keyword.
    pub mode: &'static str,
    /// Rounding scale (0–10 is valid).
    pub scale: u32,
    /// Rounding stage.
    pub stage: Stage,
    /// Components in plan order (named `c0`, `c1`, …).
    pub comps: Vec<Comp>,
    /// Plan-level caps and floors in the order written.
    pub limits: Vec<Limit>,
    /// Write whole parts of 1,000 and more with `_` digit separators.
    pub underscores: bool,
}

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    /// Year.
    pub y: i32,
    /// Month 1–12.
    pub m: u32,
    /// Day of month.
    pub d: u32,
}

impl Day {
    /// The day `offset` days after 2026-01-01 (offset from -31 to 364).
    pub fn from_offset(offset: i64) -> Day {
        if offset < 0 {
            return Day {
                y: 2025,
                m: 12,
                d: (32 + offset).clamp(1, 31) as u32,
            };
        }
        let mut left = offset;
        for m in 1..=12u32 {
            let len = i64::from(month_len(m));
            if left < len {
                return Day {
                    y: 2026,
                    m,
                    d: (left + 1) as u32,
                };
            }
            left -= len;
        }
        Day {
            y: 2026,
            m: 12,
            d: 31,
        }
    }

    /// `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// Days in a month of 2026 (not a leap year).
pub fn month_len(m: u32) -> u32 {
    match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A payee row.
#[derive(Debug, Clone, PartialEq)]
pub struct PayeeRow {
    /// `id`
    pub id: String,
    /// `quota` cell text.
    pub quota: String,
}

/// A deal row.
#[derive(Debug, Clone, PartialEq)]
pub struct DealRow {
    /// `id`
    pub id: String,
    /// `payee` (owner).
    pub owner: String,
    /// `date`
    pub date: Day,
    /// `amount` cell text.
    pub amount: String,
    /// `units` cell text.
    pub units: String,
}

/// A credit row.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditRow {
    /// `deal`
    pub deal: String,
    /// `payee`
    pub payee: String,
    /// `share` cell text (`0.25` or `25%`).
    pub share: String,
}

/// One generated case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The plan.
    pub plan: PlanSpec,
    /// Payees.
    pub payees: Vec<PayeeRow>,
    /// Deals.
    pub deals: Vec<DealRow>,
    /// Credits (`None`: no credits table).
    pub credits: Option<Vec<CreditRow>>,
    /// First reported period, 1-based index in the year (month or quarter number).
    pub first: u32,
    /// Last reported period.
    pub last: u32,
}

impl Case {
    /// The period range asked for, e.g. `2026-02..2026-04` or `2026-Q1..2026-Q2`.
    pub fn period_text(&self) -> String {
        format!(
            "{}..{}",
            period_label(self.plan.grain, self.first),
            period_label(self.plan.grain, self.last)
        )
    }
}

/// The label of period `index` of 2026.
pub fn period_label(grain: Grain, index: u32) -> String {
    match grain {
        Grain::Month => format!("2026-{index:02}"),
        Grain::Quarter => format!("2026-Q{index}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/// Draws from fuzz bytes; once they run out every draw is its lowest choice, so generation
/// never fails.
pub struct Gen<'a, 'b> {
    u: &'b mut Unstructured<'a>,
    /// Replace some values by extreme decimals or malformed text (`decimal_edges`).
    pub edges: bool,
    /// In edge mode, the chance (1 in n) that a value is swapped; drawn per case so that
    /// some plans have one odd value and check, others many.
    odds: u32,
}

const PAYEE_IDS: [&str; 6] = ["A", "B", "10", "9", "b", "007"];
const DEAL_IDS: [&str; 16] = [
    "1", "2", "3", "10", "007", "7", "99", "103", "D1", "d1", "a", "Z9", "0", "12", "x_1", "B",
];

/// Extreme but valid decimals.
fn edge_decimals() -> Vec<Decimal> {
    let tiny = Decimal::new(1, 28);
    vec![
        Decimal::MAX,
        Decimal::MIN,
        Decimal::MAX / Decimal::TWO,
        Decimal::ZERO,
        tiny,
        -tiny,
        // 28 decimals, 29 digits.
        Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 28),
        Decimal::from_i128_with_scale(9_999_999_999_999_999_999_999_999_999, 2),
        Decimal::from_i128_with_scale(1_000_000_000_000_000_000_000_000_000, 0),
        Decimal::new(1_000_005, 6),
        Decimal::new(-1, 0),
        Decimal::new(1, 0),
    ]
}

/// Literal text the language refuses (out of range, exponent, malformed).
const EDGE_RAW: [&str; 8] = [
    "79228162514264337593543950336",
    "0.00000000000000000000000000001",
    "1e5",
    "1E+3",
    "0.5e-3",
    "1__000",
    "00000000000000000000000000000000000000001",
    "79_228_162_514_264_337_593_543_950_335.5",
];

/// Cell text for numeric columns that the loader must refuse or read exactly.
const EDGE_CELLS: [&str; 26] = [
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "79228162514264337593543950336",
    "0.0000000000000000000000000001",
    "0.00000000000000000000000000001",
    "1e5",
    "1E+3",
    "-1e-5",
    "+5",
    "1_000",
    " 5",
    "5 ",
    ".5",
    "5.",
    "-0",
    "-0.00",
    "0x10",
    "NaN",
    "inf",
    "1,000.00",
    "12.345",
    "",
    "١٢٣",
    "9999999999999999999999999999.9",
    "100%",
    "0.000",
];

impl<'a, 'b> Gen<'a, 'b> {
    /// A generator over `u`.
    pub fn new(u: &'b mut Unstructured<'a>, edges: bool) -> Self {
        Gen { u, edges, odds: 4 }
    }

    /// An integer in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.u.int_in_range(lo..=hi).unwrap_or(lo)
    }

    /// True with probability about `num/den`.
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        self.u.ratio(num, den).unwrap_or(false)
    }

    /// One of `items` (the first when the bytes run out).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.int(0, items.len() as i64 - 1).max(0) as usize;
        items[i.min(items.len() - 1)]
    }

    /// `normal`, or in edge mode sometimes an extreme decimal or refused literal.
    fn lit(&mut self, normal: Decimal) -> Lit {
        if self.edges && self.chance(1, self.odds) {
            if self.chance(1, 8) {
                return Lit::Raw(self.pick(&EDGE_RAW).to_string());
            }
            let all = edge_decimals();
            return Lit::D(all[self.int(0, all.len() as i64 - 1) as usize]);
        }
        Lit::D(normal)
    }

    /// `normal` cell text, or in edge mode sometimes an extreme or malformed one.
    fn cell(&mut self, normal: String) -> String {
        if self.edges && self.chance(1, self.odds) {
            if self.chance(1, 2) {
                return self.pick(&EDGE_CELLS).to_string();
            }
            let all = edge_decimals();
            return all[self.int(0, all.len() as i64 - 1) as usize].to_string();
        }
        normal
    }

    /// A decimal with up to `max_dp` places whose whole part is in `0..=max_whole`.
    fn dec(&mut self, max_whole: i64, max_dp: u32) -> Decimal {
        let dp = self.int(0, i64::from(max_dp)) as u32;
        let whole = self.int(0, max_whole);
        let frac = self.int(0, 10i64.pow(dp) - 1);
        Decimal::new(whole * 10i64.pow(dp) + frac, dp)
    }

    /// Money of a typical size for deals: magnitudes from cents to millions.
    fn money(&mut self, minor: u32) -> Decimal {
        let mag = self.pick(&[100i64, 10_000, 1_000_000, 50_000_000]);
        let whole = self.int(0, mag);
        let frac = self.int(0, 10i64.pow(minor) - 1);
        Decimal::new(whole * 10i64.pow(minor) + frac, minor)
    }

    /// A whole case.
    pub fn case(&mut self) -> Case {
        self.odds = self.pick(&[4u32, 12, 40, 200]);
        let (currency, minor) = self.pick(&[("USD", 2u32), ("JPY", 0), ("KWD", 3), ("EUR", 2)]);
        let grain = if self.chance(1, 2) {
            Grain::Month
        } else {
            Grain::Quarter
        };
        let eff_start = self.pick(&[(1u32, 1u32), (1, 1), (1, 1), (1, 15), (2, 1)]);
        let eff_end = self.pick(&[(12u32, 31u32), (12, 31), (5, 31), (4, 30), (3, 15)]);
        let mode = self.pick(&MODES);
        let scale = if self.edges && self.chance(1, 8) {
            self.int(0, 12) as u32
        } else {
            self.int(0, 4) as u32
        };
        let stage = self.pick(&[Stage::Line, Stage::Line, Stage::Component, Stage::Payout]);
        let ncomps = self.int(1, 3);
        let mut comps = Vec::new();
        for _ in 0..ncomps {
            let c = self.comp(minor);
            comps.push(c);
        }
        let mut limits = Vec::new();
        for _ in 0..self.int(0, 2) {
            let cap = !self.chance(1, 4);
            // Plan floors per plan are settled at the version's end, outside the evaluated
            // half year: only caps are generated `per plan`.
            let wide = cap && self.chance(1, 2);
            let amount = self.limit_amount(cap);
            limits.push(Limit { cap, wide, amount });
        }
        let plan = PlanSpec {
            currency,
            minor,
            grain,
            eff_start,
            eff_end,
            mode,
            scale,
            stage,
            comps,
            limits,
            underscores: self.chance(1, 3),
        };
        let uses_attainment = plan.comps.iter().any(|c| c.rate.reads_attainment());
        // The reported periods; most deals fall in them.
        let nper = match grain {
            Grain::Month => 6,
            Grain::Quarter => 2,
        };
        let first = self.int(1, nper) as u32;
        let last = self.int(i64::from(first), nper) as u32;
        let (m0, m1) = match grain {
            Grain::Month => (first, last),
            Grain::Quarter => (3 * first - 2, 3 * last),
        };
        let lo = (1..m0).map(|m| i64::from(month_len(m))).sum::<i64>();
        let hi = lo + (m0..=m1).map(|m| i64::from(month_len(m))).sum::<i64>() - 1;
        // Payees.
        let npayees = self.int(1, 3) as usize;
        let mut ids: Vec<&str> = PAYEE_IDS.to_vec();
        let mut payees = Vec::new();
        for _ in 0..npayees {
            let i = self.int(0, ids.len() as i64 - 1) as usize;
            let id = ids.remove(i.min(ids.len() - 1));
            let quota = if self.chance(1, 12) {
                Decimal::ZERO
            } else {
                // At least one minor unit: attainment needs a positive quota.
                self.money(minor).max(Decimal::new(1, minor))
            };
            let quota = if self.edges && uses_attainment && self.chance(1, 4) {
                self.pick(&["0", "-0", "0.00", "-100", "-0.01"]).to_string()
            } else {
                self.cell(quota.to_string())
            };
            payees.push(PayeeRow {
                id: id.to_string(),
                quota,
            });
        }
        // Deals.
        let ndeals = if self.chance(1, 10) {
            0
        } else {
            self.int(1, 10) as usize
        };
        let mut deal_ids: Vec<&str> = DEAL_IDS.to_vec();
        let mut deals = Vec::new();
        for _ in 0..ndeals {
            let i = self.int(0, deal_ids.len() as i64 - 1) as usize;
            let id = deal_ids.remove(i.min(deal_ids.len() - 1));
            let owner = payees[self.int(0, payees.len() as i64 - 1) as usize]
                .id
                .clone();
            let date = if self.chance(3, 4) {
                Day::from_offset(self.int(lo, hi))
            } else {
                Day::from_offset(self.int(-5, 185))
            };
            let mut amount = self.money(minor);
            if self.chance(1, 8) {
                amount = -amount;
            }
            let amount = self.cell(amount.to_string());
            let mut units = self.int(0, 30);
            if self.chance(1, 10) {
                units = -units;
            }
            let units = if self.chance(1, 6) {
                format!("{units}.0")
            } else {
                units.to_string()
            };
            let units = self.cell(units);
            deals.push(DealRow {
                id: id.to_string(),
                owner,
                date,
                amount,
                units,
            });
        }
        // Credits: some deals split between payees, shares summing to exactly 1.
        let mut credits = Vec::new();
        for d in &deals {
            if !self.chance(1, 2) {
                continue;
            }
            let mut who: Vec<String> = payees.iter().map(|p| p.id.clone()).collect();
            let dp = self.int(0, 4) as u32;
            let denom = 10i64.pow(dp);
            let k = (self.int(1, 3) as usize).min(who.len()).min(denom as usize);
            let mut cuts: Vec<i64> = Vec::new();
            while cuts.len() + 1 < k {
                let c = self.int(1, denom - 1);
                if !cuts.contains(&c) {
                    cuts.push(c);
                } else if self.u.is_empty() {
                    // Out of bytes: every draw repeats; take the free cut points in order.
                    if let Some(c) = (1..denom).find(|c| !cuts.contains(c)) {
                        cuts.push(c);
                    }
                }
            }
            cuts.sort_unstable();
            cuts.push(denom);
            let mut prev = 0;
            for c in cuts {
                let i = self.int(0, who.len() as i64 - 1) as usize;
                let payee = who.remove(i.min(who.len() - 1));
                let share = Decimal::new(c - prev, dp);
                prev = c;
                let text = if dp >= 2 && self.chance(1, 3) {
                    format!("{}%", share * Decimal::ONE_HUNDRED)
                } else {
                    share.to_string()
                };
                let text = self.cell(text);
                credits.push(CreditRow {
                    deal: d.id.clone(),
                    payee,
                    share: text,
                });
            }
        }
        // Row order must not matter: rotate the credit rows.
        if !credits.is_empty() {
            let r = self.int(0, credits.len() as i64 - 1) as usize;
            credits.rotate_left(r);
        }
        let credits = if credits.is_empty() && self.chance(1, 2) {
            None
        } else {
            Some(credits)
        };
        Case {
            plan,
            payees,
            deals,
            credits,
            first,
            last,
        }
    }

    /// Turns some tier tables on a money basis into interpolated tables (§8.6); true when it
    /// turned any. Called with its own byte stream on a case already generated, so the bytes
    /// that make the case (and every saved input) keep their meaning.
    pub fn curves(&mut self, plan: &mut PlanSpec) -> bool {
        let mut any = false;
        for c in &mut plan.comps {
            if c.basis != Basis::Amount || !matches!(c.rate, Rate::Tiers(_)) || !self.chance(1, 2) {
                continue;
            }
            let mut k = self.curve();
            // A period line cannot take a multiplier that reads the deal (§7.1).
            if k.money && !k.per_deal && c.mults.iter().any(|m| m.when_amount_ge.is_some()) {
                k.money = false;
            }
            c.rate = Rate::Curve(k);
            any = true;
        }
        any
    }

    fn limit_amount(&mut self, cap: bool) -> Lit {
        let v = if cap {
            let mag = self.pick(&[10i64, 1_000, 100_000]);
            self.dec(mag, 3)
        } else {
            let mag = self.pick(&[10i64, 1_000]);
            self.dec(mag, 2)
        };
        let v = if self.chance(1, 16) { -v } else { v };
        self.lit(v)
    }

    fn comp(&mut self, minor: u32) -> Comp {
        let basis = if self.chance(1, 5) {
            Basis::Units
        } else {
            Basis::Amount
        };
        let rate = if self.chance(3, 10) {
            Rate::Flat(self.pay_rate(basis))
        } else {
            Rate::Tiers(self.tiers(basis))
        };
        let mut comp = Comp {
            basis,
            rate,
            mults: Vec::new(),
            gate: None,
            eligible: None,
            limits: Vec::new(),
        };
        let period_lines = comp.has_period_lines();
        for _ in 0..self.int(0, 2) {
            let f = Decimal::new(self.int(0, 300), 2);
            let factor = self.lit(f);
            let when_amount_ge = if !period_lines && self.chance(1, 2) {
                let x = self.money(minor);
                Some(self.lit(x))
            } else {
                None
            };
            comp.mults.push(Mult {
                factor,
                when_amount_ge,
            });
        }
        if self.chance(1, 5) {
            let x = self.money(minor);
            comp.gate = Some(self.lit(x));
        }
        if self.chance(1, 5) {
            let mut x = self.money(minor);
            if self.chance(1, 4) {
                x = -x;
            }
            comp.eligible = Some(self.lit(x));
        }
        for _ in 0..self.int(0, 3) {
            let cap = !self.chance(1, 4);
            let wide = self.chance(1, 2);
            let amount = self.limit_amount(cap);
            comp.limits.push(Limit { cap, wide, amount });
        }
        comp
    }

    /// A band or component rate: a percent for a money basis, a money price per unit.
    fn pay_rate(&mut self, basis: Basis) -> Lit {
        let v = match basis {
            Basis::Amount => {
                if self.chance(1, 10) {
                    self.dec(150, 3)
                } else {
                    self.dec(30, 3)
                }
            }
            Basis::Units => self.dec(100, 2),
        };
        self.lit(v)
    }

    fn curve(&mut self) -> Curve {
        let key = self.pick(&[Key::Amount, Key::Amount, Key::Attainment, Key::Bookings]);
        let per_deal = key == Key::Amount && self.chance(1, 2);
        let scope_written = per_deal || self.chance(1, 2);
        let money = self.chance(1, 3);
        // Keys in the key's units: percents of quota, or money. Never negative: a row
        // `-46 => 2%` after another reads as the previous value minus 46 (rows have no
        // delimiter), which the checker refuses.
        let (first, step_max, dp) = match key {
            Key::Attainment => (
                Decimal::from(self.pick(&[0i64, 0, 10, 50])),
                self.pick(&[20i64, 60, 120]),
                1,
            ),
            _ => {
                let lo = match self.int(0, 5) {
                    0 => Decimal::new(500, 0),
                    _ => Decimal::ZERO,
                };
                (lo, self.pick(&[1_000i64, 50_000, 2_000_000]), 2)
            }
        };
        let mut anchors = Vec::new();
        let mut at = first;
        for i in 0..self.int(2, 4) {
            if i > 0 {
                at += self.dec(step_max, dp).max(Decimal::ONE);
            }
            let value = if money {
                self.dec(5000, 2)
            } else {
                self.pay_rate(Basis::Amount).value().unwrap_or_default()
            };
            let (k, v) = (self.lit(at), self.lit(value));
            anchors.push((k, v));
        }
        Curve {
            key,
            per_deal,
            scope_written,
            money,
            anchors,
        }
    }

    fn tiers(&mut self, basis: Basis) -> Tiers {
        let mode = if self.chance(1, 2) {
            Mode::Graduated
        } else {
            Mode::Retroactive
        };
        let key = match basis {
            Basis::Units => Key::Amount,
            Basis::Amount => self.pick(&[Key::Amount, Key::Amount, Key::Attainment, Key::Bookings]),
        };
        let scope = if key == Key::Amount {
            self.pick(&[Scope::PerDeal, Scope::Running, Scope::PeriodEnd])
        } else {
            self.pick(&[Scope::Running, Scope::PeriodEnd])
        };
        let default = match mode {
            Mode::Graduated => Scope::Running,
            Mode::Retroactive => Scope::PeriodEnd,
        };
        let scope_written = scope != default || self.chance(1, 2);
        // Bounds in the key's units: whole units, percents of quota, or money.
        let (first_lo, step_max, dp) = match (basis, key) {
            // Mostly whole bounds; a fractional one (2.5) still splits whole units (§8.4).
            (Basis::Units, _) => (
                Decimal::from(self.pick(&[0i64, 0, 1, 3])),
                10i64,
                u32::from(self.chance(1, 6)),
            ),
            (_, Key::Attainment) => (
                Decimal::from(self.pick(&[0i64, 0, 0, 10, 50])),
                self.pick(&[20i64, 60, 120]),
                1,
            ),
            _ => {
                let lo = match self.int(0, 5) {
                    0 => Decimal::new(-1000, 0),
                    1 => Decimal::new(500, 0),
                    _ => Decimal::ZERO,
                };
                (lo, self.pick(&[1_000i64, 50_000, 2_000_000]), 2)
            }
        };
        let n = self.int(1, 4) as usize;
        let mut bands = Vec::new();
        let mut lo = first_lo;
        for i in 0..n {
            let last = i + 1 == n;
            let hi = if last && !self.chance(1, 5) {
                None
            } else {
                let step = self.dec(step_max, dp).max(Decimal::ONE);
                lo += step;
                Some(self.lit(lo))
            };
            let hi_closed = hi.is_some() && self.chance(1, 3);
            let pay = if self.chance(1, 7) {
                let f = self.dec(500, 2);
                Pay::Flat(self.lit(f))
            } else {
                Pay::Rate(self.pay_rate(basis))
            };
            bands.push(Band { hi, hi_closed, pay });
        }
        let first_open = self.chance(1, 8);
        let first_lo = self.lit(first_lo);
        // Drawn in edge mode only, so eval_reference inputs keep their meaning.
        let ratio_plain = self.edges && key == Key::Attainment && self.chance(1, 3);
        Tiers {
            ratio_plain,
            mode,
            key,
            scope,
            scope_written,
            first_lo,
            first_open,
            bands,
        }
    }
}
