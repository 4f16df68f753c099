//! Tests of the line order, the line index and the dataset check.

use super::lines::{build_lines, line_of, validate};
use super::order::{deals_in_id_order, id_cmp, id_key, plain_number};
use crate::dataset::{Credits, Dataset, Deals, Interner, Payees, Sym};
use crate::period::Date;
use rust_decimal::Decimal;

fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_default()
}

/// Payees A and B; deals in neither id nor date order, two of them split, two credited to
/// their owner implicitly ("7" to B, "12" to A).
fn dataset() -> Dataset {
    let mut texts = Interner::default();
    let payees = Payees {
        id: vec![texts.intern("A"), texts.intern("B")],
        manager: vec![None, Some(0)],
        start: vec![None; 2],
        end: vec![None; 2],
        attrs: Vec::new(),
    };
    let ids = ["30", "7", "12", "9"];
    let dates = ["2026-02-01", "2026-01-15", "2026-01-15", "2026-03-31"];
    let deals = Deals {
        id: ids.iter().map(|s| texts.intern(s)).collect(),
        owner: vec![1, 1, 0, 1],
        date: dates.iter().map(|s| date(s)).collect(),
        attrs: Vec::new(),
    };
    let share = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let role = texts.intern("");
    let credits = Credits {
        deal: vec![0, 0, 3, 3],
        payee: vec![1, 0, 1, 0],
        share: ["0.6", "0.4", "0.25", "0.75"]
            .iter()
            .map(|s| share(s))
            .collect(),
        role: vec![role; 4],
    };
    Dataset {
        texts,
        payees,
        deals,
        credits,
        quotas: Vec::new(),
        assignments: None,
    }
}

/// A report's lines read from the dataset by reference (the fallback when not every line
/// is gathered) are the gathered ones: same deals, shares and (date, id) order, implicit
/// owner lines included.
#[test]
fn a_reports_lines_from_the_dataset_are_the_gathered_lines() {
    let data = dataset();
    let mut index = build_lines(&data, |_| true);
    // Credit rows 0..4, then deal d's implicit line as 4 + d: A has "12" (15 Jan), "30",
    // "9"; B has "7" (15 Jan), "30", "9".
    assert_eq!(index.starts, [0, 3, 6]);
    assert_eq!(index.refs, [6, 1, 3, 5, 0, 2]);
    let (from, to) = (date("2026-01-01"), date("2026-02-28"));
    let from_rows: Vec<(u32, String)> = match index.report_lines(&data, 1, from, to) {
        Err(rows) => rows
            .iter()
            .map(|&r| {
                let (deal, share) = line_of(&data, r);
                (deal, share.to_string())
            })
            .collect(),
        Ok(_) => panic!("no line is gathered yet"),
    };
    // Payee B in January and February: deal "7" (15 Jan, 1), then "30" (1 Feb, 0.6).
    assert_eq!(from_rows, [(1, "1".to_string()), (0, "0.6".to_string())]);
    index.gather_all(&data);
    let gathered: Vec<(u32, String)> = match index.report_lines(&data, 1, from, to) {
        Ok((all, range)) => range
            .map(|pos| (all.deal[pos], all.share[pos].to_string()))
            .collect(),
        Err(_) => panic!("every line is gathered"),
    };
    assert_eq!(gathered, from_rows);
    // Payee A: "12" (15 Jan) before "30" (1 Feb); "9" (31 Mar) is outside the range.
    let a: Vec<u32> = match index.report_lines(&data, 0, from, to) {
        Ok((all, range)) => range.map(|pos| all.deal[pos]).collect(),
        Err(_) => panic!("every line is gathered"),
    };
    assert_eq!(a, [2, 0]);
}

/// Deal rows are in id order when their ids ascend strictly by `id_cmp`: numbers by value,
/// equal numbers bytewise ("007" before "7"), digits before other text.
#[test]
fn deal_rows_in_id_order_are_recognised() {
    let in_order = |ids: &[&str]| {
        let mut data = dataset();
        data.deals.id = ids.iter().map(|s| data.texts.intern(s)).collect();
        deals_in_id_order(&data)
    };
    assert!(in_order(&["7", "9", "12", "30"]));
    assert!(in_order(&["0", "9", "10", "a"]));
    assert!(in_order(&["007", "7", "08", "b"]));
    assert!(in_order(&["5"]));
    assert!(!in_order(&["10", "9"]));
    assert!(!in_order(&["7", "007"]));
    assert!(!in_order(&["a", "b", "5"]));
    assert!(!in_order(&["7", "7"]));
    assert!(!in_order(&["9", "10", "0"]));
}

