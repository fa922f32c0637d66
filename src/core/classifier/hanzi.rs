//! Simplified and Traditional Chinese: a table of common characters that differ between
//! the two scripts (the `[hanzi]` section of the phrase file). It tells the two apart (the language check) and turns Simplified
//! training text into Traditional (so the text model learns both).
//!
//! Each pair in the file is the Simplified form followed by its usual Traditional form. Where one
//! Simplified character stands for several Traditional ones (发: 發 and 髮), the commoner is
//! listed. Covers the few hundred characters that carry most running text, not every
//! character: conversion leaves others as they are.

/// The Simplified → Traditional pairs, as characters.
fn pairs() -> impl Iterator<Item = (char, char)> {
    let mut it = super::phrases::tables().hanzi.chars();
    std::iter::from_fn(move || Some((it.next()?, it.next()?))).filter(|(s, t)| s != t)
}

/// The CJK Unified Ideographs block, where every character of the table lives.
const BLOCK: std::ops::RangeInclusive<u32> = 0x4e00..=0x9fff;

/// Two bitmaps over [`BLOCK`]: characters only Simplified text uses, and characters only
/// Traditional text uses. A lookup is one bit test, which keeps the language check cheap.
fn marks() -> &'static (Vec<u64>, Vec<u64>) {
    static M: std::sync::OnceLock<(Vec<u64>, Vec<u64>)> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let words = (BLOCK.end() - BLOCK.start()) as usize / 64 + 1;
        let (mut s, mut t) = (vec![0u64; words], vec![0u64; words]);
        let set = |map: &mut Vec<u64>, c: char| {
            if let Some(i) = (c as u32).checked_sub(*BLOCK.start()).filter(|_| BLOCK.contains(&(c as u32))) {
                map[i as usize / 64] |= 1 << (i % 64);
            }
        };
        for (sc, tc) in pairs() {
            set(&mut s, sc);
            set(&mut t, tc);
        }
        (s, t)
    })
}

fn in_map(map: &[u64], c: char) -> bool {
    let c = c as u32;
    BLOCK.contains(&c) && {
        let i = c - BLOCK.start();
        map[i as usize / 64] & (1 << (i % 64)) != 0
    }
}

/// Which script a character marks: `Some(true)` for a form only Simplified text uses,
/// `Some(false)` for one only Traditional text uses, `None` for shared or other characters.
pub fn marks_simplified(c: char) -> Option<bool> {
    let (s, t) = marks();
    if in_map(s, c) {
        Some(true)
    } else if in_map(t, c) {
        Some(false)
    } else {
        None
    }
}

/// Simplified text in Traditional characters (for the characters the table knows). Used to
/// train and measure on Traditional text; the app never converts.
pub fn to_traditional(text: &str) -> String {
    static MAP: std::sync::OnceLock<std::collections::BTreeMap<char, char>> = std::sync::OnceLock::new();
    let map = MAP.get_or_init(|| pairs().collect());
    text.chars().map(|c| map.get(&c).copied().unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_whole_and_each_side_is_one_script() {
        assert_eq!(super::super::phrases::tables().hanzi.chars().count() % 2, 0);
        // No character is both a Simplified form and another pair's Traditional form.
        let mut simplified: Vec<char> = pairs().map(|p| p.0).collect();
        simplified.sort_unstable();
        let n = simplified.len();
        simplified.dedup();
        assert_eq!(simplified.len(), n, "a Simplified form is listed twice");
        for (s, _) in pairs() {
            assert_eq!(marks_simplified(s), Some(true), "{s} is also another pair's Traditional form");
        }
        assert!(n > 400, "{n}");
    }

    #[test]
    fn converts_and_tells_the_scripts_apart() {
        assert_eq!(
            to_traditional("这个问题我暂时无法回答，让我们换个话题"),
            "這個問題我暫時無法回答，讓我們換個話題"
        );
        assert_eq!(marks_simplified('这'), Some(true));
        assert_eq!(marks_simplified('這'), Some(false));
        assert_eq!(marks_simplified('中'), None);
    }
}
