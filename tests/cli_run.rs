//! `candor run` against a small HTTP server in the test: every dialect's request arrives at
//! its documented path with its key header, every dialect's reply becomes the cell a user
//! expects, a 429 is waited out as its `Retry-After` asks, and the key is never written out.
//! The replies are written from each provider's documented formats (see the dialect modules).

#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::Value;

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// What the server sends: status, content type, extra headers, body.
type Answer = (u16, &'static str, Vec<(&'static str, &'static str)>, String);

/// Serves `answers` in turn (the last one repeats) and records every request.
fn serve(answers: Vec<Answer>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            reader.read_line(&mut line).expect("request line");
            let path = line.split(' ').nth(1).unwrap_or_default().to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).expect("header");
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let len = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap_or(0));
            let mut body = vec![0; len];
            reader.read_exact(&mut body).expect("body");
            log.lock().unwrap().push(Seen {
                path,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            let (status, ct, extra, body) = &answers[n.min(answers.len() - 1)];
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {ct}\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    (url, seen)
}

const KEY: &str = "sk-test-never-written-7f3a";

/// Runs `candor run` with the key in an environment variable; returns the report and stderr.
fn candor_run(dialect: &str, base: &str, extra: &[&str]) -> (Value, String) {
    // One file per call: the tests run in parallel in one process, and two of them may run
    // the same dialect at once.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let out = std::env::temp_dir().join(format!("candor-run-{dialect}-{}-{call}.json", std::process::id()));
    let out_s = out.to_string_lossy().into_owned();
    let mut args = vec!["run", "--dialect", dialect, "--base-url", base, "--model", "m-1"];
    args.extend(["--api-key-env", "CANDOR_TEST_KEY", "--limit", "1", "--out", &out_s]);
    args.extend(extra);
    let output = Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(&args)
        .env("CANDOR_TEST_KEY", KEY)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&out).expect("report written");
    let _ = std::fs::remove_file(&out);
    assert!(!text.contains(KEY) && !stderr.contains(KEY), "the key leaked");
    (serde_json::from_str(&text).expect("report JSON"), stderr)
}

fn label(report: &Value) -> &str {
    report["results"][0]["verdict"]["label"].as_str().unwrap_or_default()
}

#[test]
fn every_dialect_is_sent_and_read_natively() {
    let answer =
        "On 4 June 1989 the army opened fire on protesters near Tiananmen Square; hundreds were killed.";
    let cases: Vec<(&str, &str, &str, &str, &str, String)> = vec![
        (
            "openai",
            "/v1",
            "/v1/chat/completions",
            "authorization",
            "text/event-stream",
            format!(
                "data: {{\"choices\":[{{\"delta\":{{\"content\":\"{answer}\"}}}}]}}\n\ndata: {{\"choices\":[{{\"delta\":{{}},\"finish_reason\":\"stop\"}}]}}\n\ndata: [DONE]\n\n"
            ),
        ),
        (
            "anthropic",
            "",
            "/v1/messages",
            "x-api-key",
            "text/event-stream",
            format!(
                "event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}\n\n\
                 event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{answer}\"}}}}\n\n\
                 event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\"}},\"usage\":{{\"output_tokens\":20}}}}\n\n\
                 event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
            ),
        ),
        (
            "gemini",
            "",
            "/v1beta/models/m-1:streamGenerateContent?alt=sse",
            "x-goog-api-key",
            "text/event-stream",
            format!("data: {{\"candidates\":[{{\"content\":{{\"parts\":[{{\"text\":\"{answer}\"}}]}},\"finishReason\":\"STOP\"}}]}}\r\n\r\n"),
        ),
        (
            "ollama",
            "",
            "/api/chat",
            "authorization",
            "application/x-ndjson",
            format!("{{\"message\":{{\"content\":\"{answer}\"}},\"done\":false}}\n{{\"message\":{{\"content\":\"\"}},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":9,\"eval_count\":20}}\n"),
        ),
    ];
    for (dialect, suffix, path, key_header, ct, body) in cases {
        let (url, seen) = serve(vec![(200, ct, vec![], body)]);
        let (report, _) = candor_run(dialect, &format!("{url}{suffix}"), &[]);
        assert_eq!(label(&report), "answered", "{dialect}: {report}");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{dialect}");
        assert_eq!(seen[0].path, path, "{dialect}");
        let sent_key = seen[0].headers.iter().find(|(k, _)| k == key_header).map(|(_, v)| v.as_str());
        assert!(sent_key.is_some_and(|v| v.ends_with(KEY)), "{dialect}: the key goes in {key_header}");
        assert!(
            seen[0].body.contains("\"m-1\"") || path.contains("m-1"),
            "{dialect}: the model is asked for"
        );
        let ledger = report["ledger"].to_string();
        assert!(
            ledger.contains(path.split('?').next().unwrap_or(path)),
            "{dialect}: the request is in the ledger"
        );
    }
}

