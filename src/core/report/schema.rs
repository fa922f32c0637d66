//! The report file: a versioned, self-describing JSON record of one run (or of imported
//! results), from which every export is rendered and from which the app re-opens a run.
//!
//! The format is documented field by field in `docs/REPORT_FORMAT.md`. A report never holds
//! an API key: providers are written from [`RunProvider`], which has none, and ledger
//! entries carry headers already redacted when the request was sent.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::dialect::{Dialect, Settings};

use crate::core::judge::{Agreement, JudgeOutcome};
use crate::core::ledger::{Ledger, LedgerEntry};
use crate::core::pack::Probe;
use crate::core::provider::{ProviderId, DEFAULT_CONCURRENCY};
use crate::core::run::{Cell, CellId, CellResult, Consensus, Run, RunProvider, RunStatus, Timing};
use crate::core::verdict::{Label, Outcome, Verdict};

/// The value of the `schema` field of every report.
pub const SCHEMA: &str = "candor-report";

/// The report format version this build writes. Version 2 added samples: a cell may have
/// several results, told apart by `sample`. This build reads versions 1 and 2.
pub const SCHEMA_VERSION: u32 = 2;

/// One run, as saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The Candor version that wrote the file.
    pub app_version: String,
    /// When the report was made (ms since the epoch).
    pub created_ms: f64,
    /// The run's id, status and times.
    pub run: RunInfo,
    /// The probe pack the run came from.
    pub pack: PackInfo,
    /// Whether Candor ran the probes or the results were imported.
    pub source: Source,
    /// The providers, in column order (never a key).
    pub providers: Vec<ReportProvider>,
    /// The run's probes, in row order, complete.
    pub probes: Vec<Probe>,
    /// Topic titles by topic id, for people reading the report; reports written before
    /// they were kept have none (topics are then shown by id).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topic_titles: BTreeMap<String, String>,
    /// Finished cells, probe by probe; a cell that never finished has no entry.
    pub results: Vec<ResultRow>,
    /// The requests the run made (keys redacted).
    pub ledger: Vec<LedgerEntry>,
    /// The provider that rated every reply, when the run had a judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<ReportProvider>,
}

/// The run part of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The run's id.
    pub id: String,
    /// Where it stood when the report was made.
    pub status: Status,
    /// When it started (ms since the epoch).
    pub started_ms: f64,
    /// When it finished or was cancelled.
    pub ended_ms: Option<f64>,
    /// How many times each probe was asked of each provider (absent when once).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub samples: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A run's status as written in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Saved while requests were still out; the missing cells never finished.
    Running,
    /// The user stopped it.
    Cancelled,
    /// Every cell finished.
    Finished,
}

impl Status {
    /// The name written in files and shown in reports.
    pub fn key(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Cancelled => "cancelled",
            Status::Finished => "finished",
        }
    }
}

impl From<RunStatus> for Status {
    fn from(s: RunStatus) -> Self {
        match s {
            RunStatus::Running => Status::Running,
            RunStatus::Cancelled => Status::Cancelled,
            RunStatus::Finished => Status::Finished,
        }
    }
}

/// The pack part of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackInfo {
    /// Pack id.
    pub id: String,
    /// Pack content version.
    pub version: String,
    /// [`content_hash`](super::text::content_hash) of the pack file (of the imported file,
    /// for imports).
    pub content_hash: String,
}

/// Where the results come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A Candor run.
    Candor,
    /// A SpeechMap analysis file.
    Speechmap,
    /// A promptfoo `-o results.json` file.
    Promptfoo,
}

impl SourceKind {
    /// The name shown in reports.
    pub fn title(self) -> &'static str {
        match self {
            SourceKind::Candor => "Candor run",
            SourceKind::Speechmap => "SpeechMap import",
            SourceKind::Promptfoo => "promptfoo import",
        }
    }
}

/// The source part of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Candor, SpeechMap or promptfoo.
    pub kind: SourceKind,
    /// The imported file's name (no directory), for imports.
    #[serde(default)]
    pub file: Option<String>,
}

