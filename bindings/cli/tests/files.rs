//! The `commissio` binary and the files on disk: an output never overwrites an input or
//! another output, a command's output files are all written or none, no temporary is left
//! after SIGINT/SIGTERM or (on the next run) after SIGKILL, and plans and tables are read
//! with their limits enforced while reading (`/dev/zero`, a 2 GiB file), with diagnostics
//! that quote a bounded excerpt of a line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{fixtures, list, run_in, tempdir, BIN};

/// A scratch folder holding copies of the tiny fixtures.
fn scratch() -> tempfile::TempDir {
    let dir = tempdir();
    for name in [
        "tiny.comp",
        "flat5.comp",
        "messy.comp",
        "payees.csv",
        "deals.csv",
        "credits.csv",
        "quotas.csv",
    ] {
        std::fs::copy(fixtures().join(name), dir.path().join(name)).unwrap();
    }
    dir
}

/// `run` of the tiny plan for 2026-Q1 (tables by name in the scratch folder), then `rest`.
fn tiny_run<'a>(plan: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "run",
        plan,
        "--payees",
        "payees.csv",
        "--deals",
        "deals.csv",
        "--credits",
        "credits.csv",
        "--quotas",
        "quotas.csv",
        "--period",
        "2026-Q1",
    ];
    v.extend_from_slice(rest);
    v
}

/// Every file in `dir` (recursively) with its content, to show that nothing changed.
fn snapshot_of(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                out.push((e.path(), b"<dir>".to_vec()));
                stack.push(e.path());
            } else if t.is_symlink() {
                let target = std::fs::read_link(e.path()).unwrap();
                out.push((e.path(), target.to_string_lossy().as_bytes().to_vec()));
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The temporaries in a folder.
fn temporaries(dir: &Path) -> Vec<String> {
    list(dir)
        .into_iter()
        .filter(|n| n.starts_with(".commissio-"))
        .collect()
}

/// Runs the command and asserts it was refused with exactly `message` and changed nothing.
#[track_caller]
fn refused_unchanged(dir: &Path, args: &[&str], message: &str) {
    let before = snapshot_of(dir);
    let out = run_in(dir, args);
    assert_eq!(out.refused(), message);
    assert_eq!(snapshot_of(dir), before, "the folder changed");
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// ---------------------------------------------------------------------------------------------
// An output over an input, or two outputs in one file
// ---------------------------------------------------------------------------------------------

#[test]
fn output_over_an_input_is_refused() {
    let dir = scratch();
    let d = dir.path();
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--out", "deals.csv"]),
        "error: the output deals.csv is the input deals.csv: refusing to overwrite it; nothing was written\n",
    );
    // Another spelling of the same path.
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--out", "./sub/../quotas.csv"]),
        "error: cannot write ./sub/../quotas.csv: the folder ./sub/.. does not exist\n",
    );
    std::fs::create_dir(d.join("sub")).unwrap();
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--out", "./sub/../quotas.csv"]),
        "error: the output ./sub/../quotas.csv is the input quotas.csv: refusing to overwrite it; nothing was written\n",
    );
    // The plan, whatever its name.
    std::fs::copy(d.join("tiny.comp"), d.join("plan.json")).unwrap();
    refused_unchanged(
        d,
        &tiny_run("plan.json", &["--out", "plan.json"]),
        "error: the output plan.json is the input plan.json: refusing to overwrite it; nothing was written\n",
    );
    // A statements folder that is an input file.
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--statements", "credits.csv"]),
        "error: the output credits.csv is the input credits.csv: refusing to overwrite it; nothing was written\n",
    );
    // curve --svg.
    refused_unchanged(
        d,
        &[
            "curve",
            "tiny.comp",
            "--payees",
            "payees.csv",
            "--quotas",
            "quotas.csv",
            "--payee",
            "A",
            "--period",
            "2026-Q1",
            "--svg",
            "payees.csv",
        ],
        "error: the output payees.csv is the input payees.csv: refusing to overwrite it; nothing was written\n",
    );
}

