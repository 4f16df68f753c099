//! Memory bounded by the input (issue 16): the hierarchy and per-deal tier tables, measured
//! with a counting global allocator (this test binary's own, so it counts only these tests,
//! which take turns through `MEASURE`).
//!
//! Each bound is linear in the input (bytes per payee or per deal); the quadratic code they
//! replace stored every (manager, report) pair of the hierarchy (a chain of n payees has
//! n²/2) and one trace slice per band per deal, and fails them by a wide margin. The inputs
//! are the shapes `tests/attacks/gen.py` writes, at a scale a test can run.

use commissio::core::Decimal;
use commissio::{CompiledPlan, Error, Inputs};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

/// Counts the bytes allocated now and the most allocated at once since [`reset_peak`].
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now =
                    NOW.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The tests take turns (the counters are global: another test's allocations would count).
static MEASURE: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the most bytes it held at once beyond what was
/// allocated when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

fn compile(text: &str) -> CompiledPlan {
    CompiledPlan::compile(text).unwrap_or_else(|e| panic!("{e}"))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

const TEAM_PLAN: &str = r#"plan "Deep chain override" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_sales = team sum(credit.amount)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component override {
    pay 1% of team_sales once when team_sales > 0
  }
}"#;

fn id(chain: usize, i: usize) -> String {
    format!("c{chain}p{i:04}")
}

/// `chains` chains of `len` payees (payee i of a chain reports to payee i − 1), one deal of
/// 1,000.00 each: as the payees' `manager` column, or as a `managers` table.
fn chains(chains: usize, len: usize, dated: bool) -> Inputs {
    let (mut payees, mut managers, mut deals) = (
        String::from("id,manager\n"),
        String::from("payee,manager,from,to\n"),
        String::from("id,payee,date,amount\n"),
    );
    for c in 0..chains {
        for i in 0..len {
            let boss = if i == 0 { String::new() } else { id(c, i - 1) };
            if dated {
                let _ = writeln!(payees, "{},", id(c, i));
                if i > 0 {
                    let _ = writeln!(managers, "{},{boss},2026-01-01,", id(c, i));
                }
            } else {
                let _ = writeln!(payees, "{},{boss}", id(c, i));
            }
            let _ = writeln!(deals, "D{c}x{i},{},2026-02-10,1000.00", id(c, i));
        }
    }
    let inputs = Inputs::from_csv(&payees, &deals, None, None).unwrap_or_else(|e| panic!("{e}"));
    if dated {
        inputs
            .with_managers_csv(&managers)
            .unwrap_or_else(|e| panic!("{e}"))
    } else {
        inputs
    }
}

/// Payee i of a chain of `len` has `len − 1 − i` reports of 1,000.00 below: 100.00 of its
/// own plus 1% of their sales.
fn expected_chain_total(len: usize, i: usize) -> Decimal {
    dec("100.00") + Decimal::from((len - 1 - i) as u64) * dec("10.00")
}

#[test]
fn a_deep_chain_pays_every_override_exactly() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    // 51 payees: the last has 50 managers above; both ways of giving the hierarchy.
    let plan = compile(TEAM_PLAN);
    for dated in [false, true] {
        let r = plan
            .evaluate(&chains(1, 51, dated), "2026-Q1")
            .unwrap_or_else(|e| panic!("{e}"));
        for i in 0..51 {
            assert_eq!(
                r.total(&id(0, i), "2026-Q1"),
                Some(expected_chain_total(51, i)),
                "payee {i}, dated {dated}"
            );
        }
        assert_eq!(r.total(&id(0, 0), "2026-Q1"), Some(dec("600.00")));
        assert_eq!(r.grand_total(), dec("17850.00"));
        assert_eq!(r.line_count(), 51 + 50);
    }
}