/// The id-order check runs over overlapping stretches of 16,384 ids (in parallel with the
/// `parallel` feature): a pair out of order is found wherever it falls, at a stretch's
/// edges too.
#[test]
fn ids_out_of_order_are_found_at_every_stretch_edge() {
    let mut data = dataset();
    let ids: Vec<Sym> = (1..=40_000u32)
        .map(|n| data.texts.intern(&n.to_string()))
        .collect();
    data.deals.id = ids.clone();
    assert!(deals_in_id_order(&data));
    for at in [0, 16_382, 16_383, 16_384, 32_767, 39_998] {
        let mut swapped = ids.clone();
        swapped.swap(at, at + 1);
        data.deals.id = swapped;
        assert!(!deals_in_id_order(&data), "pair {at}, {} swapped", at + 1);
    }
}

/// With deal rows in id order, lines sort by (date, row) without a key table: same-date
/// deals of one payee come in id order.
#[test]
fn lines_of_deals_in_id_order_sort_by_date_then_id() {
    let mut data = dataset();
    for (row, id) in ["1", "2", "3", "4"].iter().enumerate() {
        data.deals.id[row] = data.texts.intern(id);
    }
    data.deals.owner[1] = 0; // "2" (15 Jan) to A, beside "3" (15 Jan)
    assert!(deals_in_id_order(&data));
    let index = build_lines(&data, |_| true);
    // A: "2" and "3" (15 Jan, by id), "1" (1 Feb, 0.4), "4" (31 Mar, 0.75);
    // B: "1" (0.6), "4" (0.25). Deal d's implicit line is 4 + d.
    assert_eq!(index.starts, [0, 4, 6]);
    assert_eq!(index.refs, [5, 6, 1, 3, 0, 2]);
}

/// Which id texts are plain numbers, and their values.
#[test]
fn plain_numbers_are_recognised() {
    assert_eq!(plain_number(b"0"), Some(0));
    assert_eq!(plain_number(b"1234"), Some(1234));
    assert_eq!(
        plain_number(b"9999999999999999999"),
        Some(9_999_999_999_999_999_999)
    );
    assert_eq!(plain_number(b"10000000000000000000"), None); // 20 digits
    assert_eq!(plain_number(b"007"), None);
    assert_eq!(plain_number(b"00"), None);
    assert_eq!(plain_number(b""), None);
    assert_eq!(plain_number(b"12a"), None);
    assert_eq!(plain_number(b"-1"), None);
}

