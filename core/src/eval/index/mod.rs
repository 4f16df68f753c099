//! Indexes built once per evaluation: credit lines grouped by payee in line order, the
//! reporting hierarchy, and quotas by payee.

mod hierarchy;
mod lines;
mod order;
#[cfg(test)]
mod tests;

pub(crate) use hierarchy::{hierarchy, Hierarchy, Member, Reports, TeamWalk};
pub(crate) use lines::{build_lines, line_of, validate, LinesByPayee, PayeeLines};
pub(crate) use order::payee_order;

use crate::dataset::Dataset;
use crate::period::Period;
use rust_decimal::Decimal;

/// Quotas grouped by payee.
pub(crate) fn quotas_by_payee(data: &Dataset) -> Vec<Vec<(Period, Decimal)>> {
    let mut v: Vec<Vec<(Period, Decimal)>> = vec![Vec::new(); data.payees.id.len()];
    for q in &data.quotas {
        if let Some(list) = v.get_mut(q.payee as usize) {
            list.push((q.period, q.amount));
        }
    }
    v
}
