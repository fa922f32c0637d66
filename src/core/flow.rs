//! Where prompts go: the registry of known API hosts (who operates each, under which
//! country's law, where API data is stored, whether it is trained on), the classification of
//! any URL as on this device, on the local network, a known or an unknown destination, and
//! the geometry of the data-flow diagram the UI draws as inline SVG.
//!
//! The registry is a versioned data file (`static/registry/destinations-v1.json`) so facts
//! can be corrected without touching code. Every fact carries the URL of the policy page it
//! came from. A host the registry does not list is [`Place::Unknown`]: the operator is never
//! guessed from the domain name, because a wrong guess about who reads a prompt is worse
//! than an honest "unknown".

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::core::http::url_host;
use crate::core::provider::DEMO_BASE_URL;

/// The built-in registry, compiled into the app and the command-line tool.
pub const BUILTIN_REGISTRY_JSON: &str = include_str!("../../static/registry/destinations-v1.json");

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
        let registry: Registry = serde_json::from_str(json).map_err(|e| FlowError::Json(e.to_string()))?;
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
    /// One line for a provider card or table row, e.g.
    /// `api.deepseek.com · Hangzhou DeepSeek Artificial Intelligence Co., Ltd. · CN`.
    pub fn label(&self) -> String {
        match self {
            Place::Simulated => "Demo (simulated) · nothing leaves this browser".into(),
            Place::Local { host, kind } => format!("{host} · {}", local_phrase(*kind)),
            Place::Known(d) => format!("{} · {} · {}", d.host, d.operator, d.jurisdiction),
            Place::Unknown { host } if host.is_empty() => "(no host) · unknown operator".into(),
            Place::Unknown { host } => format!("{host} · unknown operator"),
        }
    }

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

    /// The normalised host, or `None` for the simulation.
    pub fn host(&self) -> Option<&str> {
        match self {
            Place::Simulated => None,
            Place::Local { host, .. } | Place::Unknown { host } => Some(host),
            Place::Known(d) => Some(&d.host),
        }
    }

    /// The CSS class the diagram uses for this place: `simulated`, `local`, `unknown`,
    /// or a jurisdiction class from [`jurisdiction_class`].
    pub fn class(&self) -> &'static str {
        match self {
            Place::Simulated => "simulated",
            Place::Local { .. } => "local",
            Place::Known(d) => jurisdiction_class(&d.jurisdiction),
            Place::Unknown { .. } => "unknown",
        }
    }
}

fn local_phrase(kind: LocalKind) -> &'static str {
    match kind {
        LocalKind::Loopback => "on this device",
        LocalKind::Private | LocalKind::LocalName => "your local network",
    }
}

/// EU member states, whose operators share the GDPR and get one diagram colour.
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The CSS class for a jurisdiction: `jur-cn`, `jur-us`, `jur-eu` (any EU member state) or
/// `jur-other`.
pub fn jurisdiction_class(code: &str) -> &'static str {
    match code {
        "CN" => "jur-cn",
        "US" => "jur-us",
        c if EU_MEMBERS.contains(&c) => "jur-eu",
        _ => "jur-other",
    }
}

/// A readable name for the jurisdictions the registry uses; other codes are shown as is.
fn country_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "CN" => "China",
        "US" => "United States",
        "FR" => "France",
        "DE" => "Germany",
        "SG" => "Singapore",
        "GB" => "United Kingdom",
        "IE" => "Ireland",
        "NL" => "Netherlands",
        "CA" => "Canada",
        "CH" => "Switzerland",
        "JP" => "Japan",
        "KR" => "South Korea",
        "HK" => "Hong Kong",
        "TW" => "Taiwan",
        "IN" => "India",
        "AE" => "United Arab Emirates",
        _ => return None,
    })
}

/// Human-readable byte count in binary units: `512 B`, `12.3 KB`, `4.0 MB`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    // 1023.96 KB would print as "1024.0 KB"; show it as the next unit instead.
    if (v * 10.0).round() >= 10240.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// Requests and bytes sent to one base URL, request URL or host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    /// Anything [`Registry::place`] accepts.
    pub host_or_url: String,
    /// Requests made.
    pub requests: u32,
    /// Request bytes sent.
    pub bytes_out: u64,
    /// Response bytes received.
    pub bytes_in: u64,
}

