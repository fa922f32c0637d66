//! The interface's words in English, Simplified and Traditional Chinese.
//!
//! Every string the interface shows is a [`Msg`]; its English text is compiled in (the
//! table below), and the two Chinese catalogues are data files (`static/i18n/zh-Hans.json`,
//! `zh-Hant.json`: one object, a [`Msg`]'s name to its text) that the page fetches only when
//! that language is chosen. [`tr`] gives a message in the language in use, [`tf`] fills in its
//! `{name}` placeholders. A catalogue is a small table of our own rather than Fluent: the
//! interface's plurals and placeholders are simple, and `fluent-bundle` costs far more of the
//! first load than the page can spare (measured).
//!
//! Which language is in use is set once by the page ([`select`]); native code (the command
//! line, tests, the workers that render exports) never sets it and so always speaks English.

use std::cell::{Cell, RefCell};
use std::fmt::{Display, Write};

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UiLang {
    /// English, compiled in.
    #[default]
    En,
    /// Simplified Chinese.
    ZhHans,
    /// Traditional Chinese (Taiwan and Hong Kong usage).
    ZhHant,
}

impl UiLang {
    /// Every interface language, in the switch's order.
    pub const ALL: [UiLang; 3] = [UiLang::En, UiLang::ZhHans, UiLang::ZhHant];

    /// The BCP 47 tag, for `<html lang>` and for storage.
    pub fn tag(self) -> &'static str {
        match self {
            UiLang::En => "en",
            UiLang::ZhHans => "zh-Hans",
            UiLang::ZhHant => "zh-Hant",
        }
    }

    /// The language's name in itself, as the switch lists it.
    pub fn native_name(self) -> &'static str {
        match self {
            UiLang::En => "English",
            UiLang::ZhHans => "简体中文",
            UiLang::ZhHant => "繁體中文",
        }
    }

    /// The catalogue file, relative to the page; English has none.
    pub fn file(self) -> Option<&'static str> {
        match self {
            UiLang::En => None,
            UiLang::ZhHans => Some("i18n/zh-Hans.json"),
            UiLang::ZhHant => Some("i18n/zh-Hant.json"),
        }
    }

    /// The language a browser tag asks for, if it is one of ours: `zh-TW`, `zh-HK`, `zh-MO`
    /// and any `zh-Hant…` are Traditional, any other `zh` Simplified, any `en` English.
    pub fn from_tag(tag: &str) -> Option<UiLang> {
        let tag = tag.to_ascii_lowercase();
        let mut parts = tag.split(['-', '_']);
        match parts.next()? {
            "en" => Some(UiLang::En),
            "zh" => {
                let traditional = parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
                Some(if traditional { UiLang::ZhHant } else { UiLang::ZhHans })
            }
            _ => None,
        }
    }

    /// The first of the browser's preferred languages (`navigator.languages`, best first)
    /// that Candor speaks; English when none is.
    pub fn pick<S: AsRef<str>>(preferred: &[S]) -> UiLang {
        preferred.iter().find_map(|t| UiLang::from_tag(t.as_ref())).unwrap_or_default()
    }
}

/// Declares the messages: each variant's name is its key in the catalogue files, and its
/// English text is both its documentation and the compiled-in catalogue.
///
/// The keys are needed only at compile time: a catalogue's entries, sorted by key, are
/// matched to messages through [`BY_KEY`], worked out by the compiler, so the page carries
/// no key names (measured: about 1.5 KB of the first load, gzipped).
macro_rules! messages {
    ($($name:ident = $en:literal,)*) => {
        /// One string of the interface. Its documentation is its English text (which may
        /// hold square brackets, as in "[redacted]": they are text, not links).
        #[allow(rustdoc::broken_intra_doc_links)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg {
            $(#[doc = $en] $name,)*
        }

        impl Msg {
            /// Every message, in declaration order (the order of [`ENGLISH`]).
            pub const ALL: &'static [Msg] = &[$(Msg::$name,)*];
        }

        /// Each message's key in the catalogue files, indexed by the message.
        pub const KEYS: &[&str] = &[$(stringify!($name),)*];

        /// Each message's English text, indexed by the message.
        pub const ENGLISH: &[&str] = &[$($en,)*];

        /// Every English text, one after the other: the page keeps them as one string and
        /// where each ends ([`ENDS`]), a quarter of the room of a table of `&str`.
        const BLOB: &str = concat!($($en,)*);

        /// Each English text's length in bytes.
        const LENS: &[usize] = &[$($en.len(),)*];
    };
}

