//! Imports: results other tools produced (SpeechMap analysis files, promptfoo result
//! files) turned into Candor reports, and probe lists (promptfoo CSV, SpeechMap question
//! files, plain text) turned into probes.
//!
//! Imported replies are judged again by Candor's own [`classify`](crate::core::verdict::classify);
//! the file's own label (SpeechMap's `compliance`, promptfoo's pass/fail) is kept next to it as
//! `source_label`, so the two can be compared. A row that cannot be read is never dropped
//! silently: it is listed in [`Imported::skipped`] with its location and the reason. The
//! mapping of every field is documented in `docs/REPORT_FORMAT.md`.
//!
//! Each format has its module (`speechmap`, `promptfoo`, `probes`) reading the file into
//! typed rows; `rows` turns rows from any of them into one report, and `detect`
//! ([`detect_results`], [`detect_probe_list`]) tells the formats apart when the user does not say.

mod detect;
mod field;
mod probes;
mod promptfoo;
mod rows;
mod speechmap;

pub use detect::{detect_probe_list, detect_results, ProbeListFormat};
pub use probes::{import_probes_promptfoo_csv, import_probes_speechmap_questions, import_probes_text};
pub use promptfoo::import_promptfoo;
pub use speechmap::import_speechmap;

use super::schema::Report;

/// The topic of imported probes whose source names none.
pub const DEFAULT_TOPIC: &str = "imported";

/// An imported file: the report, and the rows that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The report, results judged by Candor.
    pub report: Report,
    /// Rows left out, as (location, reason): `line 12` for JSON Lines,
    /// `results.results[4]` for promptfoo.
    pub skipped: Vec<(String, String)>,
    /// Rows kept with part of them ignored, as (location, what was ignored and why): a
    /// `reasoning` field that is a number or an object, for example.
    pub notes: Vec<(String, String)>,
}

/// What a source file's own label says about a reply, in the terms Candor shows next to
/// its verdict. SpeechMap's judge labels whether a request was fulfilled; promptfoo's
/// `pass`/`fail` depend on the assertions of the run and mean nothing fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceLabelMeaning {
    /// `COMPLETE`: the request was fulfilled.
    Fulfilled,
    /// `EVASIVE`, `INCOMPLETE`: answered only in part, redirected or watered down.
    Partial,
    /// `DENIAL`: refused.
    Refused,
    /// `ERROR`, `ERROR_…`, `INVALID` (and promptfoo's `error`): the source had no usable reply.
    NoReply,
    /// Any other label; it is shown as it is.
    Unknown,
}

impl SourceLabelMeaning {
    /// The meaning of a label, ignoring case and surrounding space.
    pub fn of(label: &str) -> Self {
        let l = label.trim().to_ascii_uppercase();
        match l.as_str() {
            "COMPLETE" => Self::Fulfilled,
            "EVASIVE" | "INCOMPLETE" => Self::Partial,
            "DENIAL" => Self::Refused,
            "ERROR" | "INVALID" => Self::NoReply,
            _ if l.starts_with("ERROR_") => Self::NoReply,
            _ => Self::Unknown,
        }
    }

    /// A short gloss for a reader, or `None` for a label whose meaning is not known.
    pub fn gloss(self) -> Option<&'static str> {
        match self {
            Self::Fulfilled => Some("the request was fulfilled"),
            Self::Partial => Some("answered only in part or evasively"),
            Self::Refused => Some("refused"),
            Self::NoReply => Some("the source had no usable reply"),
            Self::Unknown => None,
        }
    }
}

/// A source label as the detail view and the exports show it: the label as the file
/// wrote it, with its meaning when Candor knows it (`INCOMPLETE (answered only in part or
/// evasively)`).
pub fn describe_source_label(label: &str) -> String {
    match SourceLabelMeaning::of(label).gloss() {
        Some(gloss) => format!("{label} ({gloss})"),
        None => label.to_string(),
    }
}

/// The text of an imported file's bytes. A file that is not UTF-8 is refused with the
/// byte offset, line and column of the first bad byte, so a user can find it; nothing is
/// replaced silently.
pub fn decode_utf8(bytes: &[u8], file_name: &str) -> Result<String, ImportError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let offset = e.valid_up_to();
            let before = &bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            // Columns count characters; everything before the offset is valid UTF-8.
            let column = std::str::from_utf8(&before[line_start..]).map_or(0, |s| s.chars().count()) + 1;
            Err(ImportError::Encoding {
                file: file_name.to_string(),
                offset,
                line,
                column,
                byte: bytes[offset],
            })
        }
    }
}

/// Why a results file could not be imported at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Nothing in the file.
    #[error("{file}: the file is empty; export the results again")]
    Empty {
        /// File name.
        file: String,
    },
    /// The file is not JSON (promptfoo) or is a JSON document where JSON Lines was expected.
    #[error("{file}: {location}: {message}")]
    Shape {
        /// File name.
        file: String,
        /// Line and column, or the JSON path of the field.
        location: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The file is not UTF-8 text.
    #[error(
        "{file}: byte {offset} (line {line}, column {column}) is 0x{byte:02X}, which is not valid UTF-8; \
         the file may use another encoding (GBK, Big5, Latin-1): save it as UTF-8 and import it again"
    )]
    Encoding {
        /// File name.
        file: String,
        /// 0-based offset of the first byte that is not UTF-8.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column (in characters) of that byte.
        column: usize,
        /// The byte itself.
        byte: u8,
    },
    /// Every row failed.
    #[error("{file}: no row could be read ({count} tried); the first problem is at {location}: {reason}")]
    NothingReadable {
        /// File name.
        file: String,
        /// How many rows were tried.
        count: usize,
        /// Where the first problem is.
        location: String,
        /// What it is.
        reason: String,
    },
}

/// Why a probe list could not be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProbeImportError {
    /// A line (or the record starting on it) is wrong.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line.
        line: usize,
        /// What is wrong and what to do.
        message: String,
    },
    /// The list has no probe at all.
    #[error("no probe found: {0}")]
    Empty(String),
}
