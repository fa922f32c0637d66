//! The app's whole state and every change to it, as a pure function.
//!
//! The Yew root keeps one [`AppState`] in a reducer; each user action and each network
//! event is an [`Action`], and [`apply`] computes the next state. Keeping this pure means
//! the app's behaviour is unit-tested natively.
//!
//! A big run sends thousands of network events a minute, so a step must cost what it changes,
//! not what the run holds: everything large in the state is shared behind `Rc` (the pack, the
//! registry, imported probes, source labels, the run's probes and cells, ledger entries), so
//! the copy [`apply`] starts from copies pointers, never a reply or a probe; and the network's
//! events arrive as one [`Action::Batch`] per [`BATCH_MS`], so the views redraw once per
//! batch rather than once per event.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::core::adhoc::{self, AdHoc};
use crate::core::detail::find_probe;
use crate::core::error::FetchError;
use crate::core::flow::Registry;
use crate::core::i18n::{tf, tr, Msg};
use crate::core::ledger::{Ledger, LedgerEntry, LedgerEvent};
use crate::core::pack::{Lang, Pack, Probe, ProbeKind};
use crate::core::price::Price;
use crate::core::provider::{Preset, ProviderConfig, ProviderId};
use crate::core::run::{CellId, Run, RunEvent, RunProvider, RunStatus};
pub use crate::core::selection::Selection;
use crate::core::verdict::Label;
use crate::core::view::{MatrixView, ViewLink};

/// The server's model list for a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelList {
    /// Being fetched.
    Loading,
    /// The models the server offers.
    Loaded(Vec<String>),
    /// Why it could not be fetched.
    Failed(String),
}

/// Everything the app shows.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// The probe pack.
    pub pack: Rc<Pack>,
    /// [`content_hash`](crate::core::report::content_hash) of the pack file, for reports.
    pub pack_hash: String,
    /// Who runs each known API host.
    pub registry: Rc<Registry>,
    /// Configured providers, in column order.
    pub providers: Vec<ProviderConfig>,
    /// Which probes to ask.
    pub selection: Selection,
    /// The current or last run.
    pub run: Option<Run>,
    /// The probe whose replies are open side by side.
    pub detail: Option<String>,
    /// Model lists fetched from servers, by provider id.
    pub models: BTreeMap<ProviderId, ModelList>,
    /// A message for the user about their last action.
    pub notice: Option<String>,
    /// Every request made in this session.
    pub ledger: Ledger,
    /// Which page is shown.
    pub view: View,
    /// Whether the classifier's text model is loaded.
    pub classifier: ClassifierState,
    /// Probes the user imported (promptfoo CSV, SpeechMap questions, plain text), asked
    /// along with the pack's when their topic is selected.
    pub imported: Rc<Vec<Probe>>,
    /// For imported results: the source file's own label, by (probe id, provider id).
    pub source_labels: Rc<BTreeMap<(String, ProviderId), String>>,
    /// The provider (by id) that rates every reply of the next run; `None`: the offline
    /// verdict alone.
    pub judge: Option<ProviderId>,
    /// Prices per million tokens the user entered, for cost estimates (charts and ledger).
    pub prices: Vec<Price>,
    /// How many times the next run asks each probe of each provider. Not saved with the
    /// settings: a page opened later asks once until told otherwise.
    pub samples: usize,
    /// How the matrix is looked at: its filters, column order and text view.
    pub matrix: MatrixView,
    /// Whether the user has chosen a page or changed the matrix view since the app opened:
    /// the view a start-up link asked for, applied once the saved run it names has loaded,
    /// then leaves theirs be.
    navigated: bool,
    next_id: u32,
}

/// The classifier's text model, fetched at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassifierState {
    /// Being fetched.
    Loading,
    /// Loaded.
    Ready,
    /// Could not be loaded: verdicts use the phrase rules alone.
    Failed(FetchError),
}

/// The pages of the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The matrix and the verdict mix.
    #[default]
    Results,
    /// Where requests went: diagram, destinations, ledger.
    DataFlow,
    /// Saved runs, exports, imports and comparisons.
    Runs,
}