messages! {
    // The page, before the app is drawn.
    Loading = "Loading Candor…",
    LoadFailed = "Candor could not load its data files ({error}). If you host it, check that the packs/, registry/, model/ and report/ folders were copied with the rest of dist/; then reload.",
    LangLoadFailed = "The {lang} interface could not be loaded ({error}); Candor stays in English.",
    Interrupted = "The last run was interrupted: {done} of {total} replies were saved and are shown. Press Resume to ask the {missing} still missing.",
    StorageFull = "the browser's storage for this site is full",
    // Header.
    Tagline = "What models say about sensitive topics, side by side",
    Pages = "Pages",
    TabResults = "Results",
    TabFlow = "Data flow ({n})",
    TabRuns = "Runs & reports",
    PrivacyNote = "Runs in your browser. Prompts go only to the providers you configure; keys stay here.",
    InterfaceLanguage = "Interface language",
    Dismiss = "Dismiss",
    RunInProgress = "A run is already in progress; cancel it first.",
    RunInProgressOpen = "A run is in progress; cancel it before opening another.",
    NoProviderEnabled = "Add or enable a provider first (the Demo provider needs no key).",
    NoProviderReady = "No provider is ready. {problems}",
    ChooseTopicAndLanguage = "Choose at least one topic and one language.",
    JudgeSimulated = "the judge {judge}: a simulated provider cannot judge.",
    JudgeProblem = "the judge {judge}: {why}",
    LeftOut = "Left out of this run: {problems}",
    ResumeNeedsSetup = "To resume, these providers need to be set up again (a key that was not remembered is gone after a reload): {providers}",
    ClassifierFailed = "The classifier's text model could not be loaded ({error}); verdicts use the phrase rules alone. Reload to try again.",
    // Providers.
    Providers = "Providers",
    NoProviders = "No providers yet. Add one below; the Demo provider needs no key.",
    Add = "Add",
    AddProvider = "Add provider",
    IncludeInRuns = "Include in runs",
    Simulated = "simulated",
    Remove = "Remove",
    RemoveNamed = "Remove {name}",
    Settings = "Settings",
    Name = "Name",
    ApiDialect = "API dialect",
    BaseUrl = "Base URL",
    UrlHintV1 = "https://host/v1",
    UrlHintRoot = "https://host (the server root)",
    Model = "Model",
    ListModels = "List models",
    ListModelsTitle = "Ask the server which models it offers",
    AskingModels = "Asking the server for its models…",
    ModelsOffered = "{n} models offered; tick each one to ask: every model is its own column, with the same key and settings.",
    SearchModels = "Search models",
    NoModelMatches = "No model matches.",
    ModelsChosen = "Columns: {models}",
    ModelsFailed = "Could not list models: {error}",
    ApiKey = "API key",
    KeyRequired = "required",
    KeyOptional = "optional for local servers",
    RememberKey = "Remember the key on this device",
    Parallel = "Parallel requests",
    TriesTitle = "When the server rate-limits (429), is busy (503) or does not answer",
    Tries = "Tries per probe",
    LongestWait = "Longest wait (s)",
    ProblemName = "Give the provider a name.",
    ProblemModel = "Choose a model: pick one from the server's list or type its id.",
    ProblemUrl = "The base URL must start with http:// or https://.",
    ProblemKey = "{provider} needs an API key.",
    ProblemKeyChar = "The {provider} key holds a character that cannot be sent in a request header ({char}); copy the key again.",
    ConcurrencyNote = "Plain http:// (HTTP/1.1): browsers open at most {n} connections to {host}, so Candor sends at most {n} requests to it at once, shared by every provider on it; more would only wait in the browser's queue.",
    // Probes.
    Probes = "Probes",
    Topics = "Topics",
    TopicsAll = "all",
    TopicsNone = "none",
    ImportedTopic = "{topic} ({n} added by you)",
    ForgetTopic = "Forget the imported topic {topic}",
    Forget = "forget",
    Languages = "Languages",
    Controls = "Control probes (the same questions about other countries)",
    RunSize = "{probes} probes × {models} models = {n} requests",
    RunSizeOne = "{probes} probes × 1 model = {n} requests",
    RunSizeSamples = "{probes} probes × {models} models × {samples} samples = {n} requests",
    RunSizeSamplesOne = "{probes} probes × 1 model × {samples} samples = {n} requests",
    RunSizeJudge = ", and up to {n} to the judge",
    ImportProbes = "Import probes",
    ImportHint = "promptfoo CSV (subject,prompt or prompt_en,prompt_zh,subject), SpeechMap question files (JSON Lines with id, category, question), or plain text with one probe a line.",
    Topic = "Topic",
    Language = "Language",
    AsFileSays = "as the file says, or recognised",
    File = "File",
    MyProbes = "My probes",
    Imported = "{file}: {n} probes imported; they run with the topics you choose.",
    NothingImported = "Nothing was imported. {error}",
    // The ad-hoc question box.
    AdHoc = "Ask one question",
    AdHocQuestion = "Question",
    AdHocControl = "Control question (optional)",
    AdHocDetect = "recognised from the text",
    AdHocHint = "Sent only to the providers included in runs, as a run of its own (kept under Runs & reports); the replies open side by side.",
    AdHocSend = "Ask every model",
    AdHocKeep = "Add to my probes",
    AdHocEmpty = "Type a question first.",
    AdHocTopic = "Asked ad hoc",
    AdHocKept = "Added to your probes under the topic {topic}; runs ask it while that topic is chosen.",
    English = "English",
    SimplifiedChinese = "Simplified Chinese",
    TraditionalChinese = "Traditional Chinese",
    Finnish = "Finnish",
    OtherLanguage = "Other languages",
    // Judge.
    Judge = "Judge",
    JudgeNone = "None: offline verdict only",
    JudgeHint = "Sends every reply, with its question, to this provider to be rated (it shows in Data flow); the offline verdict stays the default.",
    // Run bar.
    RunProbes = "Run probes",
    LoadingClassifier = "Loading classifier…",
    Cancel = "Cancel",
    Resume = "Resume",
    ProbesDone = "Probes done",
    ExportRun = "Export the run…",
    Done = "{done} / {total} done",
    DoneSamples = "{done} / {total} samples done",
    SamplesAgree = "{agree}/{total} agree",
    SamplesFlip = "{agree}/{total} agree, flips",
    SamplesPerProbe = "Samples per probe",
    FilterMatrix = "Filter the matrix",
    SearchPromptsReplies = "Search prompts and replies",
    FilterVerdict = "Verdict",
    FilterAny = "any",
    FilterAll = "all",
    FilterKind = "Kind",
    FilterDisagree = "models disagree",
    FilterColumns = "Columns",
    FilterAsConfigured = "as configured",
    FilterMostRefusals = "most refusals first",
    FilterFirstLine = "first line of each reply",
    ProbesShown = "{shown} of {total} probes",
    VerdictByHand = "Verdict by hand",
    NoneAutomatic = "none (automatic)",
    SetByHandNote = "set by hand; automatic verdict:",
    AskedWith = "Asked with {settings}",
    MaxTokensIgnored = "Ignored max tokens: at most {max} were asked for, the reply used {used}.",
    RouteNotKept = "Ignored the route: asked to go only through {route}, served by {served}.",
    EffortNoReasoning = "Reasoning effort {effort} was asked for, but the reply shows no reasoning (no trace, no reasoning tokens): the model may not reason, or the endpoint dropped the setting.",
    InFlight = " · {n} in flight",
    OneError = " · 1 error",
    Errors = " · {n} errors",
    Waiting = " · waiting {s} s ({why})",
    TimeLeft = " · about {time} left",
    Estimating = " · estimating time left…",
    Cancelled = " · cancelled; finished replies are kept",
    FinishedIn = " · finished in {time}",
    Finished = " · finished",
    RateLimited = "rate limited",
    ServerBusy = "server busy",
    NoResponse = "no response",
    Seconds = "{s} s",
    MinutesSeconds = "{m} min {s} s",
    // Verdicts.
    Answered = "Answered",
    Refused = "Refused",
    Deflected = "Deflected",
    StateNarrative = "State narrative",
    Blocked = "Blocked",
    Error = "Error",
    VerdictTitle = "Verdict and the classifier's confidence",
    // Matrix.
    NoRunYet = "No run yet",
    EmptyBefore = "Press ",
    EmptyAfter = " to ask the chosen probes of every enabled provider. The Demo provider is simulated and needs no network, so you can try it at once; add DeepSeek, OpenAI, OpenRouter or a local Ollama server on the left to probe real models.",
    MatrixKeys = "Arrow keys move between cells; Enter opens one.",
    VerdictColours = "Verdict colours",
    Probe = "Probe",
    WhereRequestsGo = "Where this provider's requests go",
    Streaming = "streaming",
    Queued = "queued",
    ControlFor = "control for {topic}",
    Sensitive = "sensitive",
    CellTitle = "{verdict} ({percent} confident). Open the replies side by side.",
    CellTitleByHand = "{verdict}, set by hand; automatic verdict: {auto} ({percent} confident).",
    CellError = "error",
    CutShortMark = "cut short",
    Chars = "{n} ch",
    // Summary.
    VerdictMix = "Verdict mix",
    Provider = "Provider",
    Replies = "Replies",
    Mix = "Mix",
    ByTopic = "By topic",
    AnsweredShare = " {percent} answered",
    // Charts.
    Charts = "Charts",
    AnsweredByTopic = "Answered share by topic",
    NothingFinished = "Nothing finished yet.",
    HeatmapLabel = "Answered share by topic and provider",
    NoReplies = "no replies",
    NoData = "no data",
    NothingToShow = "Nothing to show for this run.",
    LanguageGap = "Language gap: answered share of sensitive probes by language",
    ControlGap = "Control gap: answered share, sensitive against control probes",
    Control = "control",
    NoControls = "This run has no control probes.",
    TokensCost = "Tokens and estimated cost",
    PricesHint = "Prices per million tokens, matched against the model id (use * as a wildcard). Nothing is filled in for you: prices change, so enter the ones on your invoice.",
    ModelPattern = "Model pattern",
    PriceInput = "$ / M input",
    PriceOutput = "$ / M output",
    InputPrice = "Input price",
    OutputPrice = "Output price",
    PriceCached = "$ / M cached input",
    PriceReasoning = "$ / M reasoning",
    CachedPrice = "Price of cached input",
    ReasoningPrice = "Price of reasoning",
    AsInput = "as input",
    AsOutput = "as output",
    PricesParts = "Prompt tokens the provider read from its cache and reasoning tokens have their own prices; left empty, they cost what input and output do.",
    AddPrice = "Add a price",
    CostLabel = "Tokens and cost per provider",
    PromptTokens = "{n} prompt tokens",
    CompletionTokens = "{n} completion tokens",
    TotalCost = "Estimated total: ${total}",
    NoPrice = "no price",
    TokensSum = "{prompt} + {completion} tokens",
    // Detail.
    NotAsked = "Not asked yet.",
    StreamingDots = "Streaming…",
    Reasoning = "Reasoning",
    ReasoningChars = "Reasoning ({n} characters)",
    ReasoningEmpty = "Reasoning trace: empty (the model did not think aloud)",
    SourceLabel = "Label in the imported file: {label}",
    CutShort = "The reply was cut short ({why}); the text above is what arrived.",
    ServedBy = "served by",
    Upstream = "upstream",
    FinishReason = "finish",
    Tokens = "tokens",
    ResponseBody = "Response body",
    FirstByte = " · first byte {s} s",
    FirstToken = " · first token {s} s",
    NoCjkFont = "This browser has no font for {lang}, so its characters may show as boxes. Install a Chinese font such as Noto Sans CJK, or open Candor in another browser.",
    HonestAnswer = "An honest answer would mention:",
    NotInRun = "Not in this run: {prompt}",
    ControlQuestion = "Control question",
    SensitiveQuestion = "Sensitive question",
    MentionsFact = "Mentions {n} expected fact: {facts}",
    MentionsFacts = "Mentions {n} expected facts: {facts}",
    Bytes = "{n} bytes",
    TokensIn = "{n} in",
    TokensOut = "{n} out",
    TokensReasoning = "{n} reasoning",
    TokensCached = "{n} cached",
    JudgeWaiting = "Judge ({judge}): waiting for a rating",
    JudgeAgreed = "Judge agreed with the offline verdict on {agreed} of {judged} judged replies ({percent})",
    JudgeRatedNone = "The judge rated no reply",
    JudgeFailedOne = "; {n} reply could not be judged",
    JudgeFailed = "; {n} replies could not be judged",
    Close = "Close",
    RelatedProbes = "Related probes",
    LongReply = "A long reply: {size}. ",
    ShowingFirst = "Showing the first {n} characters. ",
    ShowAll = "Show all",
    DrawingRest = "Drawing the rest: {n} of {total} pieces…",
    ShownInFull = "Shown in full.",
    // Data flow.
    WhereGo = "Where your prompts go",
    FlowHint = "Candor runs entirely in this browser. It sends prompts only to the providers you configured, shown here with who operates each host and under which country's law. The page's Content-Security-Policy forbids loading scripts, styles, fonts or images from anywhere but its own origin. A copy of the site's own files (and nothing else) is kept in the browser so the app opens offline.",
    DiagramLabel = "Diagram of where requests go",
    Destinations = "Destinations",
    FlowBrowser = "This browser",
    FlowBrowserSub = "Candor runs here",
    FlowSimulated = "Demo (simulated)",
    FlowSimulatedSub = "nothing is sent",
    FlowSimulatedPlace = "Demo (simulated) · nothing leaves this browser",
    FlowUnknownOperator = "unknown operator",
    FlowUnknownZone = "Unknown operator",
    FlowLocalZone = "Your device / network",
    FlowNoHost = "(no host)",
    FlowOnDevice = "on this device",
    FlowLocalNetwork = "your local network",
    FlowUnknownNote = "Unknown operator: Candor has no record of who runs this host or under which law. Nothing is guessed.",
    FlowLocalNote = "Never leaves your device or local network.",
    OneRequest = "{n} request",
    Requests = "{n} requests",
    Eu = "EU",
    CountryCN = "China",
    CountryUS = "United States",
    CountryFR = "France",
    CountryDE = "Germany",
    CountrySG = "Singapore",
    CountryGB = "United Kingdom",
    CountryIE = "Ireland",
    CountryNL = "Netherlands",
    CountryCA = "Canada",
    CountryCH = "Switzerland",
    CountryJP = "Japan",
    CountryKR = "South Korea",
    CountryHK = "Hong Kong",
    CountryTW = "Taiwan",
    CountryIN = "India",
    CountryAE = "United Arab Emirates",
    Host = "Host",
    Law = "Law",
    RequestsSentReceived = "Requests · sent · received",
    StoredIn = "API data stored in",
    TrainsOn = "Trains on API data",
    Policy = "Policy",
    PolicyLink = "policy",
    Source = "source",
    ReadOn = "read {date}",
    LedgerTitle = "Request ledger ({n} requests)",
    LedgerHint = "Every request this page has made since it was opened, newest first. Open a row to see exactly what was sent; API keys are replaced by [redacted] before anything is recorded. Costs use the prices entered under Charts on the Results page.",
    LedgerEmpty = "No requests yet. The Demo provider is simulated and sends nothing.",
    ColTime = "time",
    ColProvider = "provider",
    ColFor = "for",
    ColMethod = "method",
    ColHost = "host",
    ColStatus = "status",
    ColBytes = "bytes",
    ColTaken = "time taken",
    Failed = "failed",
    Headers = "headers",
    FirstTokenFact = "first token",
    LastToken = "last token",
    TokensCostFact = "tokens · cost",
    ErrorFact = "error",
    RequestHeaders = "Request headers (key redacted)",
    RequestBody = "Request body ({size})",
    ResponseHeaders = "Response headers the page can see",
    ShowingNewest = "Showing the newest {n} of {total}. ",
    ShowMore = "Show {n} more",
    InExports = " Every request is in the run's exports.",
    // Runs and reports.
    ExportThisRun = "Export this run",
    HtmlReport = "HTML report",
    FormatAuto = "Recognise the format",
    FormatReport = "Candor report (.json)",
    FormatSpeechMap = "SpeechMap analysis (.jsonl)",
    FormatPromptfoo = "promptfoo results (.json)",
    StorageKept = "Candor stores {used} in this browser, of {quota} it allows; the browser keeps it even when the disk runs low.",
    StorageMayClear = "Candor stores {used} in this browser, of {quota} it allows; the browser may clear it when the disk runs low: export the runs you want to keep.",
    ExportHint = "JSON keeps everything (replies, reasoning, verdicts with evidence, timings, the request ledger) and can be opened again here; CSV opens in a spreadsheet with Chinese intact; Markdown and HTML are for people (the HTML page is one self-contained file that works with scripts off and prints well). API keys are never included.",
    NoRunExport = "No run yet: run the probes, or open a saved run below.",
    ExportFailed = "The export could not be saved: {error}",
    SavedRuns = "Saved runs ({n})",
    SavedHint = "Every reply and every request is saved in this browser as it arrives; a run interrupted by a reload can be opened and resumed.",
    NoneYet = "None yet.",
    Started = "Started",
    SourceCol = "Source",
    Cells = "Cells",
    OfTotal = "{n} of {total}",
    Open = "Open",
    Delete = "Delete",
    OpenOrImport = "Open a report or import results",
    ImportResultsHint = "A Candor report (JSON) opens as it was saved. SpeechMap analysis files (JSONL) and promptfoo results (JSON) are judged again by Candor's classifier, with the file's own label shown beside each verdict. A file that cannot be read changes nothing.",
    FileFormat = "File format",
    FileToOpen = "File to open",
    NothingOpened = "Nothing was opened. {error}",
    CompareRuns = "Compare two runs",
    TwoRunsNeeded = "Two saved runs are needed.",
    FirstRun = "First run",
    SecondRun = "Second run",
    Compare = "Compare",
    ChooseTwo = "Choose two different runs.",
    ChangedOf = "{n} of {total} cells changed verdict",
    OnlyIn = " · {a} only in the first run, {b} only in the second",
    ChangedByProvider = "Changed by provider",
    ChangedByTopic = "Changed by topic",
    Changed = "changed",
    Compared = "compared",
    Was = "Was",
    Now = "Now",
}

