//! `commissio`: check, format, run, explain and chart commission plans from the command line.
//!
//! Exit codes: 0 success, 1 the plan, data or evaluation was refused (the message says where),
//! 2 the command line itself was wrong; 130, 143 and 129 after SIGINT, SIGTERM and SIGHUP.
//!
//! Files: plans and tables are read with their limits enforced while reading (the library's
//! `read_plan_from` and `read_table_from`, shared with every binding);
//! output files are never an input, and are all written or none, with no temporary left
//! behind ([`output`]).

mod output;

use clap::{Parser, Subcommand, ValueEnum};
use commissio::core::curve;
use commissio::core::load::{
    read_table_file, DataError, Table, TableFormat, TableKind, MAX_TABLE_BYTES,
};
use commissio::core::report::group_digits;
use commissio::core::Decimal;
use commissio::{
    parse_decimal_argument, ArgumentError, ArgumentKind, CompiledPlan, CompiledProgram,
    DiagnosticView, Error, Inputs, LineIndex, PlanReadError, ProgramResults, Results, SourceLines,
    SplitRule,
};
use output::{check_paths, check_writable, Outputs, Place};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "commissio",
    version,
    about = "Exact, explainable commission plans",
    long_about = None,
    after_help = FILES_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagFormat {
    /// Source line and caret, for people.
    Text,
    /// One JSON document, for tools.
    Json,
}

#[derive(clap::Args)]
struct DataArgs {
    /// The plan file (.comp); several plans with --assignments make a program.
    #[arg(required = true, value_name = "PLAN")]
    plans: Vec<PathBuf>,
    /// A program's assignments (.csv or .json: payee, plan, from, to, weight): which plan pays
    /// whom on which days. Required with more than one plan.
    #[arg(long)]
    assignments: Option<PathBuf>,
    /// How a program's plans share a payee who is on several in one period: `days` (each plan
    /// pays its whole-period amount times the days on it over the period's days) or
    /// `credit_dates` (each plan pays the credit lines dated on the payee's days on it).
    /// Required with --assignments.
    #[arg(long, value_name = "RULE")]
    split: Option<String>,
    /// Payees table (.csv or .json).
    #[arg(long)]
    payees: PathBuf,
    /// Deals table (.csv or .json).
    #[arg(long)]
    deals: PathBuf,
    /// Credit splits (.csv or .json); without it each deal goes 100% to its owner.
    #[arg(long)]
    credits: Option<PathBuf>,
    /// Quotas per payee and period (.csv or .json).
    #[arg(long)]
    quotas: Option<PathBuf>,
    /// Effective-dated manager assignments (.csv or .json: payee, manager, from, to); when
    /// given, they replace the payees table's manager column as the hierarchy.
    #[arg(long)]
    managers: Option<PathBuf>,
    /// Period or range in the plan's grain: 2026-Q1, 2026-Q1..2026-Q2, 2026-03 (monthly plans), 2026.
    #[arg(long)]
    period: String,
    /// Most rows per table (default and maximum 50000000); a longer table is refused (D0108).
    #[arg(long, value_name = "N")]
    max_rows: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Check plans and print every problem with its place.
    Check {
        /// Plan files.
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: DiagFormat,
    },
    /// Format plans in the canonical layout (in place), or check that they are.
    Fmt {
        /// Do not write; exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
        /// Plan files.
        #[arg(required = true)]
        plans: Vec<PathBuf>,
    },
    /// Evaluate a plan over data and write results and statements.
    Run {
        #[command(flatten)]
        data: DataArgs,
        /// Write all lines with traces: .json, or .csv (one row per line).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write one Markdown statement per payee into this folder (`-` prints them).
        #[arg(long)]
        statements: Option<PathBuf>,
        /// Recompute every line's amount from its trace alone before writing anything, and
        /// refuse the run (X0004) if one differs.
        #[arg(long)]
        verify_traces: bool,
    },
    /// Explain a payee's payouts (or one deal's) in plain text, from the traces.
    Explain {
        #[command(flatten)]
        data: DataArgs,
        /// Payee id.
        #[arg(long)]
        payee: String,
        /// Only the lines of this deal.
        #[arg(long)]
        deal: Option<String>,
    },
    /// The pay curve: payout against attainment for one payee and period.
    Curve {
        /// The plan file (.comp).
        plan: PathBuf,
        /// Payees table (.csv or .json).
        #[arg(long)]
        payees: PathBuf,
        /// Quotas per payee and period.
        #[arg(long)]
        quotas: Option<PathBuf>,
        /// Payee id.
        #[arg(long)]
        payee: String,
        /// One period, e.g. 2026-Q1.
        #[arg(long)]
        period: String,
        /// Lowest attainment (e.g. 0%).
        #[arg(long, default_value = "0%")]
        from: String,
        /// Highest attainment (e.g. 200%).
        #[arg(long, default_value = "200%")]
        to: String,
        /// Step (e.g. 10%).
        #[arg(long, default_value = "10%")]
        step: String,
        /// Also write the curve as an SVG chart.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
}

const FILES_HELP: &str = "\
Files:
  An output file (--out, the statements, --svg, a plan fmt rewrites) is never an input or
  another output: such a command is refused before anything is read (a statement's file, named
  after its payee, once the results are known) and before anything is written. A command's
  output files are all written or none: each is written to a temporary file
  .commissio-<pid>-<random>.tmp in its folder, and they are renamed in place only once all
  were written. On SIGINT, SIGTERM or SIGHUP the temporaries are removed and commissio exits
  with 130, 143 or 129; temporaries left by a killed process (SIGKILL) are removed by the next
  command that writes to the same folder.
  A plan larger than the size limit is refused after reading one byte past the limit; a table
  is refused at its first byte that is not UTF-8 text (or is NUL).";

/// A failure that has already been described to the user.
struct Reported;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { plans, format } => check(&plans, format),
        Command::Fmt { check, plans } => fmt(&plans, check),
        Command::Run {
            data,
            out,
            statements,
            verify_traces,
        } => run(&data, out.as_deref(), statements.as_deref(), verify_traces),
        Command::Explain { data, payee, deal } => explain(&data, &payee, deal.as_deref()),
        Command::Curve {
            plan,
            payees,
            quotas,
            payee,
            period,
            from,
            to,
            step,
            svg,
        } => curve_cmd(
            &plan,
            &payees,
            quotas.as_deref(),
            &payee,
            &period,
            [&from, &to, &step],
            svg.as_deref(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Reported) => ExitCode::FAILURE,
    }
}

