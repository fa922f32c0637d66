//! The formats a report is exported in: what each is called, its file extension and media
//! type, the file name a download gets, and the renderer. The app's export buttons and
//! `candor report --format` both go through [`ExportFormat`].

use std::fmt;
use std::str::FromStr;

use super::text::{date_stamp, slug};
use super::{to_csv, to_html, to_json, to_markdown, Report};

/// A format a report can be exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// The versioned report file: everything, and it opens again in the app.
    Json,
    /// One row per reply, for spreadsheets.
    Csv,
    /// A readable summary for people.
    Markdown,
    /// A self-contained page with charts and no scripts.
    Html,
}

impl ExportFormat {
    /// Every format, in the order the app offers them.
    pub const ALL: [ExportFormat; 4] =
        [ExportFormat::Json, ExportFormat::Csv, ExportFormat::Markdown, ExportFormat::Html];

    /// The file extension, without the dot; also the format's name on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "md",
            ExportFormat::Html => "html",
        }
    }

    /// The media type a download is saved with.
    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Csv => "text/csv;charset=utf-8",
            ExportFormat::Markdown => "text/markdown;charset=utf-8",
            ExportFormat::Html => "text/html;charset=utf-8",
        }
    }

    /// The name shown on the export button.
    pub fn title(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON",
            ExportFormat::Csv => "CSV",
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Html => crate::core::i18n::tr(crate::core::i18n::Msg::HtmlReport),
        }
    }

    /// The report in this format, byte for byte what the app downloads.
    pub fn render(self, report: &Report) -> String {
        match self {
            ExportFormat::Json => to_json(report),
            ExportFormat::Csv => to_csv(report),
            ExportFormat::Markdown => to_markdown(report),
            ExportFormat::Html => to_html(report),
        }
    }

    /// The name a download of `report` gets: `candor`, the run's start (UTC), then what
    /// the run asked (the imported file's name, or up to three providers' titles), e.g.
    /// `candor-2025-11-29-2043-deepseek-chat-vs-qwen-max.csv`. The run's id stands in only
    /// when the report has neither a date nor a name to go by.
    pub fn file_name(self, report: &Report) -> String {
        format!("{}.{}", file_stem(report), self.extension())
    }
}

/// The longest a part of a file name taken from a title may be, in characters.
const PART_MAX: usize = 40;

fn file_stem(report: &Report) -> String {
    let short = |s: &str| -> String {
        let s = slug(s);
        match s.char_indices().nth(PART_MAX) {
            Some((i, _)) => s[..i].trim_end_matches('-').to_string(),
            None => s,
        }
    };
    let mut parts = vec!["candor".to_string()];
    if report.run.started_ms > 0.0 {
        parts.extend(date_stamp(report.run.started_ms));
    }
    let imported =
        report.source.file.as_deref().map(|f| short(f.rsplit_once('.').map_or(f, |(stem, _)| stem)));
    match imported.filter(|f| !f.is_empty()) {
        Some(file) => parts.push(file),
        None => {
            let titles: Vec<String> =
                report.providers.iter().map(|p| short(&p.title)).filter(|t| !t.is_empty()).collect();
            let mut asked = titles.iter().take(3).cloned().collect::<Vec<_>>().join("-vs-");
            if titles.len() > 3 {
                asked.push_str(&format!("-and-{}-more", titles.len() - 3));
            }
            if !asked.is_empty() {
                parts.push(asked);
            }
        }
    }
    if parts.len() == 1 {
        parts.push(short(&report.run.id));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("-")
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A format name that is none of Candor's export formats.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format `{0}`; the formats are html, md, csv and json")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    /// Reads a format's extension (`json`, `csv`, `md`, `html`), or `markdown`; case is
    /// ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "markdown" => Ok(ExportFormat::Markdown),
            lower => ExportFormat::ALL
                .into_iter()
                .find(|f| f.extension() == lower)
                .ok_or_else(|| UnknownFormat(s.to_string())),
        }
    }
}
