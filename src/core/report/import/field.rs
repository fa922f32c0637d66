//! Fields of other tools' files as they really arrive: missing, null, of the type the format
//! promises, or of some other type that a note or a skip reason has to name.
//!
//! The formats' structs are made of these, so reading a row never fails as a whole because
//! one field is odd; each importer decides per field whether oddness skips the row, adds a
//! note, or is ignored, as the format's documentation in `docs/REPORT_FORMAT.md` says.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::Value;

/// One field of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Field<T> {
    /// The key is not there.
    #[default]
    Absent,
    /// The key is there with `null`.
    Null,
    /// The value has the expected type.
    Is(T),
    /// The value has another type; kept so that messages can say which.
    Other(Value),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Null => Field::Null,
            v => match T::deserialize(&v) {
                Ok(t) => Field::Is(t),
                Err(_) => Field::Other(v),
            },
        })
    }
}

impl<T> Field<T> {
    /// The value, when it has the expected type.
    pub(super) fn ok(&self) -> Option<&T> {
        match self {
            Field::Is(t) => Some(t),
            _ => None,
        }
    }

    /// This field, or `fallback` when the key is missing (not when it is null or odd: a
    /// file that names the key has said where the value is).
    pub(super) fn or_if_absent(self, fallback: Self) -> Self {
        match self {
            Field::Absent => fallback,
            present => present,
        }
    }

    /// What the value is, for a message: `null`, `a number`, `an object`, …; `None` when it is
    /// missing or has the expected type.
    pub(super) fn odd_kind(&self) -> Option<&'static str> {
        match self {
            Field::Null => Some("null"),
            Field::Other(v) => Some(json_kind(v)),
            Field::Absent | Field::Is(_) => None,
        }
    }
}

impl Field<String> {
    /// The text without surrounding space, when it is text and not blank.
    pub(super) fn text(&self) -> Option<&str> {
        self.ok().map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// A question id as files write it: text or a number (both are in the wild); anything else,
/// and blank text, is no id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Id(pub(super) Option<String>);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Id(match Value::deserialize(deserializer)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }))
    }
}

/// A JSON value's type, as a message names it.
pub(super) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Row {
        name: Field<String>,
        id: Id,
    }

    fn row(json: &str) -> Row {
        serde_json::from_str(json).expect("a row always reads")
    }

    #[test]
    fn odd_fields_are_kept_with_their_kind_and_never_fail_the_row() {
        assert_eq!(row(r#"{"name": " Ann ", "id": 7}"#).name.text(), Some("Ann"));
        assert_eq!(row(r#"{"id": 7}"#).id, Id(Some("7".into())));
        assert_eq!(row(r#"{"id": " q1 "}"#).id, Id(Some("q1".into())));
        assert_eq!(row(r#"{"id": "  "}"#).id, Id(None));
        assert_eq!(row(r#"{"id": [1]}"#).id, Id(None));
        assert_eq!(row("{}").name, Field::Absent);
        assert_eq!(row(r#"{"name": null}"#).name.odd_kind(), Some("null"));
        assert_eq!(row(r#"{"name": 3}"#).name.odd_kind(), Some("a number"));
        assert_eq!(row(r#"{"name": {"a": 1}}"#).name.odd_kind(), Some("an object"));
        assert_eq!(row(r#"{"name": "  "}"#).name.text(), None);
        let fallback = Field::Is("b".to_string());
        assert_eq!(Field::Absent.or_if_absent(fallback.clone()), fallback);
        assert_eq!(Field::<String>::Null.or_if_absent(fallback), Field::Null);
    }
}
