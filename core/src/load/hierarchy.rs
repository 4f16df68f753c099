//! The manager hierarchy: the payees table's `manager` column (unknown managers, cycles, depth)
//! and the optional, effective-dated `managers` table (overlaps, cycles on some day, depth,
//! `D0211`), each bounded by [`MAX_HIERARCHY_DEPTH`].

use super::error::Bad;

use super::build::{lookup, split, Builder};
use super::error::{At, DataErrorCode, TableKind};
use super::schema::TableColumns;
use super::table::Table;
use super::values::{date_range, id_of, is_empty, type_name, ID};
use crate::dataset::{Assignment, Payees};
use crate::period::Date;
use crate::plan::FieldType;

/// Most managers above one payee (direct and indirect, on any day): a documented limit
/// (docs/language.md §14), `D0212` beyond it. It bounds the hierarchy work: checking the
/// dated hierarchy walks up from every assignment, and a manager's `team` aggregates and
/// team commission visit every report below, so both grow with payees × depth. Unbounded, a
/// chain of 20,000 payees made 200 million (manager, report) pairs.
pub const MAX_HIERARCHY_DEPTH: usize = 1_000;

/// Last day of an assignment without an end, for comparisons.
const NO_END: Date = Date(i32::MAX);

impl Builder<'_> {
    /// Reads and checks the manager assignments table, when given (the module docs of
    /// [`crate::load`]).
    pub(super) fn managers(
        &mut self,
        table: Option<&Table>,
        payees_table: &Table,
        payees: &Payees,
    ) -> Option<Vec<Assignment>> {
        let table = table?;
        self.managers_in_payees(payees_table);
        let kind = TableKind::Managers;
        let date_ty = type_name(FieldType::Date);
        let mut reader = TableColumns::new(kind, table, &mut self.errors);
        let payee_c = reader.column("payee", true, Some(ID), &mut self.errors);
        let manager_c = reader.column("manager", true, Some(ID), &mut self.errors);
        let from_c = reader.column("from", true, Some(date_ty), &mut self.errors);
        let to_c = reader.column("to", false, None, &mut self.errors);
        // Assignments that passed their own checks, with their row.
        let mut rows: Vec<(Assignment, usize)> = Vec::with_capacity(table.len());
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.errors) {
                continue;
            }
            let (payee_text, payee_bad) = split(payee_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: payee_text.as_deref(),
            };
            let payee = self.payee_ref(&at, payee_text.as_deref(), payee_bad);
            let mut manager = None;
            if manager_c.is_some() {
                match id_of(row.get(manager_c)) {
                    Err(bad) => self.errors.push(at.err("manager", bad)),
                    Ok(m) => match lookup(&self.payee_of, &m) {
                        Some(mr) => manager = Some(mr),
                        None if self.payee_ids_known => self.errors.push(at.err(
                            "manager",
                            Bad {
                                code: DataErrorCode::UnknownManager,
                                expected: None,
                                message: format!("unknown manager {m:?} (no payee has this id)"),
                            },
                        )),
                        None => {}
                    },
                }
            }
            let dates = date_range(
                from_c.map(|c| row.get(Some(c))),
                row.get(to_c),
                &at,
                &mut self.errors,
            );
            if let (Some(payee), Some(manager), Some((from, to))) = (payee, manager, dates) {
                rows.push((
                    Assignment {
                        payee,
                        manager,
                        from,
                        to,
                    },
                    r,
                ));
            }
        }
        self.assignment_overlaps(&rows, payees);
        self.assignment_cycles(&rows, payees);
        Some(rows.into_iter().map(|(a, _)| a).collect())
    }

    /// `D0211` for every payees row that names a manager although a managers table is given.
    fn managers_in_payees(&mut self, table: &Table) {
        let schema = &self.plan.schema.payee;
        let mgr_name = schema.builtin_column("manager");
        let id_name = schema.builtin_column("id");
        let (Some(mc), id_c) = (
            table.columns.iter().position(|c| c == mgr_name),
            table.columns.iter().position(|c| c == id_name),
        ) else {
            return;
        };
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if is_empty(row.get(Some(mc))) || row.len() != table.columns.len() {
                continue;
            }
            let own_id = id_c.and_then(|i| id_of(row.get(Some(i))).ok());
            let at = At {
                kind: TableKind::Payees,
                row: r,
                id: own_id.as_deref(),
            };
            self.errors.push(at.err(
                mgr_name,
                Bad {
                    code: DataErrorCode::ManagerInBothTables,
                    expected: None,
                    message: format!(
                        "a manager is given here and a managers table is given too; with a managers table, leave the {mgr_name:?} column empty"
                    ),
                },
            ));
        }
    }

    /// `D0210` at each assignment that starts while an earlier one of its payee still holds.
    fn assignment_overlaps(&mut self, rows: &[(Assignment, usize)], payees: &Payees) {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let key = |i: usize| rows.get(i).map(|(a, r)| (a.payee, a.from, *r));
        order.sort_by_key(|&i| key(i));
        // The assignment of the current payee that ends last so far: (payee, to, row).
        let mut reach: Option<(u32, Date, usize)> = None;
        for &i in &order {
            let Some((a, r)) = rows.get(i) else { continue };
            let to = a.to.unwrap_or(NO_END);
            match reach {
                Some((p, end, first)) if p == a.payee && a.from <= end => {
                    let id = self
                        .texts
                        .resolve(payees.id.get(a.payee as usize).copied().unwrap_or(0))
                        .to_string();
                    let at = At {
                        kind: TableKind::Managers,
                        row: *r,
                        id: Some(&id),
                    };
                    let until = if end == NO_END {
                        "has no end".to_string()
                    } else {
                        format!("runs to {end}")
                    };
                    self.errors.push(at.err(
                        "from",
                        Bad {
                            code: DataErrorCode::OverlappingAssignments,
                            expected: None,
                            message: format!(
                                "payee {id:?} already has a manager on {}: the assignment at row {} {until}",
                                a.from,
                                first as u64 + 1
                            ),
                        },
                    ));
                    if to > end {
                        reach = Some((a.payee, to, *r));
                    }
                }
                _ => reach = Some((a.payee, to, *r)),
            }
        }
    }

    /// `D0208` once per cycle (at its lowest row): a payee who is, on some day, their own
    /// direct or indirect manager. Walks up from every assignment over the days it holds,
    /// cutting the days at each assignment above.
    fn assignment_cycles(&mut self, rows: &[(Assignment, usize)], payees: &Payees) {
        let np = payees.id.len();
        let mut up: Vec<Vec<(u32, Date, Date, usize)>> = vec![Vec::new(); np];
        for (i, (a, _)) in rows.iter().enumerate() {
            if let Some(u) = up.get_mut(a.payee as usize) {
                u.push((a.manager, a.from, a.to.unwrap_or(NO_END), i));
            }
        }
        let row_of = |i: usize| rows.get(i).map(|(_, r)| *r).unwrap_or(usize::MAX);
        let mut on_path = vec![false; np];
        let mut path: Vec<u32> = Vec::new();
        let mut edges: Vec<usize> = Vec::new();
        let mut stack: Vec<(u32, Date, Date, usize, usize)> = Vec::new();
        // The walk stops at the depth limit (D0212, reported once), which bounds it: every
        // assignment walks at most that far up on each of its days' paths.
        let mut too_deep = false;
        for (i, (a, _)) in rows.iter().enumerate() {
            let q = a.payee;
            path.clear();
            edges.clear();
            path.push(q);
            if let Some(o) = on_path.get_mut(q as usize) {
                *o = true;
            }
            stack.clear();
            stack.push((a.manager, a.from, a.to.unwrap_or(NO_END), 1, i));
            while let Some((x, lo, hi, depth, via)) = stack.pop() {
                while path.len() > depth {
                    if let Some(y) = path.pop() {
                        if let Some(o) = on_path.get_mut(y as usize) {
                            *o = false;
                        }
                    }
                }
                edges.truncate(depth - 1);
                edges.push(via);
                if depth > MAX_HIERARCHY_DEPTH {
                    if !too_deep {
                        too_deep = true;
                        self.report_too_deep(q, row_of(i), lo, hi, payees);
                    }
                    continue;
                }
                if x == q {
                    let low = edges.iter().map(|&e| row_of(e)).min();
                    if low == Some(row_of(i)) {
                        self.report_dated_cycle(&path, row_of(i), lo, hi, payees);
                    }
                    continue;
                }
                if on_path.get(x as usize).copied().unwrap_or(true) {
                    continue; // a cycle above `q`, reported from its own assignments
                }
                path.push(x);
                if let Some(o) = on_path.get_mut(x as usize) {
                    *o = true;
                }
                for &(y, a2, b2, e) in up.get(x as usize).map(Vec::as_slice).unwrap_or(&[]) {
                    let (l, h) = (lo.max(a2), hi.min(b2));
                    if l <= h {
                        stack.push((y, l, h, depth + 1, e));
                    }
                }
            }
            for &y in &path {
                if let Some(o) = on_path.get_mut(y as usize) {
                    *o = false;
                }
            }
        }
    }

    /// `D0212` at the assignment of payee `q` from which, on the days `lo..=hi`, more than
    /// [`MAX_HIERARCHY_DEPTH`] managers are above `q`.
    fn report_too_deep(&mut self, q: u32, row: usize, lo: Date, hi: Date, p: &Payees) {
        let id = self
            .texts
            .resolve(p.id.get(q as usize).copied().unwrap_or(0))
            .to_string();
        let at = At {
            kind: TableKind::Managers,
            row,
            id: Some(&id),
        };
        let e = at.err(
            "manager",
            Bad {
                code: DataErrorCode::HierarchyTooDeep,
                expected: None,
                message: format!(
                    "payee {id:?} has more than {MAX_HIERARCHY_DEPTH} managers above them {}; at most {MAX_HIERARCHY_DEPTH} are allowed",
                    days_text(lo, hi)
                ),
            },
        );
        self.errors.push(e);
    }

    fn report_dated_cycle(&mut self, path: &[u32], row: usize, lo: Date, hi: Date, p: &Payees) {
        let name = |this: &Self, r: u32| {
            this.texts
                .resolve(p.id.get(r as usize).copied().unwrap_or(0))
                .to_string()
        };
        const SHOWN: usize = 10;
        let mut chain: Vec<String> = path
            .iter()
            .take(SHOWN)
            .map(|&r| format!("{:?}", name(self, r)))
            .collect();
        if path.len() > SHOWN {
            chain.push(format!("… ({} payees)", path.len()));
        }
        let first = path.first().copied().unwrap_or(0);
        let id = name(self, first);
        chain.push(format!("{id:?}"));
        let days = days_text(lo, hi);
        let message = if path.len() == 1 {
            format!("payee {id:?} is their own manager {days}")
        } else {
            format!("manager cycle {days}: {}", chain.join(" → "))
        };
        let at = At {
            kind: TableKind::Managers,
            row,
            id: Some(&id),
        };
        self.errors.push(at.err(
            "manager",
            Bad {
                code: DataErrorCode::ManagerCycle,
                expected: None,
                message,
            },
        ));
    }
}

