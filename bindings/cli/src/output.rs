//! Output files: never over an input, all written or none, and no temporary left behind.
//!
//! - [`check_paths`]: before anything is read, every output path is resolved (after links:
//!   the file itself when it exists, else its folder joined with its name) and refused when it
//!   is an input file or another output (also through a hard link: same device and inode).
//! - [`Outputs`]: each output is written to a temporary file in its destination folder, named
//!   `.commissio-<pid>-<random>.tmp`; only when every one was written are they renamed over
//!   their destinations. A failure before that removes the temporaries (and the folders the
//!   run created), leaving existing files untouched; a rename that fails midway puts back what
//!   the earlier renames replaced (from hard-link backups).
//! - [`remove_on_signal`]: SIGINT, SIGTERM and SIGHUP remove the temporaries and exit with 130,
//!   143 and 129 (128 + the signal number, as a shell reports a process the signal ended).
//! - A process killed outright (SIGKILL, a crash, power loss) cannot clean up: when a run writes
//!   to a folder it first removes the temporaries there whose process id is not a running
//!   process (`/proc/<pid>` missing; on a system without `/proc` they are left alone).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// What a signal must remove: this process's temporaries and the folders its run created.
struct Pending {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending {
    files: Vec::new(),
    dirs: Vec::new(),
});

/// The pending list; a poisoned lock still holds a usable list.
fn pending() -> MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every pending temporary and created folder on SIGINT, SIGTERM or SIGHUP, then exits
/// with 128 + the signal number. signal-hook runs the clean-up on an ordinary thread (file
/// removal is not allowed in a signal handler itself) and says which signal came, for the exit
/// status. The handler takes the pending list's lock and exits holding it, so no temporary is
/// created after it ran and none is renamed halfway: a signal during the renames waits for them.
#[cfg(unix)]
pub fn remove_on_signal() -> Result<(), String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| format!("cannot handle signals: {e}"))?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let p = pending();
            for f in &p.files {
                let _ = std::fs::remove_file(f);
            }
            for d in p.dirs.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// Elsewhere there are no such signals to handle (Ctrl-C ends the process on Windows); the
/// next run removes what was left.
#[cfg(not(unix))]
pub fn remove_on_signal() -> Result<(), String> {
    Ok(())
}

/// Where a path leads: the file itself after links when it exists, otherwise its folder after
/// links joined with its name; `None` when not even the folder exists.
pub fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// A file named on the command line and where it leads.
#[derive(Clone)]
pub struct Place<'a> {
    shown: &'a Path,
    real: Option<PathBuf>,
    /// Device and inode of an existing file: the same file under another name (a hard link).
    id: Option<(u64, u64)>,
}

impl<'a> Place<'a> {
    pub fn new(shown: &'a Path) -> Place<'a> {
        Place {
            shown,
            real: resolve(shown),
            id: file_id(shown),
        }
    }
    fn same(&self, other: &Place<'_>) -> bool {
        (self.real.is_some() && self.real == other.real)
            || (self.id.is_some() && self.id == other.id)
    }
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}

/// Refuses an output that is an input file or another output; the message names both.
pub fn check_paths(inputs: &[Place<'_>], outputs: &[Place<'_>]) -> Result<(), String> {
    for (i, out) in outputs.iter().enumerate() {
        if let Some(input) = inputs.iter().find(|p| p.same(out)) {
            return Err(format!(
                "the output {} is the input {}: refusing to overwrite it; nothing was written",
                out.shown.display(),
                input.shown.display()
            ));
        }
        if let Some(other) = outputs[..i].iter().find(|p| p.same(out)) {
            return Err(format!(
                "the outputs {} and {} are the same file; nothing was written",
                other.shown.display(),
                out.shown.display()
            ));
        }
    }
    Ok(())
}

/// The folder an output file goes in.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses an output file whose folder does not exist or that is a folder, before any work.
pub fn check_writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("cannot write {}: it is a folder", path.display()));
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(format!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        ));
    }
    Ok(())
}

