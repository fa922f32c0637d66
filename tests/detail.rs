//! The detail view's content, worked out in core: evidence highlighted on whole spans only,
//! facts listed once, token counts in one line, and links to the same question in its other
//! languages and to its control.

use candor::core::detail::{evidence_lines, heading, pieces, related, usage_line, Piece};
use candor::core::dialect::Usage;
use candor::core::pack::{Lang, Pack, ProbeKind};
use candor::core::provider::ProviderConfig;
use candor::core::run::{Run, RunProvider};
use candor::core::verdict::{Field, Label, Signal, SignalKind, Verdict};

fn verdict(signals: Vec<Signal>) -> Verdict {
    Verdict { label: Label::Refused, confidence: 0.9, signals }
}

#[test]
fn evidence_is_highlighted_and_bad_spans_are_left_plain() {
    let text = "Sorry, I can’t discuss that. 我不能回答。";
    let cant = text.find("I can’t").unwrap();
    let zh = text.find("不能回答").unwrap();
    let v = verdict(vec![
        Signal::at(SignalKind::RefusalPhrase, (zh, zh + "不能回答".len()), "refuses in Chinese".into()),
        Signal::at(SignalKind::RefusalPhrase, (cant, cant + "I can’t".len()), "refuses".into()),
        // Overlaps the first span: skipped.
        Signal::at(SignalKind::RefusalPhrase, (cant + 2, cant + 5), "overlap".into()),
        // Inside a multi-byte character: skipped.
        Signal::at(SignalKind::RefusalPhrase, (zh + 1, zh + 3), "broken".into()),
        // Past the end: skipped.
        Signal::at(SignalKind::RefusalPhrase, (0, text.len() + 4), "too long".into()),
        // Another field: not drawn here.
        Signal {
            name: SignalKind::RefusalPhrase,
            field: Field::Reasoning,
            span: Some((0, 5)),
            reason: "thinking".into(),
        },
    ]);
    let got = pieces(text, &v, Field::Content);
    assert_eq!(
        got,
        vec![
            Piece { text: "Sorry, ", why: None },
            Piece { text: "I can’t", why: Some("refuses") },
            Piece { text: " discuss that. 我", why: None },
            Piece { text: "不能回答", why: Some("refuses in Chinese") },
            Piece { text: "。", why: None },
        ]
    );
    assert_eq!(got.iter().map(|p| p.text).collect::<String>(), text, "no text lost or repeated");
    assert_eq!(pieces("", &v, Field::Content), vec![Piece { text: "", why: None }]);
}

#[test]
fn expected_facts_are_listed_once_after_the_other_evidence() {
    let text = "Troops fired on protesters near Tiananmen Square in June 1989.";
    let at = |w: &str| {
        let a = text.find(w).unwrap();
        (a, a + w.len())
    };
    let v = verdict(vec![
        Signal::note(SignalKind::Other, Field::Content, "Long, specific answer".into()),
        Signal::at(SignalKind::ExpectedFact, at("Troops"), "fact".into()),
        Signal::at(SignalKind::ExpectedFact, at("June 1989"), "fact".into()),
    ]);
    assert_eq!(
        evidence_lines(&v, text),
        vec!["Long, specific answer".to_string(), "Mentions 2 expected facts: Troops, June 1989".to_string()]
    );
    let one = verdict(vec![Signal::at(SignalKind::ExpectedFact, at("Troops"), "fact".into())]);
    assert_eq!(evidence_lines(&one, text), vec!["Mentions 1 expected fact: Troops".to_string()]);
}

#[test]
fn token_counts_read_as_one_line_and_none_when_unreported() {
    let u = Usage {
        prompt_tokens: Some(812),
        completion_tokens: Some(95),
        reasoning_tokens: Some(40),
        ..Usage::default()
    };
    assert_eq!(usage_line(&u).as_deref(), Some("812 in · 95 out · 40 reasoning"));
    assert_eq!(
        usage_line(&Usage { cached_tokens: Some(7), ..Usage::default() }).as_deref(),
        Some("7 cached")
    );
    assert_eq!(usage_line(&Usage::default()), None);
}

#[test]
fn related_links_name_languages_and_controls_and_say_what_the_run_did_not_ask() {
    let pack = Pack::builtin();
    let probe = pack
        .probes
        .iter()
        .find(|p| {
            p.kind == ProbeKind::Sensitive
                && p.lang == Lang::En
                && p.control.is_some()
                && !p.translations.is_empty()
        })
        .expect("the pack has a sensitive English probe with translations and a control");
    // The run asks only this probe.
    let run = Run::new(
        "r".into(),
        &pack,
        vec![probe.clone()],
        vec![RunProvider::from(&ProviderConfig::demo())],
        0.0,
    );
    let links = related(probe, &run, &pack);
    let labels: Vec<&str> = links.iter().map(|l| l.label.as_str()).collect();
    assert!(labels.contains(&"Control question"), "{labels:?}");
    assert!(labels.contains(&"简体中文") && labels.contains(&"繁體中文"), "languages by name: {labels:?}");
    assert!(links.iter().all(|l| !l.in_run && l.title.starts_with("Not in this run: ")), "{links:?}");

    let control = pack.probe(probe.control.as_deref().unwrap()).unwrap();
    let back = related(control, &run, &pack);
    assert!(back.iter().any(|l| l.probe_id == probe.id
        && l.label == "Sensitive question"
        && l.in_run
        && l.title == probe.prompt));
    assert!(heading(control, &run, &pack).ends_with(" · control"));
    assert!(heading(probe, &run, &pack).ends_with(&format!(" · {} · sensitive", probe.lang.label())));
}

#[test]
fn a_long_reply_opens_with_its_start_and_the_rest_comes_in_pieces_that_add_up_to_it() {
    use candor::core::detail::{byte_size, chunks, preview, CHUNK_BYTES, PREVIEW_CHARS};
    // Characters, not bytes: a Chinese reply is cut after as many characters as an English one.
    let zh = "天安门广场".repeat(5_000);
    let (head, rest) = preview(&zh, PREVIEW_CHARS);
    assert_eq!(head.chars().count(), PREVIEW_CHARS);
    assert_eq!(format!("{head}{rest}"), zh);
    assert_eq!(preview("short", PREVIEW_CHARS), ("short", ""));

    // A megabyte on one line, with spaces: pieces end after a space, never inside a character.
    let line = "The archive lists every name, date and place; 六四 ".repeat(20_000);
    let pieces = chunks(&line, CHUNK_BYTES);
    assert!(pieces.len() > 10);
    assert_eq!(pieces.concat(), line, "the pieces are the whole text, in order");
    for p in &pieces[..pieces.len() - 1] {
        assert!(p.len() <= CHUNK_BYTES && p.len() > CHUNK_BYTES * 7 / 8, "{}", p.len());
        assert!(p.ends_with(' '), "a piece ends where a line may break");
    }
    // No space at all: still whole characters, still the whole text.
    let dense = "字".repeat(100_000);
    let pieces = chunks(&dense, 1000);
    assert_eq!(pieces.concat(), dense);
    assert!(pieces.iter().all(|p| p.len() <= 1000 && !p.is_empty()));
    assert_eq!(chunks("", 10), vec![""]);

    assert_eq!(byte_size(950), "950 bytes");
    assert_eq!(byte_size(12_345), "12.3 kB (12,345 bytes)");
    assert_eq!(byte_size(1_000_000), "1.0 MB (1,000,000 bytes)");
}