fn fail(message: impl std::fmt::Display) -> Reported {
    eprintln!("error: {message}");
    Reported
}

/// Reads a plan through the library's plan reader ([`commissio::read_plan_from`]): at most
/// one byte past the size limit (docs/language.md §14), so a larger or endless file is refused
/// without reading the rest; a byte that is not UTF-8 is a diagnostic with its place.
fn read_plan_text(path: &Path) -> Result<String, Reported> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    commissio::read_plan_from(&mut file).map_err(|e| match e {
        PlanReadError::Io(e) => fail(format!("cannot read {}: {e}", path.display())),
        PlanReadError::Refused { start, diagnostic } => {
            print_diagnostics(
                &CompiledPlanSource {
                    path: path.to_path_buf(),
                    text: start,
                },
                &[diagnostic],
            );
            Reported
        }
    })
}

/// Refuses, before anything is read, an output that is one of `inputs` or another output.
fn check_outputs(inputs: &[&Path], outputs: &[&Path]) -> Result<(), Reported> {
    let inputs: Vec<Place> = inputs.iter().map(|p| Place::new(p)).collect();
    let outputs: Vec<Place> = outputs.iter().map(|p| Place::new(p)).collect();
    check_paths(&inputs, &outputs).map_err(fail)
}

fn print_diagnostics(plan: &CompiledPlanSource, diags: &[commissio::Diagnostic]) {
    let idx = LineIndex::new(&plan.text);
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", d.render(&idx, &plan.path.display().to_string()));
    }
    let _ = writeln!(err, "{}: {} error(s)", plan.path.display(), diags.len());
}

