//! The W1 reference workload (benches/README.md) in Commissio: the plan, loading the
//! benchmark's CSV files, a small deterministic data generator, and the SPEC §7 checksums.
//!
//! Column mapping. The plan (`examples/w1_reference.comp`) maps the deal and payee columns
//! itself (`input deal (id = deal_id, payee = rep_id, date = close_date)`, `input payee (id =
//! rep_id)`). The benchmark's `splits.csv` has the columns `deal_id,rep_id,share`; Commissio's
//! credits table names them `deal,payee,share`, so [`load_csv`] rewrites the header line of
//! that file (only the header text; rows are untouched) before reading it.
//!
//! Checksums. Commissio pays one line per component (`core` and `platform_spiff`) per credit
//! line; W1's line is their sum per (deal, rep), so [`checksums`] adds them up per
//! (deal, rep, quarter). Quarter labels are written `2026Q1` as W1 does (Commissio: `2026-Q1`).

use commissio_core::load::{build_dataset_owned, read_csv_owned, Inputs, TableKind};
use commissio_core::period::{Grain, Period};
use commissio_core::plan::Plan;
use commissio_core::{Decimal, Results};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// W1 written in the plan language.
pub const W1_PLAN: &str = include_str!("../../examples/w1_reference.comp");

/// The SPEC §7 reference values for R = 2000: (N, lines, total, lines_sha256, totals_sha256).
pub const REFERENCE: &[(usize, usize, &str, &str, &str)] = &[
    (
        10_000,
        10_951,
        "9485748.58",
        "06439d1226bdb06b317570259e9505787f877a673cb3ad1fc733cea2e3b47f9a",
        "0d8709c244cf885aae98f718db1b803927b31404d3154d8ad29ddd20f1a5c955",
    ),
    (
        100_000,
        110_046,
        "131098567.66",
        "686a336636089c52f2de0ebfc7e255b17c0227468ad44558d48b72be4319f5e5",
        "fd634ecc6346b368a145658d3aaa49bbeb7a989ff3363ffc8c3d6fde27bb7074",
    ),
    (
        1_000_000,
        1_099_582,
        "1418853982.21",
        "c803211a5068c455f4a875621c947b54e6c192aeb1b4f4c3460e6497c3a3f34f",
        "2e414b09ba2f5912e02d341f69e7c4e6654a8d1c99df0b8359ad8efa94163c73",
    ),
    (
        10_000_000,
        11_000_290,
        "14325849020.59",
        "f03a26c90d91ac193b5e4ba37da1dfb851a7999dbc46dfb218a5c967fcfa6f2b",
        "40296bcc2385845a16dca33e7bd65377683c08a54eaf1c4d5ff85e34d8348fe1",
    ),
];

/// Compiles the W1 plan.
pub fn w1_plan() -> Result<Plan, String> {
    commissio_dsl::compile(W1_PLAN)
        .map_err(|d| format!("w1_reference.comp does not compile: {d:?}"))
}

/// The evaluated quarters: 2026-Q1 ..= 2026-Q4.
pub fn quarters() -> (Period, Period) {
    let q = |index| Period {
        fiscal_year: 2026,
        index,
        grain: Grain::Quarter,
        fiscal_start_month: 1,
    };
    (q(1), q(4))
}

/// `splits.csv` text with its header renamed to the credits table's columns (in place: only
/// the header line is rewritten).
pub fn credits_from_splits(mut splits: String) -> String {
    let head_len = splits.find('\n').unwrap_or(splits.len());
    let renamed: Vec<&str> = splits[..head_len]
        .trim_end_matches('\r')
        .split(',')
        .map(|c| match c {
            "deal_id" => "deal",
            "rep_id" => "payee",
            other => other,
        })
        .collect();
    let renamed = renamed.join(",");
    splits.replace_range(..head_len, &renamed);
    splits
}

/// Reads the three W1 CSV texts through `read_csv` and `build_dataset` (copies the texts; see
/// [`load_csv_owned`]).
pub fn load_csv(
    plan: &Plan,
    deals: &str,
    reps: &str,
    splits: &str,
) -> Result<commissio_core::dataset::Dataset, String> {
    load_csv_owned(
        plan,
        deals.to_string(),
        reps.to_string(),
        splits.to_string(),
    )
}

