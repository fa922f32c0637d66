//! What every dialect reads the same way: the message in a server's error body, strict
//! access to fields of a known type, token counts, and the URL and key of an endpoint.
//!
//! Servers disagree on where they put an error message, so [`error_message`] reads every
//! shape met so far. A field of the wrong type (a `content` that is a number, `choices` that
//! is an object) is never silently read as empty: the typed getters return
//! [`DialectError::WrongType`] naming the field and what came instead, so the cell becomes an
//! error rather than a verdict on text that was never there.

use serde_json::Value;

use super::{DialectError, Endpoint};
use crate::core::http::HttpResponse;

/// How much of an unrecognised error body becomes the error message.
pub(crate) const ERROR_HEAD_CHARS: usize = 200;
/// How much of a malformed body or stream line is quoted in a [`DialectError::Malformed`].
pub(crate) const MALFORMED_HEAD_CHARS: usize = 80;

/// The base URL without surrounding whitespace or trailing slashes, so paths join cleanly.
pub(crate) fn base_url(endpoint: &Endpoint) -> &str {
    endpoint.base_url.trim().trim_end_matches('/')
}

/// The server root of an endpoint whose dialect adds its own versioned path: the base URL
/// without a trailing `suffix` a user may have pasted (`/v1` for Anthropic, `/v1beta` for
/// Gemini, `/api` or `/v1` for Ollama).
pub(crate) fn root_url<'a>(endpoint: &'a Endpoint, suffixes: &[&str]) -> &'a str {
    let base = base_url(endpoint);
    suffixes.iter().find_map(|s| base.strip_suffix(s)).unwrap_or(base).trim_end_matches('/')
}

/// The API key, if one is set; a pasted key often carries a stray newline.
pub(crate) fn api_key(endpoint: &Endpoint) -> Option<&str> {
    endpoint.api_key.as_deref().map(str::trim).filter(|k| !k.is_empty())
}

/// Whether a status is 2xx.
pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The error for a non-2xx response.
pub(crate) fn http_error(resp: &HttpResponse) -> DialectError {
    DialectError::Http { status: resp.status, message: error_message(&resp.body), body: resp.body.clone() }
}

/// The most useful message in an error body: a known JSON field, or else the start of the body.
pub(crate) fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| json_error_message(&v));
    from_json.unwrap_or_else(|| {
        let body = body.trim();
        if body.is_empty() {
            "empty body".to_owned()
        } else {
            head(body, ERROR_HEAD_CHARS)
        }
    })
}

/// `error.message`, an `error` string, `message`, or `detail` (FastAPI servers such as vLLM).
pub(crate) fn json_error_message(v: &Value) -> Option<String> {
    // Gemini wraps the error object in a one-element array on some routes.
    if let Some(first) = v.as_array().and_then(|a| a.first()) {
        return json_error_message(first);
    }
    let detail = match v.get("detail") {
        Some(Value::String(s)) => Some(s.clone()),
        // FastAPI validation errors: a list of `{loc, msg, type}`.
        Some(Value::Array(items)) => {
            let msgs: Vec<&str> = items.iter().filter_map(|i| i.get("msg").and_then(Value::as_str)).collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        }
        _ => None,
    };
    v.get("error")
        .and_then(error_value_message)
        .or_else(|| non_empty_str(v.get("message")))
        .or(detail)
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
}

/// The message of an `error` value, which is an object with `message` or a bare string.
pub(crate) fn error_value_message(error: &Value) -> Option<String> {
    match error {
        Value::String(s) => Some(s.clone()),
        other => non_empty_str(other.get("message")),
    }
    .map(|m| m.trim().to_owned())
    .filter(|m| !m.is_empty())
}

/// The error for a 2xx body that is not JSON, quoting its start (often an HTML page from a
/// proxy or captive portal).
pub(crate) fn malformed_body(body: &str, err: &serde_json::Error) -> DialectError {
    DialectError::Malformed(format!(
        "the body is not JSON ({err}); it starts with {:?}",
        head(body.trim(), MALFORMED_HEAD_CHARS)
    ))
}

/// Parses a 2xx body that must be a JSON object. An empty body is an error: no provider
/// documents an empty 200 as a block, so it says nothing about the prompt.
pub(crate) fn json_object(body: &str) -> Result<Value, DialectError> {
    if body.trim().is_empty() {
        return Err(DialectError::EmptyReply("the server answered with an empty body".to_owned()));
    }
    let json: Value = serde_json::from_str(body).map_err(|e| malformed_body(body, &e))?;
    if !json.is_object() {
        return Err(DialectError::Malformed(format!(
            "the body is JSON but not an object: {:?}",
            head(body.trim(), MALFORMED_HEAD_CHARS)
        )));
    }
    Ok(json)
}

/// A JSON object written field by field, in the order given: request bodies with a fixed
/// key order, without a serializer per body type (each one costs the browser build size).
#[derive(Debug)]
pub(crate) struct JsonObject(String);

impl JsonObject {
    /// An empty object.
    pub(crate) fn new() -> Self {
        JsonObject(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_json_str(&mut self.0, key);
        self.0.push(':');
    }

    /// A string field.
    pub(crate) fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_json_str(&mut self.0, value);
        self
    }

    /// A field whose value is already JSON (an object or array written with this type).
    pub(crate) fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    /// A boolean field.
    pub(crate) fn bool(self, key: &str, value: bool) -> Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A whole-number field, when set.
    pub(crate) fn count(self, key: &str, value: Option<u32>) -> Self {
        match value {
            Some(n) => self.raw(key, &n.to_string()),
            None => self,
        }
    }

