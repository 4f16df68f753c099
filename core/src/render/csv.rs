//! Results as CSV: a header, then one row per line (payee, period, component, deal, kind,
//! share, amount; a program's lines lead with their plan), without traces (JSON carries
//! those).

use crate::program::ProgramResults;
use crate::results::Results;
use std::io::Write;

/// `s` as one CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line
/// break, as RFC 4180 asks; as it is otherwise.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes the results as CSV, one row per line, straight to `out`.
pub fn write_results_csv(out: &mut dyn Write, r: &Results) -> std::io::Result<()> {
    out.write_all(b"payee,period,component,deal,kind,share,amount\n")?;
    write_rows(out, None, r)
}

/// Writes a program's results as CSV: the columns of [`write_results_csv`] led by `plan`, the
/// plans in program order.
pub fn write_program_csv(out: &mut dyn Write, r: &ProgramResults) -> std::io::Result<()> {
    out.write_all(b"plan,payee,period,component,deal,kind,share,amount\n")?;
    for p in &r.plans {
        write_rows(out, Some(&p.name), &p.results)?;
    }
    Ok(())
}

fn write_rows(out: &mut dyn Write, plan: Option<&str>, r: &Results) -> std::io::Result<()> {
    for l in r.lines() {
        let v = r.view(&l);
        let kind = v.kind.name();
        if let Some(plan) = plan {
            write!(out, "{},", csv_field(plan))?;
        }
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            csv_field(v.payee),
            csv_field(&v.period),
            csv_field(v.component),
            csv_field(v.deal.unwrap_or("")),
            kind,
            v.share,
            v.amount
        )?;
    }
    Ok(())
}
