//! `candor pack` and `candor pack check`: a probe pack read, summarised and checked.

use std::process::ExitCode;

use candor::core::pack::{Pack, ProbeKind, BUILTIN_PACK_JSON};

use crate::read;

/// `candor pack check [FILE]`: every content rule of a pack (see `core::pack_check`),
/// with the classifier's official-line formulas and markers from its phrase tables.
pub fn pack_check(path: Option<&str>) -> ExitCode {
    use candor::core::classifier::phrases::{tables, Table};
    let json = match path {
        Some(p) => match read(p) {
            Ok(s) => s,
            Err(code) => return code,
        },
        None => BUILTIN_PACK_JSON.to_string(),
    };
    let formulas: Vec<String> = tables()
        .entries
        .iter()
        .filter(|(t, _)| matches!(t, Table::Formula | Table::Marker))
        .map(|(_, p)| p.clone())
        .collect();
    match candor::core::pack_check::check(&json, &formulas) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("{} problem(s)", problems.len());
            ExitCode::FAILURE
        }
    }
}

/// `candor pack [FILE]`: a pack read and summarised.
pub fn pack(path: Option<&str>) -> ExitCode {
    let json = match path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("candor: cannot read {p}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => BUILTIN_PACK_JSON.to_string(),
    };
    match Pack::from_json(&json) {
        Ok(pack) => {
            let sensitive = pack.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive).count();
            let probes = |k| pack.probes.iter().filter(|p| p.kind == k).count();
            println!(
                "{} {}: {} topics ({} sensitive), {} sensitive and {} control probes",
                pack.id,
                pack.version,
                pack.topics.len(),
                sensitive,
                probes(ProbeKind::Sensitive),
                probes(ProbeKind::Control)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("candor: {e}");
            ExitCode::FAILURE
        }
    }
}
