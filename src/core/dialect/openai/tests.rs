use super::*;

#[test]
fn reasoning_field_prefers_non_empty() {
    let v: Value = serde_json::json!({"reasoning_content": "", "reasoning": "r"});
    assert_eq!(reasoning_field(&v, "m").unwrap().as_deref(), Some("r"));
    let v: Value = serde_json::json!({"reasoning_content": "rc", "reasoning": "rc"});
    assert_eq!(reasoning_field(&v, "m").unwrap().as_deref(), Some("rc"));
    let v: Value = serde_json::json!({"reasoning_content": null, "reasoning": ""});
    assert_eq!(reasoning_field(&v, "m").unwrap().as_deref(), Some(""));
    let v: Value = serde_json::json!({"reasoning_content": null});
    assert_eq!(reasoning_field(&v, "m"), Ok(None));
}

#[test]
fn error_messages_from_various_shapes() {
    let cases = [
        (r#"{"error":{"message":"Invalid key","code":401}}"#, "Invalid key"),
        (r#"{"error":"model not found"}"#, "model not found"),
        (r#"{"message":"Forbidden"}"#, "Forbidden"),
        (r#"{"detail":"Not Found"}"#, "Not Found"),
        (
            r#"{"detail":[{"loc":["body","model"],"msg":"field required","type":"missing"}]}"#,
            "field required",
        ),
        (
            r#"[{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}]"#,
            "API key not valid.",
        ),
        ("<html><body>502 Bad Gateway</body></html>\n", "<html><body>502 Bad Gateway</body></html>"),
        ("  \n", "empty body"),
        ("", "empty body"),
    ];
    for (body, expected) in cases {
        assert_eq!(error_message(body), expected, "{body}");
    }
    let long = "x".repeat(500);
    assert_eq!(error_message(&long).chars().count(), ERROR_HEAD_CHARS);
    assert_eq!(error_message(&"é".repeat(300)), "é".repeat(200), "counts characters, not bytes");
}

#[test]
fn usage_counts() {
    let v = serde_json::json!({"prompt_tokens": 5, "completion_tokens": 7.0, "total_tokens": 12,
        "prompt_tokens_details": {"cached_tokens": 3}, "prompt_cache_hit_tokens": 4});
    let u = parse_usage(&v).unwrap_or_default();
    assert_eq!(u.completion_tokens, Some(7));
    assert_eq!(u.cached_tokens, Some(3), "the standard field wins over DeepSeek's");
    assert_eq!(parse_usage(&Value::Null), None);
}

#[test]
fn stream_decoder_falls_back_to_plain_json_body() {
    let mut d = StreamDecoder::new();
    let body = r#"{"model":"m","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}"#;
    assert!(d.push(body.as_bytes()).is_empty());
    let reply = d.finish();
    assert_eq!(reply.as_ref().map(|r| r.content.as_str()), Ok("hi"));

    let mut d = StreamDecoder::new();
    d.push(br#"{"error":{"message":"Insufficient Balance"}}"#);
    assert_eq!(d.finish(), Err(DialectError::Stream("Insufficient Balance".into())));

    let mut d = StreamDecoder::new();
    d.push(b"<!DOCTYPE html><html>blocked</html>");
    assert!(matches!(d.finish(), Err(DialectError::Malformed(m)) if m.contains("DOCTYPE")));
}

#[test]
fn event_named_error_is_a_stream_error() {
    let mut d = StreamDecoder::new();
    d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
    d.push(b"event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n");
    assert_eq!(d.finish(), Err(DialectError::Stream("overloaded".into())));
}

#[test]
fn whole_message_in_a_chunk_and_text_choices() {
    let mut d = StreamDecoder::new();
    let deltas = d.push(b"data: {\"choices\":[{\"message\":{\"content\":\"m\"}}]}\n\n");
    assert_eq!(deltas, vec![StreamDelta { content: "m".into(), reasoning: String::new() }]);
    d.push(b"data: {\"choices\":[{\"text\":\"t\",\"finish_reason\":\"length\"}]}\n\n");
    let reply = d.finish().unwrap_or_default();
    assert_eq!((reply.content.as_str(), reply.finish_reason.as_deref()), ("mt", Some("length")));
}

#[test]
fn events_after_done_are_ignored() {
    let mut d = StreamDecoder::new();
    d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n");
    assert!(d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\ndata: nope\n\n").is_empty());
    assert_eq!(d.finish().map(|r| r.content), Ok("a".to_owned()));
}
