//! Rows read from any source file, made into one report: probes from the questions (ids kept
//! or made from the text), provider columns from the models, one cell per pair, each reply
//! judged by Candor's classifier.

use std::collections::HashMap;

use super::{ImportError, Imported, DEFAULT_TOPIC};
use crate::core::dialect::Reply;
use crate::core::pack::{probe_id, Probe, ProbeKind};
use crate::core::report::schema::{
    PackInfo, Report, ReportProvider, ResultRow, RunInfo, Source, SourceKind, Status,
};
use crate::core::report::schema::{SCHEMA, SCHEMA_VERSION};
use crate::core::report::text::{content_hash, fnv1a64, guess_lang, head, slug};
use crate::core::run::Timing;
use crate::core::verdict::{classify, Outcome};

/// A provider column as an importer sees it.
#[derive(Clone, Debug)]
pub(super) struct ProviderKey {
    /// What makes two rows the same column.
    pub(super) key: String,
    /// The column's title.
    pub(super) title: String,
    /// The model id.
    pub(super) model: String,
    /// Where the model was reached, when the file says.
    pub(super) base_url: String,
}

/// One reply as read from a source file, before it joins the report.
pub(super) struct Row {
    pub(super) location: String,
    pub(super) question_id: Option<String>,
    pub(super) question: String,
    pub(super) topic: Option<String>,
    pub(super) provider: ProviderKey,
    pub(super) outcome: Outcome,
    pub(super) timing: Timing,
    pub(super) source_label: Option<String>,
    pub(super) at_ms: Option<f64>,
    /// Parts of the row that were ignored, and why.
    pub(super) notes: Vec<String>,
}

/// A stable question id made from the text: `q-` and 12 hex digits of its hash.
pub(super) fn hashed_id(text: &str) -> String {
    format!("q-{:012x}", fnv1a64(text.trim()) >> 16)
}

/// A reply with its text and trace, nothing else known.
pub(super) fn reply_outcome(content: String, reasoning: Option<String>) -> Outcome {
    Outcome::Reply { reply: Reply { content, reasoning, ..Reply::default() }, cut_short: None }
}

