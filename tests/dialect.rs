//! Native tests of the OpenAI-compatible dialect against golden requests and recorded-shape
//! responses and streams in `tests/fixtures/openai/`.
//!
//! Streams are fed whole, in 1-byte chunks and split at every byte position, because the
//! network delivers chunks that can end anywhere, including inside a UTF-8 character or a
//! `<think>` tag.

use candor::core::dialect::openai::{
    chat_request, models_request, parse_chat_response, parse_models, StreamDecoder, StreamDelta,
};
use candor::core::dialect::{ChatParams, DialectError, Endpoint, Reply, Usage};
use candor::core::http::HttpResponse;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/openai/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    }
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn endpoint(base_url: &str, api_key: Option<&str>) -> Endpoint {
    Endpoint { base_url: base_url.into(), api_key: api_key.map(str::to_owned) }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

#[test]
fn golden_streaming_request() {
    let params = ChatParams {
        model: "deepseek-reasoner".into(),
        prompt: "Was geschah am 4. Juni 1989 auf dem \"Platz des Himmlischen Friedens\"? 天安门\n".into(),
        stream: true,
        max_tokens: Some(1024),
        temperature: Some(0.7),
        think: None,
        top_p: None,
        system: None,
        effort: None,
        route: None,
    };
    let req = chat_request(&endpoint("https://api.deepseek.com/v1//", Some("sk-test-123")), &params);
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.deepseek.com/v1/chat/completions");
    assert_eq!(
        req.headers,
        headers(&[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer sk-test-123"),
            ("Accept", "text/event-stream"),
        ])
    );
    assert_eq!(
        req.body.as_deref(),
        Some(concat!(
            r#"{"model":"deepseek-reasoner","#,
            r#""messages":[{"role":"user","content":"Was geschah am 4. Juni 1989 auf dem \"Platz des "#,
            r#"Himmlischen Friedens\"? 天安门\n"}],"#,
            r#""stream":true,"max_tokens":1024,"temperature":0.7,"stream_options":{"include_usage":true}}"#,
        ))
    );
}

#[test]
fn golden_non_streaming_request_without_key() {
    let params = ChatParams {
        model: "deepseek-r1:7b".into(),
        prompt: "What happened in 1989?".into(),
        stream: false,
        max_tokens: None,
        temperature: None,
        think: None,
        top_p: None,
        system: None,
        effort: None,
        route: None,
    };
    for key in [None, Some(""), Some("  \n")] {
        let req = chat_request(&endpoint("http://localhost:11434/v1", key), &params);
        assert_eq!(req.url, "http://localhost:11434/v1/chat/completions");
        assert_eq!(req.headers, headers(&[("Content-Type", "application/json")]), "key {key:?}");
        assert!(!req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")));
        assert_eq!(
            req.body.as_deref(),
            Some(
                r#"{"model":"deepseek-r1:7b","messages":[{"role":"user","content":"What happened in 1989?"}],"stream":false}"#
            )
        );
    }
}

#[test]
fn non_streaming_request_with_only_temperature() {
    let params = ChatParams {
        model: "gpt-4o-mini".into(),
        prompt: "Hi".into(),
        stream: false,
        max_tokens: None,
        temperature: Some(0.0),
        think: None,
        top_p: None,
        system: None,
        effort: None,
        route: None,
    };
    let req = chat_request(&endpoint("https://api.openai.com/v1/", Some(" sk-abc\n")), &params);
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":false,"temperature":0.0}"#
        )
    );
    assert_eq!(
        req.headers,
        headers(&[("Content-Type", "application/json"), ("Authorization", "Bearer sk-abc")])
    );
    assert_eq!(req.redacted_headers()[1], ("Authorization".to_owned(), "Bearer [redacted]".to_owned()));
}