#[test]
fn a_chain_at_the_depth_limit_runs_and_one_beyond_is_d0212() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let plan = compile(TEAM_PLAN);
    let limit = commissio::core::load::MAX_HIERARCHY_DEPTH;
    assert_eq!(limit, 1_000);
    for dated in [false, true] {
        // limit + 1 payees: the last has exactly `limit` managers above.
        let r = plan
            .evaluate(&chains(1, limit + 1, dated), "2026-Q1")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.total(&id(0, 0), "2026-Q1"),
            Some(expected_chain_total(limit + 1, 0))
        );
        assert_eq!(r.total(&id(0, 0), "2026-Q1"), Some(dec("10100.00")));
        match plan.evaluate(&chains(1, limit + 2, dated), "2026-Q1") {
            Err(Error::Data(e)) => {
                assert_eq!(e.errors.len(), 1, "{e}");
                let got = e.errors[0].to_string();
                let want = if dated {
                    // The managers table's row 1001 is payee 1001's assignment.
                    "[D0212] managers row 1001 (id \"c0p1001\"), field \"manager\": payee \"c0p1001\" has more than 1000 managers above them from 2026-01-01 on; at most 1000 are allowed"
                } else {
                    "[D0212] payees row 1002 (id \"c0p1001\"), field \"manager\": payee \"c0p1001\" has 1001 managers above them (up to \"c0p0000\"); at most 1000 are allowed"
                };
                assert_eq!(got, want);
            }
            other => panic!("expected D0212, got {:?}", other.map(|r| r.line_count())),
        }
    }
}

#[test]
fn a_100000_deep_chain_is_refused_within_the_memory_budget() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let plan = compile(TEAM_PLAN);
    for dated in [false, true] {
        let (inputs, _) = peak_of(|| chains(1, 100_000, dated));
        let (code, peak) = peak_of(|| plan.evaluate(&inputs, "2026-Q1").err().map(|e| e.code()));
        assert_eq!(code, Some("D0212".to_string()), "dated {dated}");
        // Input: about 2 MB of CSV; the budget is 3x the input + 64 MB. The dataset is
        // linear; before the limit this was killed at 24 GB.
        eprintln!("100,000-deep chain, dated {dated}: peak {peak} bytes");
        assert!(peak < 64 << 20, "dated {dated}: {peak} bytes");
    }
}

#[test]
fn teams_are_not_stored_for_every_manager() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let plan = compile(TEAM_PLAN);
    // 10 chains at the depth limit: 10,010 payees, 5 million (manager, report) pairs, which
    // took 120 MB as stored team lists (12 bytes a pair, and more while they grew).
    for dated in [false, true] {
        let inputs = chains(10, 1_001, dated);
        let data = plan.dataset(&inputs).unwrap_or_else(|e| panic!("{e}"));
        let (first, last) = plan.periods("2026-Q1").unwrap_or_else(|e| panic!("{e}"));
        let (r, peak) = peak_of(|| {
            commissio::core::evaluate_with(
                &plan.plan,
                &data,
                first,
                last,
                &commissio::core::EvalOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{e}"))
        });
        for c in 0..10 {
            assert_eq!(r.total(&id(c, 0), "2026-Q1"), Some(dec("10100.00")));
            assert_eq!(r.total(&id(c, 1000), "2026-Q1"), Some(dec("100.00")));
        }
        // Linear: at most 1,000 bytes per payee (the results, traces and scratch).
        eprintln!("10 chains at the limit, dated {dated}: peak {peak} bytes");
        assert!(peak < 10_010 * 1_000, "dated {dated}: {peak} bytes");
    }
}

/// A 1,000-band graduated table: band k is [1000k, 1000(k+1)) at (k+1)/100 %, the last open.
fn many_bands(scope: &str) -> String {
    let mut rows = String::new();
    for k in 0..1000u32 {
        let hi = if k == 999 {
            "..".to_string()
        } else {
            ((k + 1) * 1000).to_string()
        };
        let _ = writeln!(
            rows,
            "      [{}, {hi}) {}.{:02}%",
            k * 1000,
            (k + 1) / 100,
            (k + 1) % 100
        );
    }
    format!(
        r#"plan "Many bands" {{
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {{
    amount: money
  }}

  component core {{
    commission on credit.amount
    rate graduated by amount {scope} {{
{rows}    }}
  }}
}}"#
    )
}