struct CompiledPlanSource {
    path: PathBuf,
    text: String,
}

fn load_plan(path: &Path) -> Result<CompiledPlan, Reported> {
    let text = read_plan_text(path)?;
    CompiledPlan::compile(&text).map_err(|e| {
        if let Error::Plan(diags) = &e {
            print_diagnostics(
                &CompiledPlanSource {
                    path: path.to_path_buf(),
                    text: text.clone(),
                },
                diags,
            );
            Reported
        } else {
            fail(e)
        }
    })
}

fn check(plans: &[PathBuf], format: DiagFormat) -> Result<(), Reported> {
    let mut failed = false;
    let mut json = Vec::new();
    for path in plans {
        let read = match std::fs::File::open(path) {
            Ok(mut f) => commissio::read_plan_from(&mut f),
            Err(e) => Err(PlanReadError::Io(e)),
        };
        let (text, diags) = match read {
            Ok(text) => {
                let diags = match commissio::dsl::compile(&text) {
                    Ok(_) => Vec::new(),
                    Err(d) => d,
                };
                (text, diags)
            }
            Err(PlanReadError::Refused { start, diagnostic }) => (start, vec![diagnostic]),
            Err(PlanReadError::Io(e)) => {
                failed = true;
                let message = format!("cannot read {}: {e}", path.display());
                match format {
                    DiagFormat::Text => {
                        fail(message);
                    }
                    // An unreadable file is in the JSON too, so a tool reading it sees every
                    // file it asked about.
                    DiagFormat::Json => json.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "error": message,
                        "diagnostics": [],
                    })),
                }
                continue;
            }
        };
        failed |= !diags.is_empty();
        match format {
            DiagFormat::Text => {
                if diags.is_empty() {
                    eprintln!("{}: ok", path.display());
                } else {
                    print_diagnostics(
                        &CompiledPlanSource {
                            path: path.clone(),
                            text: text.clone(),
                        },
                        &diags,
                    );
                }
            }
            DiagFormat::Json => {
                let lines = SourceLines::new(&text);
                let list: Vec<DiagnosticView> = diags.iter().map(|d| lines.diagnostic(d)).collect();
                json.push(
                    serde_json::json!({ "file": path.display().to_string(), "diagnostics": list }),
                );
            }
        }
    }
    if let DiagFormat::Json = format {
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    }
    if failed {
        Err(Reported)
    } else {
        Ok(())
    }
}

fn fmt(plans: &[PathBuf], check_only: bool) -> Result<(), Reported> {
    let mut unformatted = 0;
    let mut failed = false;
    let mut outputs = Outputs::default();
    let mut written = Vec::new();
    if !check_only {
        // Each plan may be rewritten, but not twice under two names.
        let plans: Vec<&Path> = plans.iter().map(PathBuf::as_path).collect();
        check_outputs(&[], &plans)?;
        output::remove_on_signal().map_err(fail)?;
    }
    for path in plans {
        let text = read_plan_text(path)?;
        match commissio::dsl::format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if check_only {
                    eprintln!("{}: not formatted", path.display());
                    unformatted += 1;
                } else {
                    outputs
                        .write(path, |w| w.write_all(formatted.as_bytes()))
                        .map_err(fail)?;
                    written.push(path);
                }
            }
            Err(diags) => {
                print_diagnostics(
                    &CompiledPlanSource {
                        path: path.clone(),
                        text,
                    },
                    &diags,
                );
                failed = true;
            }
        }
    }
    // The plans that format are all rewritten or none.
    outputs.commit().map_err(fail)?;
    for path in written {
        eprintln!("{}: formatted", path.display());
    }
    if failed || unformatted > 0 {
        Err(Reported)
    } else {
        Ok(())
    }
}

