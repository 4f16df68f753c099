//! The `assignments` table of a program: which plan pays which payee on which days.
//!
//! One row per assignment: `payee`, `plan` (a plan's name as written in `plan "…"`), `from`,
//! optional `to` (the last day, included; empty = no end) and optional `weight` (a share in
//! `(0, 1]`, `30%` or `0.30`; empty = the whole payee). The rules, with their codes:
//!
//! - an unknown payee is `D0202`, an unknown plan `D0401`, `from` after `to` `D0209`, a weight
//!   outside `(0, 1]` `D0402`;
//! - two assignments of one payee that share a day are `D0403` unless both carry a weight and
//!   name different plans (a split assignment), reported at the one that starts later;
//! - on no day may a payee's weights add up to more than 1: `D0404`, at the assignment that
//!   starts on the first such day.
//!
//! Checking is a sweep over each payee's assignments in date order, so its cost grows as
//! n log n with the number of rows, however they overlap.

use super::build::split;
use super::error::{At, Bad, DataErrorCode, DataErrors, ErrorList, TableKind};
use super::schema::TableColumns;
use super::table::Table;
use super::values::{date_range, id_of, is_empty, share_of, type_name, ID};
use crate::dataset::Dataset;
use crate::period::Date;
use crate::plan::FieldType;
use rust_decimal::Decimal;
use std::collections::{BinaryHeap, HashMap};

/// One row of the `assignments` table, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAssignment {
    /// Payee row in the dataset.
    pub payee: u32,
    /// The plan's index in the program.
    pub plan: u32,
    /// First day.
    pub from: Date,
    /// Last day, included; `None` = no end.
    pub to: Option<Date>,
    /// The share of the payee the plan pays for; `None` = the whole payee.
    pub weight: Option<Decimal>,
    /// 1-based data row in the table.
    pub row: u64,
}

impl PlanAssignment {
    /// Last day, `Date(i32::MAX)` for an assignment without an end.
    pub fn last_day(&self) -> Date {
        self.to.unwrap_or(Date(i32::MAX))
    }
}

