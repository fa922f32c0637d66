//! Reasoning that R1-style models (DeepSeek-R1 distills on Ollama, llama.cpp or vLLM without a
//! reasoning parser) put in a leading `<think>…</think>` block of their content.
//!
//! A live reply and an imported one must split the same text the same way, or a re-imported
//! run would be judged on different text; so the whole-text split ([`split_think`]) and the
//! streaming router that reproduces it piece by piece live here, side by side.

/// Opens the reasoning block R1-style models put at the start of their content.
const THINK_OPEN: &str = "<think>";
/// Closes it (the classifier also looks for it alone, after thinking whose opening marker
/// the server left in the prompt).
pub(crate) const THINK_CLOSE: &str = "</think>";

/// Content and think-block text split off one piece of streamed content.
#[derive(Debug, Default)]
pub(crate) struct Routed {
    /// Answer text.
    pub(crate) content: String,
    /// Reasoning text from the think block.
    pub(crate) think: String,
}

/// Where the content stream stands with respect to a leading `<think>` block.
#[derive(Clone, Debug)]
enum ThinkState {
    /// Nothing decided yet: the buffer is whitespace plus a prefix of `<think>`.
    Start(String),
    /// Inside the block. `pending` holds text not yet emitted: whitespace that may turn out to
    /// be trailing, and a possible partial `</think>`.
    Inside { pending: String, emitted: bool },
    /// After `</think>`; whitespace is skipped until the answer starts.
    After { skipping: bool },
    /// No think block: everything is content.
    Plain,
}

impl Default for ThinkState {
    fn default() -> Self {
        ThinkState::Start(String::new())
    }
}

/// Routes streamed content into answer and reasoning, so that the concatenated output matches
/// what [`split_think`] makes of the whole content.
#[derive(Clone, Debug, Default)]
pub(crate) struct ThinkRouter {
    state: ThinkState,
    /// A `<think>` tag opened the content.
    pub(crate) opened: bool,
}

impl ThinkRouter {
    /// Routes the next piece of content.
    pub(crate) fn push(&mut self, text: &str) -> Routed {
        let mut out = Routed::default();
        let mut next = Some(text.to_owned());
        while let Some(text) = next.take() {
            let state = std::mem::replace(&mut self.state, ThinkState::Plain);
            self.state = match state {
                ThinkState::Start(mut buf) => {
                    buf.push_str(&text);
                    let trimmed = buf.trim_start();
                    if let Some(after) = trimmed.strip_prefix(THINK_OPEN) {
                        self.opened = true;
                        next = Some(after.to_owned());
                        ThinkState::Inside { pending: String::new(), emitted: false }
                    } else if THINK_OPEN.starts_with(trimmed) {
                        ThinkState::Start(buf)
                    } else {
                        out.content.push_str(&buf);
                        ThinkState::Plain
                    }
                }
                ThinkState::Inside { mut pending, mut emitted } => {
                    pending.push_str(&text);
                    if let Some(at) = pending.find(THINK_CLOSE) {
                        let inner = &pending[..at];
                        out.think.push_str(if emitted { inner.trim_end() } else { inner.trim() });
                        next = Some(pending[at + THINK_CLOSE.len()..].to_owned());
                        ThinkState::After { skipping: true }
                    } else {
                        let held = partial_suffix_len(&pending, THINK_CLOSE);
                        let ready_end = pending[..pending.len() - held].trim_end().len();
                        let ready = &pending[..ready_end];
                        let ready = if emitted { ready } else { ready.trim_start() };
                        if !ready.is_empty() {
                            out.think.push_str(ready);
                            emitted = true;
                        }
                        pending.drain(..ready_end);
                        ThinkState::Inside { pending, emitted }
                    }
                }
                ThinkState::After { skipping: true } => {
                    let rest = text.trim_start();
                    out.content.push_str(rest);
                    ThinkState::After { skipping: rest.is_empty() }
                }
                ThinkState::After { skipping: false } | ThinkState::Plain => {
                    out.content.push_str(&text);
                    state
                }
            };
        }
        out
    }

    /// Releases what is still held back at the end of the stream.
    pub(crate) fn finish(&mut self) -> Routed {
        let mut out = Routed::default();
        match std::mem::replace(&mut self.state, ThinkState::Plain) {
            // Whitespace or a partial tag that never became `<think>` is ordinary content.
            ThinkState::Start(buf) => out.content = buf,
            // An unclosed block: everything in it is reasoning.
            ThinkState::Inside { pending, emitted } => {
                out.think = if emitted { pending.trim_end() } else { pending.trim() }.to_owned();
            }
            ThinkState::After { .. } | ThinkState::Plain => {}
        }
        out
    }
}