/// A box in the diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowNode {
    /// Stable id: `browser`, `simulated`, `local:<host>` or `host:<host>`.
    pub id: String,
    /// First line (the host).
    pub label: String,
    /// Second line (operator or where it is).
    pub sublabel: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// CSS class: `browser`, `local`, `simulated`, `unknown`, `jur-cn`, `jur-us`, `jur-eu`
    /// or `jur-other`.
    pub class: String,
}

/// A curved arrow from the browser to a destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowEdge {
    /// Source node id (always `browser`).
    pub from: String,
    /// Destination node id.
    pub to: String,
    /// SVG path data: one cubic Bézier, `M x y C x y, x y, x y`.
    pub path: String,
    /// Request count and bytes, e.g. `12 requests · ↑3.4 KB ↓34.5 KB`.
    pub label: String,
    /// The destination node's class.
    pub class: String,
}

/// A labelled background region: the user's device and network, or one jurisdiction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowZone {
    /// Shown at the zone's top-left, e.g. `Your device / network` or `China (CN)`.
    pub label: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// CSS class: `local`, `unknown` or a jurisdiction class.
    pub class: String,
}

/// Everything needed to draw the diagram in a `0 0 width height` SVG viewBox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowDiagram {
    /// viewBox width.
    pub width: f64,
    /// viewBox height.
    pub height: f64,
    /// Browser first, then local destinations, then remote ones top to bottom.
    pub nodes: Vec<FlowNode>,
    /// One per destination, in node order.
    pub edges: Vec<FlowEdge>,
    /// The local zone first, then one per jurisdiction group top to bottom.
    pub zones: Vec<FlowZone>,
}

/// The id of the browser node every edge starts from.
pub const BROWSER_NODE: &str = "browser";

const WIDTH: f64 = 760.0;
const MARGIN: f64 = 16.0;
const NODE_H: f64 = 44.0;
const GAP: f64 = 16.0;
const PITCH: f64 = NODE_H + GAP;
/// Room at the top of a zone for its label.
const ZONE_HEAD: f64 = 28.0;
const ZONE_PAD: f64 = 12.0;
const BROWSER_W: f64 = 120.0;
/// Local destinations sit one column right of the browser, from the row below it, so the
/// space to their left (under the browser) is free for edge labels: the UI right-aligns
/// each label just above its destination.
const LOCAL_X: f64 = MARGIN + ZONE_PAD + BROWSER_W + 24.0;
const LOCAL_W: f64 = 130.0;
const LOCAL_ZONE_W: f64 = LOCAL_X + LOCAL_W + ZONE_PAD - MARGIN;
/// Leaves about 150 px between the zones for the labels of edges to remote nodes.
const REMOTE_ZONE_X: f64 = 462.0;
const REMOTE_ZONE_W: f64 = WIDTH - MARGIN - REMOTE_ZONE_X;
/// The smallest horizontal pull of an edge's control points, so edges that run backwards
/// or straight down still curve instead of folding on themselves.
const MIN_PULL: f64 = 40.0;

/// One destination with its summed traffic.
struct Dest {
    id: String,
    label: String,
    sublabel: String,
    class: &'static str,
    requests: u64,
    bytes_out: u64,
    bytes_in: u64,
}

/// Where a remote destination's zone sits in the column: jurisdictions alphabetically,
/// unknown operators last.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Jurisdiction(String),
    Unknown,
}

impl Group {
    fn label(&self) -> String {
        match self {
            Group::Unknown => "Unknown operator".into(),
            Group::Jurisdiction(code) => {
                let name =
                    country_name(code).map(|n| format!("{n} ({code})")).unwrap_or_else(|| code.clone());
                if jurisdiction_class(code) == "jur-eu" {
                    format!("{name} · EU")
                } else {
                    name
                }
            }
        }
    }

    fn class(&self) -> &'static str {
        match self {
            Group::Unknown => "unknown",
            Group::Jurisdiction(code) => jurisdiction_class(code),
        }
    }
}

/// Sums traffic to the same place, whichever URL or spelling it arrived under.
fn add<K: Ord>(map: &mut BTreeMap<K, Dest>, key: K, dest: Dest) {
    match map.entry(key) {
        Entry::Occupied(mut e) => {
            let d = e.get_mut();
            d.requests = d.requests.saturating_add(dest.requests);
            d.bytes_out = d.bytes_out.saturating_add(dest.bytes_out);
            d.bytes_in = d.bytes_in.saturating_add(dest.bytes_in);
        }
        Entry::Vacant(e) => {
            e.insert(dest);
        }
    }
}

