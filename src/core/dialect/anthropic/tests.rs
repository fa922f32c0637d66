//! Bodies written from the formats documented at <https://docs.anthropic.com/en/api/messages>
//! and <https://docs.anthropic.com/en/docs/build-with-claude/streaming> (event types, the
//! `thinking_delta`, the `error` event) and
//! <https://docs.anthropic.com/en/docs/test-and-evaluate/strengthen-guardrails/handle-streaming-refusals>
//! (`stop_reason: "refusal"`).

use super::*;
use crate::core::dialect::testing::{crlf, decode, every_split};
use crate::core::dialect::Dialect;

fn endpoint(base: &str, key: Option<&str>) -> Endpoint {
    Endpoint { base_url: base.into(), api_key: key.map(str::to_owned) }
}

fn params(stream: bool, think: Option<bool>) -> ChatParams {
    ChatParams {
        model: "claude-sonnet-4-5".into(),
        prompt: "六四事件是什么？".into(),
        stream,
        max_tokens: None,
        temperature: Some(0.2),
        think,
        ..ChatParams::probe("", "", None)
    }
}

fn ok(body: &str) -> HttpResponse {
    HttpResponse { status: 200, headers: Vec::new(), body: body.into() }
}

#[test]
fn request_has_the_messages_path_headers_and_body() {
    let req =
        chat_request(&endpoint("https://api.anthropic.com/v1/", Some(" sk-ant-x\n")), &params(true, None));
    assert_eq!(req.url, "https://api.anthropic.com/v1/messages", "a pasted /v1 is not doubled");
    let has = |k: &str, v: &str| req.headers.iter().any(|(a, b)| a == k && b == v);
    assert!(has("x-api-key", "sk-ant-x"));
    assert!(has("anthropic-version", ANTHROPIC_VERSION));
    assert!(has("anthropic-dangerous-direct-browser-access", "true"));
    assert!(!req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")));
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"六四事件是什么？"}],"stream":true,"temperature":0.2}"#
        )
    );
    let thinking = chat_request(&endpoint("https://api.anthropic.com", None), &params(false, Some(true)));
    assert_eq!(
        thinking.body.as_deref(),
        Some(
            r#"{"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"六四事件是什么？"}],"stream":false,"thinking":{"type":"enabled","budget_tokens":2048}}"#
        ),
        "thinking drops the temperature, which the API only allows at 1"
    );
    let models = models_request(&endpoint("https://api.anthropic.com", Some("k")));
    assert_eq!(models.url, "https://api.anthropic.com/v1/models?limit=1000");
    assert!(models.redacted_headers().iter().all(|(_, v)| v != "k"), "the key is redacted in the ledger");
}

const MESSAGE: &str = r#"{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
 "content":[{"type":"thinking","thinking":"The user asks about June 1989.","signature":"sig"},
            {"type":"text","text":"On 4 June 1989 troops "},{"type":"text","text":"fired on protesters."}],
 "stop_reason":"end_turn","stop_sequence":null,
 "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":40}}"#;