/// [`load_csv`] taking the texts by value: the tables keep the CSV text itself, so loading
/// holds the files once, plus the dataset.
pub fn load_csv_owned(
    plan: &Plan,
    deals: String,
    reps: String,
    splits: String,
) -> Result<commissio_core::dataset::Dataset, String> {
    let table = |kind: TableKind, text: String| {
        read_csv_owned(text).map_err(|e| format!("{:?}", e.in_table(kind)))
    };
    let inputs = Inputs {
        payees: table(TableKind::Payees, reps)?,
        deals: table(TableKind::Deals, deals)?,
        credits: Some(table(TableKind::Credits, credits_from_splits(splits))?),
        quotas: None,
        managers: None,
    };
    let version = plan.versions.first().ok_or("the plan has no version")?;
    build_dataset_owned(version, inputs).map_err(|e| format!("{e:?}"))
}

/// SPEC §7 checksums of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksums {
    /// Number of (deal, rep) lines.
    pub count: usize,
    /// Sum of all lines, 2 dp.
    pub total: String,
    /// SHA-256 of the sorted `deal_id,rep_id,quarter,amount` lines.
    pub lines_sha256: String,
    /// SHA-256 of the sorted `rep_id,quarter,amount` totals.
    pub totals_sha256: String,
}

fn cents(d: Decimal) -> Result<i128, String> {
    let mut x = d;
    if x.scale() > 2 {
        let r = x.round_dp(2);
        if r != x {
            return Err(format!("amount {d} has more than 2 decimals"));
        }
        x = r;
    }
    x.rescale(2);
    Ok(x.mantissa())
}

fn cents_text(c: i128) -> Result<String, String> {
    if c < 0 {
        return Err(format!("negative amount {c} cents"));
    }
    Ok(format!("{}.{:02}", c / 100, c % 100))
}

fn w1_quarter(p: &Period) -> String {
    p.label().replace("-Q", "Q")
}

/// Sort key of a deal id: numeric when all digits (as `sort -k1,1n`), else after, bytewise.
fn id_num(s: &str) -> (u8, u128) {
    match s.parse::<u128>() {
        Ok(n) if s.bytes().all(|b| b.is_ascii_digit()) => (0, n),
        _ => (1, 0),
    }
}

/// Computes the SPEC §7 checksums: component lines summed per (deal, rep, quarter).
pub fn checksums(r: &Results) -> Result<Checksums, String> {
    let labels: Vec<String> = r.periods.iter().map(w1_quarter).collect();
    // (deal key, deal id, rep id, period, cents)
    type Row<'a> = ((u8, u128), &'a str, &'a str, u32, i128);
    let mut lines: Vec<Row> = Vec::with_capacity(r.line_count());
    for l in r.lines() {
        let deal = r.deal_id(&l).ok_or("a W1 line without a deal")?;
        lines.push((
            id_num(deal),
            deal,
            r.payee_id(&l),
            l.period,
            cents(l.amount)?,
        ));
    }
    lines.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
    let mut h = Sha256::new();
    let mut buf = String::with_capacity(64);
    let (mut count, mut total) = (0usize, 0i128);
    let mut i = 0;
    while i < lines.len() {
        let Some(&(k, deal, rep, per, mut c)) = lines.get(i) else {
            break;
        };
        let mut j = i + 1;
        while let Some(n) = lines.get(j) {
            if (n.0, n.1, n.2, n.3) != (k, deal, rep, per) {
                break;
            }
            c += n.4;
            j += 1;
        }
        buf.clear();
        let q = labels.get(per as usize).map(String::as_str).unwrap_or("");
        let _ = writeln!(buf, "{deal},{rep},{q},{}", cents_text(c)?);
        h.update(buf.as_bytes());
        count += 1;
        total += c;
        i = j;
    }
    let lines_sha256 = format!("{:x}", h.finalize());
    let mut totals: Vec<(&str, String, i128)> = Vec::with_capacity(r.totals.len());
    let mut tsum = 0i128;
    for t in r.named_totals() {
        let c = cents(t.amount)?;
        tsum += c;
        // W1 writes quarters as `2026Q1`.
        totals.push((t.payee, t.period.replace("-Q", "Q"), c));
    }
    if tsum != total {
        return Err("totals do not add up to the lines".into());
    }
    totals.sort_unstable();
    let mut h = Sha256::new();
    for (rep, q, c) in totals {
        buf.clear();
        let _ = writeln!(buf, "{rep},{q},{}", cents_text(c)?);
        h.update(buf.as_bytes());
    }
    Ok(Checksums {
        count,
        total: cents_text(total)?,
        lines_sha256,
        totals_sha256: format!("{:x}", h.finalize()),
    })
}

