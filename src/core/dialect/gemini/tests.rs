//! Bodies written from the formats documented at <https://ai.google.dev/api/generate-content>
//! (`GenerateContentResponse`, `PromptFeedback.BlockReason`, `Candidate.FinishReason`,
//! `UsageMetadata`, thought parts) and <https://ai.google.dev/gemini-api/docs/thinking>
//! (`includeThoughts`).

use super::*;
use crate::core::dialect::testing::{crlf, decode, every_split};
use crate::core::dialect::Dialect;

fn endpoint(base: &str, key: Option<&str>) -> Endpoint {
    Endpoint { base_url: base.into(), api_key: key.map(str::to_owned) }
}

fn ok(body: &str) -> HttpResponse {
    HttpResponse { status: 200, headers: Vec::new(), body: body.into() }
}

#[test]
fn requests_put_the_model_in_the_path_and_the_key_in_a_header() {
    let params = ChatParams {
        model: "models/gemini-2.5-flash".into(),
        prompt: "What happened in Tiananmen Square in 1989?".into(),
        stream: true,
        max_tokens: Some(800),
        temperature: None,
        think: Some(true),
        top_p: None,
        system: None,
        effort: None,
        route: None,
    };
    let req = chat_request(
        &endpoint("https://generativelanguage.googleapis.com/v1beta/", Some("AIza-secret")),
        &params,
    );
    assert_eq!(
        req.url,
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert!(!req.url.contains("AIza"), "the key never goes in the URL");
    assert!(req.headers.contains(&("x-goog-api-key".into(), "AIza-secret".into())));
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"contents":[{"role":"user","parts":[{"text":"What happened in Tiananmen Square in 1989?"}]}],"generationConfig":{"maxOutputTokens":800,"thinkingConfig":{"includeThoughts":true}}}"#
        )
    );
    let plain = chat_request(
        &endpoint("https://generativelanguage.googleapis.com", None),
        &ChatParams { stream: false, max_tokens: None, think: None, ..params },
    );
    assert!(plain.url.ends_with("/v1beta/models/gemini-2.5-flash:generateContent"));
    assert_eq!(
        plain.body.as_deref(),
        Some(
            r#"{"contents":[{"role":"user","parts":[{"text":"What happened in Tiananmen Square in 1989?"}]}]}"#
        )
    );
}

#[test]
fn model_list_keeps_generating_models_without_prefix() {
    let body = r#"{"models":[
      {"name":"models/gemini-2.5-flash","supportedGenerationMethods":["generateContent","countTokens"]},
      {"name":"models/text-embedding-004","supportedGenerationMethods":["embedContent"]},
      {"name":"models/gemini-2.0-flash"}]}"#;
    assert_eq!(
        parse_models(&ok(body)),
        Ok(vec!["gemini-2.0-flash".to_owned(), "gemini-2.5-flash".to_owned()])
    );
    assert_eq!(
        models_request(&endpoint("https://g.example/", None)).url,
        "https://g.example/v1beta/models?pageSize=1000"
    );
}

const THOUGHTS: &str = r#"{"candidates":[{"content":{"parts":[
   {"text":"**Recalling 1989**\nThe user asks about June 4.","thought":true},
   {"text":"The army cleared the square on 4 June 1989."}],"role":"model"},
   "finishReason":"STOP","index":0}],
 "usageMetadata":{"promptTokenCount":14,"candidatesTokenCount":11,"thoughtsTokenCount":30,"cachedContentTokenCount":4,"totalTokenCount":55},
 "modelVersion":"gemini-2.5-flash"}"#;

#[test]
fn thought_parts_are_reasoning_and_usage_counts_them() {
    let reply = parse_chat_response(&ok(THOUGHTS)).expect("parses");
    assert_eq!(reply.content, "The army cleared the square on 4 June 1989.");
    assert_eq!(reply.reasoning.as_deref(), Some("**Recalling 1989**\nThe user asks about June 4."));
    assert_eq!(reply.finish_reason.as_deref(), Some("STOP"));
    assert_eq!(reply.model.as_deref(), Some("gemini-2.5-flash"));
    let u = reply.usage.expect("usage");
    assert_eq!(
        (u.prompt_tokens, u.completion_tokens, u.reasoning_tokens, u.cached_tokens),
        (Some(14), Some(41), Some(30), Some(4))
    );
}