#[cfg(unix)]
#[test]
fn output_over_an_input_through_a_link_is_refused() {
    let dir = scratch();
    let d = dir.path();
    symlink("deals.csv", &d.join("link.csv"));
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--out", "link.csv"]),
        "error: the output link.csv is the input deals.csv: refusing to overwrite it; nothing was written\n",
    );
    // A link to the folder.
    std::fs::create_dir(d.join("data")).unwrap();
    std::fs::rename(d.join("payees.csv"), d.join("data/payees.csv")).unwrap();
    symlink("data", &d.join("alias"));
    let args = [
        "run",
        "tiny.comp",
        "--payees",
        "data/payees.csv",
        "--deals",
        "deals.csv",
        "--period",
        "2026-Q1",
        "--out",
        "alias/payees.csv",
    ];
    refused_unchanged(
        d,
        &args,
        "error: the output alias/payees.csv is the input data/payees.csv: refusing to overwrite it; nothing was written\n",
    );
    // A hard link: another name for the same file.
    std::fs::hard_link(d.join("quotas.csv"), d.join("hard.csv")).unwrap();
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--out", "hard.csv"]),
        "error: the output hard.csv is the input quotas.csv: refusing to overwrite it; nothing was written\n",
    );
}

#[test]
fn two_outputs_in_one_file_are_refused() {
    let dir = scratch();
    let d = dir.path();
    refused_unchanged(
        d,
        &tiny_run(
            "tiny.comp",
            &["--out", "r.json", "--statements", "./r.json"],
        ),
        "error: the outputs r.json and ./r.json are the same file; nothing was written\n",
    );
    refused_unchanged(
        d,
        &["fmt", "messy.comp", "./messy.comp"],
        "error: the outputs messy.comp and ./messy.comp are the same file; nothing was written\n",
    );
    // fmt --check writes nothing: the same plan twice is checked twice.
    let out = run_in(d, &["fmt", "--check", "tiny.comp", "./tiny.comp"]);
    out.code(0);
    assert_eq!(out.stderr, "");
}

#[cfg(unix)]
#[test]
fn a_statement_over_an_input_or_the_results_is_refused() {
    let dir = scratch();
    let d = dir.path();
    // The statement of payee A is A.md: here, the plan itself, and no other file is written.
    std::fs::copy(d.join("tiny.comp"), d.join("A.md")).unwrap();
    refused_unchanged(
        d,
        &tiny_run("A.md", &["--out", "r.json", "--statements", "."]),
        "error: the output ./A.md is the input A.md: refusing to overwrite it; nothing was written\n",
    );
    // A statement file that is a link to the results file.
    std::fs::write(d.join("r.json"), "previous results").unwrap();
    std::fs::create_dir(d.join("s")).unwrap();
    symlink("../r.json", &d.join("s/B.md"));
    refused_unchanged(
        d,
        &tiny_run("tiny.comp", &["--out", "r.json", "--statements", "s"]),
        "error: the outputs r.json and s/B.md are the same file; nothing was written\n",
    );
}

#[cfg(unix)]
#[test]
fn an_output_link_is_written_through() {
    let dir = scratch();
    let d = dir.path();
    std::fs::create_dir(d.join("out")).unwrap();
    std::fs::write(d.join("out/r.csv"), "previous").unwrap();
    symlink("out/r.csv", &d.join("r.csv"));
    let out = run_in(d, &tiny_run("tiny.comp", &["--out", "r.csv"]));
    out.code(0);
    assert_eq!(
        std::fs::read_link(d.join("r.csv")).unwrap(),
        Path::new("out/r.csv")
    );
    let csv = std::fs::read_to_string(d.join("out/r.csv")).unwrap();
    assert!(
        csv.starts_with("payee,period,component,deal,kind,share,amount\n"),
        "{csv}"
    );
    assert_eq!(list(&d.join("out")), ["r.csv"]);
}

// ---------------------------------------------------------------------------------------------
// All written or none
// ---------------------------------------------------------------------------------------------

#[test]
fn outputs_are_all_written_or_none() {
    let dir = scratch();
    let d = dir.path();
    std::fs::write(d.join("results.json"), "previous results").unwrap();
    // A folder in the way of B's statement: the results and A's statement used to be written
    // before the run failed; now nothing is.
    std::fs::create_dir_all(d.join("stmts/B.md")).unwrap();
    std::fs::write(d.join("stmts/old.md"), "kept").unwrap();
    refused_unchanged(
        d,
        &tiny_run(
            "tiny.comp",
            &["--out", "results.json", "--statements", "stmts"],
        ),
        "error: cannot write stmts/B.md: it is a folder\n",
    );
    assert_eq!(temporaries(d), Vec::<String>::new());
    assert_eq!(temporaries(&d.join("stmts")), Vec::<String>::new());
    assert_eq!(list(&d.join("stmts")), ["B.md", "old.md"]);
    // Once the way is clear, everything is written.
    std::fs::remove_dir(d.join("stmts/B.md")).unwrap();
    let out = run_in(
        d,
        &tiny_run(
            "tiny.comp",
            &["--out", "results.json", "--statements", "stmts"],
        ),
    );
    out.code(0);
    assert_eq!(
        out.stderr,
        "wrote 5 lines to results.json\nwrote 2 statements to stmts\n"
    );
    assert_eq!(list(&d.join("stmts")), ["A.md", "B.md", "old.md"]);
    assert_eq!(list(d).iter().filter(|n| n.starts_with('.')).count(), 0);
    assert!(std::fs::read_to_string(d.join("results.json"))
        .unwrap()
        .starts_with('{'));
}

