//! Helpers for the CLI integration tests: run the built `commissio` binary, and compare
//! outputs with stored snapshots.
//!
//! # Snapshots
//!
//! Expected outputs live in `tests/snapshots/`, one file per snapshot, compared byte for byte.
//! After an intended change to a rendering, regenerate them and review the diff:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test --release --locked -p commissio-cli
//! git diff bindings/cli/tests/snapshots/
//! cargo test --release --locked -p commissio-cli
//! ```
//!
//! A missing snapshot fails the test (it is never created silently). With `UPDATE_SNAPSHOTS=1`
//! a snapshot that differs or is missing is written and its test still fails ("snapshot X
//! rewritten; review the diff and run again without UPDATE_SNAPSHOTS"), so a regeneration is
//! always deliberate: review `git diff`, then run again without the variable.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The built binary (Cargo builds it before the integration tests and names it here).
pub const BIN: &str = env!("CARGO_BIN_EXE_commissio");

/// `bindings/cli/tests/fixtures`: small plans and tables; commands run from here so that
/// messages name files by short, stable relative paths (`bad/deals_wrong_type.csv`).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// The bundled example plans and data set (`examples/` at the workspace root).
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("examples")
}

fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots")
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Output {
    /// Exit code (a run killed by a signal fails the test instead).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts the exit code, showing both streams when it is not the expected one.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
    /// Asserts success (exit 0) and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        self.code(0);
        &self.stdout
    }
    /// Asserts a refusal (exit 1, nothing on stdout) and returns stderr.
    #[track_caller]
    pub fn refused(&self) -> &str {
        self.code(1);
        assert_eq!(self.stdout, "", "a refused command printed on stdout");
        &self.stderr
    }
}

/// Runs `commissio args...` in `dir`.
#[track_caller]
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        // A panic would then say "run with `RUST_BACKTRACE=1`", which is checked below.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    // Never a panic or a backtrace, whatever the input.
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "commissio {args:?} panicked:\n{stderr}"
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("commissio {args:?} was killed: {}", out.status));
    Output {
        code,
        stdout,
        stderr,
    }
}

/// Runs `commissio args...` in the fixtures folder.
#[track_caller]
pub fn run(args: &[&str]) -> Output {
    run_in(&fixtures(), args)
}

/// Compares `actual` with `tests/snapshots/<name>`. With `UPDATE_SNAPSHOTS=1` a snapshot that
/// differs (or is missing) is rewritten and the test still fails, so a regeneration is always
/// reviewed and confirmed by a second run without the variable.
#[track_caller]
pub fn snapshot(name: &str, actual: &str) {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    if let Err(e) = compare_snapshot(&snapshots(), name, actual, update) {
        panic!("{e}");
    }
}

/// [`snapshot`] on a given folder and update flag; the failure message on `Err`.
pub fn compare_snapshot(dir: &Path, name: &str, actual: &str, update: bool) -> Result<(), String> {
    let path = dir.join(name);
    let expected = match std::fs::read_to_string(&path) {
        Ok(s) if s == actual => return Ok(()),
        Ok(s) => s,
        Err(_) if update => String::new(),
        Err(e) => {
            return Err(format!(
                "snapshot {} cannot be read ({e}); run with UPDATE_SNAPSHOTS=1 to create it. Actual:\n{actual}",
                path.display()
            ))
        }
    };
    if update {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(&path, actual).unwrap();
        return Err(format!(
            "snapshot {} rewritten; review the diff and run again without UPDATE_SNAPSHOTS\n{}",
            path.display(),
            line_diff(&expected, actual)
        ));
    }
    Err(format!(
        "snapshot {} differs (run with UPDATE_SNAPSHOTS=1 to accept the new output)\n{}",
        path.display(),
        line_diff(&expected, actual)
    ))
}

/// A small line diff: `-` expected, `+` actual, with the line numbers of the first lines that
/// differ; enough to see what changed in a snapshot.
fn line_diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            if let Some(x) = x {
                out.push_str(&format!("{:>4} - {x:?}\n", i + 1));
            }
            if let Some(y) = y {
                out.push_str(&format!("{:>4} + {y:?}\n", i + 1));
            }
            shown += 1;
            if shown == 20 {
                out.push_str("     ...\n");
                break;
            }
        }
    }
    out
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// The names in a folder, sorted.
pub fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A path as an argument.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn a_rewritten_snapshot_fails_the_run_and_an_unchanged_one_passes() {
    let dir = tempdir();
    let path = dir.path().join("s.txt");
    std::fs::write(&path, "old\n").unwrap();
    // Without the flag: a difference fails and nothing is written.
    let e = compare_snapshot(dir.path(), "s.txt", "new\n", false).unwrap_err();
    assert!(
        e.starts_with(&format!("snapshot {} differs", path.display())),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
    // With it: written, and still a failure naming the snapshot.
    let e = compare_snapshot(dir.path(), "s.txt", "new\n", true).unwrap_err();
    assert_eq!(
        e,
        format!(
            "snapshot {} rewritten; review the diff and run again without UPDATE_SNAPSHOTS\n   1 - \"old\\n\"\n   1 + \"new\\n\"\n",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    // A missing one is created, and fails too.
    let e = compare_snapshot(dir.path(), "t.txt", "x\n", true).unwrap_err();
    assert!(
        e.starts_with("snapshot ") && e.contains("t.txt rewritten;"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.txt")).unwrap(),
        "x\n"
    );
    // The second run, with or without the flag, passes.
    assert_eq!(compare_snapshot(dir.path(), "s.txt", "new\n", true), Ok(()));
    assert_eq!(
        compare_snapshot(dir.path(), "s.txt", "new\n", false),
        Ok(())
    );
}