/// A provider as written in reports: no key, no settings beyond what identifies it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportProvider {
    /// Id, unique in the report.
    pub id: ProviderId,
    /// Display name with model.
    pub title: String,
    /// Model id asked for.
    pub model: String,
    /// Base URL (empty when unknown, as for most imports).
    pub base_url: String,
    /// Whether its replies are simulated.
    pub simulated: bool,
    /// The wire format it was asked in; not written for the OpenAI-compatible dialect, so
    /// such reports read as they did before there was a choice.
    #[serde(default, skip_serializing_if = "Dialect::is_openai")]
    pub dialect: Dialect,
    /// What every probe was asked with besides the prompt (temperature, top_p, max tokens,
    /// system prompt, reasoning effort); not written when all were left to the server. The
    /// exact body of each request is in the ledger.
    #[serde(default, skip_serializing_if = "Settings::is_default")]
    pub settings: Settings,
}

impl ReportProvider {
    /// The title, with "(simulated)" added when the provider is simulated and does not
    /// say so already, so simulated replies can never pass for real ones.
    pub fn display_title(&self) -> String {
        if self.simulated && !self.title.to_ascii_lowercase().contains("simulated") {
            format!("{} (simulated)", self.title)
        } else {
            self.title.clone()
        }
    }
}

impl From<&RunProvider> for ReportProvider {
    fn from(p: &RunProvider) -> Self {
        ReportProvider {
            id: p.id.clone(),
            title: p.title.clone(),
            model: p.model.clone(),
            base_url: p.base_url.clone(),
            simulated: p.simulated,
            dialect: p.dialect,
            settings: p.settings.clone(),
        }
    }
}

/// One finished cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// Probe id.
    pub probe: String,
    /// Provider id.
    pub provider: ProviderId,
    /// Which sample of the cell this is, from 0 (absent when 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sample: usize,
    /// What came back.
    pub outcome: Outcome,
    /// Candor's verdict.
    pub verdict: Verdict,
    /// How long it took.
    pub timing: Timing,
    /// The imported file's own label for the reply (e.g. SpeechMap's `DENIAL`).
    #[serde(default)]
    pub source_label: Option<String>,
    /// What the run's judge made of the reply; absent without a judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<JudgeOutcome>,
    /// The verdict a person set by hand, beside Candor's (absent when none was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<Label>,
}

impl ResultRow {
    /// The verdict that counts: the one set by hand when there is one, else Candor's.
    pub fn label(&self) -> Label {
        self.manual.unwrap_or(self.verdict.label)
    }

    /// The reply, when the outcome is one.
    pub fn reply(&self) -> Option<&crate::core::dialect::Reply> {
        match &self.outcome {
            Outcome::Reply { reply, .. } => Some(reply),
            _ => None,
        }
    }

    /// Why the request failed or was cut short, in words; `None` for a complete reply.
    pub fn error_text(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Reply { cut_short: Some(why), .. } => Some(format!("cut short: {why}")),
            Outcome::Reply { .. } => None,
            Outcome::Dialect(e) => Some(e.to_string()),
            Outcome::Transport(msg) => Some(format!("no response: {msg}")),
        }
    }
}

impl Report {
    /// The report of a run. `pack_json_hash` is [`content_hash`](super::text::content_hash)
    /// of the pack file the probes came from. The ledger keeps the requests to the run's
    /// providers sent between the run's start and end; the rest of the session's requests
    /// (model lists, other runs) stay out.
    pub fn from_run(run: &Run, pack_json_hash: &str, ledger: &Ledger, created_ms: f64) -> Report {
        let mut report = Report::header(run, pack_json_hash, ledger, created_ms);
        for (pi, probe) in run.probes.iter().enumerate() {
            for (vi, provider) in run.providers.iter().enumerate() {
                for (sample, cell) in
                    run.samples_of(CellId { probe: pi, provider: vi, sample: 0 }).iter().enumerate()
                {
                    let Cell::Done(r) = &**cell else { continue };
                    report.results.push(ResultRow {
                        probe: probe.id.clone(),
                        provider: provider.id.clone(),
                        sample,
                        outcome: r.outcome.clone(),
                        verdict: r.verdict.clone(),
                        timing: r.timing.clone(),
                        source_label: None,
                        judge: r.judge.clone(),
                        manual: r.manual,
                    });
                }
            }
        }
        report
    }

