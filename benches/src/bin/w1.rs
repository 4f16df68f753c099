//! W1 benchmark driver: `w1 --data DIR [--repeat N] [--no-notrace]`.
//!
//! `DIR` is a `gen.py` output folder (`deals.csv`, `reps.csv`, `splits.csv`). Load (read the
//! files, `Inputs::from_csv`, `build_dataset`) and compute (`evaluate_with`, traces on) are
//! timed separately, best of N (default 3); compute is also timed with traces off unless
//! `--no-notrace`. Prints one JSON record on stdout. When the data has R = 2000 reps and N is
//! in SPEC §7's table, the checksums must equal the reference (exit status 1 otherwise).

use commissio_benches::{checksums, load_csv_owned, quarters, reference, w1_plan};
use commissio_core::{evaluate_with, EvalOptions};
use std::process::ExitCode;
use std::time::Instant;

/// A `/proc/self/status` figure in kB (Linux; 0 elsewhere).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Peak resident memory so far (or since [`reset_peak`]).
fn peak_rss_kb() -> u64 {
    status_kb("VmHWM:")
}

/// Resident memory now.
fn rss_kb() -> u64 {
    status_kb("VmRSS:")
}

/// Restarts the peak at the current resident size (Linux 4.0+; ignored where unsupported).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU seconds (user + system, all threads) used by the process so far (Linux; 0 elsewhere).
/// Clock ticks are taken as 100 Hz, the Linux default.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1.to_string();
            let f: Vec<&str> = rest.split_whitespace().collect();
            // after the command: state is field 3, utime 14, stime 15 (1-based, whole line)
            let ut: f64 = f.get(11)?.parse().ok()?;
            let st: f64 = f.get(12)?.parse().ok()?;
            Some((ut + st) / 100.0)
        })
        .unwrap_or(0.0)
}

fn run() -> Result<bool, String> {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<String> = None;
    let mut repeat = 3usize;
    let mut notrace = true;
    let mut compute_repeat: Option<usize> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => dir = args.next(),
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--repeat needs a number")?
            }
            "--no-notrace" => notrace = false,
            // Profiling aid: time compute this many times (load still `--repeat` times).
            "--compute-repeat" => {
                compute_repeat = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .ok_or("--compute-repeat needs a number")?,
                )
            }
            _ => {
                return Err(format!(
                    "unknown argument {a:?}; usage: w1 --data DIR [--repeat N] [--no-notrace]"
                ))
            }
        }
    }
    let dir = dir.ok_or("usage: w1 --data DIR [--repeat N] [--no-notrace]")?;
    let repeat = repeat.max(1);
    let plan = w1_plan()?;
    let (first, last) = quarters();
    let path = |f: &str| format!("{dir}/{f}");
    let input_bytes: u64 = ["deals.csv", "reps.csv", "splits.csv"]
        .iter()
        .map(|f| std::fs::metadata(path(f)).map(|m| m.len()).unwrap_or(0))
        .sum();

    // Memory is that of one run: the first load, then the first evaluation (a later load
    // would find the heap that earlier ones left behind, and report that as the dataset's).
    // Times are the best of `repeat`.
    let read = |f: &str| std::fs::read_to_string(path(f)).map_err(|e| format!("{}: {e}", path(f)));
    let load = || -> Result<(f64, commissio_core::dataset::Dataset), String> {
        let t = Instant::now();
        let (deals, reps, splits) = (read("deals.csv")?, read("reps.csv")?, read("splits.csv")?);
        let d = load_csv_owned(&plan, deals, reps, splits)?;
        Ok((t.elapsed().as_secs_f64(), d))
    };
    let (mut load_s, data) = load()?;
    let rss_after_load = peak_rss_kb();
    // What stays resident once loaded (the dataset, the plan, the program), then the peak of
    // evaluation alone on top of it.
    let rss_dataset = rss_kb();
    reset_peak();
    // Seconds, CPU seconds and the results of one evaluation, with or without traces.
    let compute = |trace: bool| -> Result<(f64, f64, commissio_core::Results), String> {
        let (t, c) = (Instant::now(), cpu_s());
        let options = EvalOptions {
            trace,
            ..EvalOptions::default()
        };
        let r = evaluate_with(&plan, &data, first, last, &options).map_err(|e| e.to_string())?;
        Ok((t.elapsed().as_secs_f64(), cpu_s() - c, r))
    };
    let (mut compute_s, mut compute_cpu_s, mut result) = compute(true)?;
    let compute_peak = peak_rss_kb();
    for _ in 1..repeat {
        let (s, again) = load()?;
        drop(again);
        load_s = load_s.min(s);
    }
    for _ in 1..compute_repeat.unwrap_or(repeat).max(1) {
        drop(result);
        let (s, c, r) = compute(true)?;
        compute_s = compute_s.min(s);
        compute_cpu_s = compute_cpu_s.min(c);
        result = r;
    }
    let rss_after_compute = rss_after_load.max(compute_peak);
    let sums = checksums(&result)?;
    let result_lines = result.line_count();
    let (result_bytes, trace_bytes) = (result.heap_bytes(), result.trace_bytes());
    drop(result);

    let mut notrace_s = None;
    if notrace {
        let mut best = f64::INFINITY;
        for _ in 0..repeat {
            let (s, _, r) = compute(false)?;
            best = best.min(s);
            if checksums(&r)? != sums {
                return Err("traces off changed the result".into());
            }
        }
        notrace_s = Some(best);
    }

    let n = data.deals.id.len();
    let reps = data.payees.id.len();
    let expected = if reps == 2000 { reference(n) } else { None };
    let agree = expected.as_ref().map(|e| *e == sums);
    let json = format!(
        concat!(
            "{{\"impl\":\"commissio\",\"n\":{},\"r\":{},\"threads\":{},\"load_s\":{:.4},\"compute_s\":{:.4},",
            "\"compute_cpu_s\":{:.2},\"compute_notrace_s\":{},\"lines\":{},\"result_lines\":{},\"total\":\"{}\",",
            "\"lines_sha256\":\"{}\",\"totals_sha256\":\"{}\",\"agreement\":{},",
            "\"result_bytes\":{},\"trace_bytes\":{},\"input_bytes\":{},\"dataset_bytes\":{},\"rss_after_load_kb\":{},\"rss_dataset_kb\":{},\"compute_peak_rss_kb\":{},\"rss_after_compute_kb\":{},\"peak_rss_kb\":{}}}"
        ),
        n,
        reps,
        std::thread::available_parallelism().map(|x| x.get()).unwrap_or(1),
        load_s,
        compute_s,
        compute_cpu_s,
        notrace_s.map_or("null".to_string(), |s| format!("{s:.4}")),
        sums.count,
        result_lines,
        sums.total,
        sums.lines_sha256,
        sums.totals_sha256,
        match agree {
            Some(true) => "\"= SPEC\"",
            Some(false) => "\"MISMATCH\"",
            None => "null",
        },
        result_bytes,
        trace_bytes,
        input_bytes,
        data.heap_bytes(),
        rss_after_load,
        rss_dataset,
        compute_peak,
        rss_after_compute,
        rss_after_compute.max(peak_rss_kb()),
    );
    println!("{json}");
    if agree == Some(false) {
        if let Some(e) = expected {
            eprintln!("checksum mismatch: expected {e:?}, got {sums:?}");
        }
        return Ok(false);
    }
    Ok(true)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("w1: {e}");
            ExitCode::from(2)
        }
    }
}