/// How long the network's events wait to be applied together (milliseconds): at most one
/// state update, and one redraw, per this much time however fast replies arrive.
pub const BATCH_MS: u32 = 50;

/// Every change to the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Several actions applied in order as one update (the network's events of a moment).
    Batch(Vec<Action>),
    /// Replaces providers and selection with saved settings.
    Restore {
        /// Saved providers (keys restored where remembered).
        providers: Vec<ProviderConfig>,
        /// Saved selection, if any.
        selection: Option<Selection>,
        /// The saved judge provider id, if any.
        judge: Option<ProviderId>,
    },
    /// Adds a provider made from a preset.
    AddProvider(Preset),
    /// Replaces the provider with the same id.
    UpdateProvider(ProviderConfig),
    /// Removes a provider.
    RemoveProvider(ProviderId),
    /// A model-list request started.
    ModelsLoading(ProviderId),
    /// A model-list request finished.
    ModelsLoaded {
        /// Provider id.
        provider: ProviderId,
        /// The models, or why not.
        result: Result<Vec<String>, String>,
    },
    /// Adds or removes a topic.
    ToggleTopic(String),
    /// Selects every topic, or none.
    SetAllTopics(bool),
    /// Adds or removes a language.
    ToggleLang(Lang),
    /// Includes or leaves out the control probes.
    SetControls(bool),
    /// How many times the next run asks each probe of each provider (kept within 1 to
    /// [`MAX_SAMPLES`](crate::core::run::MAX_SAMPLES)).
    SetSamples(usize),
    /// Chooses the judge provider by id, or none.
    SetJudge(Option<ProviderId>),
    /// Replaces the price table.
    SetPrices(Vec<Price>),
    /// Starts a run over the selection with every enabled provider.
    StartRun {
        /// Unique run id.
        id: String,
        /// Clock.
        at_ms: f64,
    },
    /// The ad-hoc box's question (and its control, unless blank; see
    /// [`crate::core::adhoc`]). With a run id and a clock: asks it of every enabled provider,
    /// as a run of just those probes, and opens its replies side by side. Without: keeps it in
    /// the user's own probe set, which later runs ask while its topic is chosen.
    AdHoc(AdHoc, Option<(String, f64)>),
    /// Something happened in the run.
    Run(RunEvent),
    /// Opens the side-by-side view of a probe.
    OpenDetail(String),
    /// Closes it.
    CloseDetail,
    /// Shows a message to the user.
    Notify(String),
    /// A request was sent, answered or finished.
    Ledger(LedgerEvent),
    /// Shows another page.
    SetView(View),
    /// Looks at the matrix another way (filters, column order, text view).
    SetMatrix(MatrixView),
    /// Sets one field of the matrix view (one of [`MatrixView::KEYS`]) from its value as the
    /// filter bar's control holds it.
    SetMatrixField(&'static str, String),
    /// Opens the view a link holds (page, matrix view, open probe); its run, if it names one,
    /// is opened first with [`Action::OpenRun`]. The link the page was opened with
    /// (`at_start`) changes nothing once the user has chosen a page or a matrix view (while
    /// its run loaded).
    OpenLink {
        /// The view.
        link: ViewLink,
        /// Whether this is the link the page was opened with.
        at_start: bool,
    },
    /// Sets the verdict of a finished cell of the current run by hand, or (`None`) gives it
    /// back to the classifier.
    SetManual(CellId, Option<Label>),
    /// The text model finished loading, or failed to.
    Classifier(Result<(), FetchError>),
    /// Shows a saved or imported run.
    OpenRun {
        /// The run.
        run: Run,
        /// The source file's labels, for imports.
        source_labels: BTreeMap<(String, ProviderId), String>,
        /// What to tell the user.
        notice: Option<String>,
        /// The requests the saved run made, so its ledger can be seen and exported again.
        ledger: Vec<LedgerEntry>,
        /// Opened at start-up (the page's link, or the run a closed page left going): the
        /// page the user chose meanwhile stays; otherwise the results are shown.
        at_start: bool,
    },
    /// Sends the missing cells of a stopped run.
    ResumeRun,
    /// Adds imported probes (their topic is selected at once).
    ImportProbes(Vec<Probe>),
    /// Forgets the imported probes of a topic.
    RemoveImported(String),
    /// Clears the notice.
    DismissNotice,
}