#[test]
fn a_refused_run_creates_no_statements_folder() {
    let dir = scratch();
    let d = dir.path();
    // Folders are created only once the results are ready to be written.
    std::fs::write(
        d.join("bad.csv"),
        "id,payee,date,amount,product\nD1,A,2026-01-15,x,Core\n",
    )
    .unwrap();
    let args = [
        "run",
        "tiny.comp",
        "--payees",
        "payees.csv",
        "--deals",
        "bad.csv",
        "--period",
        "2026-Q1",
        "--statements",
        "new/stmts",
    ];
    let before = snapshot_of(d);
    let out = run_in(d, &args);
    assert!(out.refused().starts_with("error[D0102]: bad.csv, row 1"));
    assert_eq!(snapshot_of(d), before);
}

// ---------------------------------------------------------------------------------------------
// Temporaries: removed on a signal, and by the next run after SIGKILL
// ---------------------------------------------------------------------------------------------

/// A deals table of `n` deals of 100.00 for payee A in 2026-Q1.
fn write_deals(path: &Path, n: usize) {
    let mut s = String::with_capacity(n * 32 + 32);
    s.push_str("id,payee,date,amount\n");
    for i in 0..n {
        s.push_str(&format!("D{i},A,2026-01-15,100.00\n"));
    }
    std::fs::write(path, s).unwrap();
}

/// Starts a run writing a large results file, sends `signal` once its temporary exists, and
/// returns the exit code; `None` when the run finished (or renamed) before the signal came,
/// so that the caller tries again with more deals.
#[cfg(unix)]
fn interrupt_a_run(d: &Path, deals: usize, signal: &str) -> Option<i32> {
    let _ = std::fs::remove_file(d.join("big.json"));
    write_deals(&d.join("big.csv"), deals);
    let mut child = Command::new(BIN)
        .args([
            "run",
            "flat5.comp",
            "--payees",
            "payees.csv",
            "--deals",
            "big.csv",
            "--period",
            "2026-Q1",
            "--out",
            "big.json",
        ])
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "{status}");
            return None;
        }
        if !temporaries(d).is_empty() {
            let kill = Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap();
            assert!(kill.success());
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let status = child.wait().unwrap();
    // The results were renamed in place before the signal was handled: too late, try again.
    if d.join("big.json").exists() {
        assert_eq!(temporaries(d), Vec::<String>::new());
        return None;
    }
    Some(status.code().unwrap_or_else(|| panic!("killed: {status}")))
}