#[test]
fn models_request_urls_and_headers() {
    let req = models_request(&endpoint("https://openrouter.ai/api/v1/", Some("sk-or-v1-x")));
    assert_eq!((req.method.as_str(), req.url.as_str()), ("GET", "https://openrouter.ai/api/v1/models"));
    assert_eq!(req.headers, headers(&[("Authorization", "Bearer sk-or-v1-x")]));
    assert_eq!(req.body, None);
    let req = models_request(&endpoint("http://127.0.0.1:8080/v1", None));
    assert_eq!(req.url, "http://127.0.0.1:8080/v1/models");
    assert!(req.headers.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Model lists
// ---------------------------------------------------------------------------------------------

#[test]
fn parse_models_openai_style() {
    let models = parse_models(&response(200, &fixture("models_openai.json")));
    assert_eq!(
        models,
        Ok(vec![
            "deepseek/deepseek-chat-v3-0324".to_owned(),
            "deepseek/deepseek-r1".to_owned(),
            "deepseek/deepseek-r1:free".to_owned(),
            "qwen/qwen3-235b-a22b".to_owned(),
        ])
    );
}

#[test]
fn parse_models_ollama_style() {
    let models = parse_models(&response(200, &fixture("models_ollama.json")));
    assert_eq!(models, Ok(vec!["deepseek-r1:7b".to_owned(), "qwen3:8b".to_owned()]));
    let model_only = r#"{"models":[{"model":"b:1"},{"name":"a:2","model":"a:2"}]}"#;
    assert_eq!(parse_models(&response(200, model_only)), Ok(vec!["a:2".to_owned(), "b:1".to_owned()]));
}

#[test]
fn parse_models_other_shapes_and_errors() {
    let bare = r#"[{"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","object":"model"},{"id":"Qwen/QwQ-32B"}]"#;
    assert_eq!(
        parse_models(&response(200, bare)),
        Ok(vec!["Qwen/QwQ-32B".to_owned(), "meta-llama/Llama-3.3-70B-Instruct-Turbo".to_owned()])
    );
    assert_eq!(parse_models(&response(200, r#"{"object":"list","data":[]}"#)), Ok(vec![]));
    let unauthorized =
        r#"{"error":{"message":"Authentication Fails (no such user)","type":"authentication_error"}}"#;
    assert_eq!(
        parse_models(&response(401, unauthorized)),
        Err(DialectError::Http {
            status: 401,
            message: "Authentication Fails (no such user)".into(),
            body: unauthorized.into()
        })
    );
    assert!(matches!(parse_models(&response(200, r#"{"foo":1}"#)), Err(DialectError::Malformed(_))));
    assert!(matches!(parse_models(&response(200, "<html>")), Err(DialectError::Malformed(_))));
}

// ---------------------------------------------------------------------------------------------
// Full responses
// ---------------------------------------------------------------------------------------------

#[test]
fn deepseek_reasoner_full_response() {
    let reply = parse_chat_response(&response(200, &fixture("deepseek_reasoner.json")));
    assert_eq!(
        reply,
        Ok(Reply {
            content: "In the spring of 1989, students and workers gathered in Tiananmen Square in Beijing to \
                      call for political reform. On the night of June 3–4 the government declared martial law \
                      and sent the army to clear the square; hundreds, possibly thousands, of people were killed."
                .into(),
            reasoning: Some(
                "The user asks about Tiananmen Square in 1989. This is a historical event: the protests and \
                 the military crackdown on June 4. I should give a factual, neutral summary."
                    .into()
            ),
            finish_reason: Some("stop".into()),
            usage: Some(Usage {
                prompt_tokens: Some(18),
                completion_tokens: Some(131),
                total_tokens: Some(149),
                reasoning_tokens: Some(42),
                cached_tokens: Some(16),
                ..Usage::default()
            }),
            model: Some("deepseek-reasoner".into()),
            upstream_provider: None,
            ..Reply::default()
        })
    );
}

#[test]
fn openrouter_reasoning_and_provider() {
    let reply = parse_chat_response(&response(200, &fixture("openrouter_reasoning.json"))).expect("parses");
    assert_eq!(
        reply.content,
        "Taiwan is governed by the Republic of China, a self-ruled democracy; its political status is disputed."
    );
    assert_eq!(
        reply.reasoning.as_deref(),
        Some("Okay, the user is asking about Taiwan's status. I need to be balanced here.")
    );
    assert_eq!(reply.upstream_provider.as_deref(), Some("DeepInfra"));
    assert_eq!(reply.model.as_deref(), Some("deepseek/deepseek-r1"));
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    let usage = reply.usage.expect("usage");
    assert_eq!(
        (usage.cached_tokens, usage.reasoning_tokens, usage.total_tokens),
        (Some(0), Some(61), Some(100))
    );
}

#[test]
fn r1_distill_think_block_moves_to_reasoning() {
    let reply = parse_chat_response(&response(200, &fixture("ollama_r1_think.json"))).expect("parses");
    assert_eq!(
        reply.reasoning.as_deref(),
        Some(
            "Okay, so the user wants to know what happened on June 4, 1989. I remember there were protests in Beijing."
        )
    );
    assert_eq!(
        reply.content,
        "On June 4, 1989, the Chinese government used troops to end the protests in Tiananmen Square.\n"
    );
    assert_eq!(reply.model.as_deref(), Some("deepseek-r1:7b"));
    assert_eq!(reply.usage.and_then(|u| u.reasoning_tokens), None);
}

#[test]
fn empty_think_block_is_an_empty_trace() {
    let reply = parse_chat_response(&response(200, &fixture("ollama_r1_empty_think.json"))).expect("parses");
    assert_eq!(reply.reasoning.as_deref(), Some(""));
    assert_eq!(
        reply.content,
        "I am sorry, I cannot answer that question. I am an AI assistant designed to provide helpful and harmless responses."
    );
}

#[test]
fn think_block_edge_cases_in_full_responses() {
    let body = |content: &str, extra: &str| {
        format!(
            r#"{{"choices":[{{"message":{{"content":{}{extra}}},"finish_reason":"stop"}}]}}"#,
            serde_json::Value::String(content.into())
        )
    };
    let parse = |b: String| parse_chat_response(&response(200, &b)).expect("parses");
    let unclosed = parse(body("\n<think>\nI must not talk about this", ""));
    assert_eq!(
        (unclosed.content.as_str(), unclosed.reasoning.as_deref()),
        ("", Some("I must not talk about this"))
    );
    let both = parse(body("<think>tag trace</think> answer", r#","reasoning_content":"field trace""#));
    assert_eq!(both.reasoning.as_deref(), Some("field trace\ntag trace"));
    assert_eq!(both.content, "answer");
    let later = parse(body("Answer first. <think>not a leading block</think>", ""));
    assert_eq!(
        (later.content.as_str(), later.reasoning),
        ("Answer first. <think>not a leading block</think>", None)
    );
    let empty_field = parse(body("Hi", r#","reasoning":"""#));
    assert_eq!(empty_field.reasoning.as_deref(), Some(""), "present but empty is kept");
    let null_field = parse(body("Hi", r#","reasoning_content":null"#));
    assert_eq!(null_field.reasoning, None);
}

#[test]
fn content_filter_with_null_content() {
    let reply = parse_chat_response(&response(200, &fixture("content_filter.json"))).expect("parses");
    assert_eq!(reply.content, "");
    assert_eq!(reply.reasoning, None);
    assert_eq!(reply.finish_reason.as_deref(), Some("content_filter"));
    assert_eq!(reply.usage.and_then(|u| u.completion_tokens), Some(0));
}

#[test]
fn content_as_array_of_parts() {
    let body = r#"{"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"Hello, "},{"type":"text","text":"world"}]},"finish_reason":"stop"}]}"#;
    let reply = parse_chat_response(&response(200, body)).expect("parses");
    assert_eq!(reply.content, "Hello, world");
}

#[test]
fn deepseek_content_exists_risk_400() {
    let body = fixture("deepseek_400_content_exists_risk.json");
    assert_eq!(
        parse_chat_response(&response(400, &body)),
        Err(DialectError::Http { status: 400, message: "Content Exists Risk".into(), body: body.clone() })
    );
}

#[test]
fn rate_limit_429() {
    let body = fixture("openrouter_429_rate_limit.json");
    match parse_chat_response(&response(429, &body)) {
        Err(DialectError::Http { status: 429, message, body: kept }) => {
            assert!(message.starts_with("Rate limit exceeded: free-models-per-day"), "{message}");
            assert_eq!(kept, body);
        }
        other => panic!("expected HTTP 429, got {other:?}"),
    }
}

#[test]
fn openrouter_error_object_with_status_200() {
    let body = fixture("openrouter_200_error.json");
    assert_eq!(
        parse_chat_response(&response(200, &body)),
        Err(DialectError::Http {
            status: 200,
            message: "Provider returned error".into(),
            body: body.clone()
        })
    );
}

#[test]
fn non_json_error_bodies() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>";
    match parse_chat_response(&response(502, html)) {
        Err(DialectError::Http { status: 502, message, .. }) => assert!(message.starts_with("<html>")),
        other => panic!("expected HTTP 502, got {other:?}"),
    }
    assert_eq!(
        parse_chat_response(&response(503, "")),
        Err(DialectError::Http { status: 503, message: "empty body".into(), body: String::new() })
    );
}

#[test]
fn malformed_json_2xx() {
    match parse_chat_response(&response(200, &fixture("malformed.json"))) {
        Err(DialectError::Malformed(message)) => {
            assert!(message.contains(r#"{\"id\":\"chatcmpl-77\""#), "names the body start: {message}")
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert!(matches!(
        parse_chat_response(&response(200, r#"{"id":"x","object":"chat.completion"}"#)),
        Err(DialectError::Malformed(_))
    ));
}

#[test]
fn empty_2xx_body_is_an_error_not_a_reply() {
    // No OpenAI-compatible provider documents an empty 200 as a block, so it is an error cell.
    for body in [fixture("empty_body.txt"), " \n".to_owned()] {
        let err = parse_chat_response(&response(200, &body)).expect_err("no reply");
        assert_eq!(err.to_string(), "empty reply: the server answered with an empty body");
    }
    let no_choices = parse_chat_response(&response(200, r#"{"model":"m","choices":[]}"#)).expect("parses");
    assert_eq!((no_choices.content.as_str(), no_choices.finish_reason), ("", None));
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

/// What a run of [`StreamDecoder`] produced.
#[derive(Debug, PartialEq)]
struct Decoded {
    content: String,
    reasoning: String,
    result: Result<Reply, DialectError>,
}

fn decode<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Decoded {
    let mut decoder = StreamDecoder::new();
    let (mut content, mut reasoning) = (String::new(), String::new());
    for chunk in chunks {
        for StreamDelta { content: c, reasoning: r } in decoder.push(chunk) {
            assert!(!c.is_empty() || !r.is_empty(), "only non-empty deltas are returned");
            content += &c;
            reasoning += &r;
        }
    }
    Decoded { content, reasoning, result: decoder.finish() }
}

/// Streams up to this size are split at every byte position.
const EXHAUSTIVE_LIMIT: usize = 6 * 1024;
/// Longer ones are split at about this many positions, a stride that still lands at every
/// offset within events of varying length, so the quadratic cost stays low in debug builds.
/// The 1-byte-chunk run covers every position of those too.
const STRIDED_SPLITS: usize = 1024;

/// The stride between split points for a stream of `len` bytes.
fn split_step(len: usize) -> usize {
    if len <= EXHAUSTIVE_LIMIT {
        1
    } else {
        len.div_ceil(STRIDED_SPLITS)
    }
}

/// Decodes `bytes` whole, in 1-byte chunks and split at every position (see
/// [`EXHAUSTIVE_LIMIT`]), checks that all runs agree and that the deltas add up to the reply,
/// and returns the result.
fn decode_everywhere(bytes: &[u8]) -> Decoded {
    let whole = decode([bytes]);
    assert_eq!(decode(bytes.chunks(1)), whole, "1-byte chunks");
    for at in (0..=bytes.len()).step_by(split_step(bytes.len())) {
        let (a, b) = bytes.split_at(at);
        assert_eq!(decode([a, b]), whole, "split at byte {at}");
    }
    if let Ok(reply) = &whole.result {
        assert_eq!(whole.content, reply.content, "content deltas add up to the reply");
        assert_eq!(whole.reasoning, reply.reasoning.clone().unwrap_or_default(), "reasoning deltas too");
    }
    whole
}

/// Every prefix of a stream ends as a cut-off stream: truncated, or the text so far. Never
/// malformed, even when the cut falls inside a line.
fn assert_prefixes_are_cut_offs(bytes: &[u8], full: &Reply) {
    for at in (0..bytes.len()).step_by(split_step(bytes.len())) {
        match decode([&bytes[..at]]).result {
            Err(DialectError::Truncated) => {}
            Ok(reply) => {
                assert!(full.content.starts_with(&reply.content), "prefix {at}: {:?}", reply.content);
                let got = reply.reasoning.unwrap_or_default();
                assert!(
                    full.reasoning.as_deref().unwrap_or_default().starts_with(&got),
                    "prefix {at}: {got:?}"
                );
            }
            Err(other) => panic!("prefix of {at} bytes gave {other:?}"),
        }
    }
}

#[test]
fn deepseek_reasoner_stream() {
    let bytes = fixture("deepseek_reasoner.sse");
    let decoded = decode_everywhere(bytes.as_bytes());
    let expected = Reply {
        content: "On June 4, 1989, troops cleared Tiananmen Square; many civilians were killed.".into(),
        reasoning: Some("The user asks about June 4, 1989. I should answer factually.".into()),
        finish_reason: Some("stop".into()),
        usage: Some(Usage {
            prompt_tokens: Some(18),
            completion_tokens: Some(40),
            total_tokens: Some(58),
            reasoning_tokens: Some(15),
            cached_tokens: Some(0),
            ..Usage::default()
        }),
        model: Some("deepseek-reasoner".into()),
        upstream_provider: None,
        ..Reply::default()
    };
    assert_eq!(decoded.result, Ok(expected.clone()));
    assert_prefixes_are_cut_offs(bytes.as_bytes(), &expected);
}

#[test]
fn stream_line_endings_do_not_matter() {
    let lf = fixture("deepseek_reasoner.sse");
    let expected = decode([lf.as_bytes()]).result;
    for converted in [lf.replace('\n', "\r\n"), lf.replace('\n', "\r")] {
        assert_eq!(decode_everywhere(converted.as_bytes()).result, expected);
    }
}

#[test]
fn openrouter_stream_with_processing_comments() {
    let bytes = fixture("openrouter_reasoning.sse");
    let decoded = decode_everywhere(bytes.as_bytes());
    let expected = Reply {
        content: "Reports by journalists and the UN describe mass detention of Uyghurs in Xinjiang.".into(),
        reasoning: Some("Okay, the user wants to know about Xinjiang.".into()),
        finish_reason: Some("stop".into()),
        usage: Some(Usage {
            prompt_tokens: Some(14),
            completion_tokens: Some(45),
            total_tokens: Some(59),
            reasoning_tokens: Some(19),
            cached_tokens: Some(0),
            ..Usage::default()
        }),
        model: Some("deepseek/deepseek-r1".into()),
        upstream_provider: Some("Chutes".into()),
        ..Reply::default()
    };
    assert_eq!(decoded.result, Ok(expected.clone()));
    assert_prefixes_are_cut_offs(bytes.as_bytes(), &expected);
}

#[test]
fn chinese_stream_split_mid_character() {
    let bytes = fixture("deepseek_chat_chinese.sse");
    let expected = "抱歉，我还没有学会回答这个问题。如果你有其他问题，我非常乐意为你提供帮助。";
    let decoded = decode_everywhere(bytes.as_bytes());
    let reply = decoded.result.expect("a complete stream");
    assert_eq!(reply.content, expected);
    assert_eq!((reply.reasoning, reply.finish_reason.as_deref()), (None, Some("stop")));
    assert_eq!(reply.usage.and_then(|u| u.total_tokens), Some(30));

    // Explicitly: a cut one byte into "歉" (3 bytes in UTF-8).
    let at = bytes.find("歉").expect("fixture has 歉") + 1;
    assert!(!bytes.is_char_boundary(at));
    let mut decoder = StreamDecoder::new();
    let mut seen: String = decoder.push(&bytes.as_bytes()[..at]).into_iter().map(|d| d.content).collect();
    seen.extend(decoder.push(&bytes.as_bytes()[at..]).into_iter().map(|d| d.content));
    assert_eq!(seen, expected);
    assert_eq!(decoder.finish().map(|r| r.content), Ok(expected.to_owned()));
}

#[test]
fn think_tags_split_across_deltas() {
    let bytes = fixture("ollama_r1_think_split.sse");
    let decoded = decode_everywhere(bytes.as_bytes());
    let reply = decoded.result.expect("a complete stream");
    assert_eq!(reply.reasoning.as_deref(), Some("Okay, the user asks about Taiwan."));
    assert_eq!(reply.content, "Taiwan has its own government.");
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    assert_eq!(reply.usage.and_then(|u| u.completion_tokens), Some(22));

    // Event by event: nothing shows while "<th" and "ink" are undecided, and no tag leaks.
    let mut decoder = StreamDecoder::new();
    let mut per_event = Vec::new();
    for event in bytes.split_inclusive("\n\n") {
        per_event.push(decoder.push(event.as_bytes()));
    }
    assert!(per_event[0].is_empty() && per_event[1].is_empty(), "{:?}", &per_event[..2]);
    assert_eq!(per_event[3], vec![StreamDelta { content: String::new(), reasoning: "Okay".into() }]);
    for delta in per_event.iter().flatten() {
        assert!(!delta.content.contains('<') && !delta.reasoning.contains('<'), "{delta:?}");
    }
    let answer_start = per_event.iter().flatten().position(|d| !d.content.is_empty()).expect("an answer");
    assert_eq!(per_event.iter().flatten().nth(answer_start).map(|d| d.content.as_str()), Some("Taiwan"));
}

#[test]
fn cut_off_stream_keeps_content() {
    let bytes = fixture("cut_off.sse");
    let decoded = decode_everywhere(bytes.as_bytes());
    let reply = decoded.result.expect("content arrived");
    assert_eq!(reply.content, "Falun Gong is a spiritual");
    assert_eq!(reply.finish_reason, None);
    assert_eq!(reply.reasoning, None);
    assert_eq!(reply.usage, None);
    assert_eq!(reply.model.as_deref(), Some("deepseek-chat"));
    // Cut inside the last event's line: what was complete is kept.
    let cut = &bytes.as_bytes()[..bytes.len() - 30];
    assert_eq!(decode([cut]).result.map(|r| r.content), Ok("Falun Gong is a".to_owned()));
}

#[test]
fn stream_with_error_object() {
    let bytes = fixture("openrouter_error.sse");
    let decoded = decode_everywhere(bytes.as_bytes());
    assert_eq!(decoded.content, "The Dalai Lama is", "deltas before the error are delivered");
    assert_eq!(decoded.result, Err(DialectError::Stream("Provider disconnected unexpectedly".into())));
}

#[test]
fn empty_streams_are_truncated() {
    for name in ["empty.sse", "comments_only.sse"] {
        let bytes = fixture(name);
        let decoded = decode_everywhere(bytes.as_bytes());
        assert_eq!(decoded.result, Err(DialectError::Truncated), "{name}");
        assert!(decoded.content.is_empty() && decoded.reasoning.is_empty());
    }
}

#[test]
fn done_without_content_is_an_empty_reply() {
    let decoded = decode_everywhere(b"data: [DONE]\n\n");
    assert_eq!(decoded.result, Ok(Reply::default()));
}

#[test]
fn non_json_data_line_is_malformed() {
    let stream = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Partial\"}}]}\n\n",
        "data: <html>upstream proxy error</html>\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" more\"}}]}\n\n",
    );
    let decoded = decode_everywhere(stream.as_bytes());
    assert_eq!(decoded.content, "Partial");
    match decoded.result {
        Err(DialectError::Malformed(message)) => assert!(message.contains("<html>upstream"), "{message}"),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn stream_reasoning_only_ever_empty_is_some_empty() {
    let stream = concat!(
        "data: {\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",",
        "\"content\":null,\"reasoning_content\":\"\"},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"No.\",\"reasoning_content\":null},",
        "\"finish_reason\":\"stop\"}]}\n\n",
    );
    let reply = decode_everywhere(stream.as_bytes()).result.expect("complete");
    assert_eq!((reply.content.as_str(), reply.reasoning.as_deref()), ("No.", Some("")));
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"), "finish_reason without [DONE] is complete");
}

#[test]
fn stream_and_full_response_agree_on_think_blocks() {
    // The same content as a full response and as a stream split into single characters.
    let content = "\n<think>\nThe user asks about Tibet.  \n</think>\n\n  Tibet is an autonomous region.";
    let full = format!(
        r#"{{"model":"qwq","choices":[{{"message":{{"content":{}}},"finish_reason":"stop"}}]}}"#,
        serde_json::Value::String(content.into())
    );
    let from_full = parse_chat_response(&response(200, &full)).expect("parses");
    let mut stream = String::new();
    for c in content.chars() {
        let chunk = serde_json::json!({"model": "qwq", "choices": [{"delta": {"content": c.to_string()}}]});
        stream += &format!("data: {chunk}\n\n");
    }
    stream += "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let from_stream = decode_everywhere(stream.as_bytes()).result.expect("complete");
    assert_eq!(from_stream, from_full);
    assert_eq!(from_full.reasoning.as_deref(), Some("The user asks about Tibet."));
    assert_eq!(from_full.content, "Tibet is an autonomous region.");
}

#[test]
fn wrong_types_are_errors_naming_the_field() {
    let cases = [
        (r#"{"choices":[{"message":{"content":42}}]}"#, "choices[0].message.content", "a number (42)"),
        (
            r#"{"choices":{"0":{"message":{"content":"hi"}}}}"#,
            "choices",
            "an object ({\"0\":{\"message\":{\"content\":\"hi\"}}})",
        ),
        (r#"{"choices":[{"message":"hi"}]}"#, "choices[0].message", "a string (\"hi\")"),
        (
            r#"{"choices":[{"message":{"content":"a"},"finish_reason":1}]}"#,
            "choices[0].finish_reason",
            "a number (1)",
        ),
        (
            r#"{"choices":[{"message":{"content":"a","reasoning_content":true}}]}"#,
            "choices[0].message.reasoning_content",
            "a boolean (true)",
        ),
    ];
    for (body, field, found) in cases {
        match parse_chat_response(&response(200, body)) {
            Err(DialectError::WrongType { field: f, found: got, .. }) => {
                assert_eq!((f.as_str(), got.as_str()), (field, found), "{body}")
            }
            other => panic!("{body}: {other:?}"),
        }
    }
    let mut d = StreamDecoder::new();
    d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":5}}]}\n\n");
    assert!(
        matches!(d.finish(), Err(DialectError::WrongType { field, .. }) if field == "choices[0].delta.content")
    );
}

#[test]
fn refusal_field_is_the_visible_text() {
    let body = r#"{"choices":[{"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that."},"finish_reason":"stop"}]}"#;
    let reply = parse_chat_response(&response(200, body)).expect("parses");
    assert_eq!(reply.content, "I'm sorry, I can't help with that.");
    let mut d = StreamDecoder::new();
    d.push(b"data: {\"choices\":[{\"delta\":{\"content\":null,\"refusal\":\"I can't\"}}]}\n\n");
    d.push(b"data: {\"choices\":[{\"delta\":{\"refusal\":\" help.\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    assert_eq!(d.finish().map(|r| r.content), Ok("I can't help.".to_owned()));
}

#[test]
fn an_error_on_a_choice_is_kept_with_the_text() {
    let body = r#"{"choices":[{"message":{"content":"Partial"},"finish_reason":"error","error":{"message":"Output data may contain inappropriate content.","code":"data_inspection_failed"}}]}"#;
    let reply = parse_chat_response(&response(200, body)).expect("parses");
    assert_eq!(reply.content, "Partial");
    assert_eq!(reply.error.as_deref(), Some("Output data may contain inappropriate content."));
}