impl AppState {
    /// The state a first-time user sees: the pack, the demo provider, everything selected.
    pub fn new(pack: Pack, pack_hash: String, registry: Registry) -> AppState {
        let selection = Selection::all(&pack);
        AppState {
            pack: Rc::new(pack),
            pack_hash,
            registry: Rc::new(registry),
            providers: vec![ProviderConfig::demo()],
            selection,
            run: None,
            detail: None,
            models: BTreeMap::new(),
            notice: None,
            ledger: Ledger::default(),
            view: View::Results,
            classifier: ClassifierState::Loading,
            source_labels: Rc::default(),
            imported: Rc::default(),
            judge: None,
            prices: Vec::new(),
            samples: 1,
            matrix: MatrixView::default(),
            navigated: false,
            next_id: 1,
        }
    }

    /// The view as a link holds it: the page, the run, the matrix view, the open probe.
    pub fn link(&self) -> ViewLink {
        ViewLink {
            view: self.view,
            run: self.run.as_ref().map(|r| r.id.clone()),
            matrix: self.matrix.clone(),
            open: self.detail.clone(),
        }
    }

    /// Whether a run is in progress.
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.status == RunStatus::Running)
    }

    /// The providers a run would use, and the reason any enabled one is left out.
    pub fn runnable_providers(&self) -> (Vec<&ProviderConfig>, Vec<String>) {
        let mut ok = Vec::new();
        let mut problems = Vec::new();
        for p in self.providers.iter().filter(|p| p.enabled) {
            match p.problem() {
                None => ok.push(p),
                Some(why) => problems.push(format!("{}: {why}", p.name)),
            }
        }
        (ok, problems)
    }

    /// The probes a run would ask: the pack's chosen probes, then imported probes whose
    /// topic is chosen (in the chosen languages; control questions kept from the ad-hoc box
    /// only with the controls).
    pub fn selected_probes(&self) -> Vec<Probe> {
        let mut out = self.selection.probes(&self.pack);
        out.extend(self.chosen_imported().cloned());
        out
    }

    /// The imported probes the selection chooses.
    fn chosen_imported(&self) -> impl Iterator<Item = &Probe> {
        let sel = &self.selection;
        self.imported.iter().filter(move |p| {
            sel.topics.contains(&p.topic)
                && sel.langs.contains(&p.lang)
                && (sel.controls || p.kind == ProbeKind::Sensitive)
        })
    }

    /// The languages the pack's and the imported probes are asked in, in [`Lang::ALL`]
    /// order: the languages a run can choose from.
    pub fn probe_langs(&self) -> Vec<Lang> {
        Lang::of(self.pack.probes.iter().chain(self.imported.iter()).map(|p| p.lang))
    }

    /// The name an imported topic was imported under ("Press freedom"), else its id.
    pub fn imported_topic_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.imported.iter().filter(|p| p.topic == id).find_map(|p| p.topic_title.as_deref()).unwrap_or(id)
    }

    /// The topics of imported probes, in import order.
    pub fn imported_topics(&self) -> Vec<String> {
        self.imported_topic_counts().into_iter().map(|(t, _)| t).collect()
    }

    /// The topics of imported probes, in import order, with how many probes each has.
    pub fn imported_topic_counts(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for p in self.imported.iter() {
            match out.iter_mut().find(|(t, _)| *t == p.topic) {
                Some((_, n)) => *n += 1,
                None => out.push((p.topic.clone(), 1)),
            }
        }
        out
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// Every configured provider as the columns a run asks (one per chosen model, see
    /// [`ProviderConfig::columns`]), keys included: what the run engine matches a run's
    /// columns and judge to, by id.
    pub fn column_configs(&self) -> Vec<ProviderConfig> {
        let mut out = Vec::new();
        for p in self.providers.iter() {
            out.extend(p.columns());
        }
        out
    }

    /// The providers that can be chosen as judge, as (id, title): every configured provider
    /// that reaches a real model, whether or not it is also probed.
    pub fn judge_choices(&self) -> Vec<(ProviderId, String)> {
        self.providers.iter().filter(|p| !p.is_simulated()).map(|p| (p.id.clone(), p.title())).collect()
    }

    /// The size of the next run, for the probe picker: `36 probes × 2 models = 72
    /// requests` (every ticked model is a column), `× 3 samples` when each probe is asked
    /// more than once, and with a judge `, and up to 72 to the judge`.
    pub fn run_size_text(&self) -> String {
        // Counted, not copied: the picker draws this line at every update.
        let probes = self.selection.probes(&self.pack).len() + self.chosen_imported().count();
        let models: usize = self.runnable_providers().0.iter().map(|p| p.models().len()).sum();
        let samples = self.samples.max(1);
        let n = probes * models * samples;
        let judge =
            if self.judge_provider().is_some() { tf(Msg::RunSizeJudge, &[("n", &n)]) } else { String::new() };
        let size = match (models, samples) {
            (1, 1) => Msg::RunSizeOne,
            (_, 1) => Msg::RunSize,
            (1, _) => Msg::RunSizeSamplesOne,
            _ => Msg::RunSizeSamples,
        };
        tf(size, &[("probes", &probes), ("models", &models), ("samples", &samples), ("n", &n)]) + &judge
    }

    /// The chosen judge provider, when it still exists.
    pub fn judge_provider(&self) -> Option<&ProviderConfig> {
        self.judge.as_deref().and_then(|id| self.provider(id))
    }
}

