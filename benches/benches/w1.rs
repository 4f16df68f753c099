//! Criterion benchmark of W1 (benches/README.md) on 100,000 deals made by the crate's own
//! deterministic generator (no shared folder needed): compute with traces on and off.
//!
//!     cargo bench -p commissio-benches --bench w1

use commissio_benches::{generate, load_csv, quarters, w1_plan};
use commissio_core::{evaluate_with, EvalOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn w1(c: &mut Criterion) {
    let Ok(plan) = w1_plan() else {
        eprintln!("w1_reference.comp does not compile");
        return;
    };
    let g = generate(100_000, 2000, 20260101);
    let data = match load_csv(&plan, &g.deals, &g.reps, &g.splits) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("generated data does not load: {e}");
            return;
        }
    };
    let (first, last) = quarters();
    let mut group = c.benchmark_group("w1_100k");
    group.sample_size(20);
    for trace in [true, false] {
        let name = if trace {
            "compute_traced"
        } else {
            "compute_untraced"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                evaluate_with(
                    black_box(&plan),
                    black_box(&data),
                    first,
                    last,
                    &EvalOptions {
                        trace,
                        ..EvalOptions::default()
                    },
                )
                .map(|r| r.line_count())
                .map_err(|e| e.code)
            })
        });
    }
    group.bench_function("load_csv", |b| {
        b.iter(|| {
            load_csv(black_box(&plan), black_box(&g.deals), &g.reps, &g.splits)
                .map(|d| d.deals.id.len())
        })
    });
    group.finish();
}

criterion_group!(benches, w1);
criterion_main!(benches);