/// One output written to its temporary, waiting for the rename.
struct Staged {
    tmp: PathBuf,
    /// The resolved destination (after links, so that a link is written through, not replaced).
    dest: PathBuf,
    /// The path as given, for messages.
    shown: PathBuf,
}

/// A run's output files: written to temporaries, then renamed in place all together by
/// [`Outputs::commit`]. Dropped without a commit, it removes its temporaries and the folders
/// it created.
#[derive(Default)]
pub struct Outputs {
    staged: Vec<Staged>,
    dirs: Vec<PathBuf>,
    /// Folders already cleared of stale temporaries.
    swept: Vec<PathBuf>,
}

impl Outputs {
    /// Creates a folder and its missing parents, remembering those it created so that a failed
    /// or interrupted run removes them again.
    pub fn create_dir(&mut self, dir: &Path) -> Result<(), String> {
        let mut missing = Vec::new();
        let mut d = Some(dir);
        while let Some(x) = d.filter(|x| !x.as_os_str().is_empty() && !x.exists()) {
            missing.push(x.to_path_buf());
            d = x.parent();
        }
        let mut p = pending();
        // Outermost first, so that removing in reverse order empties each before its parent.
        for m in missing.into_iter().rev() {
            std::fs::create_dir(&m).map_err(|e| format!("cannot create {}: {e}", m.display()))?;
            p.dirs.push(m.clone());
            self.dirs.push(m);
        }
        if !dir.is_dir() {
            return Err(format!(
                "cannot create {}: it is not a folder",
                dir.display()
            ));
        }
        Ok(())
    }

    /// Writes one output to a temporary in its destination folder with `body`. An existing
    /// destination keeps its permissions (and owner, where allowed); a new one gets the usual
    /// `rw-r--r--`.
    pub fn write(
        &mut self,
        path: &Path,
        body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let cannot = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
        if path.is_dir() {
            return Err(cannot(&"it is a folder"));
        }
        let dest = resolve(path).unwrap_or_else(|| path.to_path_buf());
        let dir = folder_of(&dest);
        if !self.swept.contains(&dir) {
            remove_stale(&dir);
            self.swept.push(dir.clone());
        }
        let file = {
            // Created and registered under the lock: a signal either sees it or comes first.
            let mut p = pending();
            let (file, tmp) = temp_builder()
                .tempfile_in(&dir)
                .and_then(|t| t.keep().map_err(|e| e.error))
                .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
            p.files.push(tmp.clone());
            self.staged.push(Staged {
                tmp,
                dest: dest.clone(),
                shown: path.to_path_buf(),
            });
            file
        };
        let existing = std::fs::metadata(&dest).ok();
        if let Some(perm) = existing
            .as_ref()
            .map(|m| m.permissions())
            .or_else(default_permissions)
        {
            file.set_permissions(perm).map_err(|e| cannot(&e))?;
        }
        if let Some(m) = &existing {
            keep_owner(&file, m);
        }
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        body(&mut w).map_err(|e| cannot(&e))?;
        let file = w.into_inner().map_err(|e| cannot(e.error()))?;
        // On disk before the rename, so that a crash cannot leave a renamed, empty file.
        file.sync_all().map_err(|e| cannot(&e))?;
        Ok(())
    }

    /// Renames every temporary over its destination. When one rename fails, those done are
    /// undone (a replaced file comes back from its hard-link backup, a new one is removed) and
    /// the error names the file.
    pub fn commit(mut self) -> Result<(), String> {
        let result = {
            // Held throughout: a signal waits until the renames are done or undone.
            let mut p = pending();
            let result = self.rename_all(&mut p);
            let ours: Vec<PathBuf> = self.staged.drain(..).map(|s| s.tmp).collect();
            p.files.retain(|f| !ours.contains(f));
            if result.is_ok() {
                p.dirs.retain(|d| !self.dirs.contains(d));
                self.dirs.clear();
            }
            result
        };
        // On failure, Drop removes the created folders (the temporaries are gone by now).
        result
    }