/// Computes the next state.
pub fn apply(state: &AppState, action: Action) -> AppState {
    let mut s = state.clone();
    step(&mut s, action);
    s
}

/// Applies one action to `s` in place.
fn step(s: &mut AppState, action: Action) {
    match action {
        Action::Batch(actions) => {
            for a in actions {
                step(s, a);
            }
        }
        Action::Restore { providers, selection, judge } => {
            s.next_id = providers
                .iter()
                .filter_map(|p| p.id.strip_prefix('p').and_then(|n| n.parse::<u32>().ok()))
                .max()
                .map_or(1, |n| n + 1);
            s.providers = providers;
            s.judge = judge.filter(|id| s.judge_choices().iter().any(|(c, _)| c == id));
            if let Some(sel) = selection {
                // Drop topics the pack no longer has.
                let known: BTreeSet<String> =
                    s.pack.topics.iter().map(|t| t.id.clone()).chain(s.imported_topics()).collect();
                s.selection = Selection { topics: sel.topics.intersection(&known).cloned().collect(), ..sel };
            }
        }
        Action::AddProvider(preset) => {
            let id = format!("p{}", s.next_id);
            s.next_id += 1;
            let mut p = ProviderConfig::from_preset(id, preset);
            let same = s.providers.iter().filter(|q| q.preset == preset).count();
            if same > 0 {
                p.name = format!("{} {}", p.name, same + 1);
            }
            s.providers.push(p);
        }
        Action::UpdateProvider(p) => {
            if let Some(slot) = s.providers.iter_mut().find(|q| q.id == p.id) {
                *slot = p;
            }
        }
        Action::RemoveProvider(id) => {
            s.providers.retain(|p| p.id != id);
            s.models.remove(&id);
            if s.judge.as_deref() == Some(id.as_str()) {
                s.judge = None;
            }
        }
        Action::ModelsLoading(id) => {
            s.models.insert(id, ModelList::Loading);
        }
        Action::ModelsLoaded { provider, result } => {
            let list = match result {
                Ok(models) => {
                    if let Some(p) = s.providers.iter_mut().find(|p| p.id == provider) {
                        if p.model.trim().is_empty() {
                            if let Some(first) = models.first() {
                                p.model = first.clone();
                            }
                        }
                    }
                    ModelList::Loaded(models)
                }
                Err(e) => ModelList::Failed(e),
            };
            s.models.insert(provider, list);
        }
        Action::ToggleTopic(t) => {
            if !s.selection.topics.remove(&t) {
                s.selection.topics.insert(t);
            }
        }
        Action::SetAllTopics(all) => {
            s.selection.topics = if all {
                Selection::all(&s.pack).topics.into_iter().chain(s.imported_topics()).collect()
            } else {
                BTreeSet::new()
            };
        }
        Action::ToggleLang(l) => {
            if !s.selection.langs.remove(&l) {
                s.selection.langs.insert(l);
            }
        }
        Action::SetControls(on) => s.selection.controls = on,
        Action::SetSamples(n) => s.samples = n.clamp(1, crate::core::run::MAX_SAMPLES),
        Action::SetJudge(judge) => s.judge = judge,
        Action::SetPrices(prices) => s.prices = prices,
        Action::StartRun { id, at_ms } => {
            let probes = s.selected_probes();
            start_run(s, id, at_ms, probes);
        }
        Action::AdHoc(texts, ask) => {
            let topic = if ask.is_some() { adhoc::TOPIC.to_string() } else { adhoc::my_topic() };
            let Some(probes) = texts.probes(&topic) else {
                s.notice = Some(tr(Msg::AdHocEmpty).into());
                return;
            };
            let first = probes[0].id.clone();
            match ask {
                Some((id, at_ms)) => {
                    if start_run(s, id, at_ms, probes) {
                        if let Some(run) = s.run.as_mut() {
                            Rc::make_mut(&mut run.topic_titles)
                                .insert(topic, tr(Msg::AdHocTopic).to_string());
                        }
                        s.detail = Some(first);
                    }
                }
                None => {
                    // Kept under "My probes", the topic a probe list imported under the
                    // suggested name joins.
                    let title = tr(Msg::MyProbes).trim();
                    s.notice = Some(tf(Msg::AdHocKept, &[("topic", &title)]));
                    let title = (title != topic).then(|| title.to_string());
                    let probes =
                        probes.into_iter().map(|p| Probe { topic_title: title.clone(), ..p }).collect();
                    step(s, Action::ImportProbes(probes));
                }
            }
        }
        Action::Run(event) => {
            if let Some(run) = s.run.as_mut() {
                run.apply(event);
            }
        }
        Action::OpenDetail(probe) => s.detail = Some(probe),
        Action::CloseDetail => s.detail = None,
        Action::Notify(msg) => s.notice = Some(msg),
        Action::Ledger(event) => s.ledger.apply(event),
        Action::SetView(view) => {
            s.view = view;
            s.navigated = true;
        }
        Action::SetMatrix(m) => {
            s.matrix = m;
            s.navigated = true;
        }
        Action::SetMatrixField(key, value) => {
            s.matrix.set(key, value);
            s.navigated = true;
        }
        Action::OpenLink { link, at_start } => {
            if at_start && s.navigated {
                return;
            }
            s.view = link.view;
            s.matrix = link.matrix;
            let known = |p: &String| s.run.as_ref().is_some_and(|r| find_probe(r, &s.pack, p).is_some());
            s.detail = link.open.filter(known);
        }
        Action::SetManual(cell, label) => {
            if let Some(run) = s.run.as_mut() {
                run.set_manual(cell, label);
            }
        }
        Action::Classifier(Ok(())) => s.classifier = ClassifierState::Ready,
        Action::OpenRun { run, source_labels, notice, ledger, at_start } => {
            if s.running() {
                s.notice = Some(tr(Msg::RunInProgressOpen).into());
                return;
            }
            s.ledger.restore(ledger);
            s.run = Some(run);
            s.source_labels = Rc::new(source_labels);
            s.detail = None;
            if !(at_start && s.navigated) {
                s.view = View::Results;
            }
            s.notice = notice;
        }
        Action::ImportProbes(probes) => {
            // A probe imported again replaces the earlier copy (within the file too: the last wins).
            let mut ids = BTreeSet::new();
            let mut fresh: Vec<Probe> =
                probes.into_iter().rev().filter(|p| ids.insert(p.id.clone())).collect();
            fresh.reverse();
            // What is imported is chosen: its topics, and a language no probe was asked in
            // before (Finnish, say); the choice of the languages offered already stays the
            // user's.
            let offered = s.probe_langs();
            let imported = Rc::make_mut(&mut s.imported);
            imported.retain(|q| !ids.contains(&q.id));
            for p in &fresh {
                s.selection.topics.insert(p.topic.clone());
                if !offered.contains(&p.lang) {
                    s.selection.langs.insert(p.lang);
                }
            }
            imported.extend(fresh);
        }
        Action::RemoveImported(topic) => {
            Rc::make_mut(&mut s.imported).retain(|p| p.topic != topic);
            s.selection.topics.remove(&topic);
        }
        Action::ResumeRun => {
            let columns = s.column_configs();
            let missing: Vec<String> = s
                .run
                .as_ref()
                .map(|r| {
                    r.providers
                        .iter()
                        .chain(&r.judge)
                        .filter(|p| {
                            columns.iter().find(|c| c.id == p.id).is_none_or(|c| c.problem().is_some())
                        })
                        .map(|p| p.title.clone())
                        .collect()
                })
                .unwrap_or_default();
            if !missing.is_empty() {
                s.notice = Some(tf(Msg::ResumeNeedsSetup, &[("providers", &missing.join(", "))]));
                return;
            }
            if let Some(run) = s.run.as_mut() {
                if run.resume() {
                    s.notice = None;
                }
            }
        }
        Action::Classifier(Err(e)) => {
            s.notice = Some(tf(Msg::ClassifierFailed, &[("error", &e)]));
            s.classifier = ClassifierState::Failed(e);
        }
        Action::DismissNotice => s.notice = None,
    }
}

