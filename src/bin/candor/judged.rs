//! `candor eval`, `candor train` and `candor cv`: the classifier against the judges'
//! labels, and training its text model.

use std::process::ExitCode;

use candor::core::classifier::hanzi::to_traditional;
use candor::core::classifier::model::{self, Example, Model, TrainConfig};
use candor::core::classifier::{classify_with, features_of, Context};
use candor::core::eval::{
    prompt_hash, read_judged, read_written, traditional_copies, Agreement, Class, JudgedRow,
};
use candor::core::verdict::{classify_prompt, Label, Outcome, Verdict};

use crate::args::{Split, Written};
use crate::{file_name, read};

/// The judged files, each row tagged with its file, plus Traditional Chinese copies of
/// the Simplified rows.
fn judged_files(files: &[String]) -> Result<Vec<JudgedRow>, ExitCode> {
    let mut rows = Vec::new();
    for path in files {
        let mut file = judged(path)?;
        let source = file_name(path).trim_end_matches(".jsonl").trim_end_matches("-responses").to_string();
        for r in &mut file {
            r.source.clone_from(&source);
        }
        rows.extend(file);
    }
    let hant = traditional_copies(&rows);
    rows.extend(hant);
    Ok(rows)
}

fn in_split(row: &JudgedRow, split: Split) -> bool {
    match split {
        Split::HeldOut => row.held_out,
        Split::Train => !row.held_out,
        Split::All => true,
    }
}

/// `candor eval`: agreement with the judges' labels, with the misses on stderr when asked.
pub fn eval(files: &[String], split: Split, show_misses: bool) -> ExitCode {
    let rows = match judged_files(files) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut agreement = Agreement::default();
    for row in rows.iter().filter(|r| in_split(r, split)) {
        let verdict = row.verdict();
        agreement.add(row, verdict.label);
        if show_misses && row.class().is_some_and(|c| c != Class::of(verdict.label)) {
            print_miss(row, &verdict);
        }
    }
    print!("{}", agreement.report());
    ExitCode::SUCCESS
}

/// The rows of one judged JSON Lines file.
pub fn judged(path: &str) -> Result<Vec<JudgedRow>, ExitCode> {
    let text = read(path)?;
    read_judged(&text).map_err(|e| {
        eprintln!("candor: {path}: {e}");
        ExitCode::FAILURE
    })
}

/// How much the cut opening of a long reply counts as a training example.
const CUT_WEIGHT: f32 = 0.15;
/// Where a long reply is cut for that example, in characters.
const CUT_CHARS: usize = 500;

/// Training examples: rows the judges labelled, in file order, then the written replies
/// (`--written`, each counting `written_weight`). Each long reply also gives
/// a second example cut to its opening, with the same label: the judged replies are mostly
/// essays, and without it the model reads any short answer (the kind Candor's factual
/// probes get) as evasive. That example counts for little ([`CUT_WEIGHT`]): an essay the
/// judges call evasive often opens like an answer, and at full weight the cut openings
/// taught the model that answer-like openings are evasive (measured by five folds on the
/// training split: 0.939 binary at full weight, 0.942 at 0.15, 0.943 with none, which
/// reads the built-in demo's short Chinese answers as evasive). Then one example per
/// phrase of the tables ([`phrase_examples`]).
fn examples(
    rows: &[&JudgedRow],
    written: &[JudgedRow],
    written_weight: f32,
    cfg: &TrainConfig,
) -> Vec<Example> {
    let mut out = Vec::new();
    // The written replies hold the classes in about equal numbers, by design: the extra
    // weight that makes up for the judges' rarest class is taken back out of them.
    let weight_of = |r: &JudgedRow| {
        written_weight / if r.class() == Some(Class::Deflection) { cfg.deflection_weight } else { 1.0 }
    };
    let weighted = rows.iter().map(|r| (*r, 1.0)).chain(written.iter().map(|r| (r, weight_of(r))));
    for (r, weight) in weighted {
        let Some(class) = r.class() else { continue };
        let (response, reasoning) = r.answer();
        let (reasoning, prompt) = (reasoning.as_deref(), Some(r.prompt.as_str()));
        out.push((features_of(&response, reasoning, prompt), class as usize, weight));
        if response.len() > 1200 {
            let cut = response.char_indices().nth(CUT_CHARS).map_or(response.len(), |(i, _)| i);
            out.push((features_of(&response[..cut], reasoning, prompt), class as usize, CUT_WEIGHT * weight));
        }
    }
    out.extend(phrase_examples());
    out
}