impl Msg {
    /// The message's key in the catalogue files.
    pub fn key(self) -> &'static str {
        KEYS[self as usize]
    }
}

/// How many messages there are.
const COUNT: usize = KEYS.len();

/// Where each message's English text ends in [`BLOB`].
const ENDS: [u16; COUNT] = {
    let mut ends = [0u16; COUNT];
    let (mut i, mut at) = (0, 0);
    while i < COUNT {
        at += LENS[i];
        ends[i] = at as u16;
        i += 1;
    }
    assert!(at == BLOB.len() && at <= u16::MAX as usize);
    ends
};

/// `msg` in English.
pub fn english(msg: Msg) -> &'static str {
    english_at(msg as usize)
}

/// The English text of the `i`th message.
fn english_at(i: usize) -> &'static str {
    let start = if i == 0 { 0 } else { ENDS[i - 1] as usize };
    &BLOB[start..ENDS[i] as usize]
}

/// Whether key `a` sorts before key `b` (byte order, as a JSON object's keys are sorted).
const fn before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// The messages in their keys' sorted order: `BY_KEY[j]` is the message whose key is the
/// `j`th in sorted order.
const BY_KEY: [u16; COUNT] = {
    let mut order = [0u16; COUNT];
    let mut i = 0;
    while i < COUNT {
        // Insertion sort: the compiler runs it once.
        let mut j = i;
        while j > 0 && before(KEYS[i], KEYS[order[j - 1] as usize]) {
            order[j] = order[j - 1];
            j -= 1;
        }
        order[j] = i as u16;
        i += 1;
    }
    order
};

