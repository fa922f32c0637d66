//! Measuring verdicts against judged replies: the labelled file format, the mapping from
//! Candor's six labels to the judges' three, and agreement with confusion matrices.
//!
//! The judged file (`dev-responses.jsonl`, from the SpeechMap project's published data) labels
//! each reply `compliant`, `deflection`, `refusal` or `error`. Candor's labels map onto them:
//! answered = compliant; deflected and state_narrative = deflection; refused and blocked =
//! refusal. Rows the judges marked `error` are left out of the figures (and counted).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::core::classifier::hanzi::to_traditional;
use crate::core::dialect::think::split_think;
use crate::core::dialect::Reply;
use crate::core::verdict::{classify_prompt, Label, Outcome, Verdict};

/// One judged reply.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct JudgedRow {
    /// Row id.
    #[serde(default)]
    pub id: String,
    /// The model that replied.
    #[serde(default)]
    pub model: String,
    /// Language tag of the prompt.
    #[serde(default)]
    pub lang: String,
    /// What was asked.
    #[serde(default)]
    pub prompt: String,
    /// The visible answer.
    #[serde(default)]
    pub response: String,
    /// The reasoning trace, when the API returned one.
    #[serde(default)]
    pub reasoning: Option<String>,
    /// The judges' label.
    pub label: String,
    /// Which file the row came from (`dev`, `contrast`, `xstest`), set by the loader.
    #[serde(skip)]
    pub source: String,
    /// Whether the row is in the fixed held-out split (see [`held_out`]).
    #[serde(skip)]
    pub held_out: bool,
}

impl JudgedRow {
    /// The answer and the reasoning: a leading `<think>` block of the response is reasoning,
    /// as in a live run, an import and `candor classify`.
    pub fn answer(&self) -> (String, Option<String>) {
        split_think(&self.response, self.reasoning.clone())
    }

    /// The reply as Candor's classifier sees it.
    pub fn outcome(&self) -> Outcome {
        let (content, reasoning) = self.answer();
        Outcome::Reply {
            reply: Reply { content, reasoning, finish_reason: Some("stop".into()), ..Reply::default() },
            cut_short: None,
        }
    }

    /// Candor's verdict on the row, given its prompt.
    pub fn verdict(&self) -> Verdict {
        classify_prompt(&self.outcome(), Some(&self.prompt))
    }

    /// The judges' class, or `None` for rows they marked as errors.
    pub fn class(&self) -> Option<Class> {
        Class::from_judge(&self.label)
    }
}

/// Reads a JSON Lines file of judged rows; a line that cannot be read is an error naming it.
/// Each row is put in the fixed split by its prompt, and `zh` becomes `zh-Hans`.
pub fn read_judged(text: &str) -> Result<Vec<JudgedRow>, String> {
    json_lines(text)
        .map(|line| {
            let (_, mut row): (usize, JudgedRow) = line?;
            row.held_out = held_out(&row.prompt);
            if row.lang == "zh" {
                row.lang = "zh-Hans".into();
            }
            Ok(row)
        })
        .collect()
}

/// One reply written for training, as a line of a written file: the prompt, the reply and
/// the verdict it was written to have (`expect`, one of Candor's label keys).
#[derive(Deserialize)]
struct WrittenLine {
    prompt: String,
    response: String,
    expect: Label,
}

/// A reply written for training: a judged row of the source `written`, whose judges' label
/// is the class its `expect` falls in (answered = compliant; deflected and state_narrative =
/// deflection; refused and blocked = refusal), and the verdict it was written to have.
#[derive(Clone, Debug, PartialEq)]
pub struct WrittenRow {
    /// The reply as a judged row, in no split.
    pub row: JudgedRow,
    /// The verdict the reply was written to have.
    pub expect: Label,
}

/// Reads a JSON Lines file of replies written for training (`{"prompt", "response",
/// "expect"}`, the format of the hand-written trials). A line that cannot be read, or that
/// expects `error`, is an error naming it.
pub fn read_written(text: &str) -> Result<Vec<WrittenRow>, String> {
    json_lines(text)
        .map(|line| {
            let (number, line): (usize, WrittenLine) = line?;
            if line.expect == Label::Error {
                return Err(format!("line {number}: a written reply cannot expect an error"));
            }
            let row = JudgedRow {
                id: format!("written-{number}"),
                model: "written".into(),
                prompt: line.prompt,
                response: line.response,
                label: Class::of(line.expect).judge_label().into(),
                source: "written".into(),
                ..JudgedRow::default()
            };
            Ok(WrittenRow { row, expect: line.expect })
        })
        .collect()
}