#[test]
fn full_message_with_thinking_and_usage() {
    let reply = parse_chat_response(&ok(MESSAGE)).expect("parses");
    assert_eq!(reply.content, "On 4 June 1989 troops fired on protesters.");
    assert_eq!(reply.reasoning.as_deref(), Some("The user asks about June 1989."));
    assert_eq!(reply.finish_reason.as_deref(), Some("end_turn"));
    assert_eq!(reply.blocked, None);
    assert_eq!(reply.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
    let usage = reply.usage.expect("usage");
    assert_eq!(
        (usage.prompt_tokens, usage.cached_tokens, usage.completion_tokens),
        (Some(112), Some(100), Some(40))
    );
    assert_eq!(usage.total_tokens, Some(152));
    assert_eq!((usage.cache_write_tokens, usage.reasoning_tokens), (None, None));
}

#[test]
fn cache_writes_and_thinking_tokens_are_counted_apart() {
    // Usage as the Messages API reports it with prompt caching and extended thinking: the
    // writes and reads are outside input_tokens, the thinking inside output_tokens.
    let body = r#"{"role":"assistant","content":[{"type":"text","text":"Yes."}],"stop_reason":"end_turn",
      "usage":{"input_tokens":20,"cache_creation_input_tokens":300,"cache_read_input_tokens":50,
               "cache_creation":{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":100},
               "output_tokens":90,"output_tokens_details":{"thinking_tokens":70}}}"#;
    let usage = parse_chat_response(&ok(body)).expect("parses").usage.expect("usage");
    assert_eq!(usage.prompt_tokens, Some(370));
    assert_eq!(
        (usage.cached_tokens, usage.cache_write_tokens, usage.cache_write_1h_tokens),
        (Some(50), Some(300), Some(100))
    );
    assert_eq!((usage.completion_tokens, usage.reasoning_tokens), (Some(90), Some(70)));
    // Priced: 20 fresh at 3, 50 read at 0.3, 200 written for five minutes at 3 × 1.25, 100
    // for an hour at 3 × 2; 20 plain output at 15 and 70 thinking at 15.
    let price = crate::core::price::Price {
        input_per_mtok: 3.0,
        output_per_mtok: 15.0,
        cached_per_mtok: Some(0.3),
        ..Default::default()
    };
    let want = (20.0 * 3.0 + 50.0 * 0.3 + 200.0 * 3.75 + 100.0 * 6.0 + 90.0 * 15.0) / 1e6;
    let got = price.cost(&crate::core::price::Tokens::of(&usage));
    assert!((got - want).abs() < 1e-12, "{got} != {want}");
}

#[test]
fn refusal_stop_is_blocked_with_the_raw_reason_and_keeps_text() {
    let body = r#"{"role":"assistant","content":[{"type":"text","text":"Here is"}],"stop_reason":"refusal"}"#;
    let reply = parse_chat_response(&ok(body)).expect("parses");
    assert_eq!(reply.blocked.as_deref(), Some("stop_reason: refusal"));
    assert_eq!(reply.content, "Here is");
}

#[test]
fn errors_and_wrong_types() {
    let err = HttpResponse {
        status: 529,
        headers: Vec::new(),
        body: r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.into(),
    };
    assert!(
        matches!(parse_chat_response(&err), Err(DialectError::Http { status: 529, message, .. }) if message == "Overloaded")
    );
    let cases = [
        (r#"{"content":{"type":"text"}}"#, "content"),
        (r#"{"content":[{"type":"text","text":42}]}"#, "content[0].text"),
        (r#"{"content":["hi"]}"#, "content[0]"),
        (r#"{"content":[],"stop_reason":7}"#, "stop_reason"),
    ];
    for (body, field) in cases {
        match parse_chat_response(&ok(body)) {
            Err(DialectError::WrongType { field: f, .. }) => assert_eq!(f, field, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    assert!(matches!(parse_chat_response(&ok("")), Err(DialectError::EmptyReply(_))));
    assert!(matches!(parse_chat_response(&ok(r#"{"id":"x"}"#)), Err(DialectError::Malformed(_))));
}

const STREAM: &str = "event: message_start
data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}

event: content_block_start
data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}

event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"想一想：\"}}

event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}

event: content_block_stop
data: {\"type\":\"content_block_stop\",\"index\":0}

event: ping
data: {\"type\": \"ping\"}

event: content_block_start
data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}

event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"天安门 \"}}

event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"1989.\"}}

event: content_block_stop
data: {\"type\":\"content_block_stop\",\"index\":1}

event: message_delta
data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}

event: message_stop
data: {\"type\":\"message_stop\"}

";

#[test]
fn stream_at_every_split_and_with_crlf() {
    let reply = every_split(Dialect::Anthropic, STREAM.as_bytes()).expect("decodes");
    assert_eq!(reply.content, "天安门 1989.");
    assert_eq!(reply.reasoning.as_deref(), Some("想一想："));
    assert_eq!(reply.finish_reason.as_deref(), Some("end_turn"));
    let usage = reply.usage.clone().expect("usage");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (Some(25), Some(15)));
    assert_eq!(every_split(Dialect::Anthropic, crlf(STREAM).as_bytes()), Ok(reply));
}

#[test]
fn streamed_refusal_is_blocked() {
    let body = STREAM.replace("end_turn", "refusal");
    let reply = every_split(Dialect::Anthropic, body.as_bytes()).expect("decodes");
    assert_eq!(reply.blocked.as_deref(), Some("stop_reason: refusal"));
    assert_eq!(reply.content, "天安门 1989.", "the text before the stop is kept");
}

#[test]
fn error_event_in_a_200_stream() {
    let cut = STREAM
        .find("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}")
        .unwrap();
    let body = format!(
        "{}event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}}}\n\n",
        &STREAM[..cut]
    );
    assert_eq!(
        every_split(Dialect::Anthropic, body.as_bytes()),
        Err(DialectError::Stream("overloaded_error: Overloaded".into()))
    );
}

#[test]
fn cut_streams() {
    let cut = STREAM.find("event: message_delta").unwrap();
    let reply = decode(Dialect::Anthropic, &[&STREAM.as_bytes()[..cut]]).expect("keeps what came");
    assert_eq!((reply.content.as_str(), reply.finish_reason), ("天安门 1989.", None));
    let early = STREAM.find("event: content_block_start").unwrap();
    assert_eq!(decode(Dialect::Anthropic, &[&STREAM.as_bytes()[..early]]), Err(DialectError::Truncated));
    // Cut in the middle of an event's JSON: the half event is dropped, not an error.
    let mid = STREAM.find("1989.").unwrap();
    let reply = decode(Dialect::Anthropic, &[&STREAM.as_bytes()[..mid]]).expect("keeps what came");
    assert_eq!(reply.content, "天安门 ");
}

#[test]
fn wrong_types_in_a_stream() {
    let body = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":42}}\n\n";
    assert!(
        matches!(every_split(Dialect::Anthropic, body.as_bytes()), Err(DialectError::WrongType { field, .. }) if field == "delta.text")
    );
}

#[test]
fn plain_json_in_place_of_a_stream() {
    assert_eq!(decode(Dialect::Anthropic, &[MESSAGE.as_bytes()]), parse_chat_response(&ok(MESSAGE)));
}