/// Starts a run of `probes` with every enabled provider (and the judge, when one is chosen
/// and ready); says in the notice why not, or which providers were left out. Whether it
/// started.
fn start_run(s: &mut AppState, id: String, at_ms: f64, probes: Vec<Probe>) -> bool {
    if s.running() {
        s.notice = Some(tr(Msg::RunInProgress).into());
        return false;
    }
    let problems = s.runnable_providers().1;
    // A column has its provider's settings, so it is ready exactly when its provider is.
    let ok: Vec<RunProvider> = s
        .column_configs()
        .iter()
        .filter(|c| c.enabled && c.problem().is_none())
        .map(RunProvider::from)
        .collect();
    if ok.is_empty() {
        s.notice = Some(if problems.is_empty() {
            tr(Msg::NoProviderEnabled).into()
        } else {
            tf(Msg::NoProviderReady, &[("problems", &problems.join(" "))])
        });
        return false;
    }
    if probes.is_empty() {
        s.notice = Some(tr(Msg::ChooseTopicAndLanguage).into());
        return false;
    }
    let mut problems = problems;
    let judge = match s.judge_provider() {
        Some(j) if j.is_simulated() => {
            problems.push(tf(Msg::JudgeSimulated, &[("judge", &j.name)]));
            None
        }
        Some(j) => match j.problem() {
            Some(why) => {
                problems.push(tf(Msg::JudgeProblem, &[("judge", &j.name), ("why", &why)]));
                None
            }
            None => Some(RunProvider::from(j)),
        },
        None => None,
    };
    s.notice = (!problems.is_empty()).then(|| tf(Msg::LeftOut, &[("problems", &problems.join(" "))]));
    let run = Run::new(id, &s.pack, probes, ok, at_ms).with_samples(s.samples);
    s.run = Some(run.with_judge(judge));
    s.source_labels = Rc::default();
    s.detail = None;
    true
}

#[cfg(test)]
mod tests;
