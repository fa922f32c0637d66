//! Bodies written from Ollama's `docs/api.md` ("Generate a chat completion": the streamed
//! objects, the final `done: true` object with its counts, the `think` option and the
//! `thinking` field; "List Local Models") and `docs/api/errors.mdx` (an error object inside a
//! stream).

use super::*;
use crate::core::dialect::testing::{crlf, decode, every_split};
use crate::core::dialect::Dialect;

fn endpoint(base: &str) -> Endpoint {
    Endpoint { base_url: base.into(), api_key: None }
}

fn ok(body: &str) -> HttpResponse {
    HttpResponse { status: 200, headers: Vec::new(), body: body.into() }
}

#[test]
fn requests() {
    let params = ChatParams {
        model: "qwen3:8b".into(),
        prompt: "Who is the Tank Man?".into(),
        stream: true,
        max_tokens: Some(512),
        temperature: Some(0.0),
        think: Some(true),
        top_p: None,
        system: None,
        effort: None,
        route: None,
    };
    let req = chat_request(&endpoint("http://localhost:11434/v1/"), &params);
    assert_eq!(req.url, "http://localhost:11434/api/chat", "a pasted /v1 is the same server");
    assert_eq!(
        req.headers,
        vec![("Content-Type".to_owned(), "application/json".to_owned())],
        "no key, no auth header"
    );
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"model":"qwen3:8b","messages":[{"role":"user","content":"Who is the Tank Man?"}],"stream":true,"think":true,"options":{"temperature":0.0,"num_predict":512}}"#
        )
    );
    let plain = chat_request(
        &endpoint("http://localhost:11434"),
        &ChatParams { think: None, max_tokens: None, temperature: None, ..params },
    );
    assert_eq!(
        plain.body.as_deref(),
        Some(
            r#"{"model":"qwen3:8b","messages":[{"role":"user","content":"Who is the Tank Man?"}],"stream":true}"#
        )
    );
    assert_eq!(
        models_request(&endpoint("http://localhost:11434/api")).url,
        "http://localhost:11434/api/tags"
    );
    let tags = r#"{"models":[{"name":"qwen3:8b","model":"qwen3:8b"},{"name":"deepseek-r1:7b","model":"deepseek-r1:7b"}]}"#;
    assert_eq!(
        Dialect::Ollama.parse_models(&ok(tags)),
        Ok(vec!["deepseek-r1:7b".to_owned(), "qwen3:8b".to_owned()])
    );
}

#[test]
fn full_reply_with_thinking_and_counts() {
    let body = r#"{"model":"qwen3:8b","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"An unknown man who stood before tanks.","thinking":"June 5, 1989."},"done":true,"done_reason":"stop","total_duration":5,"prompt_eval_count":26,"eval_count":290}"#;
    let reply = parse_chat_response(&ok(body)).expect("parses");
    assert_eq!(reply.content, "An unknown man who stood before tanks.");
    assert_eq!(reply.reasoning.as_deref(), Some("June 5, 1989."));
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    let u = reply.usage.expect("usage");
    assert_eq!((u.prompt_tokens, u.completion_tokens, u.total_tokens), (Some(26), Some(290), Some(316)));
    let r1 =
        r#"{"message":{"role":"assistant","content":"<think>\n\n</think>\n\nI cannot answer."},"done":true}"#;
    let reply = parse_chat_response(&ok(r1)).expect("parses");
    assert_eq!((reply.content.as_str(), reply.reasoning.as_deref()), ("I cannot answer.", Some("")));
}

#[test]
fn errors_and_wrong_types() {
    let resp = HttpResponse {
        status: 404,
        headers: Vec::new(),
        body: r#"{"error":"model \"x\" not found, try pulling it first"}"#.into(),
    };
    assert!(
        matches!(parse_chat_response(&resp), Err(DialectError::Http { status: 404, message, .. }) if message.starts_with("model \"x\" not found"))
    );
    for (body, field) in [
        (r#"{"message":{"content":42}}"#, "message.content"),
        (r#"{"message":"hi"}"#, "message"),
        (r#"{"message":{"content":"a","thinking":["x"]}}"#, "message.thinking"),
    ] {
        match parse_chat_response(&ok(body)) {
            Err(DialectError::WrongType { field: f, .. }) => assert_eq!(f, field, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    assert!(matches!(parse_chat_response(&ok(" ")), Err(DialectError::EmptyReply(_))));
}

const STREAM: &str = r#"{"model":"qwen3:8b","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"","thinking":"天安门"},"done":false}
{"model":"qwen3:8b","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"He stood "},"done":false}
{"model":"qwen3:8b","created_at":"2025-05-01T10:00:01Z","message":{"role":"assistant","content":"alone."},"done":false}
{"model":"qwen3:8b","created_at":"2025-05-01T10:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":10,"eval_count":7}
"#;

#[test]
fn stream_at_every_split_and_with_crlf() {
    let reply = every_split(Dialect::Ollama, STREAM.as_bytes()).expect("decodes");
    assert_eq!(reply.content, "He stood alone.");
    assert_eq!(reply.reasoning.as_deref(), Some("天安门"));
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    assert_eq!(reply.usage.as_ref().and_then(|u| u.completion_tokens), Some(7));
    assert_eq!(every_split(Dialect::Ollama, crlf(STREAM).as_bytes()), Ok(reply.clone()));
    let no_final_newline = STREAM.trim_end();
    assert_eq!(every_split(Dialect::Ollama, no_final_newline.as_bytes()), Ok(reply));
}

#[test]
fn think_block_in_streamed_content() {
    let body = "{\"message\":{\"content\":\"<think>\\nhmm\"},\"done\":false}\n{\"message\":{\"content\":\"</think>\\n\\nNo.\"},\"done\":true}\n";
    let reply = every_split(Dialect::Ollama, body.as_bytes()).expect("decodes");
    assert_eq!((reply.content.as_str(), reply.reasoning.as_deref()), ("No.", Some("hmm")));
}

#[test]
fn error_line_and_cut_streams() {
    let body = "{\"message\":{\"content\":\"Yes\"},\"done\":false}\n{\"error\":\"an error was encountered while running the model\"}\n";
    assert_eq!(
        every_split(Dialect::Ollama, body.as_bytes()),
        Err(DialectError::Stream("an error was encountered while running the model".into()))
    );
    let cut = STREAM.find("{\"model\":\"qwen3:8b\",\"created_at\":\"2025-05-01T10:00:01Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"}").unwrap();
    let reply = decode(Dialect::Ollama, &[&STREAM.as_bytes()[..cut]]).expect("keeps what came");
    assert_eq!((reply.content.as_str(), reply.finish_reason), ("He stood alone.", None));
    assert_eq!(decode(Dialect::Ollama, &[b"{\"model\":\"q"]), Err(DialectError::Truncated));
    let wrong = "{\"message\":{\"content\":7},\"done\":false}\n";
    assert!(
        matches!(every_split(Dialect::Ollama, wrong.as_bytes()), Err(DialectError::WrongType { field, .. }) if field == "message.content")
    );
}