    /// The report of `run` without its results (its providers, probes, status and ledger):
    /// what is stored as a running run's header, whose cells are stored one by one. Cheaper
    /// than [`Report::from_run`] by every result it does not copy.
    pub fn header(run: &Run, pack_json_hash: &str, ledger: &Ledger, created_ms: f64) -> Report {
        let ids: HashSet<&str> = run.providers.iter().chain(&run.judge).map(|p| p.id.as_str()).collect();
        let end = run.ended_ms.unwrap_or(f64::INFINITY);
        let ledger = ledger
            .entries()
            .filter(|e| ids.contains(e.purpose.provider_id.as_str()))
            .filter(|e| e.at_ms >= run.started_ms && e.at_ms <= end)
            .cloned()
            .collect();
        Report {
            schema: SCHEMA.to_string(),
            schema_version: SCHEMA_VERSION,
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            created_ms,
            run: RunInfo {
                id: run.id.clone(),
                status: run.status.into(),
                started_ms: run.started_ms,
                ended_ms: run.ended_ms,
                samples: run.samples(),
            },
            pack: PackInfo {
                id: run.pack.0.clone(),
                version: run.pack.1.clone(),
                content_hash: pack_json_hash.to_string(),
            },
            source: Source { kind: SourceKind::Candor, file: None },
            providers: run.providers.iter().map(ReportProvider::from).collect(),
            probes: run.probes.iter().map(|p| p.as_ref().clone()).collect(),
            topic_titles: run
                .topic_titles
                .iter()
                .filter(|(id, _)| run.probes.iter().any(|p| &p.topic == *id))
                .map(|(id, t)| (id.clone(), t.clone()))
                .collect(),
            results: Vec::new(),
            ledger,
            judge: run.judge.as_ref().map(ReportProvider::from),
        }
    }

    /// The run the report records: saved cells done with their saved verdicts (not judged
    /// again), the others pending. A report saved mid-run re-opens as cancelled, since
    /// nothing is in flight any more.
    pub fn to_run(&self) -> Run {
        let run_provider = |p: &ReportProvider| RunProvider {
            id: p.id.clone(),
            title: p.title.clone(),
            model: p.model.clone(),
            base_url: p.base_url.clone(),
            simulated: p.simulated,
            concurrency: DEFAULT_CONCURRENCY,
            dialect: p.dialect,
            retry: (crate::core::provider::DEFAULT_TRIES, crate::core::provider::DEFAULT_MAX_WAIT_S),
            settings: p.settings.clone(),
        };
        let providers = self.providers.iter().map(run_provider).collect();
        let mut run = Run::restore(
            self.run.id.clone(),
            (self.pack.id.clone(), self.pack.version.clone()),
            self.probes.clone(),
            providers,
            self.run.started_ms,
        )
        .with_samples(self.run.samples)
        .with_judge(self.judge.as_ref().map(run_provider));
        run.topic_titles = Rc::new(self.topic_titles.clone());
        let probe_at = self.probe_index();
        let provider_at = self.provider_index();
        for r in &self.results {
            if let (Some(&probe), Some(&provider)) =
                (probe_at.get(r.probe.as_str()), provider_at.get(r.provider.as_str()))
            {
                let cell = Cell::Done(CellResult {
                    outcome: r.outcome.clone(),
                    verdict: r.verdict.clone(),
                    timing: r.timing.clone(),
                    judge: r.judge.clone(),
                    manual: r.manual,
                });
                run.set_cell(CellId { probe, provider, sample: r.sample }, cell);
            }
        }
        run.status = match self.run.status {
            Status::Finished => RunStatus::Finished,
            Status::Cancelled | Status::Running => RunStatus::Cancelled,
        };
        run.ended_ms = self.run.ended_ms.or(Some(self.created_ms));
        run
    }

    /// What the report is about, for titles: the pack and its version for a Candor run,
    /// the source and file name for an import.
    pub fn subject(&self) -> String {
        match (self.source.kind, &self.source.file) {
            (SourceKind::Candor, _) => format!("{} {}", self.pack.id, self.pack.version),
            (kind, Some(file)) => format!("{} of {file}", kind.title()),
            (kind, None) => kind.title().to_string(),
        }
    }