/// Lays out the data-flow diagram: the browser and local destinations inside a "Your
/// device / network" zone on the left, remote destinations in a column on the right,
/// grouped into one zone per jurisdiction (sorted by jurisdiction, then host), and one
/// curved edge from the browser to each destination. Traffic to the same place is summed.
/// The output depends only on the inputs' contents, not their order.
pub fn diagram(registry: &Registry, traffic: &[Traffic]) -> FlowDiagram {
    let mut local: BTreeMap<String, Dest> = BTreeMap::new();
    let mut remote: BTreeMap<(Group, String), Dest> = BTreeMap::new();
    for t in traffic {
        let place = registry.place(&t.host_or_url);
        let (id, label, sublabel) = match &place {
            Place::Simulated => ("simulated".to_string(), "Demo (simulated)".to_string(), "nothing is sent"),
            Place::Local { host, kind } => (format!("local:{host}"), host.clone(), local_phrase(*kind)),
            Place::Known(d) => (format!("host:{}", d.host), d.host.clone(), d.operator.as_str()),
            Place::Unknown { host } => {
                let shown = if host.is_empty() { "(no host)".to_string() } else { host.clone() };
                (format!("host:{host}"), shown, "unknown operator")
            }
        };
        let dest = Dest {
            id,
            label,
            sublabel: sublabel.to_string(),
            class: place.class(),
            requests: u64::from(t.requests),
            bytes_out: t.bytes_out,
            bytes_in: t.bytes_in,
        };
        match &place {
            Place::Simulated | Place::Local { .. } => add(&mut local, dest.id.clone(), dest),
            Place::Known(d) => {
                add(&mut remote, (Group::Jurisdiction(d.jurisdiction.clone()), dest.id.clone()), dest)
            }
            Place::Unknown { .. } => add(&mut remote, (Group::Unknown, dest.id.clone()), dest),
        }
    }

    let mut nodes = Vec::new();
    let mut zones = Vec::new();

    // Left: the browser, with local destinations in the next column from the row below it.
    let browser = FlowNode {
        id: BROWSER_NODE.into(),
        label: "This browser".into(),
        sublabel: "Candor runs here".into(),
        x: MARGIN + ZONE_PAD,
        y: MARGIN + ZONE_HEAD,
        w: BROWSER_W,
        h: NODE_H,
        class: "browser".into(),
    };
    let local_rows = 1 + local.len();
    let local_zone = FlowZone {
        label: "Your device / network".into(),
        x: MARGIN,
        y: MARGIN,
        w: LOCAL_ZONE_W,
        h: ZONE_HEAD + local_rows as f64 * PITCH - GAP + ZONE_PAD,
        class: "local".into(),
    };
    let mut bottom = local_zone.y + local_zone.h;
    let mut dests: Vec<(FlowNode, &Dest)> = Vec::new();
    // "simulated" sorts after "local:…", but the demo reads better first.
    let (sim, hosts): (Vec<&Dest>, Vec<&Dest>) = local.values().partition(|d| d.id == "simulated");
    for (i, d) in sim.into_iter().chain(hosts).enumerate() {
        let node = node_for(d, LOCAL_X, browser.y + (i + 1) as f64 * PITCH, LOCAL_W);
        dests.push((node, d));
    }
    zones.push(local_zone);

    // Right: one zone per jurisdiction group, stacked.
    let mut y = MARGIN;
    let mut groups: Vec<(&Group, Vec<&Dest>)> = Vec::new();
    for ((group, _), d) in &remote {
        match groups.last_mut() {
            Some((g, list)) if *g == group => list.push(d),
            _ => groups.push((group, vec![d])),
        }
    }
    for (group, list) in groups {
        let h = ZONE_HEAD + list.len() as f64 * PITCH - GAP + ZONE_PAD;
        for (i, d) in list.iter().enumerate() {
            let node = node_for(
                d,
                REMOTE_ZONE_X + ZONE_PAD,
                y + ZONE_HEAD + i as f64 * PITCH,
                REMOTE_ZONE_W - 2.0 * ZONE_PAD,
            );
            dests.push((node, d));
        }
        zones.push(FlowZone {
            label: group.label(),
            x: REMOTE_ZONE_X,
            y,
            w: REMOTE_ZONE_W,
            h,
            class: group.class().into(),
        });
        y += h + GAP;
        bottom = bottom.max(y - GAP);
    }

    let edges = dests
        .iter()
        .map(|(node, d)| FlowEdge {
            from: BROWSER_NODE.into(),
            to: node.id.clone(),
            path: curve(&browser, node),
            label: edge_label(d),
            class: d.class.into(),
        })
        .collect();
    nodes.push(browser);
    nodes.extend(dests.into_iter().map(|(n, _)| n));
    FlowDiagram { width: WIDTH, height: bottom + MARGIN, nodes, edges, zones }
}

