//! Every plan under examples/ checks cleanly.

use commissio_dsl::{compile, format, LineIndex};
use std::path::Path;

fn plans_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            plans_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "comp") {
            out.push(p);
        }
    }
}

#[test]
fn every_example_plan_checks_and_is_canonically_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut plans = Vec::new();
    plans_under(&root, &mut plans);
    plans.sort();
    assert!(!plans.is_empty(), "no example plans found");
    let mut failures = String::new();
    for p in &plans {
        let src = std::fs::read_to_string(p).unwrap();
        match format(&src) {
            Ok(f) if f == src => {}
            Ok(_) => failures.push_str(&format!(
                "{}: not in canonical layout (run `commissio fmt`)\n",
                p.display()
            )),
            Err(_) => {}
        }
        if let Err(diags) = compile(&src) {
            let idx = LineIndex::new(&src);
            for d in diags {
                failures.push_str(&d.render(&idx, &p.display().to_string()));
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
