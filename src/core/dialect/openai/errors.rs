//! What a server's error body says: the message a user is shown for a non-2xx response or a
//! body that is not the JSON it should be. Servers disagree on where they put it, so this
//! reads every shape met so far.

use serde_json::Value;

use super::non_empty_str;
use crate::core::dialect::DialectError;
use crate::core::http::HttpResponse;

/// How much of an unrecognised error body becomes the error message.
pub(super) const ERROR_HEAD_CHARS: usize = 200;
/// How much of a malformed body or stream line is quoted in a [`DialectError::Malformed`].
pub(super) const MALFORMED_HEAD_CHARS: usize = 80;

/// The error for a non-2xx response.
pub(super) fn http_error(resp: &HttpResponse) -> DialectError {
    DialectError::Http { status: resp.status, message: error_message(&resp.body), body: resp.body.clone() }
}

/// The most useful message in an error body: a known JSON field, or else the start of the body.
pub(super) fn error_message(body: &str) -> String {
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
pub(super) fn json_error_message(v: &Value) -> Option<String> {
    // Gemini's compatibility layer wraps the error object in a one-element array.
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
pub(super) fn error_value_message(error: &Value) -> Option<String> {
    match error {
        Value::String(s) => Some(s.clone()),
        other => non_empty_str(other.get("message")),
    }
    .map(|m| m.trim().to_owned())
    .filter(|m| !m.is_empty())
}

/// The error for a 2xx body that is not JSON, quoting its start (often an HTML page from a
/// proxy or captive portal).
pub(super) fn malformed_body(body: &str, err: &serde_json::Error) -> DialectError {
    DialectError::Malformed(format!(
        "the body is not JSON ({err}); it starts with {:?}",
        head(body.trim(), MALFORMED_HEAD_CHARS)
    ))
}

/// The first `n` characters of `s`.
pub(super) fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
