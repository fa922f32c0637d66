//! Fields of other tools' files as they really arrive: missing, null, of the type the format
//! promises, or of some other type that a note or a skip reason has to name.
//!
//! The formats' structs are made of these, so reading a row never fails as a whole because
//! one field is odd; each importer decides per field whether oddness skips the row, adds a
//! note, or is ignored, as the format's documentation in `docs/REPORT_FORMAT.md` says.
//!
//! The structs are typed views that borrow from the parsed JSON value, read through
//! [`FromJson`] rather than serde's derived `Deserialize`: the derived visitors for the import
//! structs cost 28 KB gzipped in the browser build (measured), where the whole app has a
//! 400 KB budget, and owned structs would copy every row of a large file once more.

use serde_json::Value;

/// A typed view of a JSON value, borrowing from it; `None` when the value does not have the
/// type. Nothing is copied, so a large results file is not held twice.
pub(super) trait FromJson<'a>: Sized {
    /// The value as `Self`.
    fn from_json(v: &'a Value) -> Option<Self>;
}

impl<'a> FromJson<'a> for &'a str {
    fn from_json(v: &'a Value) -> Option<Self> {
        v.as_str()
    }
}

impl FromJson<'_> for u64 {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_u64()
    }
}

impl FromJson<'_> for f64 {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_f64()
    }
}

impl FromJson<'_> for bool {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_bool()
    }
}

/// Any JSON value, as it is.
impl<'a> FromJson<'a> for &'a Value {
    fn from_json(v: &'a Value) -> Option<Self> {
        Some(v)
    }
}

/// An array of JSON values, each read later on its own.
impl<'a> FromJson<'a> for &'a [Value] {
    fn from_json(v: &'a Value) -> Option<Self> {
        v.as_array().map(Vec::as_slice)
    }
}

/// An array whose every element has the type.
impl<'a, T: FromJson<'a>> FromJson<'a> for Vec<T> {
    fn from_json(v: &'a Value) -> Option<Self> {
        v.as_array()?.iter().map(T::from_json).collect()
    }
}

/// Field `key` of `obj` (nothing when `obj` is not an object).
pub(super) fn get<'a, T: FromJson<'a>>(obj: &'a Value, key: &str) -> Field<'a, T> {
    Field::of(obj.get(key))
}

/// What a struct declared with `json_object!` can hold: a value read from its key.
pub(super) trait ReadField<'a> {
    /// The value at `key` of `obj`.
    fn read_field(obj: &'a Value, key: &str) -> Self;
}

impl<'a, T: FromJson<'a>> ReadField<'a> for Field<'a, T> {
    fn read_field(obj: &'a Value, key: &str) -> Self {
        get(obj, key)
    }
}

impl ReadField<'_> for Id {
    fn read_field(obj: &Value, key: &str) -> Self {
        Id::get(obj, key)
    }
}

/// Declares a struct read from a JSON object, each field from the key written after it, and
/// implements [`FromJson`] for it; a value that is not an object is not the struct. Field
/// types are [`Field`]s or [`Id`]s, so the struct always reads from an object.
macro_rules! json_object {
    ($(#[$attr:meta])* struct $name:ident<'a> {
        $($(#[$field_attr:meta])* $field:ident: $ty:ty = $key:literal),* $(,)?
    }) => {
        $(#[$attr])*
        #[derive(Debug)]
        struct $name<'a> {
            $($(#[$field_attr])* $field: $ty),*
        }

        impl<'a> $crate::core::report::import::field::FromJson<'a> for $name<'a> {
            fn from_json(v: &'a serde_json::Value) -> Option<Self> {
                use $crate::core::report::import::field::ReadField;
                v.is_object().then(|| $name { $($field: ReadField::read_field(v, $key)),* })
            }
        }
    };
}
pub(super) use json_object;

/// One field of a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Field<'a, T> {
    /// The key is not there.
    #[default]
    Absent,
    /// The key is there with `null`.
    Null,
    /// The value has the expected type.
    Is(T),
    /// The value has another type; kept so that messages can say which.
    Other(&'a Value),
}

impl<'a, T: FromJson<'a>> Field<'a, T> {
    /// A field as found: `None` when the key is missing.
    pub(super) fn of(v: Option<&'a Value>) -> Self {
        match v {
            None => Field::Absent,
            Some(Value::Null) => Field::Null,
            Some(v) => T::from_json(v).map_or(Field::Other(v), Field::Is),
        }
    }
}

/// A field inside an array always reads; what it holds is kept as for object fields.
impl<'a, T: FromJson<'a>> FromJson<'a> for Field<'a, T> {
    fn from_json(v: &'a Value) -> Option<Self> {
        Some(Field::of(Some(v)))
    }
}

impl<'a, T> Field<'a, T> {
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

impl<'a> Field<'a, &'a str> {
    /// The text without surrounding space, when it is text and not blank.
    pub(super) fn text(&self) -> Option<&'a str> {
        self.ok().map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// A question id as files write it: text or a number (both are in the wild); anything else,
/// and blank text, is no id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Id(pub(super) Option<String>);

impl Id {
    /// Field `key` of `obj` as an id.
    pub(super) fn get(obj: &Value, key: &str) -> Self {
        Id(match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
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

    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("JSON")
    }

    #[test]
    fn odd_fields_are_kept_with_their_kind_and_never_fail_the_row() {
        let name =
            |text: &str| -> Option<String> { get::<&str>(&json(text), "name").text().map(str::to_string) };
        let kind = |text: &str| get::<&str>(&json(text), "name").odd_kind();
        let id = |text: &str| Id::get(&json(text), "id");
        assert_eq!(name(r#"{"name": " Ann ", "id": 7}"#).as_deref(), Some("Ann"));
        assert_eq!(id(r#"{"id": 7}"#), Id(Some("7".into())));
        assert_eq!(id(r#"{"id": " q1 "}"#), Id(Some("q1".into())));
        assert_eq!(id(r#"{"id": "  "}"#), Id(None));
        assert_eq!(id(r#"{"id": [1]}"#), Id(None));
        assert_eq!(get::<&str>(&json("{}"), "name"), Field::Absent);
        assert_eq!(kind(r#"{"name": null}"#), Some("null"));
        assert_eq!(kind(r#"{"name": 3}"#), Some("a number"));
        assert_eq!(kind(r#"{"name": {"a": 1}}"#), Some("an object"));
        assert_eq!(kind("{}"), None);
        assert_eq!(name(r#"{"name": "  "}"#), None);
        let fallback = Field::Is("b");
        assert_eq!(Field::Absent.or_if_absent(fallback.clone()), fallback);
        assert_eq!(Field::<&str>::Null.or_if_absent(fallback), Field::Null);
        let v = json(r#"{"n": [1, "x"]}"#);
        let list: Field<Vec<Field<u64>>> = get(&v, "n");
        let x = Value::from("x");
        assert_eq!(list, Field::Is(vec![Field::Is(1), Field::Other(&x)]), "elements keep their oddness");
        let strict: Field<Vec<u64>> = get(&v, "n");
        assert_eq!(strict.odd_kind(), Some("an array"));
    }
}
