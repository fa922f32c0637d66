//! The ad-hoc question: one question typed into the app, and optionally a control question
//! to compare its answers with, made into probes.
//!
//! An ad-hoc question is not sent by a path of its own: [`AdHoc::probes`] makes ordinary
//! [`Probe`]s of it, and the app asks them in a normal run of just those probes
//! (`Action::AdHoc` with a run id), so the ledger, the data-flow page, storage, exports and
//! verdicts treat it like any other run. The same probes, under the topic of the user's own
//! probe set ([`my_topic`]), join the imported probes that later runs ask (`Action::AdHoc`
//! without one).

use crate::core::i18n::{current, tr, Msg, UiLang};
use crate::core::pack::{probe_id, Lang, Probe, ProbeKind};
use crate::core::report::text::{fnv1a64, is_han};

/// The topic of a question asked ad hoc, until it is kept in the user's probes.
pub const TOPIC: &str = "ad-hoc";

/// The topic of the user's own probe set: the one the probe import suggests ("My probes", in
/// the interface's language, made an id the way the import makes one: `my-probes`), so a
/// question kept from the box and a list imported with the suggested topic land in the same
/// set.
pub fn my_topic() -> String {
    // The catalogues' names are letters and spaces, which is all the import's `slug` changes
    // here; its Unicode tables would cost the page a kilobyte (tests check they agree).
    let name = tr(Msg::MyProbes).trim();
    name.chars().map(|c| if c == ' ' { '-' } else { c.to_ascii_lowercase() }).collect()
}

/// What the user typed into the ad-hoc box.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdHoc {
    /// The question.
    pub question: String,
    /// The control question; blank for none.
    pub control: String,
    /// The language chosen; `None`: the one each text is written in.
    pub lang: Option<Lang>,
}

impl AdHoc {
    /// The probes it asks, under `topic`: the question first, a sensitive probe naming the
    /// control as its control; then the control, when it is not blank. Each is in the chosen
    /// language, or else in the language its text is written in ([`lang_of`]). `None` when
    /// the question is blank.
    ///
    /// The id comes from the texts, so the same question with the same control is the same
    /// probe however often it is asked or kept, and a different control makes a different one.
    pub fn probes(&self, topic: &str) -> Option<Vec<Probe>> {
        let (question, control) = (self.question.trim(), self.control.trim());
        if question.is_empty() {
            return None;
        }
        let id = format!("adhoc-{:012x}", fnv1a64(&format!("{question}\n{control}")) >> 16);
        let probe = |question: String, kind, text: &str| {
            let lang = self.lang.unwrap_or_else(|| lang_of(text));
            Probe {
                id: probe_id(&question, lang),
                question,
                topic: topic.to_string(),
                lang,
                kind,
                control: None,
                translations: Vec::new(),
                prompt: text.to_string(),
                expect: Vec::new(),
                topic_title: None,
            }
        };
        let mut first = probe(id.clone(), ProbeKind::Sensitive, question);
        if control.is_empty() {
            return Some(vec![first]);
        }
        let second = probe(format!("{id}.control"), ProbeKind::Control, control);
        first.control = Some(second.id.clone());
        Some(vec![first, second])
    }
}

/// The language a text typed into the box is in: Chinese when its Han characters outnumber
/// its Latin words, else English. Which Chinese is the interface's when that is Traditional,
/// else Simplified; the box's language choice says otherwise. (Telling the scripts apart by
/// their characters, as imports do, would cost the page a table it has no room for.)
pub fn lang_of(text: &str) -> Lang {
    let han = text.chars().filter(|&c| is_han(c)).count();
    let words = text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).count();
    match current() {
        _ if han == 0 || han < words => Lang::En,
        UiLang::ZhHant => Lang::ZhHant,
        _ => Lang::ZhHans,
    }
}
