//! Native side of the Node-vs-native benchmark (bench/node-vs-native.mjs): reads the plan and
//! the JSON rows the Node side evaluates, then times JSON rows → validated dataset → results,
//! exactly the work `Plan.evaluate` does in wasm (without building JS objects).
//!
//!     cargo run --release -p commissio-wasm --example bench_native -- PLAN DIR PERIOD RUNS
//!
//! Prints one JSON object: `{"median_ms":..,"min_ms":..,"cpu_median_ms":..,"lines":..,
//! "grand_total":".."}`. CPU time is the main thread's, from Linux's
//! `/proc/thread-self/schedstat` (-1 elsewhere): unlike wall-clock time it barely moves when
//! other processes share the cores.
//! Single-threaded unless built with `--features parallel` (the wasm build has no threads).

use commissio::core::load::read_json;
use commissio::{CompiledPlan, Inputs};
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("bench_native: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, plan, dir, period, runs] = args.as_slice() else {
        return Err("usage: bench_native PLAN DIR PERIOD RUNS".into());
    };
    let runs: usize = runs.parse().map_err(|e| format!("runs: {e}"))?;
    let read = |name: &str| {
        std::fs::read_to_string(format!("{dir}/{name}.json")).map_err(|e| format!("{name}: {e}"))
    };
    let source = std::fs::read_to_string(plan).map_err(|e| format!("{plan}: {e}"))?;
    let plan = CompiledPlan::compile(&source).map_err(|e| e.to_string())?;
    let (payees, deals) = (read("payees")?, read("deals")?);
    let mut times = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let c = cpu_ns();
        let t = Instant::now();
        let inputs = Inputs {
            payees: read_json(&payees).map_err(|e| e.to_string())?,
            deals: read_json(&deals).map_err(|e| e.to_string())?,
            credits: None,
            quotas: None,
            managers: None,
        };
        let results = plan.evaluate(&inputs, period).map_err(|e| e.to_string())?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        cpu.push(match (c, cpu_ns()) {
            (Some(a), Some(b)) => (b.saturating_sub(a)) as f64 / 1e6,
            _ => -1.0,
        });
        last = Some(results);
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let results = last.ok_or("no run")?;
    println!(
        "{{\"median_ms\":{:.3},\"min_ms\":{:.3},\"cpu_median_ms\":{:.3},\"lines\":{},\"grand_total\":\"{}\"}}",
        times[times.len() / 2],
        times[0],
        cpu[cpu.len() / 2],
        results.line_count(),
        results.grand_total()
    );
    Ok(())
}

/// CPU time of the calling thread in nanoseconds (Linux), from `/proc/thread-self/schedstat`.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
