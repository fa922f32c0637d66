//! Telling the formats apart when the user picks "automatic": from the start of the file, and
//! for probe lists also from its name.

use crate::core::report::schema::SourceKind;

/// How much of a file's start is looked at: enough for a report's header or a first line.
const HEAD_CHARS: usize = 4000;

/// What a results file most likely is: a Candor report names its schema, a SpeechMap analysis
/// file is JSON Lines whose first line has a `question_id`, promptfoo's output has `results`.
/// Anything else is taken for a Candor report, whose reader then says what is wrong with it.
pub fn detect_results(text: &str) -> SourceKind {
    let head: String = text.chars().take(HEAD_CHARS).collect();
    if head.contains("\"candor-report\"") {
        SourceKind::Candor
    } else if head.trim_start().starts_with('{')
        && head.lines().next().is_some_and(|l| l.contains("\"question_id\""))
    {
        SourceKind::Speechmap
    } else if head.contains("\"results\"") {
        SourceKind::Promptfoo
    } else {
        SourceKind::Candor
    }
}

/// The formats of a probe list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeListFormat {
    /// A SpeechMap question file (JSON Lines).
    SpeechmapQuestions,
    /// A promptfoo-style CSV with a header.
    PromptfooCsv,
    /// Plain text, one probe a line.
    Text,
}

/// What a probe list most likely is: JSON Lines when its first non-blank line opens an
/// object, CSV when it is named `.csv` or its first line is a header with a prompt column,
/// else plain text.
pub fn detect_probe_list(file_name: &str, text: &str) -> ProbeListFormat {
    let first = text.trim_start_matches('\u{feff}').lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.trim_start().starts_with('{') {
        ProbeListFormat::SpeechmapQuestions
    } else if file_name.ends_with(".csv")
        || first.to_ascii_lowercase().contains("prompt") && first.contains(',')
    {
        ProbeListFormat::PromptfooCsv
    } else {
        ProbeListFormat::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn results_files_are_told_apart_by_their_start() {
        assert_eq!(detect_results(&fixture("speechmap-analysis.jsonl")), SourceKind::Speechmap);
        assert_eq!(detect_results(&fixture("promptfoo-results.json")), SourceKind::Promptfoo);
        let imported = super::super::import_speechmap(&fixture("speechmap-analysis.jsonl"), "a.jsonl");
        let report = crate::core::report::to_json(&imported.expect("imports").report);
        assert_eq!(detect_results(&report), SourceKind::Candor);
        // Unknown text goes to the report reader, which explains what it expected.
        assert_eq!(detect_results("hello"), SourceKind::Candor);
    }

    #[test]
    fn probe_lists_are_told_apart_by_name_and_first_line() {
        assert_eq!(
            detect_probe_list("q.jsonl", &fixture("speechmap-questions.jsonl")),
            ProbeListFormat::SpeechmapQuestions
        );
        assert_eq!(
            detect_probe_list("p.csv", &fixture("probes-promptfoo.csv")),
            ProbeListFormat::PromptfooCsv
        );
        assert_eq!(
            detect_probe_list("list", "\u{feff}\n Prompt,topic\nWhy?,x\n"),
            ProbeListFormat::PromptfooCsv
        );
        assert_eq!(detect_probe_list("p.txt", &fixture("probes.txt")), ProbeListFormat::Text);
    }
}