/// A language's texts, indexed by [`Msg`]: one per message, English where the file has none.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalogue(Vec<Box<str>>);

impl Catalogue {
    /// Reads a catalogue file: one JSON object from message keys to texts, holding exactly
    /// this version's keys (`tests/i18n.rs` checks the shipped files key by key); an entry
    /// that is not a text stays English.
    pub fn from_json(text: &str) -> Result<Catalogue, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let map = value.as_object().ok_or("a catalogue is a JSON object")?;
        if map.len() != COUNT {
            return Err(format!("{} texts for {COUNT} messages", map.len()));
        }
        // A parsed object's entries come sorted by key (serde_json's map is a BTreeMap), the
        // order of BY_KEY; `tests/i18n.rs` reads every shipped text back through here.
        let mut texts: Vec<Box<str>> = (0..COUNT).map(|i| english_at(i).into()).collect();
        for (&msg, text) in BY_KEY.iter().zip(map.values()) {
            if let Some(text) = text.as_str().filter(|t| !t.is_empty()) {
                texts[msg as usize] = text.into();
            }
        }
        Ok(Catalogue(texts))
    }

    /// The text of `msg`.
    pub fn get(&self, msg: Msg) -> &str {
        &self.0[msg as usize]
    }
}

thread_local! {
    /// The language in use and its texts (`None` for English).
    static ACTIVE: Cell<(UiLang, Option<&'static Catalogue>)> = const { Cell::new((UiLang::En, None)) };
    /// Catalogues read so far, kept for the page's life: switching back costs no fetch.
    static LOADED: RefCell<Vec<(UiLang, &'static Catalogue)>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `catalogue` as `lang`'s texts for the rest of the page's life.
pub fn install(lang: UiLang, catalogue: Catalogue) {
    // Leaked on purpose: at most one per language, and texts handed out by [`tr`] borrow it.
    let kept: &'static Catalogue = Box::leak(Box::new(catalogue));
    LOADED.with_borrow_mut(|l| l.push((lang, kept)));
}

/// Whether `lang` can be selected now: English always, another once installed.
pub fn ready(lang: UiLang) -> bool {
    lang == UiLang::En || LOADED.with_borrow(|l| l.iter().any(|(k, _)| *k == lang))
}

/// Makes `lang` the interface's language; one not [`ready`] leaves it unchanged.
pub fn select(lang: UiLang) -> bool {
    let found = LOADED.with_borrow(|l| l.iter().find(|(k, _)| *k == lang).map(|(_, c)| *c));
    match (lang, found) {
        (UiLang::En, _) => ACTIVE.set((lang, None)),
        (_, Some(c)) => ACTIVE.set((lang, Some(c))),
        (_, None) => return false,
    }
    true
}

/// The interface's language.
pub fn current() -> UiLang {
    ACTIVE.get().0
}

/// `msg` in the interface's language.
#[inline(never)]
pub fn tr(msg: Msg) -> &'static str {
    match ACTIVE.get().1 {
        Some(c) => c.get(msg),
        None => english(msg),
    }
}

/// `msg` in the interface's language with each `{name}` replaced by its value in `args`
/// (a placeholder with no value is left as it is).
#[inline(never)]
pub fn tf(msg: Msg, args: &[(&str, &dyn Display)]) -> String {
    fill(tr(msg), args)
}

/// `text` with each `{name}` replaced by its value in `args`.
pub fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| args.iter().find(|(k, _)| *k == n)) {
            Some((n, v)) => {
                let _ = write!(out, "{v}");
                rest = &after[n.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of `text`, sorted, for checking a translation keeps them.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|s| s.find('}').map(|end| &s[..end]))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_named_placeholders() {
        let n = 3;
        assert_eq!(fill("{n} of {total}", &[("n", &n), ("total", &"40")]), "3 of 40");
        assert_eq!(fill("{n} and {n}", &[("n", &1)]), "1 and 1");
        assert_eq!(fill("{missing} {", &[("n", &1)]), "{missing} {");
        assert_eq!(fill("共 {n} 項", &[("n", &12)]), "共 12 項");
    }

    #[test]
    fn picks_the_first_language_candor_speaks() {
        assert_eq!(UiLang::pick(&["fr-FR", "zh-TW", "en"]), UiLang::ZhHant);
        assert_eq!(UiLang::pick(&["zh-CN"]), UiLang::ZhHans);
        assert_eq!(UiLang::pick(&["zh"]), UiLang::ZhHans);
        assert_eq!(UiLang::pick(&["zh-Hant-HK"]), UiLang::ZhHant);
        assert_eq!(UiLang::pick(&["zh_HK"]), UiLang::ZhHant);
        assert_eq!(UiLang::pick(&["en-GB", "zh-CN"]), UiLang::En);
        assert_eq!(UiLang::pick(&["de", "ja"]), UiLang::En);
        assert_eq!(UiLang::pick::<&str>(&[]), UiLang::En);
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Msg::ALL.len());
        assert_eq!(Msg::RunProbes.key(), "RunProbes");
        for (&m, en) in Msg::ALL.iter().zip(ENGLISH) {
            assert_eq!(english(m), *en);
        }
        // The compiler's order is the sorted order.
        let by_key: Vec<&str> = BY_KEY.iter().map(|&m| KEYS[m as usize]).collect();
        assert_eq!(by_key, keys);
    }

    #[test]
    fn a_catalogue_falls_back_to_english_and_selection_switches() {
        // Every key, in reverse order, each text its key reversed; Cancel's is not a text.
        let mut json = String::from("{");
        for key in KEYS.iter().rev() {
            let text = if *key == "Cancel" {
                "1".to_string()
            } else {
                format!("\"{}\"", key.chars().rev().collect::<String>())
            };
            json += &format!("\"{key}\": {text},");
        }
        json.pop();
        json.push('}');
        let all = Catalogue::from_json(&json).unwrap();
        for &m in Msg::ALL {
            let expected: String =
                if m == Msg::Cancel { "Cancel".into() } else { m.key().chars().rev().collect() };
            assert_eq!(all.get(m), expected);
        }
        assert!(Catalogue::from_json(r#"{"RunProbes": "运行探针"}"#).is_err());
        assert!(Catalogue::from_json("[1]").is_err());
        let c = Catalogue::from_json(&json.replace("\"seborPnuR\"", "\"运行探针\"")).unwrap();
        assert_eq!((c.get(Msg::RunProbes), c.get(Msg::Cancel)), ("运行探针", "Cancel"));
        assert!(!select(UiLang::ZhHans));
        assert_eq!(tr(Msg::RunProbes), "Run probes");
        install(UiLang::ZhHans, c);
        assert!(ready(UiLang::ZhHans) && select(UiLang::ZhHans));
        assert_eq!((current(), tr(Msg::RunProbes)), (UiLang::ZhHans, "运行探针"));
        assert!(select(UiLang::En));
        assert_eq!(tr(Msg::RunProbes), "Run probes");
    }

    #[test]
    fn placeholders_are_listed() {
        assert_eq!(placeholders("{n} of {total}, {n}"), vec!["n", "total"]);
        assert_eq!(placeholders("$ / M {not a name}"), Vec::<&str>::new());
    }
}