fn node_for(d: &Dest, x: f64, y: f64, w: f64) -> FlowNode {
    FlowNode {
        id: d.id.clone(),
        label: fit(&d.label, w, LABEL_CHAR_W),
        sublabel: fit(&d.sublabel, w, SUBLABEL_CHAR_W),
        x,
        y,
        w,
        h: NODE_H,
        class: d.class.into(),
    }
}

/// Average advance of a Latin character in the node's first line (about 12 px sans-serif);
/// CJK characters count double. An estimate: the SVG text is measured by the browser, not
/// here, so it errs towards cutting early.
const LABEL_CHAR_W: f64 = 7.0;
/// The same for the second line (about 10 px).
const SUBLABEL_CHAR_W: f64 = 5.8;
/// Text inset on each side of a node.
const TEXT_INSET: f64 = 8.0;

/// `text`, cut with an ellipsis if it would run past a node `w` wide. The full operator
/// name is in the destinations table, so the diagram can afford to shorten it.
fn fit(text: &str, w: f64, char_w: f64) -> String {
    let budget = ((w - 2.0 * TEXT_INSET) / char_w).floor() as usize;
    let width = |c: char| if c.is_ascii() { 1 } else { 2 };
    if text.chars().map(width).sum::<usize>() <= budget {
        return text.to_string();
    }
    let mut used = 1; // the ellipsis
    let mut out = String::new();
    for c in text.chars() {
        used += width(c);
        if used > budget {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

fn edge_label(d: &Dest) -> String {
    let noun = if d.requests == 1 { "request" } else { "requests" };
    format!("{} {noun} · ↑{} ↓{}", d.requests, format_bytes(d.bytes_out), format_bytes(d.bytes_in))
}

/// A cubic Bézier from the middle of `from`'s right edge to the middle of `to`'s left edge,
/// leaving and arriving horizontally.
fn curve(from: &FlowNode, to: &FlowNode) -> String {
    let (x1, y1) = (from.x + from.w, from.y + from.h / 2.0);
    let (x2, y2) = (to.x, to.y + to.h / 2.0);
    let pull = ((x2 - x1) / 2.0).max(MIN_PULL);
    format!(
        "M {} {} C {} {}, {} {}, {} {}",
        num(x1),
        num(y1),
        num(x1 + pull),
        num(y1),
        num(x2 - pull),
        num(y2),
        num(x2),
        num(y2)
    )
}

/// A coordinate with at most one decimal and no trailing `.0`, so paths are short and
/// byte-for-byte reproducible.
fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_formatted_in_binary_units() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1023), "1023 B");
        assert_eq!(format_bytes(1024), "1.0 KB");
        assert_eq!(format_bytes(12_595), "12.3 KB");
        assert_eq!(format_bytes(4 * 1024 * 1024), "4.0 MB");
        assert_eq!(format_bytes(1024 * 1024 - 1), "1.0 MB");
    }

    #[test]
    fn long_text_is_cut_to_fit_its_node() {
        assert_eq!(fit("api.openai.com", 258.0, 7.0), "api.openai.com");
        let cut = fit("Hangzhou DeepSeek Artificial Intelligence Co., Ltd.", 130.0, 5.8);
        assert!(cut.ends_with('…') && cut.chars().count() <= 19, "{cut}");
        assert!(fit("北京月之暗面科技有限公司", 60.0, 5.8).chars().count() <= 4);
    }

    #[test]
    fn coordinates_print_without_trailing_zero() {
        assert_eq!(num(16.0), "16");
        assert_eq!(num(16.25), "16.2");
        assert_eq!(num(-8.5), "-8.5");
    }

    #[test]
    fn edges_leave_right_and_arrive_left() {
        let a = FlowNode {
            id: "a".into(),
            label: String::new(),
            sublabel: String::new(),
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 40.0,
            class: String::new(),
        };
        let b = FlowNode { id: "b".into(), x: 300.0, y: 100.0, ..a.clone() };
        assert_eq!(curve(&a, &b), "M 100 20 C 200 20, 200 120, 300 120");
    }
}