/// The length of the longest proper prefix of `tag` that `text` ends with.
fn partial_suffix_len(text: &str, tag: &str) -> usize {
    (1..tag.len()).rev().find(|&n| text.ends_with(&tag[..n])).unwrap_or(0)
}

/// Moves a leading `<think>…</think>` block of `content` into the reasoning, after any
/// reasoning field. An unclosed block makes all of the content reasoning: the reply was cut
/// off while still thinking. Live replies and imported files both go through here.
pub fn split_think(content: &str, field: Option<String>) -> (String, Option<String>) {
    let Some(after) = content.trim_start().strip_prefix(THINK_OPEN) else {
        return (content.to_owned(), field);
    };
    let (think, rest) = match after.find(THINK_CLOSE) {
        Some(at) => (&after[..at], after[at + THINK_CLOSE.len()..].trim_start()),
        None => (after, ""),
    };
    let think = think.trim();
    let mut reasoning = field.unwrap_or_default();
    if !reasoning.is_empty() && !think.is_empty() {
        reasoning.push('\n');
    }
    reasoning.push_str(think);
    (rest.to_owned(), Some(reasoning))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_all(pieces: &[&str]) -> (String, String, bool) {
        let mut router = ThinkRouter::default();
        let (mut content, mut think) = (String::new(), String::new());
        for piece in pieces {
            let out = router.push(piece);
            content += &out.content;
            think += &out.think;
        }
        let out = router.finish();
        (content + &out.content, think + &out.think, router.opened)
    }

    /// Routing any split of `whole` gives what [`split_think`] gives for the whole string.
    fn assert_router_matches_split(whole: &str) {
        let (content, reasoning) = split_think(whole, None);
        let expected = (content, reasoning.clone().unwrap_or_default(), reasoning.is_some());
        let bounds: Vec<usize> = (0..=whole.len()).filter(|&i| whole.is_char_boundary(i)).collect();
        for &i in &bounds {
            for &j in bounds.iter().filter(|&&j| j >= i) {
                let got = route_all(&[&whole[..i], &whole[i..j], &whole[j..]]);
                assert_eq!(got, expected, "{whole:?} split at {i}, {j}");
            }
        }
    }

    #[test]
    fn router_agrees_with_split_think_at_every_split() {
        for whole in [
            "<think>\nOkay, so.\n</think>\n\nThe answer.",
            "  <think>a  b </think>  c ",
            "<think>\n\n</think>\n\nI am sorry.",
            "<think>unclosed trace </thi",
            "<think>",
            "<thi",
            "   ",
            "",
            "Plain answer <think>not a block</think>",
            "<thinking>not ours</thinking>",
            "<think>x</think>",
            "<think>a </ b </think></think>c",
            "<think>思考。</think>答案",
        ] {
            assert_router_matches_split(whole);
        }
    }

    #[test]
    fn plain_content_streams_straight_through() {
        let mut router = ThinkRouter::default();
        assert_eq!(router.push("Hello").content, "Hello");
        assert_eq!(router.push(" <think>").content, " <think>");
        let mut router = ThinkRouter::default();
        assert_eq!(router.push("<").content, "", "could still become <think>");
        assert_eq!(router.push("b>").content, "<b>");
    }

    #[test]
    fn think_tag_split_across_pieces_is_routed_as_it_arrives() {
        let mut router = ThinkRouter::default();
        assert_eq!(router.push("<th").think, "");
        let out = router.push("ink>\nOkay, the");
        assert_eq!((out.content.as_str(), out.think.as_str()), ("", "Okay, the"));
        assert_eq!(router.push(" user </").think, " user", "the space waits, `</` may be the tag");
        let out = router.push("think>\n\nAnswer");
        assert_eq!((out.content.as_str(), out.think.as_str()), ("Answer", ""));
    }

    #[test]
    fn split_think_cases() {
        assert_eq!(split_think("Hi", None), ("Hi".to_owned(), None));
        assert_eq!(split_think(" Hi ", Some(String::new())), (" Hi ".to_owned(), Some(String::new())));
        assert_eq!(split_think("<think>\n\n</think>\n\nNo.", None), ("No.".to_owned(), Some(String::new())));
        assert_eq!(split_think("<think>t</think>c", Some("f".into())), ("c".to_owned(), Some("f\nt".into())));
        assert_eq!(split_think("<think>all trace", None), (String::new(), Some("all trace".into())));
    }
}