/// Progress on stderr for runs longer than a second, only when stderr is a terminal.
struct Progress {
    stage: Arc<Mutex<(&'static str, bool)>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        let stage = Arc::new(Mutex::new(("reading", false)));
        let handle = std::io::stderr().is_terminal().then(|| {
            let shared = Arc::clone(&stage);
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut shown = false;
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    let (name, done) = shared.lock().map(|g| *g).unwrap_or(("", true));
                    if done {
                        if shown {
                            eprint!("\r\x1b[K");
                        }
                        break;
                    }
                    if started.elapsed() >= Duration::from_secs(1) {
                        shown = true;
                        eprint!("\r\x1b[K{name}… {:.1}s", started.elapsed().as_secs_f32());
                    }
                }
            })
        });
        Progress { stage, handle }
    }
    fn set(&self, name: &'static str) {
        if let Ok(mut g) = self.stage.lock() {
            g.0 = name;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Ok(mut g) = self.stage.lock() {
            g.1 = true;
        }
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Reads one table through the library's table reader ([`read_table_file`]): the format by
/// extension (checked before the file is opened), reading stops at the first byte that is not
/// text; errors name the file.
fn read_table(path: &Path, kind: TableKind) -> Result<Table, Reported> {
    let name = path.display().to_string();
    let Some(format) = TableFormat::of_file_name(&name) else {
        return Err(fail(TableFormat::unknown_message(&name)));
    };
    let mut file =
        std::fs::File::open(path).map_err(|e| fail(format!("cannot read {name}: {e}")))?;
    read_table_file(&mut file, format, MAX_TABLE_BYTES).map_err(|e| {
        report_data_error(&e.in_table(kind), &[(kind, path)]);
        Reported
    })
}

fn report_data_error(e: &DataError, files: &[(TableKind, &Path)]) {
    let file = e
        .table
        .and_then(|t| files.iter().find(|(k, _)| *k == t))
        .map(|(_, p)| p.display().to_string())
        .or_else(|| e.table.map(|t| t.name().to_string()))
        .unwrap_or_default();
    let mut place = file;
    if let Some(row) = e.row {
        place.push_str(&format!(", row {row}"));
    }
    if let Some(id) = &e.id {
        place.push_str(&format!(" (id {id:?})"));
    }
    if let Some(f) = &e.field {
        place.push_str(&format!(", column {f:?}"));
    }
    eprintln!("error[{}]: {place}: {}", e.code.as_str(), e.message);
    if let Some(x) = &e.expected {
        eprintln!("  expected: {x}");
    }
}

fn load_inputs(args: &DataArgs) -> Result<(Inputs, Vec<(TableKind, PathBuf)>), Reported> {
    let mut files = vec![
        (TableKind::Payees, args.payees.clone()),
        (TableKind::Deals, args.deals.clone()),
    ];
    let inputs = Inputs {
        payees: read_table(&args.payees, TableKind::Payees)?,
        deals: read_table(&args.deals, TableKind::Deals)?,
        credits: match &args.credits {
            Some(p) => {
                files.push((TableKind::Credits, p.clone()));
                Some(read_table(p, TableKind::Credits)?)
            }
            None => None,
        },
        quotas: match &args.quotas {
            Some(p) => {
                files.push((TableKind::Quotas, p.clone()));
                Some(read_table(p, TableKind::Quotas)?)
            }
            None => None,
        },
        managers: match &args.managers {
            Some(p) => {
                files.push((TableKind::Managers, p.clone()));
                Some(read_table(p, TableKind::Managers)?)
            }
            None => None,
        },
    };
    Ok((inputs, files))
}

fn report(
    plan: &CompiledPlan,
    plan_path: &Path,
    files: &[(TableKind, PathBuf)],
    e: Error,
) -> Reported {
    match e {
        Error::Plan(diags) => {
            print_diagnostics(
                &CompiledPlanSource {
                    path: plan_path.to_path_buf(),
                    text: plan.source.clone(),
                },
                &diags,
            );
        }
        Error::Data(errs) => {
            let refs: Vec<(TableKind, &Path)> =
                files.iter().map(|(k, p)| (*k, p.as_path())).collect();
            for e in &errs.errors {
                report_data_error(e, &refs);
            }
            if errs.omitted > 0 {
                eprintln!("... and {} more data errors", errs.omitted);
            }
            eprintln!("nothing was evaluated: fix the data and run again");
        }
        Error::Period(p) => eprintln!("error: {p}"),
        Error::Argument(a) => eprintln!("error[{}]: {a}", ArgumentError::CODE),
        Error::Eval(ev) => {
            let lines = plan.source_lines();
            let span = lines.source_span(ev.source);
            let mut place = match &span {
                Some(s) => format!("{}:{}:{}", plan_path.display(), s.line, s.column_chars),
                None => plan_path.display().to_string(),
            };
            for (label, v) in [
                ("payee", &ev.payee),
                ("deal", &ev.deal),
                ("period", &ev.period),
            ] {
                if let Some(v) = v {
                    place.push_str(&format!(", {label} {v}"));
                }
            }
            eprintln!("error[{}]: {}\n  --> {place}", ev.code, ev.message);
            if span.is_some() {
                eprintln!(
                    "  | {}",
                    lines.index().line_excerpt(ev.source.start as usize)
                );
            }
        }
    }
    Reported
}

/// What `run` and `explain` evaluated: one plan, or a program of plans.
// One value per command run: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Evaluated {
    Plan(CompiledPlan, Results),
    Program(CompiledProgram, ProgramResults),
}

impl Evaluated {
    /// Payee ids in the order of the results (each once).
    fn payees(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut add = |id: &str| {
            if seen.insert(id.to_string()) {
                out.push(id.to_string());
            }
        };
        match self {
            Evaluated::Plan(_, r) => r.lines().for_each(|l| add(r.payee_id(&l))),
            Evaluated::Program(_, r) => r.totals.iter().for_each(|t| add(&t.payee)),
        }
        out
    }
    fn statement(&self, payee: &str) -> Option<String> {
        match self {
            Evaluated::Plan(p, r) => p.statement(r, payee),
            Evaluated::Program(p, r) => p.statement(r, payee),
        }
    }
    fn explain(&self, payee: &str, deal: Option<&str>) -> Option<String> {
        match self {
            Evaluated::Plan(p, r) => p.explain(r, payee, deal),
            Evaluated::Program(p, r) => p.explain(r, payee, deal),
        }
    }
    /// Replays every line from its trace ([`Results::verify_traces`]); the number verified, or
    /// the first line that differs, reported.
    fn verify_traces(&self) -> Result<usize, Reported> {
        let plans: Vec<(Option<&str>, &Results)> = match self {
            Evaluated::Plan(_, r) => vec![(None, r)],
            Evaluated::Program(_, r) => r
                .plans
                .iter()
                .map(|p| (Some(p.name.as_str()), &p.results))
                .collect(),
        };
        let mut verified = 0;
        for (name, r) in plans {
            verified += r.verify_traces().map_err(|m| {
                let plan = name.map(|n| format!("plan {n:?}: ")).unwrap_or_default();
                fail(format!(
                    "[X0004] {plan}trace replay: {m}; nothing was written"
                ))
            })?;
        }
        Ok(verified)
    }

    fn line_count(&self) -> usize {
        match self {
            Evaluated::Plan(_, r) => r.line_count(),
            Evaluated::Program(_, r) => r.plans.iter().map(|p| p.results.line_count()).sum(),
        }
    }
}

fn evaluate(args: &DataArgs, progress: &Progress) -> Result<Evaluated, Reported> {
    if args.plans.len() > 1 || args.assignments.is_some() {
        return evaluate_program(args, progress);
    }
    let Some(plan_path) = args.plans.first() else {
        return Err(fail("no plan file given"));
    };
    if args.split.is_some() {
        return Err(fail("--split is for programs: give --assignments too"));
    }
    let plan = load_plan(plan_path)?;
    let (inputs, files) = load_inputs(args)?;
    progress.set("validating");
    let (first, last) = plan
        .periods(&args.period)
        .map_err(|e| report(&plan, plan_path, &files, e))?;
    let options = commissio::LoadOptions {
        max_rows: args.max_rows.unwrap_or(commissio::MAX_ROWS),
    };
    // By value: each table's text is freed as soon as it has been read.
    let data = plan
        .dataset_owned(inputs, options)
        .map_err(|e| report(&plan, plan_path, &files, e))?;
    progress.set("evaluating");
    let results = commissio::core::evaluate(&plan.plan, &data, first, last)
        .map_err(|e| report(&plan, plan_path, &files, Error::Eval(e)))?;
    Ok(Evaluated::Plan(plan, results))
}

/// Several plans (or one with --assignments): a program.
fn evaluate_program(args: &DataArgs, progress: &Progress) -> Result<Evaluated, Reported> {
    let Some(assignments_path) = &args.assignments else {
        return Err(fail(
            "several plans make a program: give --assignments (payee, plan, from, to, weight) and --split",
        ));
    };
    let split = match args.split.as_deref() {
        None => {
            return Err(fail(
                "a program needs --split days or --split credit_dates (how a payee on several plans in one period is paid by each)",
            ))
        }
        Some(name) => SplitRule::from_name(name).ok_or_else(|| {
            fail(format!(
                "unknown --split {name:?}; use days or credit_dates"
            ))
        })?,
    };
    let mut plans = Vec::with_capacity(args.plans.len());
    for path in &args.plans {
        plans.push(load_plan(path)?);
    }
    let (inputs, mut files) = load_inputs(args)?;
    files.push((TableKind::Assignments, assignments_path.clone()));
    let assignments = read_table(assignments_path, TableKind::Assignments)?;
    let (Some(head), Some(head_path)) = (plans.first().cloned(), args.plans.first()) else {
        return Err(fail("no plan file given"));
    };
    let program =
        CompiledProgram::new(plans, split).map_err(|e| report(&head, head_path, &files, e))?;
    progress.set("evaluating");
    let options = commissio::LoadOptions {
        max_rows: args.max_rows.unwrap_or(commissio::MAX_ROWS),
    };
    let results = program
        .evaluate_with(&inputs, &assignments, &args.period, options)
        .map_err(|e| {
            // The error's spans are in the plan it arose in.
            let at = e
                .plan
                .as_deref()
                .and_then(|name| program.names().iter().position(|n| *n == name))
                .unwrap_or(0);
            let (plan, path) = match (program.plans.get(at), args.plans.get(at)) {
                (Some(p), Some(path)) => (p, path.as_path()),
                _ => (&head, head_path.as_path()),
            };
            if let Some(name) = &e.plan {
                eprintln!("in plan {name:?} ({}):", path.display());
            }
            report(plan, path, &files, e.error)
        })?;
    Ok(Evaluated::Program(program, results))
}

/// The results formats `--out` writes, by extension.
#[derive(Clone, Copy)]
enum OutFormat {
    Json,
    Csv,
}

fn out_format(p: &Path) -> Result<OutFormat, Reported> {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "json" => Ok(OutFormat::Json),
        "csv" => Ok(OutFormat::Csv),
        _ => Err(fail(format!(
            "{}: unknown output format; use .json or .csv",
            p.display()
        ))),
    }
}

