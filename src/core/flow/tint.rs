//! The colour family of each part of the data-flow diagram. The view turns a [`Tint`] into
//! a CSS class with [`Tint::css_class`]; the colours themselves live in the stylesheet.

use serde::{Deserialize, Serialize};

use super::registry::Place;

/// The colour a node, edge or zone of the diagram is drawn in: where it is, or for a known
/// remote host, whose law governs its operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tint {
    /// The browser Candor runs in.
    #[serde(rename = "browser")]
    Browser,
    /// The built-in simulation.
    #[serde(rename = "simulated")]
    Simulated,
    /// This device or the local network.
    #[serde(rename = "local")]
    Local,
    /// A remote host whose operator Candor does not know.
    #[serde(rename = "unknown")]
    Unknown,
    /// An operator under Chinese law.
    #[serde(rename = "jur-cn")]
    China,
    /// An operator under United States law.
    #[serde(rename = "jur-us")]
    UnitedStates,
    /// An operator in any EU member state: they share the GDPR, so one colour.
    #[serde(rename = "jur-eu")]
    Eu,
    /// An operator under any other jurisdiction.
    #[serde(rename = "jur-other")]
    OtherLaw,
}

/// EU member states, whose operators share the GDPR and get one diagram colour.
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl Tint {
    /// The tint of an operator under the law of `code` (ISO 3166-1 alpha-2).
    pub fn of_jurisdiction(code: &str) -> Tint {
        match code {
            "CN" => Tint::China,
            "US" => Tint::UnitedStates,
            c if EU_MEMBERS.contains(&c) => Tint::Eu,
            _ => Tint::OtherLaw,
        }
    }

    /// The class the stylesheet colours: `browser`, `simulated`, `local`, `unknown`,
    /// `jur-cn`, `jur-us`, `jur-eu` or `jur-other`.
    pub fn css_class(self) -> &'static str {
        match self {
            Tint::Browser => "browser",
            Tint::Simulated => "simulated",
            Tint::Local => "local",
            Tint::Unknown => "unknown",
            Tint::China => "jur-cn",
            Tint::UnitedStates => "jur-us",
            Tint::Eu => "jur-eu",
            Tint::OtherLaw => "jur-other",
        }
    }

    /// Whether it stands for something inside the user's own device or network.
    pub fn is_local(self) -> bool {
        matches!(self, Tint::Browser | Tint::Simulated | Tint::Local)
    }
}

impl Place {
    /// The diagram's colour for this place.
    pub fn tint(&self) -> Tint {
        match self {
            Place::Simulated => Tint::Simulated,
            Place::Local { .. } => Tint::Local,
            Place::Known(d) => Tint::of_jurisdiction(&d.jurisdiction),
            Place::Unknown { .. } => Tint::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_the_serde_names() {
        let all = [
            Tint::Browser,
            Tint::Simulated,
            Tint::Local,
            Tint::Unknown,
            Tint::China,
            Tint::UnitedStates,
            Tint::Eu,
            Tint::OtherLaw,
        ];
        for t in all {
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{}\"", t.css_class()));
        }
        assert_eq!(Tint::of_jurisdiction("IE"), Tint::Eu);
        assert_eq!(Tint::of_jurisdiction("GB"), Tint::OtherLaw);
    }
}
