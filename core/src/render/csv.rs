//! Results as CSV: a header, then one row per line (payee, period, component, deal, kind,
//! share, amount), without traces (JSON carries those).

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
    for l in r.lines() {
        let v = r.view(&l);
        let kind = v.kind.name();
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