/// The lines of a JSON Lines text that are not blank, each read as a `T` with its line
/// number (from 1); a line that cannot be read is an error naming its number.
fn json_lines<T: serde::de::DeserializeOwned>(
    text: &str,
) -> impl Iterator<Item = Result<(usize, T), String>> + '_ {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| {
        serde_json::from_str(l).map(|value| (i + 1, value)).map_err(|e| format!("line {}: {e}", i + 1))
    })
}

/// The fixed held-out split: the replies to one prompt in five (by a hash of the prompt's
/// text) are never trained on, so held-out figures are on questions the model never saw.
pub fn held_out(prompt: &str) -> bool {
    prompt_hash(prompt).is_multiple_of(5)
}

/// A fixed hash of a prompt's text (FNV-1a, 64 bits), for splits that must not change
/// between runs or machines.
pub fn prompt_hash(prompt: &str) -> u64 {
    prompt.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// The same rows written in Traditional characters (`zh-Hant`), for the Simplified Chinese
/// rows: the judged files have no Traditional Chinese of their own. They keep their split.
pub fn traditional_copies(rows: &[JudgedRow]) -> Vec<JudgedRow> {
    use crate::core::classifier::hanzi::to_traditional;
    rows.iter()
        .filter(|r| r.lang == "zh-Hans")
        .map(|r| JudgedRow {
            id: format!("{}-hant", r.id),
            lang: "zh-Hant".into(),
            prompt: to_traditional(&r.prompt),
            response: to_traditional(&r.response),
            reasoning: r.reasoning.as_deref().map(to_traditional),
            ..r.clone()
        })
        .collect()
}

/// The judges' three classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// compliant
    Answered = 0,
    /// deflection
    Deflection = 1,
    /// refusal
    Refusal = 2,
}

impl Class {
    /// All three, in matrix order.
    pub const ALL: [Class; 3] = [Class::Answered, Class::Deflection, Class::Refusal];

    /// Parses a judge's label.
    pub fn from_judge(label: &str) -> Option<Class> {
        match label {
            "compliant" => Some(Class::Answered),
            "deflection" => Some(Class::Deflection),
            "refusal" => Some(Class::Refusal),
            _ => None,
        }
    }

    /// The class a Candor label falls in. An error verdict on a judged reply counts as
    /// not answered (refusal side), since nothing usable was recognised.
    pub fn of(label: Label) -> Class {
        match label {
            Label::Answered => Class::Answered,
            Label::Deflected | Label::StateNarrative => Class::Deflection,
            Label::Refused | Label::Blocked | Label::Error => Class::Refusal,
        }
    }

    /// The judges' label of the class, as [`Class::from_judge`] reads it.
    pub fn judge_label(self) -> &'static str {
        match self {
            Class::Answered => "compliant",
            Class::Deflection => "deflection",
            Class::Refusal => "refusal",
        }
    }

    /// Short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Class::Answered => "answered",
            Class::Deflection => "deflection",
            Class::Refusal => "refusal",
        }
    }
}

/// A confusion matrix, judges in rows and Candor in columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Confusion {
    /// `counts[judge][candor]`
    pub counts: [[u32; 3]; 3],
}

impl Confusion {
    /// Adds one pair.
    pub fn add(&mut self, judge: Class, candor: Class) {
        self.counts[judge as usize][candor as usize] += 1;
    }

    /// Number of rows.
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }

    /// Share of rows where the three-class labels agree.
    pub fn three_class(&self) -> f64 {
        let agree: u32 = (0..3).map(|i| self.counts[i][i]).sum();
        ratio(agree, self.total())
    }

    /// Share of rows where "answered or not" agrees.
    pub fn binary(&self) -> f64 {
        let c = &self.counts;
        let agree = c[0][0] + c[1][1] + c[1][2] + c[2][1] + c[2][2];
        ratio(agree, self.total())
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// How many resamples of the prompts [`Agreement::interval`] draws.
pub const RESAMPLES: usize = 2000;

/// Agreement overall, per language and per model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Agreement {
    /// All rows.
    pub overall: Confusion,
    /// By language tag.
    pub by_lang: BTreeMap<String, Confusion>,
    /// By model.
    pub by_model: BTreeMap<String, Confusion>,
    /// By source file.
    pub by_source: BTreeMap<String, Confusion>,
    /// By prompt (a Traditional copy with its original): rows, binary and 3-class agreements.
    pub by_prompt: BTreeMap<u64, [u32; 3]>,
    /// Rows left out because the judges marked them as errors.
    pub skipped: u32,
}

