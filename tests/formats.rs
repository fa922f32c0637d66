//! Export and input formats: the names, extensions and media types the app and the command
//! line share, the file name a download gets, and recognising and opening another tool's file.

use candor::core::report::schema::ReportProvider;
use candor::core::report::{
    import_notice, import_speechmap, source_labels, to_csv, to_html, to_json, to_markdown, ExportFormat,
    Imported, InputFormat, Report,
};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A SpeechMap import turned into what a Candor run's report looks like: no source file,
/// the providers given.
fn candor_run(titles: &[&str]) -> Report {
    let mut report =
        import_speechmap(&fixture("speechmap-analysis.jsonl"), "analysis.jsonl").expect("imports").report;
    report.source.file = None;
    report.run.id = "run-1764448980000".into();
    report.run.started_ms = 1_764_448_980_000.0;
    report.providers = titles
        .iter()
        .enumerate()
        .map(|(i, t)| ReportProvider {
            id: format!("p{i}").into(),
            title: (*t).to_string(),
            model: String::new(),
            base_url: String::new(),
            simulated: false,
            dialect: Default::default(),
            settings: Default::default(),
        })
        .collect();
    report
}

#[test]
fn every_export_format_has_its_own_extension_media_type_and_title() {
    let report = candor_run(&["DeepSeek"]);
    let rendered: Vec<(ExportFormat, String)> =
        ExportFormat::ALL.into_iter().map(|f| (f, f.render(&report))).collect();
    assert_eq!(
        rendered,
        vec![
            (ExportFormat::Json, to_json(&report)),
            (ExportFormat::Csv, to_csv(&report)),
            (ExportFormat::Markdown, to_markdown(&report)),
            (ExportFormat::Html, to_html(&report)),
        ],
        "each format renders with the library's own export"
    );
    let exts: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.extension()).collect();
    assert_eq!(exts, ["json", "csv", "md", "html"]);
    let titles: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.title()).collect();
    assert_eq!(titles, ["JSON", "CSV", "Markdown", "HTML report"]);
    assert_eq!(ExportFormat::Json.mime(), "application/json");
    for f in [ExportFormat::Csv, ExportFormat::Markdown, ExportFormat::Html] {
        assert!(f.mime().starts_with("text/") && f.mime().ends_with(";charset=utf-8"), "{f}: {}", f.mime());
    }
}

#[test]
fn export_formats_parse_from_their_names() {
    for f in ExportFormat::ALL {
        assert_eq!(f.extension().parse::<ExportFormat>(), Ok(f));
        assert_eq!(f.to_string().to_ascii_uppercase().parse::<ExportFormat>(), Ok(f), "case is ignored");
    }
    assert_eq!("markdown".parse::<ExportFormat>(), Ok(ExportFormat::Markdown));
    let err = "pdf".parse::<ExportFormat>().expect_err("no PDF export");
    assert_eq!(err.to_string(), "unknown report format `pdf`; the formats are html, md, csv and json");
}

#[test]
fn a_download_is_named_after_the_run_start_and_what_it_asked() {
    let run = candor_run(&["DeepSeek (deepseek-chat)", "Qwen / qwen-max"]);
    assert_eq!(
        ExportFormat::Csv.file_name(&run),
        "candor-2025-11-29-2043-deepseek-deepseek-chat-vs-qwen-qwen-max.csv"
    );
    let many = candor_run(&["A", "B", "C", "D", "E"]);
    assert_eq!(ExportFormat::Json.file_name(&many), "candor-2025-11-29-2043-a-vs-b-vs-c-and-2-more.json");
    let long = candor_run(&[&"Very long provider name ".repeat(5)]);
    let name = ExportFormat::Html.file_name(&long);
    assert_eq!(name, "candor-2025-11-29-2043-very-long-provider-name-very-long-provid.html");

    // An import is named after its file; the run's id only when nothing else is known.
    let imported =
        import_speechmap(&fixture("speechmap-analysis.jsonl"), "analysis.jsonl").expect("imports").report;
    let name = ExportFormat::Markdown.file_name(&imported);
    assert!(name.starts_with("candor-2026-") && name.ends_with("-analysis.md"), "{name}");
    let mut bare = candor_run(&[]);
    bare.run.started_ms = 0.0;
    assert_eq!(ExportFormat::Json.file_name(&bare), "candor-run-1764448980000.json");
}

#[test]
fn input_formats_are_recognised_from_the_start_of_the_file() {
    let report = to_json(&candor_run(&["DeepSeek"]));
    assert_eq!(InputFormat::detect(&report), InputFormat::Report);
    assert_eq!(InputFormat::detect(&fixture("speechmap-analysis.jsonl")), InputFormat::SpeechMap);
    assert_eq!(InputFormat::detect(&fixture("promptfoo-results.json")), InputFormat::Promptfoo);
    // Anything else is read as a report, whose error then says what is wrong.
    assert_eq!(InputFormat::detect("hello"), InputFormat::Report);
    for f in InputFormat::ALL {
        assert_eq!(f.key().parse::<InputFormat>(), Ok(f));
    }
    assert!("excel".parse::<InputFormat>().is_err());
}

#[test]
fn opening_a_file_reads_it_in_its_format_or_says_why_not() {
    let opened = InputFormat::Auto.open("a.jsonl", &fixture("speechmap-analysis.jsonl")).expect("opens");
    assert!(!opened.report.results.is_empty());
    assert!(!source_labels(&opened.report).is_empty(), "SpeechMap's own labels come along");

    let saved = to_json(&opened.report);
    let reopened = InputFormat::Auto.open("run.json", &saved).expect("a report opens");
    assert_eq!(reopened.report, Report::from_json(&saved).expect("opens"));
    assert!(reopened.skipped.is_empty() && reopened.notes.is_empty());

    let err =
        InputFormat::SpeechMap.open("bad.jsonl", &fixture("speechmap-not-json.jsonl")).expect_err("not JSON");
    assert!(err.to_string().starts_with("bad.jsonl: ") && err.to_string().contains("line"), "{err}");
    // A format chosen by hand is not second-guessed.
    assert!(InputFormat::Promptfoo.open("a.jsonl", &fixture("speechmap-analysis.jsonl")).is_err());
}

#[test]
fn the_import_notice_lists_three_rows_of_each_kind_at_most() {
    let mut imported: Imported =
        InputFormat::SpeechMap.open("a.jsonl", &fixture("speechmap-analysis.jsonl")).expect("opens");
    assert_eq!(import_notice("a.jsonl", &imported), None, "nothing to say");
    imported.skipped = (1..=4).map(|i| (format!("line {i}"), "not JSON".to_string())).collect();
    imported.notes = vec![("line 9".into(), "`reasoning` is a number".into())];
    assert_eq!(
        import_notice("a.jsonl", &imported).as_deref(),
        Some(
            "a.jsonl: 4 rows could not be read and were left out (line 1: not JSON; line 2: not JSON; \
             line 3: not JSON; …). 1 rows were kept with a field ignored (line 9: `reasoning` is a number)."
        )
    );
}