    /// Probe id → row index.
    pub fn probe_index(&self) -> HashMap<&str, usize> {
        self.probes.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect()
    }

    /// Provider id → column index.
    pub fn provider_index(&self) -> HashMap<&str, usize> {
        self.providers.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect()
    }

    /// The results laid out as the matrix: `samples[probe][provider]` holds the cell's
    /// results in sample order.
    pub fn sample_grid(&self) -> Vec<Vec<Vec<&ResultRow>>> {
        let probe_at = self.probe_index();
        let provider_at = self.provider_index();
        let mut grid = vec![vec![Vec::new(); self.providers.len()]; self.probes.len()];
        for r in &self.results {
            if let (Some(&p), Some(&v)) =
                (probe_at.get(r.probe.as_str()), provider_at.get(r.provider.as_str()))
            {
                let cell: &mut Vec<&ResultRow> = &mut grid[p][v];
                let at = cell.partition_point(|o| o.sample < r.sample);
                cell.insert(at, r);
            }
        }
        grid
    }

    /// The results laid out as the matrix: `grid[probe][provider]`, `None` for cells that
    /// never finished. A cell asked several times shows its majority verdict: the first
    /// sample that has it, with the consensus of all its samples.
    pub fn grid(&self) -> Vec<Vec<Option<(&ResultRow, Consensus)>>> {
        self.sample_grid()
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|cell| {
                        if cell.len() < self.run.samples.max(1) {
                            return None;
                        }
                        Consensus::of(cell.len(), |i| cell[i].verdict.label).map(|c| (cell[c.first], c))
                    })
                    .collect()
            })
            .collect()
    }

    /// How much of the run finished, for exports: `12 of 20 cells finished`, or with samples
    /// `30 of 60 samples finished (3 per probe; each cell shows its majority verdict)`.
    pub fn finished_line(&self) -> String {
        let (done, cells, n) =
            (self.results.len(), self.probes.len() * self.providers.len(), self.run.samples);
        if n > 1 {
            format!(
                "{done} of {} samples finished ({n} per probe; each cell shows its majority verdict)",
                cells * n
            )
        } else {
            format!("{done} of {cells} cells finished")
        }
    }

    /// One line about the judge for exports: who judged and how often it agreed with the
    /// offline verdict; `None` when the run had no judge.
    pub fn judge_summary(&self) -> Option<String> {
        let judge = self.judge.as_ref()?;
        let agreement =
            self.judge_agreement().describe().unwrap_or_else(|| "The judge rated no reply".to_string());
        Some(format!("LLM judge: {} (model {}). {agreement}.", judge.title, judge.model))
    }

    /// How often the run's judge agreed with the offline verdicts (all zero without a judge).
    pub fn judge_agreement(&self) -> Agreement {
        Agreement::of(self.results.iter().map(|r| (r.verdict.label, r.judge.as_ref())))
    }

    /// Tokens each provider used, in column order, summed over its replies' usage.
    pub fn token_use(&self) -> Vec<super::charts::TokenUse> {
        let provider_at = self.provider_index();
        let mut out: Vec<super::charts::TokenUse> = self
            .providers
            .iter()
            .map(|p| super::charts::TokenUse::new(p.id.clone(), p.display_title(), p.model.clone()))
            .collect();
        for r in &self.results {
            let Some(&v) = provider_at.get(r.provider.as_str()) else { continue };
            if let Some(u) = r.reply().and_then(|x| x.usage.as_ref()) {
                out[v].add(u);
            }
        }
        if let Some(j) = &self.judge {
            out.push(super::charts::TokenUse::of_judge(&j.id, &j.title, &j.model, &self.ledger));
        }
        out
    }
}

/// The report as pretty-printed JSON, keys in the documented order, ending in a newline.
pub fn to_json(report: &Report) -> String {
    // Every part of a report is plain data with string keys; serialization cannot fail.
    let mut s = serde_json::to_string_pretty(report).expect("a report always serializes");
    s.push('\n');
    s
}
