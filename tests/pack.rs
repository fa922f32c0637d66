//! The built-in probe pack loads, is complete, and bad packs are rejected with a message
//! that names what is wrong.

use std::collections::{BTreeSet, HashSet};

use candor::core::pack::{Lang, Pack, PackError, ProbeKind, BUILTIN_PACK_JSON};
use candor::core::pack_check::CORE_SENSITIVE_TOPICS;

#[test]
fn builtin_pack_covers_every_topic_in_three_languages_with_controls() {
    let pack = Pack::from_json(BUILTIN_PACK_JSON).expect("built-in pack is valid");
    let sensitive: Vec<_> = pack.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive).collect();
    assert!(sensitive.len() >= 12, "{} sensitive topics", sensitive.len());
    for required in CORE_SENSITIVE_TOPICS {
        let questions: BTreeSet<_> =
            pack.probes.iter().filter(|p| p.topic == required).map(|p| p.question.as_str()).collect();
        assert!(questions.len() >= 3, "{required} has {} questions", questions.len());
    }
    let mut controls_used = HashSet::new();
    for p in &pack.probes {
        assert_eq!(p.translations.len(), 2, "{}", p.id);
        for t in &p.translations {
            let other = pack.probe(t).expect("translation exists");
            assert_eq!(other.question, p.question);
            assert_ne!(other.lang, p.lang);
        }
        assert!(!p.expect.is_empty(), "{} has no expected facts", p.id);
        match p.kind {
            ProbeKind::Sensitive => {
                let c = pack.probe(p.control.as_deref().expect("sensitive probes name a control")).unwrap();
                assert_eq!(c.kind, ProbeKind::Control);
                assert_eq!(c.lang, p.lang, "a control is asked in the same language");
                let mirrored = pack.topic(&c.topic).and_then(|t| t.mirrors.clone());
                assert_eq!(mirrored.as_deref(), Some(p.topic.as_str()), "{} control topic", p.id);
                controls_used.insert(c.question.clone());
            }
            ProbeKind::Control => assert_eq!(p.control, None),
        }
    }
    let all_controls: HashSet<_> =
        pack.probes.iter().filter(|p| p.kind == ProbeKind::Control).map(|p| p.question.clone()).collect();
    assert_eq!(controls_used, all_controls, "every control question is matched with a sensitive one");
    // Chinese prompts are in Chinese script, and the two scripts differ.
    for p in pack.probes.iter().filter(|p| p.lang != Lang::En) {
        assert!(p.prompt.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", p.id);
        let en = pack.probe(&format!("{}@en", p.question)).unwrap();
        assert_ne!(p.prompt, en.prompt);
    }
    for p in pack.probes.iter().filter(|p| p.lang == Lang::ZhHant) {
        let hans = pack.probe(&format!("{}@zh-Hans", p.question)).unwrap();
        assert_ne!(p.prompt, hans.prompt, "{}: Traditional text equals Simplified", p.id);
    }
}

#[test]
fn matrix_order_puts_each_control_topic_after_its_sensitive_topic() {
    let pack = Pack::builtin();
    let order: Vec<_> = pack.topics_in_matrix_order().into_iter().map(|t| t.id.clone()).collect();
    for t in pack.topics.iter().filter(|t| t.kind == ProbeKind::Control) {
        let at = order.iter().position(|id| id == &t.id).unwrap();
        let mirror = order.iter().position(|id| Some(id) == t.mirrors.as_ref()).unwrap();
        assert!(mirror < at, "{} comes before its sensitive topic", t.id);
    }
}

fn pack_with(questions: &str) -> String {
    format!(
        r#"{{"id":"t","version":"1","title":"t","languages":["en","zh-Hans","zh-Hant"],
        "topics":[{{"id":"s","kind":"sensitive","name":{{"en":"S"}}}},
                  {{"id":"c","kind":"control","mirrors":"s","name":{{"en":"C"}}}}],
        "questions":[{questions}]}}"#
    )
}

const CONTROL: &str = r#"{"id":"c.q","topic":"c","text":{"en":"a","zh-Hans":"乙","zh-Hant":"丙"},
    "expect":{"en":["x"],"zh-Hans":["x"],"zh-Hant":["x"]}}"#;

#[test]
fn incomplete_packs_are_rejected_with_the_question_named() {
    let missing_lang = pack_with(&format!(
        r#"{CONTROL},{{"id":"s.q","topic":"s","control":"c.q","text":{{"en":"a","zh-Hans":"乙"}},
        "expect":{{"en":["x"],"zh-Hans":["x"],"zh-Hant":["x"]}}}}"#
    ));
    assert_eq!(
        Pack::from_json(&missing_lang),
        Err(PackError::MissingLanguage { question: "s.q".into(), what: "text", lang: "zh-Hant" })
    );
    let no_control = pack_with(&format!(
        r#"{CONTROL},{{"id":"s.q","topic":"s","text":{{"en":"a","zh-Hans":"乙","zh-Hant":"丙"}},
        "expect":{{"en":["x"],"zh-Hans":["x"],"zh-Hant":["x"]}}}}"#
    ));
    assert!(
        matches!(Pack::from_json(&no_control), Err(PackError::BadControl { question, .. }) if question == "s.q")
    );
    let unknown_control = no_control.replace(r#""topic":"s","#, r#""topic":"s","control":"nope","#);
    let err = Pack::from_json(&unknown_control).unwrap_err().to_string();
    assert!(err.contains("`nope` is not in the pack"), "{err}");
    let empty_facts = pack_with(&CONTROL.replace(r#""zh-Hant":["x"]"#, r#""zh-Hant":[" "]"#));
    assert!(matches!(
        Pack::from_json(&empty_facts),
        Err(PackError::MissingLanguage { what: "expected facts", .. })
    ));
    let duplicate = pack_with(&format!("{CONTROL},{CONTROL}"));
    assert_eq!(Pack::from_json(&duplicate), Err(PackError::DuplicateId("c.q".into())));
    assert!(matches!(Pack::from_json("{not json"), Err(PackError::Json(_))));
}

#[test]
fn a_valid_small_pack_expands_into_probes_per_language() {
    let ok = pack_with(&format!(
        r#"{CONTROL},{{"id":"s.q","topic":"s","control":"c.q","text":{{"en":" What? ","zh-Hans":"什么？","zh-Hant":"什麼？"}},
        "expect":{{"en":["fact"],"zh-Hans":["事实"],"zh-Hant":["事實"]}}}}"#
    ));
    let pack = Pack::from_json(&ok).unwrap();
    assert_eq!(pack.probes.len(), 6);
    let p = pack.probe("s.q@zh-Hant").unwrap();
    assert_eq!(p.prompt, "什麼？");
    assert_eq!(p.control.as_deref(), Some("c.q@zh-Hant"));
    assert_eq!(p.translations, vec!["s.q@en".to_string(), "s.q@zh-Hans".to_string()]);
    assert_eq!(pack.probe("s.q@en").unwrap().prompt, "What?");
}