/// The days `lo..=hi` in words, for messages.
fn days_text(lo: Date, hi: Date) -> String {
    if hi == NO_END {
        format!("from {lo} on")
    } else if lo == hi {
        format!("on {lo}")
    } else {
        format!("from {lo} to {hi}")
    }
}

impl Builder<'_> {
    /// `D0212` once, at the lowest payees row with more than [`MAX_HIERARCHY_DEPTH`] managers
    /// above it. Each payee's depth is found once (walking up to the first payee whose depth
    /// is known), so this is linear in the number of payees. Only for a hierarchy without
    /// cycles.
    pub(super) fn manager_depth(&mut self, p: &Payees, mgr_name: &str) {
        const UNKNOWN: u32 = u32::MAX;
        let manager = |r: usize| p.manager.get(r).copied().flatten().map(|m| m as usize);
        let mut depth = vec![UNKNOWN; p.manager.len()];
        let mut path: Vec<usize> = Vec::new();
        for start in 0..depth.len() {
            path.clear();
            let mut cur = Some(start);
            // Depth of the manager above the path's last payee (None: it has no manager).
            let mut above: Option<u32> = None;
            while let Some(c) = cur {
                match depth.get(c).copied() {
                    Some(UNKNOWN) if path.len() <= depth.len() => {
                        path.push(c);
                        cur = manager(c);
                    }
                    Some(d) if d != UNKNOWN => {
                        above = Some(d);
                        break;
                    }
                    _ => break,
                }
            }
            let mut d = above.map_or(0, |a| a.saturating_add(1));
            for &x in path.iter().rev() {
                if let Some(slot) = depth.get_mut(x) {
                    *slot = d;
                }
                d = d.saturating_add(1);
            }
        }
        let Some(row) = depth.iter().position(|&d| d as usize > MAX_HIERARCHY_DEPTH) else {
            return;
        };
        let name = |r: usize| {
            self.texts
                .resolve(p.id.get(r).copied().unwrap_or(0))
                .to_string()
        };
        let mut top = row;
        while let Some(m) = manager(top) {
            top = m;
        }
        let id = name(row);
        let n = depth.get(row).copied().unwrap_or(0);
        let at = At {
            kind: TableKind::Payees,
            row,
            id: Some(&id),
        };
        let e = at.err(
            mgr_name,
            Bad {
                code: DataErrorCode::HierarchyTooDeep,
                expected: None,
                message: format!(
                    "payee {id:?} has {n} managers above them (up to {:?}); at most {MAX_HIERARCHY_DEPTH} are allowed",
                    name(top)
                ),
            },
        );
        self.errors.push(e);
    }

    /// Reports each manager cycle once, at its lowest row; true when there is one.
    pub(super) fn manager_cycles(&mut self, p: &Payees, mgr_name: &str) -> bool {
        let mut found = false;
        let n = p.manager.len();
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; n];
        let mut path: Vec<usize> = Vec::new();
        for startrow in 0..n {
            if state.get(startrow) != Some(&0) {
                continue;
            }
            path.clear();
            let mut cur = Some(startrow);
            while let Some(c) = cur {
                match state.get(c) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(c) {
                            *s = 1;
                        }
                        path.push(c);
                        cur = p.manager.get(c).copied().flatten().map(|m| m as usize);
                    }
                    Some(1) => {
                        // A cycle: the path from `c` on.
                        let from = path.iter().position(|&x| x == c).unwrap_or(0);
                        let cycle = path.get(from..).unwrap_or_default();
                        self.report_cycle(p, cycle, mgr_name);
                        found = true;
                        break;
                    }
                    _ => break,
                }
            }
            for &x in &path {
                if let Some(s) = state.get_mut(x) {
                    *s = 2;
                }
            }
        }
        found
    }

    fn report_cycle(&mut self, p: &Payees, cycle: &[usize], mgr_name: &str) {
        let Some(low) = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, &r)| r)
            .map(|(i, _)| i)
        else {
            return;
        };
        let (a, b) = cycle.split_at(low);
        let ordered: Vec<usize> = b.iter().chain(a).copied().collect();
        let name = |r: usize| {
            self.texts
                .resolve(p.id.get(r).copied().unwrap_or(0))
                .to_string()
        };
        const SHOWN: usize = 10;
        let mut chain: Vec<String> = ordered
            .iter()
            .take(SHOWN)
            .map(|&r| format!("{:?}", name(r)))
            .collect();
        if ordered.len() > SHOWN {
            chain.push(format!("… ({} payees)", ordered.len()));
        }
        let first = ordered.first().copied().unwrap_or(0);
        chain.push(format!("{:?}", name(first)));
        let id = name(first);
        let message = if ordered.len() == 1 {
            format!("payee {id:?} is their own manager")
        } else {
            format!("manager cycle: {}", chain.join(" → "))
        };
        let at = At {
            kind: TableKind::Payees,
            row: first,
            id: Some(&id),
        };
        let e = at.err(
            mgr_name,
            Bad {
                code: DataErrorCode::ManagerCycle,
                expected: None,
                message,
            },
        );
        self.errors.push(e);
    }
}
