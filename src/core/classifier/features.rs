//! What the text model looks at: hashed character n-grams of the answer (with the opening
//! hashed apart, since refusals and canned deflections live there), n-grams of the
//! reasoning trace, and a few named features (length, script, the rule signals).
//!
//! Training and inference share [`extract`], so a shipped model always sees exactly the
//! features it was trained on.

/// Number of hash buckets (a power of two).
pub const BUCKETS: usize = 1 << 16;

/// How many characters of the answer are read; the verdict is almost always evident early,
/// and this bounds the cost of long essays.
const ANSWER_CHARS: usize = 1500;
/// Characters that count as the opening.
const HEAD_CHARS: usize = 160;
/// Characters of the reasoning trace that are read.
const REASONING_CHARS: usize = 600;

/// One feature: a bucket and its value.
pub type Feature = (u32, f32);

/// Facts the rules found, passed to the model as named features.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RuleFacts {
    /// A refusal phrase in the opening.
    pub refusal: bool,
    /// A canned deflection.
    pub deflection: bool,
    /// Official-line formulas found.
    pub state_markers: usize,
    /// The reasoning field was present but empty.
    pub empty_reasoning: bool,
    /// A reasoning trace was present.
    pub has_reasoning: bool,
}

#[inline]
fn mix(mut h: u64) -> u64 {
    // A 64-bit finaliser: spreads n-gram hashes evenly over the buckets.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[inline]
fn bucket(h: u64) -> u32 {
    (mix(h) as usize & (BUCKETS - 1)) as u32
}

fn named(name: &str) -> u32 {
    bucket(name.bytes().fold(0x9e37_79b9_7f4a_7c15u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)))
}

fn fold_char(c: char) -> u32 {
    // ASCII case and digits carry no signal of their own; full-width punctuation is folded
    // onto ASCII so Chinese and English punctuation share features.
    match c {
        'A'..='Z' => c as u32 + 32,
        '0'..='9' => '0' as u32,
        '，' => ',' as u32,
        '。' => '.' as u32,
        '！' => '!' as u32,
        '？' => '?' as u32,
        '：' => ':' as u32,
        '；' => ';' as u32,
        '“' | '”' | '「' | '」' => '"' as u32,
        '’' | '‘' => '\'' as u32,
        c if c.is_whitespace() => ' ' as u32,
        c => c as u32,
    }
}

/// Pushes hashed 2-, 3- and 4-grams of `chars`, each with weight `w`, in namespace `ns`.
fn ngrams(chars: &[u32], ns: u64, w: f32, out: &mut Vec<Feature>) {
    for i in 0..chars.len() {
        let mut h = ns;
        for (n, &c) in chars[i..].iter().take(4).enumerate() {
            h = (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3).rotate_left(5);
            if n >= 1 {
                out.push((bucket(h ^ n as u64), w));
            }
        }
    }
}

fn collect_chars(text: &str, max: usize, buf: &mut Vec<u32>) {
    buf.clear();
    let mut last_space = true;
    for c in text.chars() {
        let f = fold_char(c);
        // Runs of whitespace and markdown decoration collapse to one space.
        let f = if matches!(c, '*' | '#' | '_' | '`' | '>' | '|') { ' ' as u32 } else { f };
        if f == ' ' as u32 {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        buf.push(f);
        if buf.len() >= max {
            break;
        }
    }
}

/// The features of one reply.
pub fn extract(answer: &str, reasoning: Option<&str>, rules: &RuleFacts, out: &mut Vec<Feature>) {
    out.clear();
    let mut chars = Vec::with_capacity(ANSWER_CHARS);
    collect_chars(answer, ANSWER_CHARS, &mut chars);
    let n = chars.len();
    if n > 0 {
        // Each n-gram group is scaled so the group has about unit norm whatever its length.
        let w = 1.0 / ((3 * n) as f32).sqrt();
        ngrams(&chars, 1, w, out);
        let head = &chars[..n.min(HEAD_CHARS)];
        ngrams(head, 2, 1.0 / ((3 * head.len()) as f32).sqrt(), out);
    }
    if let Some(r) = reasoning.filter(|r| !r.trim().is_empty()) {
        collect_chars(r, REASONING_CHARS, &mut chars);
        ngrams(&chars, 3, 0.5 / ((3 * chars.len()) as f32).sqrt(), out);
    }

    let total_chars = answer.chars().count();
    let cjk = answer.chars().take(ANSWER_CHARS).filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
    let length_bin = match total_chars {
        0..=80 => "len:<80",
        81..=250 => "len:<250",
        251..=600 => "len:<600",
        601..=1500 => "len:<1500",
        1501..=4000 => "len:<4000",
        _ => "len:4000+",
    };
    let lines = answer.lines().filter(|l| !l.trim().is_empty()).count();
    let lines_bin = match lines {
        0..=1 => "lines:1",
        2..=4 => "lines:<5",
        5..=15 => "lines:<16",
        _ => "lines:16+",
    };
    let script = if n == 0 {
        "script:none"
    } else if cjk * 3 > n {
        "script:cjk"
    } else {
        "script:latin"
    };
    let mut push = |name: &str| out.push((named(name), 1.0));
    push("bias");
    push(length_bin);
    push(lines_bin);
    push(script);
    if rules.refusal {
        push("rule:refusal");
    }
    if rules.deflection {
        push("rule:deflection");
    }
    match rules.state_markers {
        0 => {}
        1 => push("rule:state:1"),
        2 => push("rule:state:2"),
        _ => push("rule:state:3+"),
    }
    if rules.empty_reasoning {
        push("rule:empty-reasoning");
    }
    if rules.has_reasoning {
        push("rule:has-reasoning");
    }
}

/// The answer characters (after folding) that feature extraction read, with their byte
/// offsets in the answer, so model evidence can point back into the text.
pub fn answer_positions(answer: &str) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    let mut last_space = true;
    for (i, c) in answer.char_indices() {
        let f = if matches!(c, '*' | '#' | '_' | '`' | '>' | '|') { ' ' as u32 } else { fold_char(c) };
        if f == ' ' as u32 {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push((i, f));
        if out.len() >= ANSWER_CHARS {
            break;
        }
    }
    out
}

/// The bucket of the `len`-gram (2 to 4) starting at `chars[0]`, in the answer namespace.
pub fn answer_ngram_bucket(chars: &[u32], len: usize) -> u32 {
    let mut h = 1u64;
    for &c in &chars[..len] {
        h = (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3).rotate_left(5);
    }
    bucket(h ^ (len - 1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_deterministic_and_scale_free() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        extract("I can't help with that.", None, &RuleFacts::default(), &mut a);
        extract("I CAN'T help   with that.", None, &RuleFacts::default(), &mut b);
        assert_eq!(a, b, "case and whitespace runs are folded");
        let norm: f32 = a.iter().take_while(|f| f.1 < 1.0).map(|f| f.1 * f.1).sum();
        assert!(norm > 0.3 && norm < 1.01, "{norm}");
    }

    #[test]
    fn ngram_buckets_match_the_extractor() {
        let text = "Sorry, no.";
        let pos = answer_positions(text);
        let chars: Vec<u32> = pos.iter().map(|p| p.1).collect();
        let mut feats = Vec::new();
        extract(text, None, &RuleFacts::default(), &mut feats);
        for len in 2..=4 {
            let b = answer_ngram_bucket(&chars[3..], len);
            assert!(feats.iter().any(|f| f.0 == b), "{len}-gram at 3 not extracted");
        }
    }
}