    fn rename_all(&self, p: &mut Pending) -> Result<(), String> {
        let mut done: Vec<(&Staged, Option<PathBuf>)> = Vec::new();
        let mut failure = None;
        for s in &self.staged {
            // Keep the file being replaced under a second name until every rename is done.
            let backup = if s.dest.is_file() {
                temp_builder()
                    .make_in(folder_of(&s.dest), |b| std::fs::hard_link(&s.dest, b))
                    .ok()
                    .and_then(|t| t.into_temp_path().keep().ok())
            } else {
                None
            };
            if let Some(b) = &backup {
                p.files.push(b.clone());
            }
            match std::fs::rename(&s.tmp, &s.dest) {
                Ok(()) => done.push((s, backup)),
                Err(e) => {
                    if let Some(b) = &backup {
                        let _ = std::fs::remove_file(b);
                    }
                    failure = Some(format!("cannot write {}: {e}", s.shown.display()));
                    break;
                }
            }
        }
        if failure.is_some() {
            for (s, backup) in done.iter().rev() {
                let _ = match backup {
                    Some(b) => std::fs::rename(b, &s.dest),
                    None => std::fs::remove_file(&s.dest),
                };
            }
            for s in &self.staged {
                let _ = std::fs::remove_file(&s.tmp);
            }
        } else {
            for (_, backup) in &done {
                if let Some(b) = backup {
                    let _ = std::fs::remove_file(b);
                }
            }
        }
        for (_, backup) in &done {
            if let Some(b) = backup {
                p.files.retain(|f| f != b);
            }
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        let mut p = pending();
        for s in self.staged.drain(..) {
            let _ = std::fs::remove_file(&s.tmp);
            p.files.retain(|f| *f != s.tmp);
        }
        for d in self.dirs.drain(..).rev() {
            let _ = std::fs::remove_dir(&d);
            p.dirs.retain(|x| *x != d);
        }
    }
}

/// Temporary names: `.commissio-<pid>-<random>.tmp`, hidden, and recognisable by a later run.
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(
        PREFIX
            .get_or_init(|| format!(".commissio-{}-", std::process::id()))
            .as_str(),
    )
    .suffix(".tmp")
    .rand_bytes(10);
    b
}

static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The process id in a temporary's name, if `name` is one.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(".commissio-")?.strip_suffix(".tmp")?;
    let (pid, tag) = rest.split_once('-')?;
    if tag.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Removes the temporaries in `dir` left by processes that are no longer running.
fn remove_stale(dir: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if pid == std::process::id() || proc.join(pid.to_string()).exists() {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_file()) && std::fs::remove_file(&path).is_ok() {
            eprintln!(
                "note: removed {}, a temporary file left by an interrupted run (process {pid})",
                path.display()
            );
        }
    }
}

/// A file rewritten in place keeps its owner and group where the user may give them (root,
/// or the owner keeping a group they belong to); otherwise it is the user's, as with any editor.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, m: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(m.uid()), Some(m.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::temp_pid;

    #[test]
    fn temporary_names() {
        assert_eq!(temp_pid(".commissio-1234-aB3xYz0123.tmp"), Some(1234));
        assert_eq!(temp_pid(".commissio-99999999-x.tmp"), Some(99_999_999));
        assert_eq!(temp_pid(".commissio-1234-.tmp"), None);
        assert_eq!(temp_pid(".commissio--x.tmp"), None);
        assert_eq!(temp_pid(".commissio-12a4-x.tmp"), None);
        assert_eq!(temp_pid(".commissio-1234-x.md"), None);
        assert_eq!(temp_pid("commissio-1234-x.tmp"), None);
        // Beyond u32: not a process id.
        assert_eq!(temp_pid(".commissio-99999999999-x.tmp"), None);
    }
}
