//! The simulated provider: canned replies that show what each verdict looks like, so a
//! first-time user can press Run with no key and no network.
//!
//! Two simulated models exist. `demo-open` answers everything. `demo-censored` behaves the
//! way censored models are commonly reported to: it answers control questions, gives the
//! official line on sovereignty topics, deflects on others with an empty reasoning trace,
//! and answers some historical questions in English while refusing them in Chinese.
//! Every reply says it is simulated. It speaks English and Chinese only: an imported probe
//! in another language gets its English replies.

use crate::core::dialect::{Reply, Usage};
use crate::core::pack::{Lang, Probe, ProbeKind};

/// The simulated models.
pub const DEMO_MODELS: [&str; 2] = ["demo-censored", "demo-open"];

/// A simulated reply, with the pieces a stream would deliver and the delay before each.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoReply {
    /// The whole reply, as a full response would carry it.
    pub reply: Reply,
    /// (delay in ms, reasoning delta, content delta), in order.
    pub chunks: Vec<(u32, String, String)>,
}

enum Behaviour {
    Answer,
    StateLine,
    Canned,
    Deflect,
    Refuse,
}

fn behaviour(model: &str, probe: &Probe) -> Behaviour {
    if model != "demo-censored" || probe.kind == ProbeKind::Control {
        return Behaviour::Answer;
    }
    match probe.topic.as_str() {
        "taiwan-status" | "xinjiang-uyghurs" | "tibet-dalai-lama" | "hong-kong-2019" => Behaviour::StateLine,
        "tiananmen-1989" | "falun-gong" => Behaviour::Canned,
        "xi-jinping-criticism" | "liu-xiaobo" => Behaviour::Deflect,
        _ if !probe.lang.is_chinese() => Behaviour::Answer,
        _ => Behaviour::Refuse,
    }
}

fn texts(b: &Behaviour, probe: &Probe) -> (Option<String>, String) {
    let facts = probe.expect.join(if probe.lang.is_chinese() { "、" } else { ", " });
    match (b, probe.lang) {
        (Behaviour::Answer, Lang::En | Lang::Fi | Lang::Other) => (
            Some(format!("The question asks for facts. Points to cover: {facts}.")),
            format!(
                "[Simulated reply] A substantive answer covers the documented facts: {facts}. \
                 Historians and journalists have written about these in detail. \
                 This text comes from Candor's demo provider, not from a real model."
            ),
        ),
        (Behaviour::Answer, Lang::ZhHans) => (
            Some(format!("这个问题需要事实。要点：{facts}。")),
            format!("【模拟回复】实质性的回答会涉及有据可查的事实：{facts}。历史学者和记者对此有详细的记录。本文由 Candor 演示提供方生成，并非真实模型的回答。"),
        ),
        (Behaviour::Answer, Lang::ZhHant) => (
            Some(format!("這個問題需要事實。要點：{facts}。")),
            format!("【模擬回覆】實質性的回答會涉及有據可查的事實：{facts}。歷史學者和記者對此有詳細的記錄。本文由 Candor 示範提供方產生，並非真實模型的回答。"),
        ),
        (Behaviour::StateLine, Lang::En | Lang::Fi | Lang::Other) => (
            Some("Follow the official position.".into()),
            "[Simulated reply] The Chinese government resolutely opposes any attempt to interfere in China's internal \
             affairs. Safeguarding national sovereignty and territorial integrity is the common aspiration of all Chinese \
             people, and the so-called issues raised by anti-China forces are groundless."
                .into(),
        ),
        (Behaviour::StateLine, Lang::ZhHans) => (
            Some("按官方立场回答。".into()),
            "【模拟回复】中国政府坚决反对任何外部势力干涉中国内政。维护国家主权和领土完整是全体中国人民的共同意志，所谓的问题是反华势力的炒作。".into(),
        ),
        (Behaviour::StateLine, Lang::ZhHant) => (
            Some("按官方立場回答。".into()),
            "【模擬回覆】中國政府堅決反對任何外部勢力干涉中國內政。維護國家主權和領土完整是全體中國人民的共同意志，所謂的問題是反華勢力的炒作。".into(),
        ),
        (Behaviour::Canned, Lang::En | Lang::Fi | Lang::Other) => {
            (Some(String::new()), "[Simulated reply] Sorry, that's beyond my current scope. Let's talk about something else.".into())
        }
        (Behaviour::Canned, Lang::ZhHans) => {
            (Some(String::new()), "【模拟回复】你好，这个问题我暂时无法回答，让我们换个话题再聊聊吧。".into())
        }
        (Behaviour::Canned, Lang::ZhHant) => {
            (Some(String::new()), "【模擬回覆】你好，這個問題我暫時無法回答，讓我們換個話題再聊聊吧。".into())
        }
        (Behaviour::Deflect, Lang::En | Lang::Fi | Lang::Other) => (
            Some("Keep it general.".into()),
            "[Simulated reply] This is a complex and sensitive topic, and people hold different views on it. \
             It is important to approach it with care and to consult a range of reliable sources."
                .into(),
        ),
        (Behaviour::Deflect, Lang::ZhHans) => (
            Some("保持笼统。".into()),
            "【模拟回复】这是一个复杂而敏感的话题，各方存在不同的观点。建议您理性看待，并参考权威渠道的信息。".into(),
        ),
        (Behaviour::Deflect, Lang::ZhHant) => (
            Some("保持籠統。".into()),
            "【模擬回覆】這是一個複雜而敏感的話題，各方存在不同的觀點。建議您理性看待，並參考權威渠道的資訊。".into(),
        ),
        (Behaviour::Refuse, Lang::ZhHans) => {
            (Some("不应回答。".into()), "【模拟回复】抱歉，我无法提供关于这个话题的信息。".into())
        }
        (Behaviour::Refuse, _) => (Some("不應回答。".into()), "【模擬回覆】抱歉，我無法提供關於這個話題的資訊。".into()),
    }
}

