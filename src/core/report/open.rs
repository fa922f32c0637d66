//! Opening a file as a run: which format it is in (chosen, or recognised from its start),
//! reading it as a report or importing it, and the notice that tells what an import left
//! out. The Runs page and `candor import` both go through [`InputFormat`].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::schema::SourceKind;
use super::{import_promptfoo, import_speechmap, Imported, Report};

/// What a file is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// Recognised from the file's start (see [`InputFormat::detect`]).
    Auto,
    /// A Candor report (JSON).
    Report,
    /// A SpeechMap analysis file (JSON Lines).
    SpeechMap,
    /// A promptfoo results file (JSON).
    Promptfoo,
}

impl InputFormat {
    /// Every choice, in the order the app offers them.
    pub const ALL: [InputFormat; 4] =
        [InputFormat::Auto, InputFormat::Report, InputFormat::SpeechMap, InputFormat::Promptfoo];

    /// The format's short name: the value of the app's format menu and the word
    /// `candor import` takes.
    pub fn key(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Report => "report",
            InputFormat::SpeechMap => "speechmap",
            InputFormat::Promptfoo => "promptfoo",
        }
    }

    /// The name shown in the app's format menu.
    pub fn title(self) -> &'static str {
        use crate::core::i18n::{tr, Msg};
        tr(match self {
            InputFormat::Auto => Msg::FormatAuto,
            InputFormat::Report => Msg::FormatReport,
            InputFormat::SpeechMap => Msg::FormatSpeechMap,
            InputFormat::Promptfoo => Msg::FormatPromptfoo,
        })
    }

    /// Guesses a file's format from its start: a Candor report names its schema, a
    /// SpeechMap analysis file is JSON Lines with question ids, promptfoo's output has
    /// `results`. Anything else is read as a report, whose error then says what is wrong.
    pub fn detect(text: &str) -> InputFormat {
        match super::detect_results(text) {
            SourceKind::Candor => InputFormat::Report,
            SourceKind::Speechmap => InputFormat::SpeechMap,
            SourceKind::Promptfoo => InputFormat::Promptfoo,
        }
    }

    /// Reads the text of the file `name` in this format (recognising it first for
    /// [`InputFormat::Auto`]). A report opens as saved, with nothing skipped; an import
    /// judges every reply again.
    pub fn open(self, name: &str, text: &str) -> Result<Imported, OpenError> {
        let fail = |reason: String| OpenError { file: name.to_string(), reason };
        let format = if self == InputFormat::Auto { InputFormat::detect(text) } else { self };
        match format {
            InputFormat::Report | InputFormat::Auto => Report::from_json(text)
                .map(|report| Imported { report, skipped: Vec::new(), notes: Vec::new() })
                .map_err(|e| fail(e.to_string())),
            InputFormat::SpeechMap => import_speechmap(text, name).map_err(|e| fail(e.to_string())),
            InputFormat::Promptfoo => import_promptfoo(text, name).map_err(|e| fail(e.to_string())),
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A name that is none of the input formats.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown file format `{0}`; the formats are auto, report, speechmap and promptfoo")]
pub struct UnknownInputFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownInputFormat;

    /// Reads a format's [`key`](InputFormat::key); case is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InputFormat::ALL
            .into_iter()
            .find(|f| f.key().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownInputFormat(s.to_string()))
    }
}

/// A file that could not be opened; the run shown stays as it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct OpenError {
    /// The file's name.
    pub file: String,
    /// What is wrong with it, with the line or field where the format has one.
    pub reason: String,
}

/// The notice after an import of the file `name`: rows left out, then rows kept with a
/// field ignored, listing three of each at most; `None` when every row was read whole.
pub fn import_notice(name: &str, imported: &Imported) -> Option<String> {
    let list = |items: &[(String, String)]| {
        let first: Vec<String> = items.iter().take(3).map(|(at, why)| format!("{at}: {why}")).collect();
        format!("{}{}", first.join("; "), if items.len() > 3 { "; …" } else { "" })
    };
    let (skipped, notes) = (&imported.skipped, &imported.notes);
    let mut parts = Vec::new();
    if !skipped.is_empty() {
        parts.push(format!(
            "{} rows could not be read and were left out ({}).",
            skipped.len(),
            list(skipped)
        ));
    }
    if !notes.is_empty() {
        parts.push(format!("{} rows were kept with a field ignored ({}).", notes.len(), list(notes)));
    }
    (!parts.is_empty()).then(|| format!("{name}: {}", parts.join(" ")))
}

/// The imported file's own label of each reply, by (probe id, provider id), to show beside
/// Candor's verdict; empty for a Candor run.
pub fn source_labels(report: &Report) -> BTreeMap<(String, crate::core::provider::ProviderId), String> {
    report
        .results
        .iter()
        .filter_map(|r| r.source_label.clone().map(|l| ((r.probe.clone(), r.provider.clone()), l)))
        .collect()
}

impl Report {
    /// Judges every reply of an imported report again with Candor's classifier, in place
    /// (in the browser, the tools worker does this as it reads the file). A Candor report
    /// is left as saved.
    pub fn judge_again(&mut self) {
        if self.source.kind != SourceKind::Candor {
            self.judge_every_reply_again();
        }
    }

    /// Judges every reply again with this build's classifier, a Candor run's too. Two runs
    /// saved months apart were judged by the classifiers of their day; judged again by one,
    /// their differences are the models', not Candor's (`candor compare --judge-again`).
    pub fn judge_every_reply_again(&mut self) {
        let probes: std::collections::HashMap<&str, &crate::core::pack::Probe> =
            self.probes.iter().map(|p| (p.id.as_str(), p)).collect();
        for row in &mut self.results {
            row.verdict =
                crate::core::verdict::classify(&row.outcome, probes.get(row.probe.as_str()).copied());
        }
    }
}
