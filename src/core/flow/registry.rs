//! The destination registry: who operates each known API host, under which country's law,
//! where API data is stored and whether it is trained on; and where any URL sends data (this
//! device, the local network, a known or an unknown host).
//!
//! The registry is a versioned data file (`static/registry/destinations-v1.json`) so facts
//! can be corrected without touching code. Every fact carries the URL of the policy page it
//! came from. A host the registry does not list is [`Place::Unknown`]: the operator is never
//! guessed from the domain name, because a wrong guess about who reads a prompt is worse
//! than an honest "unknown".

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::core::http::url_host;
use crate::core::provider::DEMO_BASE_URL;

/// The built-in registry, compiled into the app and the command-line tool.
pub const BUILTIN_REGISTRY_JSON: &str = include_str!("../../../static/registry/destinations-v1.json");

/// The registry file version this code reads.
pub const REGISTRY_VERSION: &str = "1";

/// The values `trains_on_api_data.value` may take.
pub const TRAINING_VALUES: [&str; 4] = ["yes", "no", "opt-out", "unclear"];

/// One fact about a destination, with the page it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// The fact itself, short enough for a table cell.
    pub value: String,
    /// One line of nuance (tiers, exceptions, what could not be confirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The https URL of the policy page that states it.
    pub source: String,
}

/// A known API host and what its operator's published policies say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// Lower-case host name, matched exactly (or with a leading `www.` removed).
    pub host: String,
    /// The company that runs the host.
    pub operator: String,
    /// ISO 3166-1 alpha-2 code of the country whose law governs the operator.
    pub jurisdiction: String,
    /// Where API data is stored.
    pub storage: Fact,
    /// Whether API inputs and outputs are used for training: one of [`TRAINING_VALUES`].
    pub trains_on_api_data: Fact,
    /// The privacy policy or terms page.
    pub policy: String,
    /// The month (`YYYY-MM`) the policy was last read for this entry.
    pub read: String,
}

/// The destination registry file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// File format version; this code reads [`REGISTRY_VERSION`].
    pub version: String,
    /// The date the file was compiled.
    pub compiled: String,
    /// How the facts were gathered and how far to trust them, shown to the user.
    pub note: String,
    /// One entry per host.
    pub destinations: Vec<Destination>,
}

/// Why a registry file could not be loaded. Each message names the host at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The file is not JSON of the registry shape.
    #[error("the destination registry is not valid registry JSON: {0}")]
    Json(String),
    /// The file is of a version this code does not read.
    #[error("the destination registry has version `{0}`; this build reads version `{current}`", current = REGISTRY_VERSION)]
    Version(String),
    /// A host that is empty, upper-case, or a URL rather than a host name.
    #[error("`{0}` is not a bare lower-case host name")]
    BadHost(String),
    /// Two entries for the same host.
    #[error("host `{0}` is listed twice; each host needs exactly one entry")]
    DuplicateHost(String),
    /// A jurisdiction that is not two upper-case letters.
    #[error(
        "host `{host}` has jurisdiction `{jurisdiction}`; it must be an ISO 3166-1 alpha-2 code such as `CN`"
    )]
    BadJurisdiction {
        /// The host.
        host: String,
        /// The rejected value.
        jurisdiction: String,
    },
    /// An entry with a blank operator, storage or read field.
    #[error("host `{host}` has an empty `{field}`")]
    Empty {
        /// The host.
        host: String,
        /// The empty field.
        field: &'static str,
    },
    /// A training value outside [`TRAINING_VALUES`].
    #[error("host `{host}` has trains_on_api_data `{value}`; it must be yes, no, opt-out or unclear")]
    BadTraining {
        /// The host.
        host: String,
        /// The rejected value.
        value: String,
    },
    /// A source or policy link that is not an https URL.
    #[error("host `{host}` has `{field}` = `{url}`; sources must be https URLs")]
    BadSource {
        /// The host.
        host: String,
        /// `storage.source`, `trains_on_api_data.source` or `policy`.
        field: &'static str,
        /// The rejected value.
        url: String,
    },
}