    /// A number field, when set, written as serde_json writes an `f32` (`0.0`, `0.7`; `null`
    /// when not finite).
    pub(crate) fn number(self, key: &str, value: Option<f32>) -> Self {
        match value {
            Some(x) => {
                let text = serde_json::to_string(&x).unwrap_or_else(|_| "null".to_owned());
                self.raw(key, &text)
            }
            None => self,
        }
    }

    /// Whether no field was written.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.len() == 1
    }

    /// The object's text.
    pub(crate) fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    // A `str` always serializes.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// The first `n` characters of `s`.
pub(crate) fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// A string field, if present and not empty (lenient: for labels such as `model`).
pub(crate) fn non_empty_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A token count, also when a server writes it as a float.
pub(crate) fn as_count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        let f = v.as_f64()?;
        // Truncation cannot happen: only whole, non-negative values in range get here.
        (f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64).then_some(f as u64)
    })
}

/// What a JSON value is, for an error message: `a number (42)`, `an object ({"a":1})`.
pub(crate) fn describe(v: &Value) -> String {
    let text = head(&v.to_string(), MALFORMED_HEAD_CHARS);
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => format!("a boolean ({text})"),
        Value::Number(_) => format!("a number ({text})"),
        Value::String(_) => format!("a string ({text})"),
        Value::Array(_) => format!("an array ({text})"),
        Value::Object(_) => format!("an object ({text})"),
    }
}

/// The error for `field` holding `found` where the API sends `expected`.
pub(crate) fn wrong_type(field: &str, expected: &str, found: &Value) -> DialectError {
    DialectError::WrongType { field: field.to_owned(), expected: expected.to_owned(), found: describe(found) }
}

/// `obj[key]` as a string: `None` when absent or null, an error for any other type.
pub(crate) fn opt_str<'a>(obj: &'a Value, key: &str, field: &str) -> Result<Option<&'a str>, DialectError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(field, "a string", other)),
    }
}

/// `obj[key]` as an array: `None` when absent or null, an error for any other type.
pub(crate) fn opt_array<'a>(
    obj: &'a Value,
    key: &str,
    field: &str,
) -> Result<Option<&'a Vec<Value>>, DialectError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(other) => Err(wrong_type(field, "an array", other)),
    }
}

/// `obj[key]` as an object: `None` when absent or null, an error for any other type.
pub(crate) fn opt_object<'a>(
    obj: &'a Value,
    key: &str,
    field: &str,
) -> Result<Option<&'a Value>, DialectError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Object(_)) => Ok(Some(v)),
        Some(other) => Err(wrong_type(field, "an object", other)),
    }
}

/// `obj[key]` as a boolean: `None` when absent or null, an error for any other type.
pub(crate) fn opt_bool(obj: &Value, key: &str, field: &str) -> Result<Option<bool>, DialectError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(wrong_type(field, "a boolean", other)),
    }
}

/// A count at `pointer` in `v`, ignoring anything that is not a whole number (usage figures
/// never decide a verdict, so a strange one is dropped rather than failing the reply).
pub(crate) fn count_at(v: &Value, pointer: &str) -> Option<u64> {
    v.pointer(pointer).and_then(as_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_getters_name_the_field_and_what_came() {
        let v = serde_json::json!({"s": "x", "n": 42, "o": {"a": 1}, "z": null});
        assert_eq!(opt_str(&v, "s", "s"), Ok(Some("x")));
        assert_eq!(opt_str(&v, "z", "z"), Ok(None));
        assert_eq!(opt_str(&v, "missing", "missing"), Ok(None));
        let err = opt_str(&v, "n", "choices[0].message.content").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the reply's `choices[0].message.content` should be a string but is a number (42)"
        );
        let err = opt_array(&v, "o", "choices").unwrap_err();
        assert!(
            err.to_string().contains("`choices` should be an array but is an object ({\"a\":1})"),
            "{err}"
        );
        assert!(opt_object(&v, "s", "usage").is_err());
        assert!(opt_bool(&v, "s", "thought").is_err());
    }

    #[test]
    fn json_objects_keep_their_order_and_escape() {
        let inner = JsonObject::new().str("text", "a \"q\"\n天").finish();
        let body = JsonObject::new()
            .str("model", "m")
            .raw("parts", &format!("[{inner}]"))
            .bool("stream", true)
            .count("max", Some(7))
            .count("none", None)
            .number("t", Some(0.0))
            .number("u", Some(0.7))
            .finish();
        assert_eq!(
            body,
            r#"{"model":"m","parts":[{"text":"a \"q\"\n天"}],"stream":true,"max":7,"t":0.0,"u":0.7}"#
        );
        let parsed: Value = serde_json::from_str(&body).expect("valid JSON");
        assert_eq!(parsed["parts"][0]["text"], "a \"q\"\n天");
        assert!(JsonObject::new().is_empty());
    }

    #[test]
    fn empty_body_is_an_empty_reply_error_not_a_reply() {
        assert!(matches!(json_object("  \n"), Err(DialectError::EmptyReply(_))));
        assert!(matches!(json_object("[1]"), Err(DialectError::Malformed(_))));
        assert!(matches!(json_object("<html>"), Err(DialectError::Malformed(_))));
    }
}
