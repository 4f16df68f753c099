//! The reporting hierarchy: each payee's reports, direct and indirect, on each day (from the
//! payees' `manager` column or the dated `managers` table).

use crate::dataset::Dataset;
use crate::period::Date;

/// One report of a manager, for the days `from..=to` (open ends are `Date(i32::MIN)` and
/// `Date(i32::MAX)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub payee: u32,
    pub from: Date,
    pub to: Date,
}

const OPEN_FROM: Date = Date(i32::MIN);
const OPEN_TO: Date = Date(i32::MAX);

/// Reports of every payee (`starts[p]..starts[p+1]` into `items`), each with the days on
/// which it reports to the payee. A payee appears at most once per day in a list.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    pub starts: Vec<u32>,
    pub items: Vec<Member>,
}

impl Reports {
    pub fn of(&self, p: u32) -> &[Member] {
        let s = self.starts.get(p as usize).copied().unwrap_or(0) as usize;
        let e = self.starts.get(p as usize + 1).copied().unwrap_or(0) as usize;
        self.items.get(s..e).unwrap_or(&[])
    }

    /// Flattens per-payee lists, each sorted by (rank of the report's payee id, from).
    fn from_lists(mut lists: Vec<Vec<Member>>, rank: &[u32]) -> Reports {
        let mut r = Reports {
            starts: Vec::with_capacity(lists.len() + 1),
            items: Vec::with_capacity(lists.iter().map(Vec::len).sum()),
        };
        for l in &mut lists {
            l.sort_unstable_by_key(|m| {
                (
                    rank.get(m.payee as usize).copied().unwrap_or(u32::MAX),
                    m.from,
                )
            });
            r.starts.push(r.items.len() as u32);
            r.items.extend_from_slice(l);
        }
        r.starts.push(r.items.len() as u32);
        r
    }
}

/// The reporting hierarchy: the direct reports of every payee, each with the days it reports
/// to the payee. A payee's team (direct and indirect reports) is walked down from them when
/// it is read ([`Hierarchy::team_into`]) and never stored for every payee: a chain of 20,000
/// payees has 200 million (manager, report) pairs, which took 4.8 GB. The load's depth limit
/// ([`crate::load::MAX_HIERARCHY_DEPTH`]) bounds each walk.
#[derive(Debug, Default)]
pub(crate) struct Hierarchy {
    pub direct: Reports,
    /// Place of every payee in id order (team lists are sorted by it).
    pub(super) rank: Vec<u32>,
    /// An assignments table gives the hierarchy (reports hold for some days only).
    pub(super) dated: bool,
}

/// What [`Hierarchy::team_into`] reuses from payee to payee.
#[derive(Debug, Default)]
pub(crate) struct TeamWalk {
    /// The payee whose team `members` holds.
    pub of: Option<u32>,
    pub members: Vec<Member>,
    stack: Vec<(u32, Date, Date, usize)>,
    /// Without dates: the walk that last reached each payee (a payee is listed once).
    seen: Vec<u32>,
    /// Number of the current walk (a new walk needs no clearing of `seen`).
    walks: u32,
}

impl Hierarchy {
    /// Fills `walk.members` with the team of `p` (unless it already holds it): every payee
    /// below `p`, with the days on which it is below `p`, sorted by (rank of its id, from),
    /// as the direct lists are. Without an assignments table each payee is listed once and a
    /// cycle is cut (a payee is never its own report). With one, a report is listed once per
    /// path down, for the days on which every assignment on the path holds; the walk stops
    /// at the depth limit (validated data never reaches it).
    pub fn team_into(&self, p: u32, walk: &mut TeamWalk) {
        if walk.of == Some(p) {
            return;
        }
        walk.of = Some(p);
        walk.members.clear();
        walk.stack.clear();
        let np = self.direct.starts.len().saturating_sub(1);
        walk.walks = walk.walks.wrapping_add(1);
        if !self.dated && (walk.seen.len() != np || walk.walks == 0) {
            walk.seen.clear();
            walk.seen.resize(np, 0);
            walk.walks = 1;
        }
        let now = walk.walks;
        if let Some(s) = walk.seen.get_mut(p as usize) {
            *s = now;
        }
        for m in self.direct.of(p) {
            walk.stack.push((m.payee, m.from, m.to, 1));
        }
        while let Some((q, lo, hi, depth)) = walk.stack.pop() {
            if self.dated {
                if q == p || depth > crate::load::MAX_HIERARCHY_DEPTH {
                    continue;
                }
            } else {
                match walk.seen.get_mut(q as usize) {
                    Some(s) if *s != now => *s = now,
                    _ => continue,
                }
            }
            walk.members.push(Member {
                payee: q,
                from: lo,
                to: hi,
            });
            for m in self.direct.of(q) {
                let (l, h) = (lo.max(m.from), hi.min(m.to));
                if l <= h {
                    walk.stack.push((m.payee, l, h, depth + 1));
                }
            }
        }
        let rank = &self.rank;
        walk.members.sort_unstable_by_key(|m| {
            (
                rank.get(m.payee as usize).copied().unwrap_or(u32::MAX),
                m.from,
            )
        });
    }
}

/// The direct reports of every payee, with the days each reports to the payee. `rank[p]` is
/// payee `p`'s place in id order (lists are sorted by it).
///
/// Without an assignments table the `manager` column is the hierarchy on every day; a payee
/// who is their own manager is not their own report. With one, each assignment makes its
/// payee a direct report of its manager on its days.
pub(crate) fn hierarchy(data: &Dataset, rank: Vec<u32>) -> Hierarchy {
    let np = data.payees.id.len();
    let mut direct: Vec<Vec<Member>> = vec![Vec::new(); np];
    match &data.assignments {
        None => {
            for (i, m) in data.payees.manager.iter().enumerate() {
                if let Some(m) = m {
                    if *m as usize != i {
                        if let Some(d) = direct.get_mut(*m as usize) {
                            d.push(Member {
                                payee: i as u32,
                                from: OPEN_FROM,
                                to: OPEN_TO,
                            });
                        }
                    }
                }
            }
        }
        Some(rows) => {
            for a in rows {
                if a.payee == a.manager {
                    continue;
                }
                if let Some(d) = direct.get_mut(a.manager as usize) {
                    d.push(Member {
                        payee: a.payee,
                        from: a.from,
                        to: a.to.unwrap_or(OPEN_TO),
                    });
                }
            }
        }
    }
    Hierarchy {
        direct: Reports::from_lists(direct, &rank),
        rank,
        dated: data.assignments.is_some(),
    }
}