/// Dataset for [`line_order_matches_the_definition`]: deal `i` has id `ids[i]`, date
/// `days[i]` (days from 2026-01-01) and owner `owners[i]`; `credits` are (deal, payee)
/// rows of share 1 (shares are not read by the index).
fn random_dataset(
    ids: &[String],
    days: &[i64],
    owners: &[u32],
    credits: &[(u32, u32)],
    payees: usize,
) -> Dataset {
    let mut texts = Interner::default();
    let day0 = date("2026-01-01");
    let role = texts.intern("");
    Dataset {
        payees: Payees {
            id: (0..payees)
                .map(|p| texts.intern(&format!("p{p}")))
                .collect(),
            manager: vec![None; payees],
            start: vec![None; payees],
            end: vec![None; payees],
            attrs: Vec::new(),
        },
        deals: Deals {
            id: ids.iter().map(|s| texts.intern(s)).collect(),
            owner: owners.to_vec(),
            date: days
                .iter()
                .map(|&n| day0.add_days(n).unwrap_or(day0))
                .collect(),
            attrs: Vec::new(),
        },
        credits: Credits {
            deal: credits.iter().map(|c| c.0).collect(),
            payee: credits.iter().map(|c| c.1).collect(),
            share: vec![Decimal::ONE; credits.len()],
            role: vec![role; credits.len()],
        },
        texts,
        quotas: Vec::new(),
        assignments: None,
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
    /// Every path of `build_lines` (deal rows in id order or not, credit rows in deal
    /// order or not, counting or comparison sort by day, ids as numbers of any size, with
    /// leading zeros, or text) gives each payee's kept lines ordered by (deal date, deal
    /// id by `id_cmp`, reference), as sorting them so directly does.
    #[test]
    fn line_order_matches_the_definition(
        deals in proptest::collection::vec((0u64..40, 0i64..6, 0u32..3, 0usize..3), 1..30),
        id_style in 0u8..5,
        wide_dates in proptest::bool::ANY,
        split in proptest::collection::vec((0usize..30, 0u32..3, 1usize..3), 0..12),
        credits_in_deal_order in proptest::bool::ANY,
        dropped_day in 0i64..8,
    ) {
        let n = deals.len();
        // Distinct ids; in row order for styles 0 and 1.
        let mut nums: Vec<u64> = Vec::new();
        for &(k, ..) in &deals {
            let mut v = k;
            while nums.contains(&v) {
                v += 41;
            }
            nums.push(v);
        }
        if id_style <= 1 {
            nums.sort_unstable();
        }
        let mut ids: Vec<String> = Vec::new();
        for (&v, &(.., zeros)) in nums.iter().zip(&deals) {
            let mut id = match id_style {
                0 | 2 => v.to_string(),
                1 => format!("{}{v}", "9".repeat(20)), // past u64
                3 => format!("{}{}", "0".repeat(zeros), v % 4), // "07" beside "7"
                _ => format!("d{v}"),
            };
            while ids.contains(&id) {
                id.insert(0, '0');
            }
            ids.push(id);
        }
        let scale = if wide_dates { 400 } else { 1 };
        let days: Vec<i64> = deals.iter().map(|d| d.1 * scale).collect();
        let owners: Vec<u32> = deals.iter().map(|d| d.2).collect();
        let mut credits: Vec<(u32, u32)> = Vec::new();
        for &(d, p, rows) in &split {
            if d < n && !credits.iter().any(|c| c.0 == d as u32) {
                for _ in 0..rows {
                    credits.push((d as u32, p)); // two rows may name one payee
                }
            }
        }
        if credits_in_deal_order {
            credits.sort_by_key(|c| c.0);
        } else {
            credits.reverse();
        }
        let data = random_dataset(&ids, &days, &owners, &credits, 3);
        let dropped = date("2026-01-01").add_days(dropped_day * scale);
        let index = build_lines(&data, |d| Some(d) != dropped);

        // Definition: every kept line as (payee, date, id, reference), sorted.
        let nc = credits.len() as u32;
        let mut expected: Vec<(u32, Date, u32, u32)> = Vec::new();
        for d in 0..n as u32 {
            let dd = data.deals.date[d as usize];
            if Some(dd) == dropped {
                continue;
            }
            let rows: Vec<u32> = (0..nc).filter(|&r| credits[r as usize].0 == d).collect();
            if rows.is_empty() {
                expected.push((owners[d as usize], dd, d, nc + d));
            }
            for r in rows {
                expected.push((credits[r as usize].1, dd, d, r));
            }
        }
        let text = |d: u32| data.texts.resolve(data.deals.id[d as usize]);
        expected.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| id_cmp(id_key(text(a.2)), text(a.2), id_key(text(b.2)), text(b.2)))
                .then(a.3.cmp(&b.3))
        });
        let mut starts = vec![0u32; 4];
        for e in &expected {
            starts[e.0 as usize + 1] += 1;
        }
        for p in 0..3 {
            starts[p + 1] += starts[p];
        }
        let refs: Vec<u32> = expected.iter().map(|e| e.3).collect();
        proptest::prop_assert_eq!(&index.starts, &starts);
        proptest::prop_assert_eq!(&index.refs, &refs);
    }
}

/// Line references: credit rows first, then one per deal; out of range reads as nothing.
#[test]
fn line_references_name_credit_rows_then_deals() {
    let data = dataset();
    let line = |r: u32| {
        let (deal, share) = line_of(&data, r);
        (deal, share.to_string())
    };
    assert_eq!(line(0), (0, "0.6".to_string()));
    assert_eq!(line(3), (3, "0.75".to_string()));
    assert_eq!(line(4), (0, "1".to_string()));
    assert_eq!(line(5), (1, "1".to_string()));
    assert_eq!(line_of(&data, 6).1.scale(), 0);
}

/// The owner of a deal without credit rows must exist; a split deal's owner is not read.
#[test]
fn an_implicit_lines_owner_is_validated() {
    let mut data = dataset();
    assert!(validate(&data).is_ok());
    data.deals.owner[0] = 9; // "30" is split: its owner is not credited
    assert!(validate(&data).is_ok());
    data.deals.owner[1] = 9; // "7" is credited to its owner
    let e = validate(&data).err().map(|e| e.message);
    assert_eq!(
        e.as_deref(),
        Some("dataset is inconsistent: a credit refers to a missing payee")
    );
}