/// The input files of a `run` or `explain`.
fn data_inputs(args: &DataArgs) -> Vec<&Path> {
    let mut v: Vec<&Path> = args.plans.iter().map(PathBuf::as_path).collect();
    v.extend([args.payees.as_path(), &args.deals]);
    v.extend(
        [
            &args.credits,
            &args.quotas,
            &args.managers,
            &args.assignments,
        ]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path),
    );
    v
}

fn run(
    args: &DataArgs,
    out: Option<&Path>,
    statements: Option<&Path>,
    verify_traces: bool,
) -> Result<(), Reported> {
    let folder = statements.filter(|d| *d != Path::new("-"));
    // Everything that can be refused about the outputs is refused before anything is read.
    let format = out.map(out_format).transpose()?;
    if let Some(p) = out {
        check_writable(p).map_err(fail)?;
    }
    let inputs = data_inputs(args);
    let outputs: Vec<&Path> = out.into_iter().chain(folder).collect();
    check_outputs(&inputs, &outputs)?;
    if let Some(d) = folder.filter(|d| d.exists() && !d.is_dir()) {
        return Err(fail(format!(
            "cannot write statements to {}: it is not a folder",
            d.display()
        )));
    }
    if !outputs.is_empty() {
        output::remove_on_signal().map_err(fail)?;
    }
    let progress = Progress::start();
    let evaluated = evaluate(args, &progress)?;
    if verify_traces {
        progress.set("verifying");
        let verified = evaluated.verify_traces()?;
        eprintln!(
            "verified {} from their traces",
            count(verified, "line", "lines")
        );
    }
    progress.set("writing");
    let payees = evaluated.payees();
    // File names from payee ids: unsafe characters become `_`, and a name already taken gets a
    // numbered suffix, so two payees never share a statement file.
    let mut taken = std::collections::HashSet::new();
    let statement_docs: Vec<(String, String)> = match statements {
        None => Vec::new(),
        Some(_) => payees
            .iter()
            .filter_map(|p| evaluated.statement(p).map(|s| (p, s)))
            .map(|(p, doc)| {
                let safe: String = p
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let mut name = format!("{safe}.md");
                let mut n = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{safe}-{n}.md");
                    n += 1;
                }
                (name, doc)
            })
            .collect(),
    };
    drop(progress);
    // The statement files are known only now: none may be an input or the results file.
    let statement_paths: Vec<PathBuf> = match folder {
        Some(dir) => statement_docs
            .iter()
            .map(|(name, _)| dir.join(name))
            .collect(),
        None => Vec::new(),
    };
    if folder.is_some_and(Path::exists) {
        let inputs: Vec<Place> = inputs.iter().map(|p| Place::new(p)).collect();
        let out = out.map(Place::new);
        for path in &statement_paths {
            let outputs: Vec<Place> = out.iter().cloned().chain([Place::new(path)]).collect();
            check_paths(&inputs, &outputs).map_err(fail)?;
        }
    }
    // Every file is written to a temporary first; they are renamed in place all together.
    let mut outputs = Outputs::default();
    if let (Some(p), Some(format)) = (out, format) {
        outputs
            .write(p, |w| match (format, &evaluated) {
                (OutFormat::Json, Evaluated::Plan(_, r)) => {
                    serde_json::to_writer(w, r).map_err(Into::into)
                }
                (OutFormat::Json, Evaluated::Program(_, r)) => {
                    serde_json::to_writer(w, r).map_err(Into::into)
                }
                (OutFormat::Csv, Evaluated::Plan(_, r)) => {
                    commissio::core::render::csv::write_results_csv(w, r)
                }
                (OutFormat::Csv, Evaluated::Program(_, r)) => {
                    commissio::core::render::csv::write_program_csv(w, r)
                }
            })
            .map_err(fail)?;
    }
    if let Some(dir) = folder {
        outputs.create_dir(dir).map_err(fail)?;
        for (path, (_, doc)) in statement_paths.iter().zip(&statement_docs) {
            outputs
                .write(path, |w| w.write_all(doc.as_bytes()))
                .map_err(fail)?;
        }
    }
    outputs.commit().map_err(fail)?;
    if let Some(p) = out {
        eprintln!(
            "wrote {} to {}",
            count(evaluated.line_count(), "line", "lines"),
            p.display()
        );
    }
    match statements {
        Some(dir) if dir == Path::new("-") => {
            let mut stdout = std::io::stdout().lock();
            for (_, doc) in &statement_docs {
                let _ = writeln!(stdout, "{doc}");
            }
        }
        Some(dir) => {
            eprintln!(
                "wrote {} to {}",
                count(statement_docs.len(), "statement", "statements"),
                dir.display()
            );
        }
        None => {}
    }
    if statements.is_none() || out.is_some() {
        match &evaluated {
            Evaluated::Plan(_, r) => print_totals(
                r.named_totals()
                    .map(|t| (t.payee.to_string(), t.period, t.amount)),
                r.grand_total(),
            ),
            Evaluated::Program(_, r) => print_totals(
                r.totals
                    .iter()
                    .map(|t| (t.payee.clone(), t.period.clone(), t.amount)),
                r.grand_total(),
            ),
        }
    }
    Ok(())
}