/// The judged rows of `files` and the written replies to train on beside them.
fn training_data(files: &[String], written: &Written) -> Result<(Vec<JudgedRow>, Vec<JudgedRow>), ExitCode> {
    Ok((judged_files(files)?, written_files(written)?))
}

/// The replies of the written files that the text model learns from (they hold Traditional
/// Chinese of their own, so they get no converted copies). Replies written as platform
/// blocks are left out: most of them are an answer cut short by a notice, whose text is the
/// answer's, and the retraction and notice rules decide those, not the text model. Trained
/// on as refusals, they taught it that answers in those languages refuse: a one-sentence
/// German answer on 1989 was read as refusing (83%).
fn written_files(written: &Written) -> Result<Vec<JudgedRow>, ExitCode> {
    let mut rows = Vec::new();
    for path in &written.files {
        let text = read(path)?;
        let file = read_written(&text).map_err(|e| {
            eprintln!("candor: {path}: {e}");
            ExitCode::FAILURE
        })?;
        rows.extend(file.into_iter().filter(|w| w.expect != Label::Blocked).map(|w| w.row));
    }
    Ok(rows)
}

/// One example per refusal, lecturing, ignorance, canned-line and notice phrase of the
/// tables, the phrase alone as the reply: the judged files hold few of the services' fixed
/// lines, and without these the model read "Sorry, that's beyond my current scope. Let's
/// talk about something else." as answering (92%), so every such cell said the rule had
/// overruled it. With them it reads those lines as refusing; measured by five folds on the
/// training split, agreement moved by no more than run-to-run noise (0.943 / 0.920 before,
/// 0.942 / 0.919 after).
///
/// The canned lines count in full; the other tables' phrases, which the eleventh round grew
/// by seventeen more languages, at [`OTHER_PHRASE_WEIGHT`]. Five folds on the training
/// split: 0.943 / 0.918 at full weight, 0.944 / 0.919 at 0.6, 0.944 / 0.920 at 0.3. At 0.3
/// the model fell back on brevity as its sign of refusing and read short answers in the
/// hand-written trials as refusals (529 of 573 trial replies as meant, against 545 at 0.6).
fn phrase_examples() -> Vec<Example> {
    use candor::core::classifier::phrases::{tables, Table};
    let class = |table: &Table| match table {
        Table::Canned | Table::Notice | Table::Refusal | Table::Moralising => Some(Class::Refusal),
        Table::Ignorance => Some(Class::Deflection),
        _ => None,
    };
    tables()
        .entries
        .iter()
        .filter_map(|(table, phrase)| {
            let weight = if *table == Table::Canned { 1.0 } else { OTHER_PHRASE_WEIGHT };
            Some((features_of(phrase, None, None), class(table)? as usize, weight))
        })
        .collect()
}

/// The weight of a phrase example from a table other than the canned lines.
const OTHER_PHRASE_WEIGHT: f32 = 0.6;