/// The SPEC reference for `n` deals (R = 2000), if listed.
pub fn reference(n: usize) -> Option<Checksums> {
    REFERENCE
        .iter()
        .find(|r| r.0 == n)
        .map(|&(_, count, total, l, t)| Checksums {
            count,
            total: total.to_string(),
            lines_sha256: l.to_string(),
            totals_sha256: t.to_string(),
        })
}

/// Generated W1-shaped CSV texts: (deals, reps, splits).
pub struct Generated {
    /// `deals.csv`.
    pub deals: String,
    /// `reps.csv`.
    pub reps: String,
    /// `splits.csv`.
    pub splits: String,
}

/// A small deterministic generator with W1's shape (not gen.py's exact data): `n` deals,
/// `r` reps with skewed productivity, log-normal-ish amounts clipped to 500..500000,
/// ~25% new logos, ~10% of deals split between two reps, quotas near expected volume.
pub fn generate(n: usize, r: usize, seed: u64) -> Generated {
    let r = r.max(2);
    let mut s = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // splitmix64
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    const PRODUCTS: [&str; 8] = [
        "Core",
        "Analytics",
        "Platform",
        "Security",
        "Integrations",
        "Support",
        "Training",
        "Hardware",
    ];
    const PAIRS: [(u32, u32); 6] = [(50, 50), (55, 45), (60, 40), (70, 30), (75, 25), (80, 20)];
    // Productivity weights 1..=4 (cumulative table for sampling).
    let weights: Vec<u64> = (0..r).map(|_| 1 + next() % 4).collect();
    let wsum: u64 = weights.iter().sum();
    let mut cum = Vec::with_capacity(r);
    let mut acc = 0;
    for w in &weights {
        acc += w;
        cum.push(acc);
    }
    let days_before = [
        0u32, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365,
    ];
    let mut deals = String::with_capacity(n * 56 + 80);
    deals.push_str("deal_id,rep_id,close_date,amount,margin_pct,product,is_new_logo\n");
    let mut splits = String::with_capacity(n / 10 * 40 + 32);
    splits.push_str("deal_id,rep_id,share\n");
    let mut total_cents: u128 = 0;
    for id in 1..=n {
        let pick = next() % wsum;
        let rep = cum.partition_point(|&c| c <= pick);
        let day = (next() % 365) as u32;
        let month = days_before.partition_point(|&d| d <= day);
        let dom = day - days_before.get(month - 1).copied().unwrap_or(0) + 1;
        // log-uniform-ish amount: 500.00 * 1000^u, skewed towards small values
        let u = (next() % 1_000_000) as f64 / 1_000_000.0;
        let amount_cents =
            ((50_000f64 * 1000f64.powf(u * u)).round() as u64).clamp(50_000, 50_000_000);
        total_cents += u128::from(amount_cents);
        let product = PRODUCTS
            .get((next() % 8) as usize)
            .copied()
            .unwrap_or("Core");
        let new_logo = next() % 4 == 0;
        let margin = 500 + next() % 5501;
        let _ = writeln!(
            deals,
            "{id},r{rep:05},2026-{month:02}-{dom:02},{}.{:02},{}.{:02},{product},{new_logo}",
            amount_cents / 100,
            amount_cents % 100,
            margin / 100,
            margin % 100
        );
        if next() % 10 == 0 {
            let other = (rep + 1 + (next() as usize) % (r - 1)) % r;
            let (a, b) = PAIRS
                .get((next() % 6) as usize)
                .copied()
                .unwrap_or((50, 50));
            let _ = writeln!(splits, "{id},r{rep:05},0.{a:02}\n{id},r{other:05},0.{b:02}");
        }
    }
    let mut reps = String::with_capacity(r * 48 + 64);
    reps.push_str("rep_id,team_id,manager_id,quarterly_quota,target_incentive\n");
    let mean = total_cents / (n.max(1) as u128);
    for (i, w) in weights.iter().enumerate() {
        let expected = (n as u128) * u128::from(*w) * mean / u128::from(wsum) / 4;
        let quota = (expected * (75 + u128::from(next() % 61)) / 100).max(100_000);
        let ti = (quota * (12 + u128::from(next() % 13)) / 100).max(1);
        let _ = writeln!(
            reps,
            "r{i:05},t{:04},m{:04},{}.{:02},{}.{:02}",
            i / 8,
            i / 8,
            quota / 100,
            quota % 100,
            ti / 100,
            ti % 100
        );
    }
    Generated {
        deals,
        reps,
        splits,
    }
}