/// `1 line`, `2 lines`: a count with its noun in the number it takes.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The totals table: one row per (payee, period, amount), then the grand total.
fn print_totals(totals: impl Iterator<Item = (String, String, Decimal)>, grand: Decimal) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{:<12} {:<10} {:>16}", "payee", "period", "amount");
    for (payee, period, amount) in totals {
        let _ = writeln!(
            stdout,
            "{payee:<12} {period:<10} {:>16}",
            group_digits(amount)
        );
    }
    let _ = writeln!(
        stdout,
        "{:<12} {:<10} {:>16}",
        "total",
        "",
        group_digits(grand)
    );
}

fn explain(args: &DataArgs, payee: &str, deal: Option<&str>) -> Result<(), Reported> {
    let progress = Progress::start();
    let evaluated = evaluate(args, &progress)?;
    drop(progress);
    match evaluated.explain(payee, deal) {
        Some(text) => {
            print!("{text}");
            Ok(())
        }
        None => Err(fail(match deal {
            Some(d) => format!(
                "payee {payee:?} has no lines for deal {d:?} in {}",
                args.period
            ),
            None => format!("payee {payee:?} has no lines in {}", args.period),
        })),
    }
}

/// An attainment flag of `curve` (`120%` or `1.2`), by the facade's one rule.
fn parse_ratio(text: &str, flag: &str) -> Result<Decimal, Reported> {
    parse_decimal_argument(&format!("--{flag}"), text, ArgumentKind::Ratio)
        .map_err(|e| fail(e.to_string()))
}

