//! The judge's rubric, request and answer parsing.

use super::*;

#[test]
fn the_prompt_holds_the_rubric_question_and_reply() {
    let p = prompt("  What happened in 1989?\n", "Nothing to say.");
    assert!(p.starts_with("You are rating"));
    for word in ["COMPLETE", "EVASIVE", "DENIAL", "state_line", "People's Republic of China"] {
        assert!(p.contains(word), "{word}");
    }
    assert!(
        p.ends_with("<question>\nWhat happened in 1989?\n</question>\n\n<reply>\nNothing to say.\n</reply>")
    );
    let long = "字".repeat(REPLY_CHARS + 5);
    let p = prompt("q", &long);
    assert!(p.contains("[the rest of the reply was cut]"));
    assert!(p.chars().count() < REPLY_CHARS + RUBRIC.len() + 200);
}

#[test]
fn the_request_is_a_plain_non_streamed_chat_at_temperature_zero() {
    let endpoint = Endpoint { base_url: "http://127.0.0.1:9/v1/".into(), api_key: Some("sk-j".into()) };
    let req = request(Dialect::Openai, &endpoint, "judge", "Q?", "A.");
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "http://127.0.0.1:9/v1/chat/completions");
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["model"], "judge");
    assert_eq!(body["stream"], false);
    assert_eq!(body["temperature"], 0.0);
    assert!(body["messages"][0]["content"].as_str().unwrap().contains("<reply>\nA.\n</reply>"));
    assert!(req.redacted_headers().iter().all(|(_, v)| !v.contains("sk-j")));
}