#[test]
fn blocks_name_their_reason() {
    let prompt_blocked = r#"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"HIGH"}]}}"#;
    let reply = parse_chat_response(&ok(prompt_blocked)).expect("a block is a reply");
    assert_eq!(reply.blocked.as_deref(), Some("promptFeedback.blockReason: SAFETY"));
    let unknown = r#"{"promptFeedback":{"blockReason":"SOME_NEW_REASON"}}"#;
    assert_eq!(
        parse_chat_response(&ok(unknown)).unwrap().blocked.as_deref(),
        Some("promptFeedback.blockReason: SOME_NEW_REASON")
    );
    for reason in ["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "RECITATION"] {
        let body = format!(
            r#"{{"candidates":[{{"content":{{"parts":[{{"text":"Partial"}}]}},"finishReason":"{reason}"}}]}}"#
        );
        let reply = parse_chat_response(&ok(&body)).expect("parses");
        assert_eq!(reply.blocked, Some(format!("finishReason: {reason}")));
        assert_eq!(reply.content, "Partial", "the text before the block is kept");
        let bare = format!(r#"{{"candidates":[{{"finishReason":"{reason}","index":0}}]}}"#);
        assert_eq!(parse_chat_response(&ok(&bare)).unwrap().blocked, Some(format!("finishReason: {reason}")));
    }
}

#[test]
fn empty_candidates_are_errors_not_refusals() {
    for body in [
        r#"{"candidates":[{"content":{},"index":0}]}"#,
        r#"{"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP"}]}"#,
        r#"{"candidates":[{"finishReason":"OTHER","finishMessage":"Model failed to generate content."}]}"#,
    ] {
        match parse_chat_response(&ok(body)) {
            Err(e @ DialectError::EmptyReply(_)) => assert!(e.to_string().starts_with("empty reply"), "{e}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    let other =
        parse_chat_response(&ok(r#"{"candidates":[{"finishReason":"OTHER","finishMessage":"internal"}]}"#));
    assert!(other.unwrap_err().to_string().contains("finishReason OTHER: internal"));
    assert!(matches!(
        parse_chat_response(&ok(r#"{"this":[{"is":"not"}]}"#)),
        Err(DialectError::Malformed(_))
    ));
    assert!(matches!(parse_chat_response(&ok("")), Err(DialectError::EmptyReply(_))));
}

#[test]
fn wrong_types_name_the_field() {
    let cases = [
        (r#"{"candidates":{"0":{}}}"#, "candidates"),
        (r#"{"candidates":[{"content":{"parts":[{"text":42}]}}]}"#, "candidates[0].content.parts[0].text"),
        (
            r#"{"candidates":[{"content":{"parts":[{"text":"a","thought":"yes"}]}}]}"#,
            "candidates[0].content.parts[0].thought",
        ),
        (r#"{"promptFeedback":{"blockReason":3}}"#, "promptFeedback.blockReason"),
    ];
    for (body, field) in cases {
        match parse_chat_response(&ok(body)) {
            Err(DialectError::WrongType { field: f, .. }) => assert_eq!(f, field, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn http_errors_read_googles_error_object() {
    let resp = HttpResponse {
        status: 400,
        headers: Vec::new(),
        body: r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}"#.into(),
    };
    assert!(
        matches!(parse_chat_response(&resp), Err(DialectError::Http { status: 400, message, .. }) if message.starts_with("API key not valid"))
    );
}

const STREAM: &str = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Thinking about 六四\",\"thought\": true}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\"}\n\n\
data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Troops \"}],\"role\": \"model\"},\"index\": 0}]}\n\n\
data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"fired.\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": 3,\"totalTokenCount\": 12}}\n\n";

#[test]
fn stream_at_every_split_and_with_crlf() {
    let reply = every_split(Dialect::Gemini, STREAM.as_bytes()).expect("decodes");
    assert_eq!(reply.content, "Troops fired.");
    assert_eq!(reply.reasoning.as_deref(), Some("Thinking about 六四"));
    assert_eq!(reply.finish_reason.as_deref(), Some("STOP"));
    assert_eq!(reply.usage.as_ref().and_then(|u| u.completion_tokens), Some(3));
    assert_eq!(every_split(Dialect::Gemini, crlf(STREAM).as_bytes()), Ok(reply));
}

#[test]
fn streamed_blocks_and_empty_candidates() {
    let safety = STREAM.replace("\"STOP\"", "\"SAFETY\"");
    let reply = every_split(Dialect::Gemini, safety.as_bytes()).expect("decodes");
    assert_eq!(reply.blocked.as_deref(), Some("finishReason: SAFETY"));
    let prompt = "data: {\"promptFeedback\": {\"blockReason\": \"PROHIBITED_CONTENT\"}}\r\n\r\n";
    assert_eq!(
        every_split(Dialect::Gemini, prompt.as_bytes()).unwrap().blocked.as_deref(),
        Some("promptFeedback.blockReason: PROHIBITED_CONTENT")
    );
    let empty = "data: {\"candidates\": [{\"content\": {},\"index\": 0}]}\n\n";
    assert!(matches!(every_split(Dialect::Gemini, empty.as_bytes()), Err(DialectError::EmptyReply(_))));
    let error = "data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded.\", \"status\": \"UNAVAILABLE\"}}\n\n";
    assert_eq!(
        every_split(Dialect::Gemini, error.as_bytes()),
        Err(DialectError::Stream("The model is overloaded.".into()))
    );
}

#[test]
fn cut_streams() {
    let cut = STREAM.find("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"fired.").unwrap();
    let reply = decode(Dialect::Gemini, &[&STREAM.as_bytes()[..cut]]).expect("keeps what came");
    assert_eq!((reply.content.as_str(), reply.finish_reason), ("Troops ", None));
    assert_eq!(decode(Dialect::Gemini, &[b"data: {\"candi"]), Err(DialectError::Truncated));
    assert_eq!(decode(Dialect::Gemini, &[b""]), Err(DialectError::Truncated));
}

#[test]
fn plain_json_in_place_of_a_stream() {
    assert_eq!(decode(Dialect::Gemini, &[THOUGHTS.as_bytes()]), parse_chat_response(&ok(THOUGHTS)));
    let array = format!("[{THOUGHTS}]");
    assert_eq!(decode(Dialect::Gemini, &[array.as_bytes()]), parse_chat_response(&ok(THOUGHTS)));
}
