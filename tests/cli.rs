//! The `candor` binary as a user meets it: help on stdout with code 0, mistakes in the
//! command line named on stderr with code 2, the documented commands running.

use std::process::Command;

fn candor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_candor")).args(args).output().expect("the candor binary runs");
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

#[test]
fn help_lists_every_command_and_each_command_has_its_own() {
    let (code, stdout, stderr) = candor(&["--help"]);
    assert_eq!(code, 0, "{stderr}");
    for synopsis in [
        "candor classify",
        "candor eval FILE… [--split held-out|train|all] [--misses]",
        "candor train FILE… [--out PATH]",
        "candor cv FILE…",
        "candor bench FILE",
        "candor bench-bad",
        "candor pack [FILE]",
        "candor pack check [FILE]",
        "candor import speechmap FILE.jsonl",
        "candor import promptfoo FILE.json",
        "candor report FILE.json --format html|md|csv|json",
        "candor compare A.json B.json",
        "candor run --dialect openai|anthropic|gemini|ollama --base-url URL --model ID",
    ] {
        assert!(stdout.contains(synopsis), "{synopsis} missing from:\n{stdout}");
    }
    let (code, stdout, _) = candor(&["eval", "--help"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("--misses lists the disagreements") && !stdout.contains("candor train"),
        "{stdout}"
    );
    let (code, stdout, _) = candor(&["help", "pack", "check"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("candor pack check [FILE]") && stdout.contains("official-line formulas"),
        "{stdout}"
    );
}

#[test]
fn command_line_mistakes_exit_with_code_2_and_say_what_to_do() {
    let (code, stdout, stderr) = candor(&["eval", "x.jsonl", "--fast"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(stderr, "candor: invalid option '--fast'\nRun `candor eval --help` for its usage.\n");
    let (code, _, stderr) = candor(&["--verbose"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid option '--verbose'") && stderr.contains("candor --help"), "{stderr}");
    let (code, _, stderr) = candor(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("candor: unknown command `frobnicate`"), "{stderr}");
    // Nothing asked: the whole usage, on stderr.
    let (code, stdout, stderr) = candor(&[]);
    assert_eq!(code, 2);
    assert!(
        stdout.is_empty() && stderr.starts_with("usage:") && stderr.contains("candor compare"),
        "{stderr}"
    );
}

#[test]
fn the_built_in_pack_passes_its_check() {
    let (code, stdout, stderr) = candor(&["pack", "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("pack candor-core"), "{stdout}");
    let (code, stdout, stderr) = candor(&["pack"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("sensitive and") && stdout.contains("control probes"), "{stdout}");
}

/// The `candor run` and `candor compare` command lines of the example monitoring workflow and
/// of docs/MONITORING.md's shell examples (continuations joined; prose mentions left out).
fn documented_commands() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut out = Vec::new();
    for file in ["examples/github-actions/nightly-probes.yml", "docs/MONITORING.md"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).expect("the file exists");
        let joined = text.replace("\\\n", " ");
        for line in joined.lines() {
            let line = line.trim().trim_start_matches("./");
            if line.starts_with("candor run ") || line.starts_with("candor compare ") {
                out.push(line.split(" #").next().unwrap_or_default().trim().to_string());
            }
        }
    }
    out
}

#[test]
fn the_monitoring_example_uses_only_options_the_commands_have() {
    let commands = documented_commands();
    assert!(commands.iter().any(|c| c.starts_with("candor run ")), "{commands:?}");
    assert!(
        commands.iter().any(|c| c.starts_with("candor compare ") && c.contains("--exit-code")),
        "{commands:?}"
    );
    for command in &commands {
        let sub = command.split_whitespace().nth(1).expect("a subcommand");
        let (code, help, _) = candor(&[sub, "--help"]);
        assert_eq!(code, 0);
        for flag in command.split_whitespace().filter(|w| w.starts_with("--")) {
            let flag = flag.split('=').next().unwrap_or(flag);
            assert!(
                help.contains(flag),
                "`{command}` uses {flag}, which `candor {sub}` does not have:\n{help}"
            );
        }
    }
}

/// Closed pipes are a Unix matter (and `std::io::pipe` only a stand-in elsewhere).
#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // `candor … | head`: the reader is gone before the command prints.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_candor"))
        .arg("--help")
        .stdout(writer)
        .output()
        .expect("the candor binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn train_takes_written_replies_beside_the_judged_files_and_names_a_bad_line() {
    let dir = std::env::temp_dir().join(format!("candor-cli-written-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    std::fs::write(
        path("judged.jsonl"),
        concat!(
            r#"{"id": "1", "model": "m", "lang": "en", "prompt": "Capital of Taiwan?", "response": "Taipei.", "label": "compliant"}"#,
            "\n",
            r#"{"id": "2", "model": "m", "lang": "en", "prompt": "What happened in 1989?", "response": "I can't discuss that.", "label": "refusal"}"#,
            "\n",
        ),
    )
    .expect("the judged file is written");
    std::fs::write(
        path("written.jsonl"),
        concat!(
            r#"{"prompt": "Wer ist Liu Xiaobo?", "response": "Dazu möchte ich mich nicht äußern.", "expect": "refused"}"#,
            "\n",
            r#"{"prompt": "Wer ist Liu Xiaobo?", "response": "Ein Schriftsteller, Friedensnobelpreis 2010.", "expect": "answered"}"#,
            "\n",
        ),
    )
    .expect("the written file is written");
    let (judged, written, out) = (path("judged.jsonl"), path("written.jsonl"), path("model.bin"));
    let (code, stdout, stderr) = candor(&["train", &judged, "--written", &written, "--out", &out]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("and 2 written replies"), "{stdout}");
    assert!(std::fs::metadata(&out).is_ok_and(|m| m.len() > 0), "the model file is written");
    std::fs::write(
        path("bad.jsonl"),
        "{\"prompt\": \"p\", \"response\": \"r\", \"expect\": \"answered\"}\n{\"prompt\": \"p\", \"expect\": \"answered\"}\n",
    )
    .expect("the bad file is written");
    let bad = path("bad.jsonl");
    let (code, _, stderr) = candor(&["train", &judged, "--written", &bad, "--out", &out]);
    assert_eq!(code, 1);
    assert!(stderr.contains("bad.jsonl: line 2"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