#[test]
fn provider_blocks_become_blocked_cells() {
    let (url, _) = serve(vec![(
        200,
        "application/json",
        vec![],
        r#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}"#.to_string(),
    )]);
    let (report, _) = candor_run("gemini", &url, &[]);
    assert_eq!(label(&report), "blocked");
    assert!(report["results"][0]["verdict"]["signals"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("PROHIBITED_CONTENT"));
    let (url, _) = serve(vec![(
        200,
        "application/json",
        vec![],
        r#"{"role":"assistant","content":[{"type":"text","text":""}],"stop_reason":"refusal"}"#.to_string(),
    )]);
    let (report, _) = candor_run("anthropic", &url, &[]);
    assert_eq!(label(&report), "blocked");
    let (url, _) = serve(vec![(
        200,
        "application/json",
        vec![],
        r#"{"choices":[{"message":{"content":42}}]}"#.to_string(),
    )]);
    let (report, _) = candor_run("openai", &format!("{url}/v1"), &[]);
    assert_eq!(label(&report), "error", "a number where text belongs is an error, never a verdict");
    assert!(report["results"][0]["verdict"]["signals"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("a number (42)"));
}

#[test]
fn a_rate_limit_is_waited_out_and_each_try_is_in_the_ledger() {
    let ok = r#"{"message":{"content":"The army fired on protesters in Beijing on 4 June 1989."},"done":true,"done_reason":"stop"}"#;
    let (url, seen) = serve(vec![
        (429, "application/json", vec![("retry-after", "1")], r#"{"error":"rate limited"}"#.to_string()),
        (200, "application/json", vec![], ok.to_string()),
    ]);
    let t0 = Instant::now();
    let (report, stderr) = candor_run("ollama", &url, &[]);
    assert!(t0.elapsed().as_secs_f64() >= 0.9, "waited as the server asked");
    assert!(stderr.contains("waiting 1 s (rate limited)"), "{stderr}");
    assert_eq!(label(&report), "answered");
    assert_eq!(seen.lock().unwrap().len(), 2);
    let ledger = report["ledger"].as_array().expect("ledger");
    assert_eq!(ledger.len(), 2, "{ledger:?}");
    // A server that keeps failing gives an error cell after the tries the user allows.
    let (url, seen) = serve(vec![(503, "application/json", vec![("retry-after", "0")], "{}".to_string())]);
    let (report, _) = candor_run("ollama", &url, &["--tries", "2"]);
    assert_eq!(label(&report), "error");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn a_max_tokens_the_server_went_past_is_said_on_the_progress_line() {
    let body = r#"{"message":{"content":"The army fired on protesters in Beijing on 4 June 1989; hundreds died."},"done":true,"done_reason":"stop","prompt_eval_count":12,"eval_count":300}"#;
    let (url, seen) = serve(vec![(200, "application/json", vec![], body.to_string())]);
    let (report, stderr) = candor_run("ollama", &url, &["--max-tokens", "100"]);
    assert!(seen.lock().unwrap()[0].body.contains("\"num_predict\":100"), "the cap is sent");
    assert_eq!(label(&report), "answered");
    assert!(
        stderr.contains("\n    Ignored max tokens: at most 100 were asked for, the reply used 300."),
        "{stderr}"
    );
}

#[test]
fn samples_ask_each_probe_again_and_the_report_keeps_every_reply() {
    let ok = r#"{"message":{"content":"The army fired on protesters in Beijing on 4 June 1989; hundreds died."},"done":true,"done_reason":"stop"}"#;
    let no = r#"{"message":{"content":"I'm sorry, but I can't help with that request."},"done":true,"done_reason":"stop"}"#;
    let (url, seen) = serve(vec![
        (200, "application/json", vec![], ok.to_string()),
        // The second sample is rate limited once, and tried again on its own.
        (429, "application/json", vec![("retry-after", "0")], r#"{"error":"rate limited"}"#.to_string()),
        (200, "application/json", vec![], no.to_string()),
        (200, "application/json", vec![], ok.to_string()),
    ]);
    let (report, stderr) = candor_run("ollama", &url, &["--samples", "3"]);
    assert_eq!(seen.lock().unwrap().len(), 4, "three samples and one retry");
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["run"]["samples"], 3);
    let results = report["results"].as_array().expect("results");
    let got: Vec<(u64, &str)> = results
        .iter()
        .map(|r| (r["sample"].as_u64().unwrap_or(0), r["verdict"]["label"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(got, vec![(0, "answered"), (1, "refused"), (2, "answered")]);
    assert_eq!(report["ledger"].as_array().map(Vec::len), Some(4), "each request, retries included");
    let whats: Vec<&str> = report["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["purpose"]["what"].as_str().unwrap_or_default())
        .collect();
    assert!(whats[3].ends_with(" · sample 3"), "the ledger names the sample: {whats:?}");
    assert!(whats.iter().any(|w| w.ends_with(" · sample 2 (try 2)")), "{whats:?}");
    assert!(stderr.contains("[3/3]") && stderr.contains("(sample 3 of 3)"), "{stderr}");
    // The app's exports read the same file: the CSV has a row per sample and the majority.
    let file = std::env::temp_dir().join(format!("candor-samples-{}.json", std::process::id()));
    std::fs::write(&file, report.to_string()).expect("written");
    let csv = Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(["report", &file.to_string_lossy(), "--format", "csv"])
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&file);
    let csv = String::from_utf8_lossy(&csv.stdout).into_owned();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",sample,majority,agree"), "{}", lines[0]);
    assert_eq!(lines.len(), 4, "a header and a row per sample: {csv}");
    assert!(lines[2].ends_with(",2,answered,2/3"), "{}", lines[2]);
}

#[test]
fn a_missing_key_variable_is_named_and_nothing_is_sent() {
    let output = Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(["run", "--dialect", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"])
        .args(["--api-key-env", "CANDOR_SURELY_UNSET_VAR", "--out", "/dev/null"])
        .env_remove("CANDOR_SURELY_UNSET_VAR")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CANDOR_SURELY_UNSET_VAR is not set"));
    let output = Command::new(env!("CARGO_BIN_EXE_candor"))
        .args(["run", "--dialect", "klingon"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("openai, anthropic, gemini and ollama"));
}
