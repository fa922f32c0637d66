//! What went wrong, worded for the person who can fix it: a request that brought nothing
//! usable back ([`FetchError`]), or browser storage that would not keep something
//! ([`StorageError`]).
//!
//! `net` turns its transport failures into a [`FetchError`] (with the provider at hand, so a
//! failed fetch is explained for that provider); the views show its text as it is. Every
//! variant's text says what to do next.

use crate::core::advice;
use crate::core::dialect::DialectError;
use crate::core::provider::ProviderConfig;

/// A request that brought no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The browser got no response at all: the server is down or unreachable, or it does not
    /// allow calls from this page (CORS); the browser does not say which. `causes` are the
    /// likely ones for the provider, each with its fix (none for Candor's own files).
    #[error(
        "the request failed before any response ({detail}). Either the server is not reachable at this URL, \
         or it does not allow requests from this page (CORS): check the URL, that the server runs, \
         and that it allows this origin{}",
        likely_causes(causes)
    )]
    NoResponse {
        /// What the browser said.
        detail: String,
        /// Likely causes with their fixes, most likely first.
        causes: Vec<String>,
    },
    /// The user cancelled the request.
    #[error("cancelled")]
    Cancelled,
    /// The response started but its body broke off.
    #[error("the response broke off: {0}")]
    BrokeOff(String),
    /// The request could not be built (a malformed URL or header): the settings need fixing.
    #[error("the request could not be built: {0}; check the provider's base URL")]
    Build(String),
    /// No complete reply arrived in time.
    #[error("no complete reply within {secs} s; the server may be overloaded")]
    TimedOut {
        /// The time allowed, in seconds.
        secs: u32,
    },
    /// The browser cannot abort requests, so Candor will not start any it could not stop.
    #[error("this browser cannot make cancellable requests; use a current browser")]
    NoAbort,
    /// The run's judge was removed from the settings since the run started.
    #[error("the judge provider is no longer configured; add it again and resume, or start a new run")]
    JudgeGone,
    /// The server answered, but not with what was asked for.
    #[error("{0}")]
    Reply(DialectError),
    /// One of Candor's own files was not served.
    #[error("HTTP {status} for {path}")]
    Asset {
        /// The file, relative to the site.
        path: String,
        /// The status it came with.
        status: u16,
    },
    /// One of Candor's own text files is not UTF-8.
    #[error("{path} is not UTF-8 text")]
    NotText {
        /// The file, relative to the site.
        path: String,
    },
}

fn likely_causes(causes: &[String]) -> String {
    if causes.is_empty() {
        return String::new();
    }
    let list: Vec<String> = causes.iter().enumerate().map(|(i, c)| format!("({}) {c}", i + 1)).collect();
    format!(". Likely causes: {}", list.join(" "))
}

impl FetchError {
    /// A request to `config` that got no response, with the likely causes for that
    /// provider; `page_https` says whether Candor itself was loaded over HTTPS (which
    /// matters for servers on the user's machine).
    pub fn no_response(detail: impl Into<String>, config: &ProviderConfig, page_https: bool) -> FetchError {
        FetchError::NoResponse {
            detail: detail.into(),
            causes: advice::failed_fetch(config.preset, &config.base_url, page_https),
        }
    }
}

impl From<DialectError> for FetchError {
    fn from(e: DialectError) -> Self {
        FetchError::Reply(e)
    }
}

/// The text shown, for places that only carry text (a saved cell, a notice).
impl From<FetchError> for String {
    fn from(e: FetchError) -> Self {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::Preset;

    #[test]
    fn a_failed_fetch_names_cors_and_the_fix_for_the_provider() {
        let mut ollama = ProviderConfig::demo();
        ollama.preset = Preset::Ollama;
        ollama.base_url = "http://127.0.0.1:11434/v1".into();
        let text = FetchError::no_response("TypeError: Failed to fetch", &ollama, true).to_string();
        assert!(text.starts_with("the request failed before any response (TypeError: Failed to fetch)"));
        assert!(text.contains("CORS") && text.contains("Likely causes: (1) Ollama"), "{text}");
        assert!(text.contains("OLLAMA_ORIGINS") && text.contains("HTTPS"), "{text}");
        assert!(text.contains("down or the URL wrong"), "{text}");
        let own = FetchError::NoResponse { detail: "offline".into(), causes: Vec::new() };
        assert!(!own.to_string().contains("Likely causes"));
    }

    #[test]
    fn every_message_says_what_to_do() {
        assert!(FetchError::JudgeGone.to_string().contains("add it again"));
        assert!(FetchError::Build("bad url".into()).to_string().contains("base URL"));
        assert!(FetchError::TimedOut { secs: 300 }.to_string().contains("within 300 s"));
        let http = DialectError::Http { status: 401, message: "bad key".into(), body: String::new() };
        assert_eq!(FetchError::from(http.clone()).to_string(), http.to_string());
    }
}

/// Browser storage would not keep or give back what Candor asked it to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// Storage is switched off for this site (some private windows, blocked site data).
    #[error("This browser does not allow saving (localStorage is off): settings and runs are kept in this tab only.")]
    Off,
    /// Settings were refused.
    #[error("Settings could not be saved: browser storage is full or blocked.")]
    SettingsRefused,
    /// A run, a cell or imported probes were refused for lack of room.
    #[error(
        "Browser storage is full: new replies are kept in this tab only. Export the run (JSON) to keep it, \
         or delete old runs on the Runs page."
    )]
    Full,
    /// The browser refused to save or read runs for another reason than room (IndexedDB
    /// off, as in some private windows, or failing), in its own words.
    #[error(
        "This browser did not let Candor save the run ({0}): new replies are kept in this tab only. Export the run (JSON) to keep it."
    )]
    Refused(String),
    /// A saved run is no longer there (deleted in another tab).
    #[error("The saved run {0} is gone from this browser's storage.")]
    Gone(String),
    /// A saved run cannot be read.
    #[error("The saved run {id} cannot be read: {why}")]
    Unreadable {
        /// The run.
        id: String,
        /// What is wrong with it.
        why: String,
    },
}
