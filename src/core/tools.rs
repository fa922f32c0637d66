//! The jobs of Candor's tools worker: rendering an export (CSV, Markdown, the HTML report)
//! and reading another tool's file (a SpeechMap or promptfoo result file, a probe list).
//!
//! They run in a second WebAssembly module that the page loads the first time one is asked
//! for (`src/bin/candor-tools.rs`), so their code is not part of the app's first load and a
//! large export or import does not hold up the page. Strings go in and strings come out:
//! the page sends a report as its JSON file and gets the rendered file back, or sends a
//! file's text and gets a report's JSON (or a probe list's) back, which it reads with the
//! same reader it opens saved runs with.
//!
//! An imported file's replies are judged here, with [`Report::judge_again`] (the same
//! classifier a run's replies go through): the page hands the worker the classifier's
//! files with the job.

use super::pack::{Lang, Probe};
use super::report::{
    detect_probe_list, import_notice, import_probes_promptfoo_csv, import_probes_speechmap_questions,
    import_probes_text, to_json, ExportFormat, InputFormat, ProbeListFormat, Report,
};

/// One job for the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Render `report` (a report's JSON file) in `format`.
    Export {
        /// The format to render.
        format: ExportFormat,
        /// The report, as its JSON file.
        report: String,
    },
    /// Read the file `name` in `format` as a run.
    Open {
        /// What the file is read as.
        format: InputFormat,
        /// The file's name, for messages.
        name: String,
        /// The file's text.
        text: String,
    },
    /// Read the probe list `name`, its probes under `topic` (and `lang` where the file does
    /// not say).
    Probes {
        /// The file's name, for messages.
        name: String,
        /// The file's text.
        text: String,
        /// The topic the probes are listed under.
        topic: String,
        /// The language of probes the file does not give one.
        lang: Option<Lang>,
    },
}

/// What a job produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    /// The rendered file (export), the report's JSON (open) or the probes' JSON array
    /// (probes).
    pub text: String,
    /// For an import: what it left out, in words.
    pub notice: Option<String>,
}

impl Job {
    /// Does the job. The error is the sentence the user is shown.
    pub fn perform(&self) -> Result<Done, String> {
        match self {
            Job::Export { format, report } => {
                let report = Report::from_json(report).map_err(|e| format!("The export failed: {e}"))?;
                Ok(Done { text: format.render(&report), notice: None })
            }
            Job::Open { format, name, text } => {
                let mut imported = format.open(name, text).map_err(|e| e.to_string())?;
                let notice = import_notice(name, &imported);
                imported.report.judge_again();
                Ok(Done { text: to_json(&imported.report), notice })
            }
            Job::Probes { name, text, topic, lang } => {
                let probes = read_probe_list(name, text, topic, *lang)?;
                // Probes are plain data with string keys: they always serialize.
                let text = serde_json::to_string_pretty(&probes).expect("probes always serialize");
                Ok(Done { text, notice: None })
            }
        }
    }
}

/// Reads a probe list in whichever of the three formats it is (promptfoo CSV, SpeechMap
/// questions, plain text); the error names the file.
pub fn read_probe_list(
    name: &str,
    text: &str,
    topic: &str,
    lang: Option<Lang>,
) -> Result<Vec<Probe>, String> {
    let result = match detect_probe_list(name, text) {
        ProbeListFormat::SpeechmapQuestions => import_probes_speechmap_questions(text, topic, lang),
        ProbeListFormat::PromptfooCsv => import_probes_promptfoo_csv(text, topic, lang),
        ProbeListFormat::Text => import_probes_text(text, topic, lang),
    };
    result.map_err(|e| format!("{name}: {e}"))
}
