//! The tools worker's jobs (`core::tools`): what the page gets back for an export, an opened
//! file and a probe list is what the library itself makes of them, and a file the worker
//! reads is judged by the page's one verdict path.

use candor::core::pack::{Lang, Probe};
use candor::core::report::schema::SourceKind;
use candor::core::report::{import_notice, to_json, ExportFormat, InputFormat, Report};
use candor::core::tools::{read_probe_list, Done, Job};
use candor::core::verdict::{Label, Verdict};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn open(name: &str, text: &str) -> Result<Done, String> {
    Job::Open { format: InputFormat::Auto, name: name.into(), text: text.into() }.perform()
}

#[test]
fn an_export_job_renders_the_report_it_is_sent() {
    let report =
        InputFormat::Auto.open("a.jsonl", &fixture("speechmap-analysis.jsonl")).expect("opens").report;
    let json = to_json(&report);
    for format in ExportFormat::ALL {
        let done = Job::Export { format, report: json.clone() }.perform().expect("renders");
        assert_eq!(done.text, format.render(&report), "{format}");
        assert_eq!(done.notice, None);
    }
    let err =
        Job::Export { format: ExportFormat::Csv, report: "{\"cut".into() }.perform().expect_err("broken");
    assert!(err.starts_with("The export failed: "), "{err}");
}

#[test]
fn an_opened_file_comes_back_as_the_report_and_notice_the_import_makes() {
    let text = fixture("speechmap-mixed.jsonl");
    let imported = InputFormat::Auto.open("mixed.jsonl", &text).expect("imports");
    let done = open("mixed.jsonl", &text).expect("opens");
    let report = Report::from_json(&done.text).expect("the answer is a report's JSON");
    assert_eq!(report, imported.report);
    let notice = done.notice.expect("two lines were left out");
    assert_eq!(Some(notice.clone()), import_notice("mixed.jsonl", &imported));
    assert!(notice.contains("line 5") && notice.contains("line 7"), "{notice}");

    let err = open("bad.jsonl", &fixture("speechmap-not-json.jsonl")).expect_err("not JSON");
    assert!(err.starts_with("bad.jsonl: "), "{err}");
}

#[test]
fn imported_replies_are_judged_again_by_the_one_verdict_path() {
    let done = open("analysis.jsonl", &fixture("speechmap-analysis.jsonl")).expect("opens");
    let mut report = Report::from_json(&done.text).expect("a report");
    let expected: Vec<Label> = report.results.iter().map(|r| r.verdict.label).collect();
    assert!(expected.contains(&Label::Answered) && expected.iter().any(|l| *l != Label::Answered));
    // Whatever verdicts a file arrives with, the page's judgement replaces them.
    for row in &mut report.results {
        row.verdict = Verdict { label: Label::Error, confidence: 0.0, signals: Vec::new() };
    }
    report.judge_again();
    let labels: Vec<Label> = report.results.iter().map(|r| r.verdict.label).collect();
    assert_eq!(labels, expected);
    for row in &report.results {
        let probe = report.probes.iter().find(|p| p.id == row.probe).expect("listed");
        assert_eq!(row.verdict, candor::core::verdict::classify(&row.outcome, Some(probe)));
    }
}

#[test]
fn a_candor_report_keeps_the_verdicts_it_was_saved_with() {
    let done = open("analysis.jsonl", &fixture("speechmap-analysis.jsonl")).expect("opens");
    let mut report = Report::from_json(&done.text).expect("a report");
    report.source.kind = SourceKind::Candor;
    report.results[0].verdict =
        Verdict { label: Label::StateNarrative, confidence: 0.5, signals: Vec::new() };
    let before = report.clone();
    report.judge_again();
    assert_eq!(report, before, "a Candor run's verdicts are its record");
}

#[test]
fn a_probe_list_job_reads_each_format_under_the_named_topic() {
    let done = Job::Probes {
        name: "hk.txt".into(),
        text: fixture("probes.txt"),
        topic: "Hong Kong 2019".into(),
        lang: Some(Lang::En),
    }
    .perform()
    .expect("reads");
    let probes: Vec<Probe> = serde_json::from_str(&done.text).expect("the probes' JSON");
    assert_eq!(
        probes,
        read_probe_list("hk.txt", &fixture("probes.txt"), "Hong Kong 2019", Some(Lang::En)).unwrap()
    );
    assert!(probes.len() >= 2, "{probes:?}");
    assert!(probes.iter().all(|p| p.topic == probes[0].topic));
    assert!(probes.iter().any(|p| p.lang == Lang::ZhHans), "the Chinese line is recognised as Chinese");

    let csv =
        read_probe_list("p.csv", &fixture("probes-promptfoo.csv"), "mine", None).expect("a promptfoo CSV");
    assert!(!csv.is_empty());
    let err = read_probe_list("empty.txt", "# only a comment\n", "mine", None).expect_err("nothing to probe");
    assert!(err.starts_with("empty.txt: "), "{err}");
}