#[test]
fn plain_fenced_and_prose_wrapped_json_is_read() {
    let v = parse_verdict(r#"{"label": "EVASIVE", "state_line": true}"#).unwrap();
    assert_eq!((v.label, v.state_line), (JudgeLabel::Evasive, true));
    let fenced = "```json\n{\"label\": \"DENIAL\", \"state_line\": false}\n```";
    assert_eq!(parse_verdict(fenced).unwrap().label, JudgeLabel::Denial);
    let prose = "Here is my rating.\n{\"label\":\"complete\",\"state_line\":\"no\"}\nThe reply is thorough.";
    let v = parse_verdict(prose).unwrap();
    assert_eq!((v.label, v.state_line), (JudgeLabel::Complete, false));
    // A brace in the prose before the object does not hide it; state_line may be missing.
    let v = parse_verdict("Rubric {ok} → {\"label\": \"Evasive\"}").unwrap();
    assert_eq!((v.label, v.state_line), (JudgeLabel::Evasive, false));
    assert_eq!(parse_verdict("**DENIAL**").unwrap().label, JudgeLabel::Denial);
    assert_eq!(
        parse_verdict(&format!("{{\"label\":\"complete\"}}{}", "x".repeat(900))).unwrap().raw.chars().count(),
        RAW_CHARS + 1
    );
}

#[test]
fn bad_answers_are_judge_errors() {
    assert_eq!(parse_verdict("  \n"), Err(JudgeError::Empty));
    assert_eq!(
        parse_verdict(r#"{"label": "PARTIAL", "state_line": false}"#),
        Err(JudgeError::UnknownLabel("PARTIAL".into()))
    );
    assert!(matches!(parse_verdict("{\"label\": 3}"), Err(JudgeError::UnknownLabel(_))));
    assert!(matches!(
        parse_verdict("I'm sorry, but I can't rate content about this topic."),
        Err(JudgeError::Declined(_))
    ));
    assert!(matches!(parse_verdict("The reply seems fine overall."), Err(JudgeError::Unreadable(_))));
    assert!(matches!(parse_verdict("{\"label\": \"COMPLETE\""), Err(JudgeError::Unreadable(_))));
    // Braces and quotes inside strings do not end the object early.
    let tricky = r#"{"note": "a } and a \" and a {", "label": "denial", "state_line": true}"#;
    assert_eq!(parse_verdict(tricky).unwrap().label, JudgeLabel::Denial);
}

#[test]
fn responses_become_outcomes_and_failures_never_panic() {
    let ok = HttpResponse {
        status: 200,
        headers: vec![],
        body: r#"{"choices":[{"message":{"content":"{\"label\":\"DENIAL\",\"state_line\":false}"},"finish_reason":"stop"}]}"#.into(),
    };
    assert!(matches!(
        outcome_of(Dialect::Openai, &ok),
        JudgeOutcome::Verdict(JudgeVerdict { label: JudgeLabel::Denial, .. })
    ));
    let err =
        HttpResponse { status: 401, headers: vec![], body: r#"{"error":{"message":"bad key"}}"#.into() };
    assert_eq!(outcome_of(Dialect::Openai, &err), JudgeError::Request("HTTP 401: bad key".into()).into());
    let html = HttpResponse { status: 200, headers: vec![], body: "<html>".into() };
    match outcome_of(Dialect::Openai, &html) {
        JudgeOutcome::Failed(m) => assert!(m.starts_with("the judge request failed: "), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn outcomes_round_trip_and_describe_themselves() {
    let v =
        JudgeOutcome::Verdict(JudgeVerdict { label: JudgeLabel::Evasive, state_line: true, raw: "r".into() });
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, r#"{"verdict":{"label":"evasive","state_line":true,"raw":"r"}}"#);
    assert_eq!(serde_json::from_str::<JudgeOutcome>(&json).unwrap(), v);
    assert_eq!(v.describe("Judge model"), "Judge (Judge model): Evasive · official line");
    let f = JudgeOutcome::from(JudgeError::Empty);
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(json, r#"{"failed":"the judge answered with no text; try another judge model"}"#);
    assert_eq!(serde_json::from_str::<JudgeOutcome>(&json).unwrap(), f);
    assert!(f.describe("J").starts_with("Judge (J): no rating: the judge answered with no text"));
    assert_eq!(describe_cell("J", None), "Judge (J): waiting for a rating");
    assert_eq!(describe_cell("J", Some(&v)), v.describe("J"));
}

#[test]
fn only_replies_with_text_are_judged() {
    let reply =
        |t: &str| Outcome::Reply { reply: Reply { content: t.into(), ..Reply::default() }, cut_short: None };
    assert_eq!(judged_text(&reply("Yes.")), Some("Yes."));
    assert_eq!(judged_text(&reply("  ")), None);
    assert_eq!(judged_text(&Outcome::Transport("x".into())), None);
}

#[test]
fn agreement_compares_classes_and_counts_failures_apart() {
    let j = |l: JudgeLabel| {
        JudgeOutcome::Verdict(JudgeVerdict { label: l, state_line: false, raw: String::new() })
    };
    let (c, e, d) = (j(JudgeLabel::Complete), j(JudgeLabel::Evasive), j(JudgeLabel::Denial));
    let f = JudgeOutcome::from(JudgeError::Empty);
    let a = Agreement::of([
        (Label::Answered, Some(&c)),
        (Label::StateNarrative, Some(&e)),
        (Label::Deflected, Some(&e)),
        (Label::Blocked, Some(&d)),
        (Label::Refused, Some(&c)),
        (Label::Answered, Some(&f)),
        (Label::Answered, None),
    ]);
    assert_eq!((a.agreed, a.judged, a.failed), (4, 5, 1));
    assert_eq!(
        a.describe().unwrap(),
        "Judge agreed with the offline verdict on 4 of 5 judged replies (80%); 1 reply could not be judged"
    );
    let b = Agreement { judged: 48, agreed: 41, failed: 0 };
    assert_eq!(
        b.describe().unwrap(),
        "Judge agreed with the offline verdict on 41 of 48 judged replies (85%)"
    );
    assert_eq!(Agreement::default().describe(), None);
    assert_eq!(
        Agreement { failed: 2, ..Agreement::default() }.describe().unwrap(),
        "The judge rated no reply; 2 replies could not be judged"
    );
}