#[cfg(unix)]
#[test]
fn a_signal_removes_the_temporaries() {
    let dir = scratch();
    let d = dir.path();
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let mut deals = 100_000;
        let got = loop {
            if let Some(code) = interrupt_a_run(d, deals, signal) {
                break code;
            }
            assert!(
                deals < 6_400_000,
                "the run always finished before SIG{signal}"
            );
            deals *= 2;
        };
        assert_eq!(got, code, "SIG{signal}");
        assert_eq!(temporaries(d), Vec::<String>::new(), "SIG{signal}");
        assert!(!d.join("big.json").exists());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn temporaries_of_a_killed_process_are_removed_by_the_next_run() {
    let dir = scratch();
    let d = std::fs::canonicalize(dir.path()).unwrap();
    // A process id that was running and is no longer.
    let mut child = Command::new("true").spawn().unwrap();
    child.wait().unwrap();
    let dead = child.id();
    assert!(!Path::new(&format!("/proc/{dead}")).exists());
    let live = std::process::id();
    std::fs::create_dir(d.join("stmts")).unwrap();
    for f in [
        format!(".commissio-{dead}-x.tmp"),
        format!("stmts/.commissio-{dead}-y.tmp"),
        format!(".commissio-{live}-z.tmp"),
        // Not a temporary name: kept.
        format!(".commissio-{dead}.tmp"),
    ] {
        std::fs::write(d.join(f), "left over").unwrap();
    }
    let out = run_in(
        &d,
        &tiny_run("tiny.comp", &["--out", "r.json", "--statements", "stmts"]),
    );
    out.code(0);
    assert_eq!(
        out.stderr,
        format!(
            "note: removed {0}/.commissio-{dead}-x.tmp, a temporary file left by an interrupted run (process {dead})\n\
             note: removed {0}/stmts/.commissio-{dead}-y.tmp, a temporary file left by an interrupted run (process {dead})\n\
             wrote 5 lines to r.json\nwrote 2 statements to stmts\n",
            d.display()
        )
    );
    let mut kept = [
        format!(".commissio-{dead}.tmp"),
        format!(".commissio-{live}-z.tmp"),
    ];
    kept.sort();
    assert_eq!(temporaries(&d), kept);
    assert_eq!(list(&d.join("stmts")), ["A.md", "B.md"]);
}

// ---------------------------------------------------------------------------------------------
// Reading with limits
// ---------------------------------------------------------------------------------------------

/// The message for a plan over the size limit, which is one line of `c` from byte 0 (shown as
/// `shown`: a NUL byte is shown as `␀`, never sent to the terminal). The caret stands just
/// after the last byte read, the limit.
fn plan_too_large(file: &str, c: char) -> String {
    let shown = if c == '\0' { '␀' } else { c };
    format!(
        "error[E0002]: the plan is more than 1048576 bytes; the limit is 1048576 bytes\n  --> {file}:1:1048577\n  |\n1 | …{}\n  | {}^\n  = help: split the plan into smaller plans\n{file}: 1 error(s)\n",
        shown.to_string().repeat(200),
        " ".repeat(201)
    )
}

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_as_a_plan_ends_with_the_size_error() {
    let out = run_in(&fixtures(), &["check", "/dev/zero"]);
    assert_eq!(out.refused(), plan_too_large("/dev/zero", '\0'));
    let out = run_in(
        &fixtures(),
        &[
            "run",
            "/dev/zero",
            "--payees",
            "payees.csv",
            "--deals",
            "deals.csv",
            "--period",
            "2026-Q1",
        ],
    );
    assert_eq!(out.refused(), plan_too_large("/dev/zero", '\0'));
}

#[test]
fn a_2_gib_plan_is_refused_after_the_limit() {
    let dir = tempdir();
    let d = dir.path();
    // Sparse: 2 GiB of NUL bytes that take no disk space; only 1 MiB + 1 byte is read.
    let f = std::fs::File::create(d.join("huge.comp")).unwrap();
    f.set_len(2 << 30).unwrap();
    let out = run_in(d, &["check", "huge.comp"]);
    assert_eq!(out.refused(), plan_too_large("huge.comp", '\0'));
    // One long line of text: the diagnostic quotes 200 characters of it, not the line.
    let line = "x".repeat(3 << 20);
    std::fs::write(d.join("line.comp"), &line).unwrap();
    let out = run_in(d, &["check", "line.comp"]);
    assert_eq!(out.refused(), plan_too_large("line.comp", 'x'));
    // fmt never rewrites it.
    let out = run_in(d, &["fmt", "line.comp"]);
    assert_eq!(out.refused(), plan_too_large("line.comp", 'x'));
    assert_eq!(std::fs::read_to_string(d.join("line.comp")).unwrap(), line);
    // JSON diagnostics give the same error.
    let out = run_in(d, &["check", "--format", "json", "line.comp"]);
    out.code(1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let diag = &json[0]["diagnostics"][0];
    assert_eq!(json[0]["file"], "line.comp");
    assert_eq!(diag["code"], "E0002");
    assert_eq!(
        diag["message"],
        "the plan is more than 1048576 bytes; the limit is 1048576 bytes"
    );
    assert_eq!(diag["start"], 1048576);
    assert_eq!(diag["column"], 1048577);
}

#[test]
fn a_plan_that_is_not_utf8_names_the_byte() {
    let dir = tempdir();
    let d = dir.path();
    let mut text = std::fs::read(fixtures().join("tiny.comp")).unwrap();
    let at = text.iter().position(|&b| b == b'{').unwrap() + 1;
    text.splice(at..at, [b' ', 0xff]);
    std::fs::write(d.join("p.comp"), &text).unwrap();
    let line = text[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let column = at + 1
        - text[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    let out = run_in(d, &["check", "p.comp"]);
    assert_eq!(
        out.refused(),
        format!(
            "error[E0001]: the plan is not text at line {line}, column {column} (byte offset {}): byte 0xFF is not UTF-8 text (save the file as UTF-8)\n  --> p.comp:{line}:{column}\n  |\n{line} | plan \"Tiny\" {{ \n  |               ^\n  = help: save the plan as UTF-8 text\np.comp: 1 error(s)\n",
            at + 1
        )
    );
}

#[cfg(unix)]
#[test]
fn dev_zero_as_a_table_ends_with_a_clear_error() {
    let dir = scratch();
    let d = dir.path();
    symlink("/dev/zero", &d.join("zero.csv"));
    symlink("/dev/zero", &d.join("zero.json"));
    for (flag, file) in [("--deals", "zero.csv"), ("--payees", "zero.json")] {
        let mut args = vec![
            "run",
            "tiny.comp",
            "--payees",
            "payees.csv",
            "--deals",
            "deals.csv",
            "--period",
            "2026-Q1",
        ];
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1] = file;
        let out = run_in(d, &args);
        assert_eq!(
            out.refused(),
            format!("error[D0001]: {file}: not text at line 1, column 1 (byte offset 0): byte 0x00 (NUL): a table is UTF-8 text, not UTF-16 or binary data\n")
        );
    }
    // /dev/zero itself has no table extension: refused before it is opened.
    let out = run_in(
        d,
        &[
            "run",
            "tiny.comp",
            "--payees",
            "payees.csv",
            "--deals",
            "/dev/zero",
            "--period",
            "2026-Q1",
        ],
    );
    assert_eq!(
        out.refused(),
        "error: /dev/zero: unknown table format; name the file .csv or .json\n"
    );
}

#[test]
fn a_table_is_checked_as_it_is_read() {
    let dir = scratch();
    let d = dir.path();
    // A 2 GiB sparse file of NUL bytes after a valid start: refused at the first NUL, on
    // line 3, without reading the rest.
    let start = "id,payee,date,amount,product\nD1,A,2026-01-15,6000.00,Café\n";
    std::fs::write(d.join("nul.csv"), start).unwrap();
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(d.join("nul.csv"))
        .unwrap();
    f.set_len(2 << 30).unwrap();
    let out = run_in(
        d,
        &[
            "run",
            "tiny.comp",
            "--payees",
            "payees.csv",
            "--deals",
            "nul.csv",
            "--period",
            "2026-Q1",
        ],
    );
    assert_eq!(
        out.refused(),
        format!("error[D0001]: nul.csv: not text at line 3, column 1 (byte offset {}): byte 0x00 (NUL): a table is UTF-8 text, not UTF-16 or binary data\n", start.len())
    );
    // UTF-16 (as some spreadsheets save CSV): the NUL after the first character.
    let utf16: Vec<u8> = "id,name\nA,Ada\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(d.join("utf16.csv"), utf16).unwrap();
    let out = run_in(
        d,
        &[
            "run",
            "tiny.comp",
            "--payees",
            "utf16.csv",
            "--deals",
            "deals.csv",
            "--period",
            "2026-Q1",
        ],
    );
    assert_eq!(
        out.refused(),
        "error[D0001]: utf16.csv: not text at line 1, column 2 (byte offset 1): byte 0x00 (NUL): a table is UTF-8 text, not UTF-16 or binary data\n"
    );
}

#[cfg(unix)]
#[test]
fn fmt_writes_through_a_link_and_keeps_the_owner() {
    use std::os::unix::fs::MetadataExt;
    let dir = scratch();
    let d = dir.path();
    std::fs::create_dir(d.join("plans")).unwrap();
    std::fs::rename(d.join("messy.comp"), d.join("plans/messy.comp")).unwrap();
    symlink("plans/messy.comp", &d.join("messy.comp"));
    // Only root can give a file away; elsewhere the owner is the user already.
    let owner = match std::os::unix::fs::chown(d.join("plans/messy.comp"), Some(4321), Some(4321)) {
        Ok(()) => (4321, 4321),
        Err(_) => {
            let m = std::fs::metadata(d.join("plans/messy.comp")).unwrap();
            (m.uid(), m.gid())
        }
    };
    let out = run_in(d, &["fmt", "messy.comp"]);
    out.code(0);
    assert_eq!(out.stderr, "messy.comp: formatted\n");
    assert_eq!(
        std::fs::read_link(d.join("messy.comp")).unwrap(),
        Path::new("plans/messy.comp")
    );
    let m = std::fs::metadata(d.join("plans/messy.comp")).unwrap();
    assert_eq!((m.uid(), m.gid()), owner);
    assert_eq!(
        std::fs::read_to_string(d.join("plans/messy.comp")).unwrap(),
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/messy.formatted.comp")
        )
        .unwrap()
    );
    assert_eq!(list(&d.join("plans")), ["messy.comp"]);
}