/// Reads and checks the `assignments` table against the payees of `data` and the program's
/// plan names (module docs). Every problem is reported at once; the rows come back in table
/// order.
pub fn read_assignments(
    table: &Table,
    data: &Dataset,
    plans: &[&str],
) -> Result<Vec<PlanAssignment>, DataErrors> {
    let mut errors = ErrorList::default();
    let kind = TableKind::Assignments;
    let date_ty = type_name(FieldType::Date);
    let mut reader = TableColumns::new(kind, table, &mut errors);
    let payee_c = reader.column("payee", true, Some(ID), &mut errors);
    let plan_c = reader.column("plan", true, Some("a plan's name"), &mut errors);
    let from_c = reader.column("from", true, Some(date_ty), &mut errors);
    let to_c = reader.column("to", false, None, &mut errors);
    let weight_c = reader.column("weight", false, None, &mut errors);
    let payee_of: HashMap<&str, u32> = data
        .payees
        .id
        .iter()
        .enumerate()
        .map(|(i, &s)| (data.texts.resolve(s), i as u32))
        .collect();
    let mut rows = Vec::with_capacity(table.len());
    let mut cursor = table.rows();
    while let Some((r, row)) = cursor.next_numbered() {
        let row = &row;
        if !reader.row_ok(r, row, &mut errors) {
            continue;
        }
        let (payee_text, payee_bad) = split(payee_c.map(|c| id_of(row.get(Some(c)))));
        let at = At {
            kind,
            row: r,
            id: payee_text.as_deref(),
        };
        let mut payee = None;
        match (payee_text.as_deref(), payee_bad) {
            (_, Some(bad)) => errors.push(at.err("payee", bad)),
            (Some(id), None) => match payee_of.get(id) {
                Some(&p) => payee = Some(p),
                None => errors.push(at.err(
                    "payee",
                    Bad {
                        code: DataErrorCode::UnknownPayee,
                        expected: None,
                        message: format!("unknown payee {id:?} (not in the payees table)"),
                    },
                )),
            },
            (None, None) => {}
        }
        let mut plan = None;
        if plan_c.is_some() {
            match id_of(row.get(plan_c)) {
                Err(bad) => errors.push(at.err("plan", bad)),
                Ok(name) => match plans.iter().position(|p| *p == name.as_ref()) {
                    Some(i) => plan = Some(i as u32),
                    None => errors.push(at.err(
                        "plan",
                        Bad {
                            code: DataErrorCode::UnknownPlan,
                            expected: None,
                            message: format!(
                                "unknown plan {name:?} (the program's plans are {})",
                                plans
                                    .iter()
                                    .map(|p| format!("{p:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        },
                    )),
                },
            }
        }
        let dates = date_range(
            from_c.map(|c| row.get(Some(c))),
            row.get(to_c),
            &at,
            &mut errors,
        );
        let weight_cell = row.get(weight_c);
        let weight = if is_empty(weight_cell) {
            Some(None)
        } else {
            match share_of(weight_cell) {
                Ok(w) => Some(Some(w)),
                Err(mut bad) => {
                    if bad.code == DataErrorCode::ShareRange {
                        bad.code = DataErrorCode::WeightRange;
                        bad.message = bad.message.replace("a share", "a weight");
                    }
                    bad.expected = Some("weight (0 < weight <= 1, or a percentage)".into());
                    errors.push(at.err("weight", bad));
                    None
                }
            }
        };
        if let (Some(payee), Some(plan), Some((from, to)), Some(weight)) =
            (payee, plan, dates, weight)
        {
            rows.push(PlanAssignment {
                payee,
                plan,
                from,
                to,
                weight,
                row: r as u64 + 1,
            });
        }
    }
    overlaps(&rows, data, &mut errors);
    errors.finish(rows)
}

/// `D0403` and `D0404` (module docs): each payee's assignments swept in date order.
fn overlaps(rows: &[PlanAssignment], data: &Dataset, errors: &mut ErrorList) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_unstable_by_key(|&i| {
        rows.get(i)
            .map(|a| (a.payee, a.from, a.row))
            .unwrap_or_default()
    });
    let mut found: Vec<(u64, u32, Bad)> = Vec::new();
    let mut k = 0;
    while k < order.len() {
        let payee = order.get(k).and_then(|&i| rows.get(i)).map(|a| a.payee);
        let mut end = k;
        while end < order.len()
            && order.get(end).and_then(|&i| rows.get(i)).map(|a| a.payee) == payee
        {
            end += 1;
        }
        sweep(
            order
                .get(k..end)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&i| rows.get(i)),
            &mut found,
        );
        k = end.max(k + 1);
    }
    found.sort_unstable_by_key(|(row, _, _)| *row);
    for (row, payee, bad) in found {
        let id = data
            .payees
            .id
            .get(payee as usize)
            .map(|&s| data.texts.resolve(s));
        let at = At {
            kind: TableKind::Assignments,
            row: row.saturating_sub(1) as usize,
            id,
        };
        let field = if bad.code == DataErrorCode::OverlappingPlanAssignments {
            "from"
        } else {
            "weight"
        };
        errors.push(at.err(field, bad));
    }
}

/// One payee's assignments, in order of their first day: the ones in force are kept by last
/// day (a min-heap), with how many lack a weight, their weights' sum, and the plans they name.
fn sweep<'a>(
    assignments: impl Iterator<Item = &'a PlanAssignment>,
    found: &mut Vec<(u64, u32, Bad)>,
) {
    let mut active: BinaryHeap<std::cmp::Reverse<(Date, usize)>> = BinaryHeap::new();
    let mut held: Vec<&PlanAssignment> = Vec::new();
    let mut unweighted = 0usize;
    let mut sum = Decimal::ZERO;
    let mut plans: HashMap<u32, usize> = HashMap::new();
    for a in assignments {
        while let Some(std::cmp::Reverse((last, i))) = active.peek().copied() {
            if last >= a.from {
                break;
            }
            active.pop();
            if let Some(b) = held.get(i) {
                match b.weight {
                    Some(w) => sum -= w,
                    None => unweighted -= 1,
                }
                if let Some(c) = plans.get_mut(&b.plan) {
                    *c -= 1;
                }
            }
        }
        let same_plan = plans.get(&a.plan).copied().unwrap_or(0) > 0;
        let in_force = active.len();
        if in_force > 0 && (same_plan || unweighted > 0 || a.weight.is_none()) {
            // One assignment it overlaps: the one in force that ends first (read in O(1), so
            // a table of many overlaps is still checked in n log n).
            let first = active
                .peek()
                .and_then(|r| held.get(r.0 .1))
                .map(|b| b.row)
                .unwrap_or(0);
            let why = if same_plan {
                "both to the same plan"
            } else {
                "a payee on two plans at once needs a weight on each assignment"
            };
            found.push((
                a.row,
                a.payee,
                Bad {
                    code: DataErrorCode::OverlappingPlanAssignments,
                    expected: None,
                    message: format!(
                        "the assignment from {} overlaps the one of row {first} ({why})",
                        a.from
                    ),
                },
            ));
            continue;
        }
        if let Some(w) = a.weight {
            let total = sum + w;
            if total > Decimal::ONE {
                found.push((
                    a.row,
                    a.payee,
                    Bad {
                        code: DataErrorCode::WeightSum,
                        expected: None,
                        message: format!(
                            "the weights in force on {} add up to {total}, more than 1",
                            a.from
                        ),
                    },
                ));
                continue;
            }
            sum = total;
        } else {
            unweighted += 1;
        }
        *plans.entry(a.plan).or_insert(0) += 1;
        held.push(a);
        active.push(std::cmp::Reverse((a.last_day(), held.len() - 1)));
    }
}