/// Builds the report from the rows read, or says why there is none.
pub(super) fn build(
    kind: SourceKind,
    file: &str,
    text: &str,
    rows: Vec<Row>,
    mut skipped: Vec<(String, String)>,
) -> Result<Imported, ImportError> {
    if rows.is_empty() {
        let count = skipped.len();
        return match skipped.into_iter().next() {
            Some((location, reason)) => {
                Err(ImportError::NothingReadable { file: file.to_string(), count, location, reason })
            }
            None => Err(ImportError::Empty { file: file.to_string() }),
        };
    }
    let mut providers: Vec<ReportProvider> = Vec::new();
    let mut provider_at: HashMap<String, usize> = HashMap::new();
    let mut probes: Vec<Probe> = Vec::new();
    let mut probe_at: HashMap<String, usize> = HashMap::new();
    let mut cell_at: HashMap<(usize, usize), String> = HashMap::new();
    let mut cells: Vec<(usize, usize, Row)> = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    let (mut first_ms, mut last_ms) = (f64::INFINITY, f64::NEG_INFINITY);
    for row in rows {
        let prompt = row.question.trim().to_string();
        let lang = guess_lang(&prompt);
        let explicit = row.question_id.is_some();
        let mut question = row.question_id.clone().unwrap_or_else(|| hashed_id(&prompt));
        let mut id = probe_id(&question, lang);
        let mut n = 1;
        // A generated id that collides with another text gets a suffix; an id the file
        // itself gives for two different texts is a conflict in the file.
        while let Some(&i) = probe_at.get(&id) {
            if probes[i].prompt == prompt {
                break;
            }
            if explicit {
                break;
            }
            n += 1;
            question = format!("{}-{n}", hashed_id(&prompt));
            id = probe_id(&question, lang);
        }
        let pi = match probe_at.get(&id) {
            Some(&i) if probes[i].prompt != prompt => {
                skipped.push((
                    row.location,
                    format!(
                        "question id `{question}` is also used for a different question (\u{201c}{}\u{201d}); \
                         ids must name one question",
                        head(&probes[i].prompt, 60)
                    ),
                ));
                continue;
            }
            Some(&i) => i,
            None => {
                let topic = row.topic.as_deref().map(slug).filter(|t| !t.is_empty());
                probes.push(Probe {
                    id: id.clone(),
                    question,
                    topic: topic.unwrap_or_else(|| DEFAULT_TOPIC.to_string()),
                    lang,
                    kind: ProbeKind::Sensitive,
                    control: None,
                    translations: Vec::new(),
                    prompt,
                    expect: Vec::new(),
                    topic_title: None,
                });
                probe_at.insert(id, probes.len() - 1);
                probes.len() - 1
            }
        };
        let vi = match provider_at.get(&row.provider.key) {
            Some(&i) => i,
            None => {
                let base = slug(&row.provider.key);
                let base = if base.is_empty() { "provider".to_string() } else { base };
                let mut pid = base.clone();
                let mut k = 1;
                while providers.iter().any(|p| p.id == pid) {
                    k += 1;
                    pid = format!("{base}-{k}");
                }
                providers.push(ReportProvider {
                    id: pid.into(),
                    title: row.provider.title.clone(),
                    model: row.provider.model.clone(),
                    base_url: row.provider.base_url.clone(),
                    simulated: false,
                    dialect: Default::default(),
                    settings: Default::default(),
                });
                provider_at.insert(row.provider.key.clone(), providers.len() - 1);
                providers.len() - 1
            }
        };
        if let Some(first) = cell_at.get(&(pi, vi)) {
            skipped.push((
                row.location,
                format!("a second reply to the same question from the same model (the first is at {first}); only the first is kept"),
            ));
            continue;
        }
        cell_at.insert((pi, vi), row.location.clone());
        notes.extend(row.notes.iter().map(|n| (row.location.clone(), n.clone())));
        if let Some(t) = row.at_ms {
            first_ms = first_ms.min(t);
            last_ms = last_ms.max(t);
        }
        cells.push((pi, vi, row));
    }
    // Rows of a topic sit together in the matrix, topics in the order the file first
    // names them, and questions in file order within a topic.
    let mut topic_order: Vec<String> = Vec::new();
    for p in &probes {
        if !topic_order.contains(&p.topic) {
            topic_order.push(p.topic.clone());
        }
    }
    let mut order: Vec<usize> = (0..probes.len()).collect();
    order.sort_by_key(|&i| (topic_order.iter().position(|t| *t == probes[i].topic), i));
    let mut new_index = vec![0; probes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let probes: Vec<Probe> = order.iter().map(|&i| probes[i].clone()).collect();
    cells.sort_by_key(|(pi, vi, _)| (new_index[*pi], *vi));
    let results = cells
        .into_iter()
        .map(|(pi, vi, row)| {
            let probe = &probes[new_index[pi]];
            ResultRow {
                probe: probe.id.clone(),
                provider: providers[vi].id.clone(),
                sample: 0,
                verdict: classify(&row.outcome, Some(probe)),
                outcome: row.outcome,
                timing: row.timing,
                source_label: row.source_label,
                judge: None,
                manual: None,
            }
        })
        .collect();
    let (started_ms, ended_ms) = if first_ms.is_finite() { (first_ms, last_ms) } else { (0.0, 0.0) };
    let hash = content_hash(text);
    let pack_id = match kind {
        SourceKind::Speechmap => "speechmap-import",
        SourceKind::Promptfoo => "promptfoo-import",
        SourceKind::Candor => "candor-import",
    };
    let report = Report {
        schema: SCHEMA.to_string(),
        schema_version: SCHEMA_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        created_ms: ended_ms,
        run: RunInfo {
            id: format!("import-{}", &hash[hash.len() - 12..]),
            status: Status::Finished,
            started_ms,
            ended_ms: Some(ended_ms),
            samples: 1,
        },
        pack: PackInfo { id: pack_id.to_string(), version: "imported".to_string(), content_hash: hash },
        source: Source { kind, file: (!file.is_empty()).then(|| file.to_string()) },
        providers,
        probes,
        topic_titles: Default::default(),
        results,
        ledger: Vec::new(),
        judge: None,
    };
    Ok(Imported { report, skipped, notes })
}
