//! Which days a payee is on each plan of a program, as the evaluator reads them: the
//! program's split rule, each payee's windows on one plan, and their share of a period
//! ([`crate::program`] has the rules). A leaf: the evaluator reads it, and [`crate::program`]
//! builds it and runs the evaluator, without an import cycle.

use crate::load::PlanAssignment;
use crate::period::Date;
use crate::results::AssignmentInfo;
use rust_decimal::Decimal;

/// How a program's plans share a payee who is on several of them in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SplitRule {
    /// Each plan pays for the days the payee was on it: it evaluates the payee's whole
    /// period (all their credit lines) and pays the share assigned days / period days.
    Days,
    /// Each plan pays on the credit lines dated on days the payee was on it, in full (times
    /// the assignment's weight, when it has one).
    CreditDates,
}

impl SplitRule {
    /// Both rules, in declaration order.
    pub const ALL: [SplitRule; 2] = [SplitRule::Days, SplitRule::CreditDates];

    /// The rule's name in every surface: `days`, `credit_dates`.
    pub fn name(self) -> &'static str {
        match self {
            SplitRule::Days => "days",
            SplitRule::CreditDates => "credit_dates",
        }
    }

    /// The rule named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<SplitRule> {
        SplitRule::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// One payee's days on a plan, as the evaluator reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub from: Date,
    pub to: Date,
    pub weight: Decimal,
    /// Index in [`PlanWindows::infos`].
    pub info: u32,
}

/// The assignments of one plan of a program, by payee row (disjoint and in date order for
/// each payee: the table's checks guarantee it).
#[derive(Debug, Clone)]
pub(crate) struct PlanWindows {
    pub split: SplitRule,
    /// `windows[starts[p]..starts[p + 1]]` are payee `p`'s.
    starts: Vec<u32>,
    windows: Vec<Window>,
    /// What traces name, by window.
    pub infos: Vec<AssignmentInfo>,
}

/// A payee's share of one period on a plan (see [`crate::results::AssignmentShare`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PeriodShare {
    pub assigned_days: Decimal,
    pub of_days: u32,
    pub fraction: Decimal,
    pub first: u32,
    pub count: u32,
}

impl PlanWindows {
    /// The windows of plan `plan` among `rows`, for `payees` payee rows.
    pub(crate) fn new(
        rows: &[PlanAssignment],
        plan: u32,
        payees: usize,
        split: SplitRule,
    ) -> PlanWindows {
        let mut mine: Vec<&PlanAssignment> = rows.iter().filter(|a| a.plan == plan).collect();
        mine.sort_unstable_by_key(|a| (a.payee, a.from, a.row));
        let mut starts = vec![0u32; payees + 1];
        for a in &mine {
            if let Some(s) = starts.get_mut(a.payee as usize + 1) {
                *s += 1;
            }
        }
        for i in 1..starts.len() {
            let prev = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(s) = starts.get_mut(i) {
                *s += prev;
            }
        }
        let windows = mine
            .iter()
            .enumerate()
            .map(|(i, a)| Window {
                from: a.from,
                to: a.last_day(),
                weight: a.weight.unwrap_or(Decimal::ONE),
                info: i as u32,
            })
            .collect();
        let infos = mine
            .iter()
            .map(|a| AssignmentInfo {
                row: a.row,
                from: a.from,
                to: a.to,
                weight: a.weight,
            })
            .collect();
        PlanWindows {
            split,
            starts,
            windows,
            infos,
        }
    }

    /// Payee `p`'s windows, in date order.
    pub(crate) fn of(&self, p: u32) -> &[Window] {
        let s = self.starts.get(p as usize).copied().unwrap_or(0) as usize;
        let e = self.starts.get(p as usize + 1).copied().unwrap_or(0) as usize;
        self.windows.get(s..e).unwrap_or(&[])
    }

    /// Whether `d` is a day payee `p` is on the plan.
    pub(crate) fn covers(windows: &[Window], d: Date) -> bool {
        let i = windows.partition_point(|w| w.to < d);
        windows.get(i).is_some_and(|w| w.from <= d)
    }

    /// Payee `p`'s share of the period `[start, end]`; `None` when they are on the plan on no
    /// day of it.
    #[inline(never)]
    pub(crate) fn share(&self, p: u32, start: Date, end: Date) -> Option<PeriodShare> {
        let windows = self.of(p);
        let mut weighted = Decimal::ZERO;
        let mut days: i64 = 0;
        let mut first: Option<u32> = None;
        let mut count = 0u32;
        // Disjoint and in date order: the ones overlapping the period are found by bisection,
        // so a payee with many assignments costs each period only those in it.
        let from = windows.partition_point(|w| w.to < start);
        for w in windows.get(from..).unwrap_or(&[]) {
            if w.from > end {
                break;
            }
            let a = w.from.max(start);
            let b = w.to.min(end);
            if a > b {
                continue;
            }
            let n = i64::from(b.0) - i64::from(a.0) + 1;
            days += n;
            weighted += Decimal::from(n) * w.weight;
            first.get_or_insert(w.info);
            count += 1;
        }
        let first = first?;
        let of_days = match self.split {
            SplitRule::Days => i64::from(end.0) - i64::from(start.0) + 1,
            SplitRule::CreditDates => days,
        };
        let of_days = u32::try_from(of_days).ok()?;
        // Cannot fail: at most a period's days (each weighted at most 1) over at least one day.
        let fraction = crate::exact::div(weighted, Decimal::from(of_days))?;
        Some(PeriodShare {
            assigned_days: weighted,
            of_days,
            fraction,
            first,
            count,
        })
    }
}
