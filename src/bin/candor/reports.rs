//! `candor import`, `candor report` and `candor compare`: reports on the command line,
//! byte for byte as the app writes them.

use std::io::{self, Write};
use std::process::ExitCode;

use candor::core::report::{self, ExportFormat, InputFormat};

use crate::{file_name, read};

/// Writes an export to stdout as is; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    ExitCode::SUCCESS
}

/// `candor import FORMAT FILE`: another tool's results as a report on stdout, what was
/// left out on stderr.
pub fn import(format: InputFormat, path: &str) -> ExitCode {
    let name = file_name(path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("candor: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = match report::decode_utf8(&bytes, &name) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("candor: {e}");
            return ExitCode::FAILURE;
        }
    };
    match format.open(&name, &text) {
        Ok(imp) => {
            for (location, reason) in &imp.skipped {
                eprintln!("candor: {name}: {location} skipped: {reason}");
            }
            for (location, note) in &imp.notes {
                eprintln!("candor: {name}: {location}: {note}");
            }
            let r = &imp.report;
            eprintln!(
                "candor: {name}: {} replies ({} probes, {} providers) imported, {} rows skipped",
                r.results.len(),
                r.probes.len(),
                r.providers.len(),
                imp.skipped.len()
            );
            emit(&report::to_json(r))
        }
        Err(e) => {
            eprintln!("candor: {}", e.reason);
            ExitCode::FAILURE
        }
    }
}

fn load_report(path: &str) -> Result<report::Report, ExitCode> {
    let text = read(path)?;
    report::Report::from_json(&text).map_err(|e| {
        eprintln!("candor: {path}: {e}");
        ExitCode::FAILURE
    })
}

/// `candor report FILE --format F`: a saved report rendered on stdout.
pub fn render(path: &str, format: ExportFormat) -> ExitCode {
    match load_report(path) {
        Ok(r) => emit(&format.render(&r)),
        Err(code) => code,
    }
}

/// `candor compare A B`: which cells changed verdict. With `exit_code` the status says it
/// the way `diff` does: 0 when no cell changed, 1 when any did (a scheduled job then fails
/// and someone looks), 2 when a report cannot be read. With `judge_again` both reports'
/// replies are judged again by this build's classifier first (the files are not changed),
/// so a change is the models' and not a change of Candor's classifier between the runs.
pub fn compare_reports(a: &str, b: &str, exit_code: bool, judge_again: bool) -> ExitCode {
    let (mut ra, mut rb) = match (load_report(a), load_report(b)) {
        (Ok(ra), Ok(rb)) => (ra, rb),
        (Err(_), _) | (_, Err(_)) if exit_code => return ExitCode::from(2),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let mut head = String::new();
    if judge_again {
        ra.judge_every_reply_again();
        rb.judge_every_reply_again();
        head.push_str(
            "Both reports' replies judged again by this build's classifier (the files are unchanged).\n",
        );
    } else if ra.app_version != rb.app_version {
        head.push_str(&format!(
            "The reports were written by Candor {} and {}: a verdict may differ because the classifier \
             changed. --judge-again judges both reports' replies with this build.\n",
            ra.app_version, rb.app_version
        ));
    }
    let comparison = report::compare(&ra, &rb);
    let shown = emit(&(head + &comparison.describe()));
    if exit_code && !comparison.changed.is_empty() {
        return ExitCode::from(1);
    }
    shown
}
