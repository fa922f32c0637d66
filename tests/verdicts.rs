//! The classifier on hand-written replies in the project's own probe style (short factual
//! questions), in English, Simplified and Traditional Chinese: these are the verdicts a
//! user would check by eye. Platform blocks and failures are covered too.

#![cfg(not(target_arch = "wasm32"))]

use candor::core::classifier::model::Model;
use candor::core::classifier::MODEL_BYTES;
use candor::core::dialect::{DialectError, Reply};
use candor::core::pack::Pack;
use candor::core::verdict::{classify, Field, Label, Outcome, SignalKind};
use serde_json::Value;

fn reply(content: &str, reasoning: Option<&str>) -> Outcome {
    Outcome::Reply {
        reply: Reply {
            content: content.into(),
            reasoning: reasoning.map(str::to_string),
            finish_reason: Some("stop".into()),
            ..Reply::default()
        },
        cut_short: None,
    }
}

#[test]
fn the_shipped_model_loads() {
    let m = Model::from_bytes(MODEL_BYTES).expect("static/model/verdict-v1.bin is a model file");
    assert_ne!(m, Model::zero(), "the shipped model has learned weights");
}

#[test]
fn hand_written_replies_get_the_verdict_a_reader_would_give() {
    let cases = include_str!("fixtures/verdicts.jsonl");
    let mut wrong = Vec::new();
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let outcome = reply(case["response"].as_str().unwrap(), case["reasoning"].as_str());
        let v = classify(&outcome, None);
        if v.label.key() != case["label"].as_str().unwrap() {
            wrong.push(format!("{}: got {:?} ({:.2})", case["case"], v.label, v.confidence));
        }
        assert!((0.0..=1.0).contains(&v.confidence));
        assert!(!v.signals.is_empty(), "{}: a verdict always says why", case["case"]);
        let text = case["response"].as_str().unwrap();
        for s in &v.signals {
            if let (Field::Content, Some((a, b))) = (s.field, s.span) {
                assert!(
                    text.get(a..b).is_some(),
                    "{}: span {a}..{b} is not on character boundaries",
                    case["case"]
                );
            }
        }
    }
    assert!(wrong.is_empty(), "wrong verdicts:\n{}", wrong.join("\n"));
}

#[test]
fn evidence_points_at_the_phrase_that_decided() {
    let text = "你好，这个问题我暂时无法回答，让我们换个话题再聊聊吧。";
    let v = classify(&reply(text, Some("")), None);
    let s = v.signals.iter().find(|s| s.name == SignalKind::CannedRefusal).expect("deflection found");
    let (a, b) = s.span.unwrap();
    assert!(["换个话题", "暂时无法回答"].contains(&&text[a..b]), "{}", &text[a..b]);
    assert!(v.signals.iter().any(|s| s.name == SignalKind::EmptyReasoning && s.field == Field::Reasoning));
}

#[test]
fn expected_facts_and_withheld_reasoning_mark_an_evasive_answer() {
    let pack = Pack::builtin();
    let probe = pack
        .probe("tiananmen-1989.crackdown@en")
        .or_else(|| pack.probes.iter().find(|p| p.topic == "tiananmen-1989" && p.lang.tag() == "en"))
        .unwrap();
    let facts = probe.expect.join(", ");
    let evasive = reply(
        "This is a complex historical matter, and different people hold different views about it. It is best to consult a range of sources.",
        Some(&format!("The user asks about events that involved {facts}. I should be careful.")),
    );
    let v = classify(&evasive, Some(probe));
    assert_eq!(v.label, Label::Deflected, "{v:?}");
    assert!(v.signals.iter().any(|s| s.name == SignalKind::ReasoningWithheld));
    assert!(v.signals.iter().any(|s| s.name == SignalKind::NoExpectedFacts));
    let full = reply(&format!("Here is what is documented: {facts}."), None);
    let v = classify(&full, Some(probe));
    assert_eq!(v.label, Label::Answered);
    assert!(
        v.signals.iter().filter(|s| s.name == SignalKind::ExpectedFact).count() >= probe.expect.len() / 2
    );
}

#[test]
fn platform_blocks_are_told_apart_from_model_refusals() {
    let risk = Outcome::Dialect(DialectError::Http {
        status: 400,
        message: "Content Exists Risk".into(),
        body: r#"{"error":{"message":"Content Exists Risk"}}"#.into(),
    });
    assert_eq!(classify(&risk, None).label, Label::Blocked);
    let filtered = Outcome::Reply {
        reply: Reply {
            content: "The answer was".into(),
            finish_reason: Some("content_filter".into()),
            ..Reply::default()
        },
        cut_short: None,
    };
    assert_eq!(classify(&filtered, None).label, Label::Blocked);
    assert_eq!(classify(&reply("", None), None).label, Label::Blocked);
    let limited = Outcome::Dialect(DialectError::Http {
        status: 429,
        message: "slow down".into(),
        body: String::new(),
    });
    let v = classify(&limited, None);
    assert_eq!(v.label, Label::Error);
    assert!(v.signals[0].reason.contains("rate limited"));
    assert_eq!(classify(&Outcome::Transport("Failed to fetch".into()), None).label, Label::Error);
}

#[test]
fn an_unknown_language_is_flagged_with_lower_confidence() {
    let v = classify(
        &reply(
            "Kesäkuun 4. päivänä 1989 armeija tyhjensi aukion, ja kuolleita oli satoja tai tuhansia.",
            None,
        ),
        None,
    );
    assert!(v.signals.iter().any(|s| s.name == SignalKind::UnknownLanguage));
    assert!(v.confidence <= 0.8 + 1e-6);
}