fn curve_cmd(
    plan_path: &Path,
    payees: &Path,
    quotas: Option<&Path>,
    payee: &str,
    period: &str,
    [from, to, step]: [&String; 3],
    svg: Option<&Path>,
) -> Result<(), Reported> {
    if let Some(p) = svg {
        check_writable(p).map_err(fail)?;
        let inputs: Vec<&Path> = [plan_path, payees].into_iter().chain(quotas).collect();
        check_outputs(&inputs, &[p])?;
        output::remove_on_signal().map_err(fail)?;
    }
    let plan = load_plan(plan_path)?;
    let (from, to, step) = (
        parse_ratio(from, "from")?,
        parse_ratio(to, "to")?,
        parse_ratio(step, "step")?,
    );
    let mut files = vec![(TableKind::Payees, payees.to_path_buf())];
    let payee_table = read_table(payees, TableKind::Payees)?;
    // The curve replaces the payee's deals; an empty deals table with the plan's columns does.
    let quota_table = match quotas {
        Some(q) => {
            files.push((TableKind::Quotas, q.to_path_buf()));
            Some(read_table(q, TableKind::Quotas)?)
        }
        None => None,
    };
    let inputs = Inputs {
        payees: payee_table,
        deals: Table::new(plan.input_schema().column_names(TableKind::Deals)),
        credits: None,
        quotas: quota_table,
        managers: None,
    };
    let points = plan
        .pay_curve(&inputs, payee, period, from, to, step)
        .map_err(|e| report(&plan, plan_path, &files, e))?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{:>11} {:>16} {:>14}",
        "attainment", "credited", "payout"
    );
    for p in &points {
        let _ = writeln!(
            stdout,
            "{:>11} {:>16} {:>14}",
            commissio::core::report::percent(p.attainment),
            group_digits(p.credited.round_dp(2)),
            group_digits(p.payout)
        );
    }
    if let Some(path) = svg {
        let name = plan
            .plan
            .versions
            .first()
            .map(|v| v.name.clone())
            .unwrap_or_default();
        let chart = curve::svg(&points, &format!("{name}: {payee}, {period}"));
        let mut outputs = Outputs::default();
        outputs
            .write(path, |w| w.write_all(chart.as_bytes()))
            .map_err(fail)?;
        outputs.commit().map_err(fail)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