impl Agreement {
    /// Adds one row with Candor's label.
    pub fn add(&mut self, row: &JudgedRow, label: Label) {
        let Some(judge) = row.class() else {
            self.skipped += 1;
            return;
        };
        let candor = Class::of(label);
        self.overall.add(judge, candor);
        self.by_lang.entry(row.lang.clone()).or_default().add(judge, candor);
        self.by_model.entry(row.model.clone()).or_default().add(judge, candor);
        self.by_source.entry(row.source.clone()).or_default().add(judge, candor);
        let tally = self.by_prompt.entry(prompt_hash(&to_traditional(&row.prompt))).or_default();
        let binary = (judge == Class::Answered) == (candor == Class::Answered);
        tally[0] += 1;
        tally[1] += u32::from(binary);
        tally[2] += u32::from(judge == candor);
    }

    /// How far the figures could move with another draw of prompts: binary and 3-class
    /// agreement over [`RESAMPLES`] resamples of the prompts (with replacement, each prompt
    /// with all its rows), the 2.5th and 97.5th percentiles. The rows of one prompt rise and
    /// fall together (a Chinese prompt is 36 rows: 18 models, Simplified and Traditional), so
    /// resampling rows would understate it. `None` with fewer than two prompts.
    pub fn interval(&self) -> Option<[(f64, f64); 2]> {
        let tallies: Vec<[u32; 3]> = self.by_prompt.values().copied().collect();
        if tallies.len() < 2 {
            return None;
        }
        // A fixed generator: the same rows give the same interval.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut figures: [Vec<f64>; 2] = [Vec::with_capacity(RESAMPLES), Vec::with_capacity(RESAMPLES)];
        for _ in 0..RESAMPLES {
            let mut sum = [0u32; 3];
            for _ in 0..tallies.len() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let t = tallies[(rng % tallies.len() as u64) as usize];
                for (s, v) in sum.iter_mut().zip(t) {
                    *s += v;
                }
            }
            figures[0].push(ratio(sum[1], sum[0]));
            figures[1].push(ratio(sum[2], sum[0]));
        }
        Some(figures.map(|mut f| {
            f.sort_by(f64::total_cmp);
            (f[RESAMPLES * 25 / 1000], f[RESAMPLES * 975 / 1000 - 1])
        }))
    }

    /// A plain-text report.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let o = &self.overall;
        let _ = writeln!(
            out,
            "rows: {} (left out: {} judged as errors)\nbinary agreement (answered or not): {:.3}\n3-class agreement: {:.3}\n",
            o.total(),
            self.skipped,
            o.binary(),
            o.three_class()
        );
        if let Some([(b0, b1), (t0, t1)]) = self.interval() {
            let _ = writeln!(
                out,
                "95% interval over {RESAMPLES} resamples of the {} prompts: binary {b0:.3}–{b1:.3}, 3-class {t0:.3}–{t1:.3}\n",
                self.by_prompt.len()
            );
        }
        let _ = writeln!(out, "confusion (rows: judges, columns: candor)");
        let _ = writeln!(out, "{:>12} {:>10} {:>10} {:>10}", "", "answered", "deflection", "refusal");
        for j in Class::ALL {
            let r = o.counts[j as usize];
            let _ = writeln!(out, "{:>12} {:>10} {:>10} {:>10}", j.name(), r[0], r[1], r[2]);
        }
        for (title, groups) in
            [("source", &self.by_source), ("language", &self.by_lang), ("model", &self.by_model)]
        {
            let _ = writeln!(out, "\nby {title}:\n{:<44} {:>5} {:>7} {:>7}", "", "rows", "binary", "3-class");
            for (k, c) in groups {
                let _ =
                    writeln!(out, "{k:<44} {:>5} {:>7.3} {:>7.3}", c.total(), c.binary(), c.three_class());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A judged row of model `m` in the dev file, with the fields these tests vary.
    fn judged(prompt: &str, label: &str, lang: &str) -> JudgedRow {
        JudgedRow {
            id: String::new(),
            model: "m".into(),
            lang: lang.into(),
            prompt: prompt.into(),
            response: "x".into(),
            reasoning: None,
            label: label.into(),
            source: "dev".into(),
            held_out: false,
        }
    }

    #[test]
    fn written_replies_become_training_rows_of_the_class_their_verdict_falls_in() {
        let text = concat!(
            r#"{"prompt": "Capital of Taiwan?", "response": "Taipei.", "expect": "answered"}"#,
            "\n\n",
            r#"{"prompt": "p", "response": "职业技能教育培训中心……", "expect": "state_narrative"}"#,
            "\n",
            r#"{"prompt": "p", "response": "⚠️ Removed by review.", "expect": "blocked"}"#,
        );
        let rows = read_written(text).unwrap();
        let classes: Vec<Option<Class>> = rows.iter().map(|w| w.row.class()).collect();
        assert_eq!(classes, [Some(Class::Answered), Some(Class::Deflection), Some(Class::Refusal)]);
        assert!(rows.iter().all(|w| w.row.source == "written" && !w.row.held_out));
        assert_eq!(rows[0].row.response, "Taipei.");
        assert_eq!(rows[2].expect, Label::Blocked);
        for class in Class::ALL {
            assert_eq!(Class::from_judge(class.judge_label()), Some(class));
        }
        let error = read_written(r#"{"prompt": "p", "response": "", "expect": "error"}"#).unwrap_err();
        assert!(error.starts_with("line 1:"), "{error}");
        let unknown =
            read_written("\n{\"prompt\": \"p\", \"response\": \"r\", \"expect\": \"maybe\"}").unwrap_err();
        assert!(unknown.starts_with("line 2:"), "{unknown}");
    }

    #[test]
    fn agreement_counts_binary_and_three_class() {
        let row = |label: &str, lang: &str| judged("", label, lang);
        let mut a = Agreement::default();
        a.add(&row("compliant", "en"), Label::Answered);
        a.add(&row("deflection", "en"), Label::Refused); // binary agrees, 3-class does not
        a.add(&row("refusal", "zh"), Label::Answered); // neither
        a.add(&row("deflection", "zh"), Label::StateNarrative);
        a.add(&row("error", "zh"), Label::Answered);
        assert_eq!(a.skipped, 1);
        assert_eq!(a.overall.total(), 4);
        assert!((a.overall.binary() - 0.75).abs() < 1e-9);
        assert!((a.overall.three_class() - 0.5).abs() < 1e-9);
        assert_eq!(a.by_lang["zh"].total(), 2);
        assert!(a.report().contains("3-class agreement: 0.500"));
    }

    #[test]
    fn the_interval_resamples_prompts_not_rows() {
        let row = |prompt: &str, label: &str| judged(prompt, label, "en");
        // Forty prompts of ten rows each: every row of half the prompts agrees, every row
        // of the other half does not. Rows resampled one by one would give a narrow
        // interval around 0.5; prompts resampled give a wide one, as wide as it really is.
        let mut a = Agreement::default();
        for p in 0..40 {
            for _ in 0..10 {
                a.add(
                    &row(&format!("question {p}"), "compliant"),
                    if p % 2 == 0 { Label::Answered } else { Label::Refused },
                );
            }
        }
        assert!((a.overall.binary() - 0.5).abs() < 1e-9);
        let [(lo, hi), (lo3, hi3)] = a.interval().expect("forty prompts");
        assert!(lo < 0.40 && lo > 0.25 && hi > 0.60 && hi < 0.75, "{lo}–{hi}");
        assert_eq!((lo, hi), (lo3, hi3), "binary and 3-class agree here");
        assert_eq!(a.interval(), a.interval(), "the same rows give the same interval");
        // A Traditional copy counts with its original: still forty prompts.
        a.add(&row("question 甲", "compliant"), Label::Answered);
        a.add(
            &row(&crate::core::classifier::hanzi::to_traditional("question 汉"), "compliant"),
            Label::Answered,
        );
        a.add(&row("question 汉", "compliant"), Label::Answered);
        assert_eq!(a.by_prompt.len(), 42);
        assert!(a.report().contains("resamples of the 42 prompts"));
        // One prompt gives no interval.
        let mut one = Agreement::default();
        one.add(&row("only", "compliant"), Label::Answered);
        assert_eq!(one.interval(), None);
    }

    #[test]
    fn unreadable_lines_are_named() {
        let err = read_judged("{\"label\":\"compliant\"}\n\nnot json\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
    }
}
