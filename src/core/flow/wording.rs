//! What the data-flow page says: one-line labels for places, country names, byte counts
//! and request counts. Kept apart from the registry and the geometry so the page's words
//! can be read (and corrected) in one place.

use super::registry::{LocalKind, Place};
use super::traffic::Traffic;
use crate::core::i18n::{tf, tr, Msg};
use crate::core::num::fixed;

/// The browser node's two lines.
pub(super) fn browser() -> (&'static str, &'static str) {
    (tr(Msg::FlowBrowser), tr(Msg::FlowBrowserSub))
}
/// The simulation's node lines.
pub(super) fn simulated() -> (&'static str, &'static str) {
    (tr(Msg::FlowSimulated), tr(Msg::FlowSimulatedSub))
}
/// The second line of a host nobody is known to run, and the zone those hosts share.
pub(super) fn unknown_operator() -> &'static str {
    tr(Msg::FlowUnknownOperator)
}
/// The heading of the zone for unknown operators.
pub(super) fn unknown_zone() -> &'static str {
    tr(Msg::FlowUnknownZone)
}
/// The heading of the zone around the browser and local destinations.
pub(super) fn local_zone() -> &'static str {
    tr(Msg::FlowLocalZone)
}
/// How a URL without a host is shown.
pub(super) fn no_host() -> &'static str {
    tr(Msg::FlowNoHost)
}

impl LocalKind {
    /// Where such a host is, in a reader's words: `on this device` or `your local network`.
    pub fn phrase(self) -> &'static str {
        tr(match self {
            LocalKind::Loopback => Msg::FlowOnDevice,
            LocalKind::Private | LocalKind::LocalName => Msg::FlowLocalNetwork,
        })
    }
}

impl Place {
    /// One line for a provider card or table row, e.g.
    /// `api.deepseek.com · Hangzhou DeepSeek Artificial Intelligence Co., Ltd. · CN`.
    pub fn label(&self) -> String {
        match self {
            Place::Simulated => tr(Msg::FlowSimulatedPlace).into(),
            Place::Local { host, kind } => format!("{host} · {}", kind.phrase()),
            Place::Known(d) => format!("{} · {} · {}", d.host, d.operator, d.jurisdiction),
            Place::Unknown { host } if host.is_empty() => format!("{} · {}", no_host(), unknown_operator()),
            Place::Unknown { host } => format!("{host} · {}", unknown_operator()),
        }
    }

    /// What the destinations table says in place of storage and training facts, for a
    /// place the registry has no entry for; `None` for a known host (its facts are shown).
    pub fn unlisted_note(&self) -> Option<&'static str> {
        match self {
            Place::Known(_) => None,
            Place::Unknown { .. } => Some(tr(Msg::FlowUnknownNote)),
            Place::Simulated | Place::Local { .. } => Some(tr(Msg::FlowLocalNote)),
        }
    }
}

/// A readable name for the jurisdictions the registry uses; other codes are shown as is.
fn country_name(code: &str) -> Option<&'static str> {
    Some(tr(match code {
        "CN" => Msg::CountryCN,
        "US" => Msg::CountryUS,
        "FR" => Msg::CountryFR,
        "DE" => Msg::CountryDE,
        "SG" => Msg::CountrySG,
        "GB" => Msg::CountryGB,
        "IE" => Msg::CountryIE,
        "NL" => Msg::CountryNL,
        "CA" => Msg::CountryCA,
        "CH" => Msg::CountryCH,
        "JP" => Msg::CountryJP,
        "KR" => Msg::CountryKR,
        "HK" => Msg::CountryHK,
        "TW" => Msg::CountryTW,
        "IN" => Msg::CountryIN,
        "AE" => Msg::CountryAE,
        _ => return None,
    }))
}

/// A jurisdiction zone's heading: `China (CN)`, `France (FR) · EU`, or the bare code for a
/// country without a name here.
pub(super) fn jurisdiction_label(code: &str, eu: bool) -> String {
    let name = country_name(code).map(|n| format!("{n} ({code})")).unwrap_or_else(|| code.to_string());
    if eu {
        format!("{name} · {}", tr(Msg::Eu))
    } else {
        name
    }
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
    format!("{} {}", fixed(v, 1), UNITS[unit])
}

/// An edge's label: `12 requests · ↑3.4 KB ↓34.5 KB`.
pub(super) fn requests_label(requests: u64, bytes_out: u64, bytes_in: u64) -> String {
    let noun = if requests == 1 { Msg::OneRequest } else { Msg::Requests };
    format!("{} · ↑{} ↓{}", tf(noun, &[("n", &requests)]), format_bytes(bytes_out), format_bytes(bytes_in))
}

impl Traffic {
    /// The destinations table's count cell: `12 · ↑3.4 KB ↓34.5 KB`.
    pub fn counts(&self) -> String {
        format!("{} · ↑{} ↓{}", self.requests, format_bytes(self.bytes_out), format_bytes(self.bytes_in))
    }
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
    fn counts_and_notes_read_as_the_table_shows_them() {
        let t =
            Traffic { host_or_url: "api.openai.com".into(), requests: 3, bytes_out: 900, bytes_in: 4_000 };
        assert_eq!(t.counts(), "3 · ↑900 B ↓3.9 KB");
        assert_eq!(requests_label(1, 10, 20), "1 request · ↑10 B ↓20 B");
        assert_eq!(jurisdiction_label("FR", true), "France (FR) · EU");
        assert_eq!(jurisdiction_label("ZZ", false), "ZZ");
        assert!(Place::Unknown { host: "x.example".into() }
            .unlisted_note()
            .unwrap()
            .contains("Nothing is guessed"));
        assert!(Place::Simulated.unlisted_note().unwrap().contains("Never leaves"));
    }
}