fn big_deals(n: usize) -> Inputs {
    let mut deals = String::from("id,payee,date,amount\n");
    for i in 0..n {
        let _ = writeln!(
            deals,
            "D{i:05},P{},2026-02-{:02},1000000.00",
            1 + i % 2,
            1 + i % 28
        );
    }
    Inputs::from_csv("id\nP1\nP2\n", &deals, None, None).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn per_deal_band_slices_are_not_stored_per_deal() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let plan = compile(&many_bands("per deal"));
    let inputs = big_deals(2_000);
    let (r, peak) = peak_of(|| {
        plan.evaluate(&inputs, "2026-Q1")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    // Each deal crosses every band: Σ 1,000 × (k+1)/10,000 = 50,050.00.
    assert_eq!(r.total("P1", "2026-Q1"), Some(dec("50050000.00")));
    assert_eq!(r.grand_total(), dec("100100000.00"));
    // Each record is a header, the basis and the unrounded value: 13 bytes, not the
    // 1,000 slices (about 7 KB a deal, 144 MB while a payee's period was evaluated).
    assert_eq!(r.trace_bytes(), 2_000 * 13);
    eprintln!("1,000 bands per deal over 2,000 deals: peak {peak} bytes");
    assert!(peak < 2_000 * 2_000, "{peak} bytes");
    // The slices are all there when a line's trace is read.
    let line = r.lines().next().unwrap_or_else(|| panic!("no lines"));
    let slices = r.slices_of(&line);
    assert_eq!(slices.len(), 1000);
    let show = |s: &commissio::core::results::Slice| {
        format!("{} {}..{} x {} = {}", s.band, s.lo, s.hi, s.rate, s.amount)
    };
    assert_eq!(show(&slices[0]), "0 0..1000 x 0.0001 = 0.1000");
    assert_eq!(
        show(&slices[999]),
        "999 999000..1000000.00 x 0.10 = 100.0000"
    );
    let sum: Decimal = slices.iter().map(|s| s.amount).sum();
    assert_eq!(sum, dec("50050"));
}

#[test]
fn cut_slices_read_back_as_gathered_ones_for_refunds_and_flat_bands() {
    let _turn = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    // The same table with a rate that is not a literal gathers its slices; the literal one
    // cuts them again when read: every trace must be the same.
    let table = |first: &str| {
        format!(
            r#"plan "Cut" {{
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {{
    amount: money
    rate_bump: number
  }}

  component core {{
    commission on credit.amount
    rate graduated by amount per deal {{
      [0, 1_000)         {first}
      [1_000, 3_000.5]   2.5%
      (3_000.5, 8_000)   flat 40
      [8_000, ..)        5%
    }}
  }}
}}"#
        )
    };
    let literal = compile(&table("1%"));
    let computed = compile(&table("1% * deal.rate_bump"));
    let inputs = Inputs::from_csv(
        "id\nA\n",
        "id,payee,date,amount,rate_bump\nD1,A,2026-01-05,999.99,1\nD2,A,2026-01-06,-4500.25,1\nD3,A,2026-01-07,12000.00,1\nD4,A,2026-01-08,0.00,1\nD5,A,2026-01-09,3000.50,1\n",
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let a = literal
        .evaluate(&inputs, "2026-Q1")
        .unwrap_or_else(|e| panic!("{e}"));
    let b = computed
        .evaluate(&inputs, "2026-Q1")
        .unwrap_or_else(|e| panic!("{e}"));
    let traces = |r: &commissio::Results| -> Vec<String> {
        r.lines().map(|l| format!("{:?}", r.trace(&l))).collect()
    };
    assert_eq!(traces(&a), traces(&b));
    assert_eq!(a.to_json().ok(), b.to_json().ok());
    assert!(a.trace_bytes() < b.trace_bytes());
    // D3: 1% of 1,000 + 2.5% of 2,000.5 + 40 flat + 5% of 4,000 = 10 + 50.0125 + 40 + 200
    // = 300.0125, rounded half-even to 300.01.
    let d3 = a
        .lines()
        .find(|l| a.deal_id(l) == Some("D3"))
        .unwrap_or_else(|| panic!("no D3"));
    assert_eq!(a.slices_of(&d3).len(), 4);
    assert_eq!(d3.amount, dec("300.01"));
    assert_eq!(
        a.total("A", "2026-Q1").map(|t| t.to_string()),
        b.total("A", "2026-Q1").map(|t| t.to_string())
    );
}