impl Registry {
    /// Parses and validates a registry file.
    pub fn from_json(json: &str) -> Result<Registry, FlowError> {
        // Through a parsed value, like reports (one decoder per type in the app).
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| FlowError::Json(e.to_string()))?;
        let registry = Registry::deserialize(&value).map_err(|e| FlowError::Json(e.to_string()))?;
        registry.validate()?;
        Ok(registry)
    }

    /// The built-in registry. It is validated by the test suite, so failure here is a build bug.
    pub fn builtin() -> Registry {
        Registry::from_json(BUILTIN_REGISTRY_JSON).expect("the built-in registry is validated by tests")
    }

    fn validate(&self) -> Result<(), FlowError> {
        if self.version != REGISTRY_VERSION {
            return Err(FlowError::Version(self.version.clone()));
        }
        let mut seen = HashSet::new();
        for d in &self.destinations {
            let host = &d.host;
            let bare = !host.is_empty()
                && host.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
            if !bare {
                return Err(FlowError::BadHost(host.clone()));
            }
            if !seen.insert(host.as_str()) {
                return Err(FlowError::DuplicateHost(host.clone()));
            }
            let j = &d.jurisdiction;
            if j.len() != 2 || !j.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(FlowError::BadJurisdiction { host: host.clone(), jurisdiction: j.clone() });
            }
            for (field, value) in
                [("operator", &d.operator), ("storage.value", &d.storage.value), ("read", &d.read)]
            {
                if value.trim().is_empty() {
                    return Err(FlowError::Empty { host: host.clone(), field });
                }
            }
            if !TRAINING_VALUES.contains(&d.trains_on_api_data.value.as_str()) {
                return Err(FlowError::BadTraining {
                    host: host.clone(),
                    value: d.trains_on_api_data.value.clone(),
                });
            }
            for (field, url) in [
                ("storage.source", &d.storage.source),
                ("trains_on_api_data.source", &d.trains_on_api_data.source),
                ("policy", &d.policy),
            ] {
                let ok = url.strip_prefix("https://").is_some_and(|rest| {
                    let h = url_host(url);
                    !rest.is_empty() && h.contains('.') && !url.contains(char::is_whitespace)
                });
                if !ok {
                    return Err(FlowError::BadSource { host: host.clone(), field, url: url.clone() });
                }
            }
        }
        Ok(())
    }

    /// The entry for exactly this (lower-case) host.
    pub fn get(&self, host: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.host == host)
    }

    /// Where a base URL, request URL or bare host (`localhost:11434`, `[::1]`) sends data.
    ///
    /// Local addresses are recognised first, so a registry entry can never make a loopback
    /// or private address look remote. Remote hosts match an entry exactly, or after
    /// removing a leading `www.`; anything else is [`Place::Unknown`].
    pub fn place(&self, url_or_host: &str) -> Place {
        let input = url_or_host.trim();
        if input.eq_ignore_ascii_case(DEMO_BASE_URL) || starts_with_ignore_case(input, "demo://") {
            return Place::Simulated;
        }
        let host = host_of(input);
        if let Some(kind) = local_kind(&host) {
            return Place::Local { host, kind };
        }
        let found = self.get(&host).or_else(|| host.strip_prefix("www.").and_then(|h| self.get(h)));
        match found {
            Some(d) => Place::Known(Box::new(d.clone())),
            None => Place::Unknown { host },
        }
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The normalised host of a URL or bare host: lower-case, no port, brackets or trailing dot.
fn host_of(input: &str) -> String {
    // `url_host` would cut a bare IPv6 address at its first colon.
    let host = if !input.contains("://") && input.parse::<Ipv6Addr>().is_ok() {
        input.to_string()
    } else {
        url_host(input)
    };
    host.to_ascii_lowercase().trim_end_matches('.').to_string()
}

/// How a destination that never leaves the user's own machine or network is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocalKind {
    /// This device: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`.
    Loopback,
    /// A private, link-local or carrier-grade NAT address.
    Private,
    /// A name only a local resolver answers: `*.local`, `*.lan`, `*.internal`,
    /// `*.home.arpa`, or a single label without a dot.
    LocalName,
}

/// Name suffixes reserved for, or conventionally used on, local networks.
const LOCAL_SUFFIXES: [&str; 4] = [".local", ".lan", ".internal", ".home.arpa"];

/// Whether a host (name or address) is on this device or the local network, and how.
pub fn local_kind(host: &str) -> Option<LocalKind> {
    // A zone index (`fe80::1%eth0`) names the interface, not the address.
    let addr = host.split('%').next().unwrap_or(host);
    if let Ok(ip) = addr.parse::<IpAddr>() {
        return ip_kind(ip);
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Some(LocalKind::Loopback);
    }
    if LOCAL_SUFFIXES.iter().any(|s| host.ends_with(s)) || (!host.is_empty() && !host.contains('.')) {
        return Some(LocalKind::LocalName);
    }
    None
}

fn ip_kind(ip: IpAddr) -> Option<LocalKind> {
    match ip {
        IpAddr::V4(v4) => ipv4_kind(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return ipv4_kind(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() || v6.is_unspecified() {
                Some(LocalKind::Loopback)
            } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
                Some(LocalKind::Private)
            } else {
                None
            }
        }
    }
}

fn ipv4_kind(v4: Ipv4Addr) -> Option<LocalKind> {
    let [a, b, ..] = v4.octets();
    // Browsers and operating systems connect to 0.0.0.0 as if it were this device.
    if v4.is_loopback() || v4.is_unspecified() {
        Some(LocalKind::Loopback)
    } else if a == 10
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || (a == 169 && b == 254)
        || (a == 100 && (64..=127).contains(&b))
    {
        Some(LocalKind::Private)
    } else {
        None
    }
}

/// Where requests to one URL go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The built-in demo: nothing leaves the browser.
    Simulated,
    /// This device or the local network.
    Local {
        /// The normalised host.
        host: String,
        /// How it is local.
        kind: LocalKind,
    },
    /// A host the registry lists (boxed: it is far larger than the other variants).
    Known(Box<Destination>),
    /// A remote host the registry does not list; nothing about it is guessed.
    Unknown {
        /// The normalised host (empty when the URL has none).
        host: String,
    },
}

impl Place {
    /// The operator's jurisdiction, for known destinations only.
    pub fn jurisdiction(&self) -> Option<&str> {
        match self {
            Place::Known(d) => Some(&d.jurisdiction),
            _ => None,
        }
    }

    /// Whether requests cross the user's own network boundary.
    pub fn leaves_network(&self) -> bool {
        matches!(self, Place::Known(_) | Place::Unknown { .. })
    }
}