/// A stable small number from a string, so simulated timings repeat from run to run.
fn hash(s: &str) -> u32 {
    s.bytes().fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619))
}

fn split_chunks(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(size.max(1)).map(|c| c.iter().collect()).collect()
}

/// The simulated reply of `model` to `probe`.
pub fn reply(model: &str, probe: &Probe) -> DemoReply {
    let b = behaviour(model, probe);
    let (reasoning, content) = texts(&b, probe);
    let h = hash(&format!("{model}/{}", probe.id));
    let step = 10 + h % 20;
    let mut chunks = vec![(100 + h % 300, String::new(), String::new())];
    if let Some(r) = reasoning.as_deref() {
        chunks.extend(split_chunks(r, 12).into_iter().map(|c| (step, c, String::new())));
    }
    chunks.extend(
        split_chunks(&content, if probe.lang.is_chinese() { 8 } else { 24 })
            .into_iter()
            .map(|c| (step, String::new(), c)),
    );
    let completion =
        (content.chars().count() + reasoning.as_deref().map_or(0, |r| r.chars().count())) as u64 / 3;
    let prompt = probe.prompt.chars().count() as u64 / 3 + 8;
    let reply = Reply {
        content,
        reasoning,
        finish_reason: Some("stop".into()),
        usage: Some(Usage {
            prompt_tokens: Some(prompt),
            completion_tokens: Some(completion),
            total_tokens: Some(prompt + completion),
            reasoning_tokens: None,
            cached_tokens: None,
            ..Usage::default()
        }),
        model: Some(model.to_string()),
        upstream_provider: None,
        ..Reply::default()
    };
    DemoReply { reply, chunks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pack::Pack;
    use crate::core::verdict::{classify, Label, Outcome};

    fn verdict(model: &str, probe: &Probe) -> Label {
        let r = reply(model, probe).reply;
        classify(&Outcome::Reply { reply: r, cut_short: None }, Some(probe)).label
    }

    #[test]
    fn stream_chunks_reassemble_the_reply() {
        let pack = Pack::builtin();
        for p in pack.probes.iter().take(30) {
            let d = reply("demo-censored", p);
            let content: String = d.chunks.iter().map(|c| c.2.as_str()).collect();
            let reasoning: String = d.chunks.iter().map(|c| c.1.as_str()).collect();
            assert_eq!(content, d.reply.content);
            assert_eq!(reasoning, d.reply.reasoning.unwrap_or_default());
        }
    }

    #[test]
    fn demo_models_show_every_kind_of_answer() {
        let pack = Pack::builtin();
        let mut seen = std::collections::BTreeSet::new();
        for p in &pack.probes {
            assert_eq!(verdict("demo-open", p), Label::Answered, "demo-open on {}", p.id);
            let l = verdict("demo-censored", p);
            if p.kind == ProbeKind::Control {
                assert_eq!(l, Label::Answered, "control {}", p.id);
            }
            seen.insert(l);
        }
        for l in [Label::Answered, Label::Refused, Label::Deflected, Label::StateNarrative] {
            assert!(seen.contains(&l), "demo-censored never gives {l:?}");
        }
    }

    #[test]
    fn every_reply_says_it_is_simulated() {
        let pack = Pack::builtin();
        for p in pack.probes.iter().step_by(7) {
            for m in DEMO_MODELS {
                let c = reply(m, p).reply.content;
                assert!(c.contains("Simulated") || c.contains("模拟") || c.contains("模擬"), "{c}");
            }
        }
    }
}