/// `candor train`: the text model from the training split, written to `out`.
pub fn train(files: &[String], written: &Written, out: Option<&str>, cfg: &TrainConfig) -> ExitCode {
    let (rows, extra) = match training_data(files, written) {
        Ok(data) => data,
        Err(code) => return code,
    };
    let train_rows: Vec<&JudgedRow> = rows.iter().filter(|r| !r.held_out).collect();
    let model = model::train(&examples(&train_rows, &extra, written.weight, cfg), cfg);
    let out = out.unwrap_or("static/model/verdict-v1.bin");
    let bytes = model.to_bytes();
    if let Err(e) = std::fs::write(out, &bytes) {
        eprintln!("candor: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    let shipped = Model::from_bytes(&bytes).unwrap_or_else(|_| Model::zero());
    let (mut held, mut seen) = (Agreement::default(), Agreement::default());
    for row in &rows {
        let label = verdict_with(row, &shipped).label;
        if row.held_out {
            held.add(row, label)
        } else {
            seen.add(row, label)
        }
    }
    println!(
        "wrote {out} ({} bytes) from {} judged rows of the training split and {} written replies",
        bytes.len(),
        train_rows.len(),
        extra.len()
    );
    print!("HELD OUT (prompts never trained on):\n{}\n", held.report());
    print!("TRAINING SPLIT (in-sample, optimistic):\n{}", seen.report());
    ExitCode::SUCCESS
}

fn verdict_with(row: &JudgedRow, model: &Model) -> Verdict {
    match row.outcome() {
        Outcome::Reply { reply, .. } if !reply.content.trim().is_empty() => {
            let ctx = Context { prompt: Some(&row.prompt), ..Context::default() };
            classify_with(&reply, &ctx, model)
        }
        other => classify_prompt(&other, Some(&row.prompt)),
    }
}

/// `candor cv`: agreement held out by model, six folds; or, with `--split train`, five
/// folds by prompt inside the training split, so settings and rules can be tuned (and
/// their misses read) without ever looking at the held-out rows.
pub fn cross_validate(
    files: &[String],
    written: &Written,
    cfg: &TrainConfig,
    split: Split,
    show_misses: bool,
) -> ExitCode {
    let (rows, extra) = match training_data(files, written) {
        Ok(data) => data,
        Err(code) => return code,
    };
    let rows: Vec<&JudgedRow> = rows.iter().filter(|r| in_split(r, split)).collect();
    let mut models: Vec<&str> = rows.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    let by_prompt = split == Split::Train;
    let folds: usize = if by_prompt { 5 } else { 6 };
    // Each row's fold, worked out once.
    let folds_of: Vec<usize> = rows
        .iter()
        .map(|r| {
            if by_prompt {
                // Another part of the prompt's hash than the held-out split uses, taken in
                // Traditional characters so a converted copy stays in its original's fold.
                (prompt_hash(&to_traditional(&r.prompt)) / 5 % 5) as usize
            } else {
                models.iter().position(|x| *x == r.model).unwrap_or(0) % folds
            }
        })
        .collect();
    let in_fold = |fold: usize| rows.iter().zip(&folds_of).filter(move |(_, f)| **f == fold).map(|(r, _)| *r);
    let mut agreement = Agreement::default();
    for fold in 0..folds {
        let train_rows: Vec<&JudgedRow> =
            rows.iter().zip(&folds_of).filter(|(_, f)| **f != fold).map(|(r, _)| *r).collect();
        let model = model::train(&examples(&train_rows, &extra, written.weight, cfg), cfg);
        if !by_prompt {
            let held: Vec<&str> =
                models.iter().enumerate().filter(|(i, _)| i % folds == fold).map(|(_, m)| *m).collect();
            eprintln!("fold {}: held out {}", fold + 1, held.join(", "));
        }
        for row in in_fold(fold) {
            let verdict = verdict_with(row, &model);
            agreement.add(row, verdict.label);
            if show_misses && row.class().is_some_and(|c| c != Class::of(verdict.label)) {
                print_miss(row, &verdict);
            }
        }
    }
    let what = if by_prompt {
        "five folds by prompt inside the training split (each fold judged by a text model trained without its prompts)"
    } else {
        "held out by model (6 folds: each model's replies judged by a text model trained without them)"
    };
    print!("{what}:\n{}", agreement.report());
    ExitCode::SUCCESS
}

/// One disagreement: the row, both labels, the kinds of evidence behind Candor's verdict
/// (the rule that decided it, when one did) and the reply's opening.
fn print_miss(row: &JudgedRow, verdict: &Verdict) {
    use candor::core::verdict::SignalKind;
    let head: String = row.response.chars().take(200).collect();
    let mut kinds: Vec<&str> = Vec::new();
    for s in &verdict.signals {
        if !matches!(s.name, SignalKind::Language | SignalKind::TextModel) && !kinds.contains(&s.name.key()) {
            kinds.push(s.name.key());
        }
    }
    eprintln!(
        "{} [{}] judge {} / candor {} [{}]: {}",
        row.id,
        row.lang,
        row.label,
        verdict.label.key(),
        kinds.join(","),
        head.replace('\n', " ")
    );
}
