//! The command line as the README, the docs and the scripts call it.

use super::*;

fn cmd(args: &[&str]) -> Result<Command, UsageError> {
    parse(args.iter().copied())
}

fn files(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn the_documented_command_lines_read_as_meant() {
    assert_eq!(cmd(&["classify"]), Ok(Command::Classify));
    assert_eq!(
        cmd(&["eval", "a.jsonl", "b.jsonl", "--split", "held-out", "--misses"]),
        Ok(Command::Eval { files: files(&["a.jsonl", "b.jsonl"]), split: Split::HeldOut, misses: true })
    );
    // Flags anywhere, `--flag=value` too; a file after --misses is a file, not its value.
    assert_eq!(
        cmd(&["eval", "--misses", "a.jsonl", "--split=train"]),
        Ok(Command::Eval { files: files(&["a.jsonl"]), split: Split::Train, misses: true })
    );
    assert_eq!(
        cmd(&["eval", "a.jsonl"]),
        Ok(Command::Eval { files: files(&["a.jsonl"]), split: Split::All, misses: false })
    );
    // scripts/train-model.sh puts --written and --out after the files.
    assert_eq!(
        cmd(&[
            "train",
            "a.jsonl",
            "b.jsonl",
            "--written",
            "w1.jsonl",
            "--written",
            "w2.jsonl",
            "--out",
            "static/model/verdict-v1.bin"
        ]),
        Ok(Command::Train {
            files: files(&["a.jsonl", "b.jsonl"]),
            written: Written { files: files(&["w1.jsonl", "w2.jsonl"]), weight: WRITTEN_WEIGHT },
            out: Some("static/model/verdict-v1.bin".into()),
            config: TrainConfig::default()
        })
    );
    let Ok(Command::Cv { files: f, written, config, split: Split::All, misses: false }) = cmd(&[
        "cv",
        "a.jsonl",
        "--epochs",
        "3",
        "--lr",
        "0.25",
        "--l2",
        "0",
        "--written-weight",
        "0.5",
        "--runs",
        "2",
    ]) else {
        panic!("cv reads")
    };
    assert_eq!(f, files(&["a.jsonl"]));
    assert_eq!(written, Written { files: Vec::new(), weight: 0.5 });
    assert_eq!((config.epochs, config.learning_rate, config.l2, config.runs), (3, 0.25, 0.0, 2));
    assert_eq!(config.deflection_weight, TrainConfig::default().deflection_weight);
    assert_eq!(cmd(&["bench", "dev.jsonl"]), Ok(Command::Bench { file: "dev.jsonl".into() }));
    assert_eq!(cmd(&["bench-bad"]), Ok(Command::BenchBad));
    assert_eq!(cmd(&["pack"]), Ok(Command::Pack { file: None }));
    assert_eq!(cmd(&["pack", "p.json"]), Ok(Command::Pack { file: Some("p.json".into()) }));
    assert_eq!(cmd(&["pack", "check"]), Ok(Command::PackCheck { file: None }));
    assert_eq!(cmd(&["pack", "check", "p.json"]), Ok(Command::PackCheck { file: Some("p.json".into()) }));
    assert_eq!(
        cmd(&["import", "speechmap", "FILE.jsonl"]),
        Ok(Command::Import { format: InputFormat::SpeechMap, file: "FILE.jsonl".into() })
    );
    assert_eq!(
        cmd(&["import", "promptfoo", "FILE.json"]),
        Ok(Command::Import { format: InputFormat::Promptfoo, file: "FILE.json".into() })
    );
    for (flag, format) in [
        ("html", ExportFormat::Html),
        ("md", ExportFormat::Markdown),
        ("markdown", ExportFormat::Markdown),
        ("csv", ExportFormat::Csv),
        ("json", ExportFormat::Json),
    ] {
        assert_eq!(
            cmd(&["report", "report.json", "--format", flag]),
            Ok(Command::Report { file: "report.json".into(), format })
        );
    }
    assert_eq!(
        cmd(&["report", "--format", "csv", "r.json"]),
        Ok(Command::Report { file: "r.json".into(), format: ExportFormat::Csv })
    );
    assert_eq!(
        cmd(&["compare", "old.json", "new.json"]),
        Ok(Command::Compare {
            a: "old.json".into(),
            b: "new.json".into(),
            exit_code: false,
            judge_again: false
        })
    );
    assert_eq!(
        cmd(&["compare", "--exit-code", "old.json", "new.json"]),
        Ok(Command::Compare {
            a: "old.json".into(),
            b: "new.json".into(),
            exit_code: true,
            judge_again: false
        })
    );
    assert_eq!(
        cmd(&["compare", "old.json", "new.json", "--judge-again"]),
        Ok(Command::Compare {
            a: "old.json".into(),
            b: "new.json".into(),
            exit_code: false,
            judge_again: true
        })
    );
}

#[test]
fn help_is_there_for_every_command() {
    assert_eq!(cmd(&["--help"]), Ok(Command::Help(None)));
    assert_eq!(cmd(&["-h"]), Ok(Command::Help(None)));
    assert_eq!(cmd(&["help"]), Ok(Command::Help(None)));
    for h in HELP {
        let words: Vec<&str> = h.name.split(' ').collect();
        assert_eq!(
            cmd(&[words.clone(), vec!["--help"]].concat()),
            Ok(Command::Help(Some(h))),
            "{} --help",
            h.name
        );
        assert_eq!(
            cmd(&[vec!["help"], words.clone()].concat()),
            Ok(Command::Help(Some(h))),
            "help {}",
            h.name
        );
        assert!(usage().contains(h.synopsis.lines().next().unwrap_or_default()), "{} is listed", h.name);
    }
    assert!(Help::of("report").is_some_and(|h| h.to_string().contains("--format html|md|csv|json")));
}

#[test]
fn mistakes_are_named_with_the_command_they_belong_to() {
    let err = |args: &[&str]| cmd(args).expect_err("a usage error");
    assert_eq!(err(&[]).message, "say which command to run");
    assert_eq!(err(&["frobnicate"]).message, "unknown command `frobnicate`");
    assert_eq!(err(&["--verbose"]).message, "invalid option '--verbose'");
    let e = err(&["eval", "a.jsonl", "--fast"]);
    assert_eq!((e.message.as_str(), e.command), ("invalid option '--fast'", Some("eval")));
    // A flag of another command is unknown here.
    assert_eq!(err(&["cv", "a.jsonl", "--out", "x"]).message, "invalid option '--out'");
    assert_eq!(err(&["classify", "--format", "csv"]).message, "invalid option '--format'");
    assert!(err(&["eval", "a.jsonl", "--split", "half"]).message.contains("held-out, train and all"));
    assert!(err(&["eval", "a.jsonl", "--split"]).message.contains("missing argument for option '--split'"));
    assert!(err(&["train", "a.jsonl", "--epochs", "many"]).message.contains("\"many\""));
    assert_eq!(err(&["eval"]).message, "`candor eval` needs judged files");
    assert_eq!(err(&["bench"]).message, "`candor bench` needs a judged file");
    assert_eq!(err(&["compare", "a.json"]).message, "`candor compare` needs two report files");
    assert!(err(&["compare", "a", "b", "c"]).message.contains("unexpected argument \"c\""));
    assert_eq!(
        err(&["import", "excel", "x"]).message,
        "cannot import `excel`: the formats are speechmap and promptfoo"
    );
    assert_eq!(
        err(&["report", "r.json", "--format", "pdf"]).message,
        "unknown report format `pdf`; the formats are html, md, csv and json"
    );
    assert_eq!(
        err(&["report", "r.json"]).message,
        "say which format to write: --format html, md, csv or json"
    );
    assert_eq!(err(&["help", "nothing"]).message, "unknown command `nothing`");
}
