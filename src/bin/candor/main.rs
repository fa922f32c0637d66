//! Candor's command-line tool, built on the same core as the web app.
//!
//! ```text
//! candor classify            JSON Lines on stdin -> the same lines plus "verdict" on stdout
//! candor pack [FILE]         validate a probe pack (default: the built-in one) and summarise it
//! candor pack check [FILE]   every content rule of a pack
//! candor import speechmap|promptfoo FILE    another tool's results -> a Candor report on stdout
//! candor report FILE --format html|md|csv|json    render a saved report, as the app exports it
//! candor compare A B         which cells changed verdict between two reports (--exit-code: 1 if any;
//!                            --judge-again: both judged by this build's classifier first)
//! candor run --dialect D --base-url U --model M --out F    a pack sent to one model
//! ```
//!
//! `args` reads the command line into a [`args::Command`]; one module per group of
//! commands carries them out. `candor --help` lists every command and its flags.

mod args;
mod classify;
mod judged;
mod pack;
mod reports;
#[cfg(not(target_arch = "wasm32"))]
mod run;

use std::process::ExitCode;

use args::{Command, UsageError};

fn main() -> ExitCode {
    leave_quietly_when_the_reader_stops();
    match args::parse(std::env::args_os().skip(1)) {
        Ok(command) => run(command),
        Err(UsageError { nothing_asked: true, .. }) => {
            eprint!("{}", args::usage());
            ExitCode::from(2)
        }
        Err(UsageError { message, command, .. }) => {
            match command {
                Some(name) => eprintln!("candor: {message}\nRun `candor {name} --help` for its usage."),
                None => eprintln!("candor: {message}\nRun `candor --help` for the list of commands."),
            }
            ExitCode::from(2)
        }
    }
}

/// A reader that stops early (`candor eval … | head`) closes the pipe, and printing to it then
/// fails, which Rust reports as a panic. End quietly instead, with the status a shell gives a
/// command stopped by a closed pipe (141), as other command-line tools do.
fn leave_quietly_when_the_reader_stops() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or(payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        report(info);
    }));
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Help(None) => print!("{}", args::usage()),
        Command::Help(Some(h)) => print!("usage:\n{h}"),
        Command::Classify => return classify::classify_stdin(),
        Command::Eval { files, split, misses } => return judged::eval(&files, split, misses),
        Command::Train { files, written, out, config } => {
            return judged::train(&files, &written, out.as_deref(), &config)
        }
        Command::Cv { files, written, config, split, misses } => {
            return judged::cross_validate(&files, &written, &config, split, misses)
        }
        Command::Bench { file } => return classify::bench(&file),
        Command::BenchBad => return classify::bench_bad(),
        Command::Pack { file } => return pack::pack(file.as_deref()),
        Command::PackCheck { file } => return pack::pack_check(file.as_deref()),
        Command::Import { format, file } => return reports::import(format, &file),
        Command::Report { file, format } => return reports::render(&file, format),
        Command::Compare { a, b, exit_code, judge_again } => {
            return reports::compare_reports(&a, &b, exit_code, judge_again)
        }
        #[cfg(not(target_arch = "wasm32"))]
        Command::Run(args) => return run::run(&args),
        #[cfg(target_arch = "wasm32")]
        Command::Run(_) => {
            eprintln!("candor: `candor run` needs the native build");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// A text file's contents; a file that cannot be read is reported, and ends the command.
pub(crate) fn read(path: &str) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("candor: cannot read {path}: {e}");
        ExitCode::FAILURE
    })
}

/// The file's name without its directories: reports record where results came from, not
/// where they sit on someone's disk.
pub(crate) fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}
