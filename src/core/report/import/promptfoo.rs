//! promptfoo results files: the JSON `promptfoo eval -o results.json` writes, one result per
//! (test, provider) with the reply at `response.output`.

use serde_json::Value;

use super::field::{json_kind, json_object, Field, FromJson, Id};
use super::rows::{build, reply_outcome, ProviderKey, Row};
use super::{ImportError, Imported};
use crate::core::dialect::think::split_think;
use crate::core::dialect::{DialectError, Reply, Usage};
use crate::core::report::schema::SourceKind;
use crate::core::report::text::parse_timestamp_ms;
use crate::core::run::Timing;
use crate::core::verdict::Outcome;

json_object! {
    /// The whole file, as far as Candor reads it.
    struct ResultsFile<'a> {
        /// `{results: [...], timestamp}` now; a bare array of results in older versions.
        results: Field<'a, &'a Value> = "results",
        config: Field<'a, RunConfig<'a>> = "config",
    }
}

json_object! {
    /// The `results` object of current promptfoo versions. Rows stay JSON values here so that
    /// each is read on its own and a bad one is listed rather than failing the file.
    struct ResultsBlock<'a> {
        results: Field<'a, &'a [Value]> = "results",
        timestamp: Field<'a, &'a str> = "timestamp",
    }
}

json_object! {
    struct RunConfig<'a> {
        providers: Field<'a, Vec<Field<'a, ConfiguredProvider<'a>>>> = "providers",
    }
}

json_object! {
    /// A provider as the run's configuration names it: where its base URL is found.
    struct ConfiguredProvider<'a> {
        id: Field<'a, &'a str> = "id",
        label: Field<'a, &'a str> = "label",
        config: Field<'a, ProviderSettings<'a>> = "config",
    }
}

json_object! {
    struct ProviderSettings<'a> {
        api_base_url: Field<'a, &'a str> = "apiBaseUrl",
    }
}

json_object! {
    /// One result: a test case (its vars and prompt) run against one provider.
    struct PromptfooResult<'a> {
        vars: Field<'a, Vars<'a>> = "vars",
        test_case: Field<'a, TestCase<'a>> = "testCase",
        prompt: Field<'a, PromptSent<'a>> = "prompt",
        provider: Field<'a, Provider<'a>> = "provider",
        response: Field<'a, ProviderResponse<'a>> = "response",
        /// 2 is promptfoo's "error" (the provider failed), as opposed to a failed assertion.
        failure_reason: Field<'a, u64> = "failureReason",
        error: Field<'a, &'a str> = "error",
        success: Field<'a, bool> = "success",
        latency_ms: Field<'a, f64> = "latencyMs",
    }
}

json_object! {
    struct TestCase<'a> {
        vars: Field<'a, Vars<'a>> = "vars",
    }
}

json_object! {
    /// The test's variables Candor understands: the question, its id and its topic.
    struct Vars<'a> {
        id: Id = "id",
        question_id: Id = "question_id",
        question: Field<'a, &'a str> = "question",
        prompt: Field<'a, &'a str> = "prompt",
        query: Field<'a, &'a str> = "query",
        input: Field<'a, &'a str> = "input",
        topic: Field<'a, &'a str> = "topic",
        category: Field<'a, &'a str> = "category",
        subject: Field<'a, &'a str> = "subject",
    }
}

json_object! {
    struct PromptSent<'a> {
        /// The prompt as sent; for chat prompts a JSON list of messages.
        raw: Field<'a, &'a str> = "raw",
    }
}

json_object! {
    struct ChatMessage<'a> {
        role: Field<'a, &'a str> = "role",
        content: Field<'a, &'a str> = "content",
    }
}

/// `provider`: its id as text, or an object with `id` and `label`.
#[derive(Debug)]
enum Provider<'a> {
    Id(&'a str),
    Object(ProviderObject<'a>),
}

json_object! {
    struct ProviderObject<'a> {
        id: Field<'a, &'a str> = "id",
        label: Field<'a, &'a str> = "label",
    }
}

impl<'a> FromJson<'a> for Provider<'a> {
    fn from_json(v: &'a Value) -> Option<Self> {
        match v {
            Value::String(s) => Some(Provider::Id(s)),
            v => ProviderObject::from_json(v).map(Provider::Object),
        }
    }
}

json_object! {
    struct ProviderResponse<'a> {
        /// The reply: text, or structured output as JSON.
        output: Field<'a, &'a Value> = "output",
        error: Field<'a, &'a str> = "error",
        token_usage: Field<'a, TokenUsage<'a>> = "tokenUsage",
        finish_reason: Field<'a, &'a str> = "finishReason",
        latency_ms: Field<'a, f64> = "latencyMs",
    }
}

json_object! {
    struct TokenUsage<'a> {
        prompt: Field<'a, u64> = "prompt",
        completion: Field<'a, u64> = "completion",
        total: Field<'a, u64> = "total",
        cached: Field<'a, u64> = "cached",
        completion_details: Field<'a, CompletionDetails<'a>> = "completionDetails",
    }
}

json_object! {
    struct CompletionDetails<'a> {
        reasoning: Field<'a, u64> = "reasoning",
    }
}

impl TokenUsage<'_> {
    fn usage(&self) -> Usage {
        Usage {
            prompt_tokens: self.prompt.ok().copied(),
            completion_tokens: self.completion.ok().copied(),
            total_tokens: self.total.ok().copied(),
            reasoning_tokens: self.completion_details.ok().and_then(|d| d.reasoning.ok().copied()),
            cached_tokens: self.cached.ok().copied(),
            ..Usage::default()
        }
    }
}

/// Reads a promptfoo results file (`promptfoo eval -o results.json`): rows at
/// `results.results[]`, the reply at `response.output` (a `Thinking: …` prefix becomes the
/// reasoning), the provider at `provider.id`/`provider.label`, the probe at `prompt.raw`
/// and `vars`. A row's `success` becomes its source label (`pass`, `fail`; `error` for a
/// provider error).
pub fn import_promptfoo(text: &str, file_name: &str) -> Result<Imported, ImportError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim().is_empty() {
        return Err(ImportError::Empty { file: file_name.to_string() });
    }
    let shape = |location: &str, message: String| ImportError::Shape {
        file: file_name.to_string(),
        location: location.to_string(),
        message,
    };
    let v: Value = serde_json::from_str(body).map_err(|e| {
        shape(
            &format!("line {}, column {}", e.line(), e.column()),
            if e.is_eof() {
                format!("the JSON ends early ({e}); the file may be cut short")
            } else {
                format!("not JSON ({e}); a promptfoo results file is the JSON `promptfoo eval -o results.json` writes")
            },
        )
    })?;
    let Some(file) = ResultsFile::from_json(&v) else {
        return Err(shape(
            "(top level)",
            format!("the file is {}, not a promptfoo results object", json_kind(&v)),
        ));
    };
    let missing = || {
        shape(
            "results.results",
            "missing: this is not a promptfoo results file (`promptfoo eval -o results.json`)".into(),
        )
    };
    // promptfoo writes the rows at results.results; some older versions put them at results.
    let (rows_v, at_ms) = match file.results {
        Field::Is(Value::Array(rows)) => (rows.as_slice(), None),
        Field::Is(block) => {
            let Some(block) = ResultsBlock::from_json(block) else { return Err(missing()) };
            let at_ms = block.timestamp.text().and_then(parse_timestamp_ms);
            match block.results {
                Field::Is(rows) => (rows, at_ms),
                Field::Absent => return Err(missing()),
                odd => {
                    let kind = odd.odd_kind().unwrap_or("not an array");
                    return Err(shape(
                        "results.results",
                        format!("is {kind}, expected the array of results"),
                    ));
                }
            }
        }
        Field::Absent | Field::Null | Field::Other(_) => return Err(missing()),
    };
    let base_urls: Vec<(String, Option<String>, String)> = file
        .config
        .ok()
        .and_then(|c| c.providers.ok())
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let p = p.ok()?;
                    let url = p.config.ok()?.api_base_url.ok()?;
                    Some((p.id.text()?.to_string(), p.label.text().map(str::to_string), url.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (i, r) in rows_v.iter().enumerate() {
        let location = format!("results.results[{i}]");
        match row(r, &base_urls) {
            Ok(mut row) => {
                row.location = location;
                row.at_ms = at_ms;
                rows.push(row);
            }
            Err(reason) => skipped.push((location, reason)),
        }
    }
    build(SourceKind::Promptfoo, file_name, text, rows, skipped)
}

/// The prompt promptfoo sent: `prompt.raw`, which for chat prompts is a JSON list of
/// messages (then the last user message is the probe), else a question in the vars.
fn prompt_of(r: &PromptfooResult, vars: Option<&Vars>) -> Option<String> {
    if let Some(raw) = r.prompt.ok().and_then(|p| p.raw.text()) {
        if raw.starts_with('[') {
            let messages = serde_json::from_str::<Value>(raw).ok();
            if let Some(messages) = messages.as_ref().and_then(Vec::<Field<ChatMessage>>::from_json) {
                let user = messages.iter().rev().filter_map(Field::ok).find(|m| m.role.ok() == Some(&"user"));
                if let Some(text) = user.and_then(|m| m.content.text()) {
                    return Some(text.to_string());
                }
            }
        }
        return Some(raw.to_string());
    }
    let vars = vars?;
    [&vars.question, &vars.prompt, &vars.query, &vars.input]
        .into_iter()
        .find_map(Field::text)
        .map(str::to_string)
}

/// One result as a row, or why it cannot be one.
fn row(r: &Value, base_urls: &[(String, Option<String>, String)]) -> Result<Row, String> {
    if !r.is_object() {
        return Err(format!("the result is {}, not an object", json_kind(r)));
    }
    let r = PromptfooResult::from_json(r).ok_or("the result is not an object")?;
    let vars = match &r.vars {
        Field::Absent => r.test_case.ok().and_then(|t| t.vars.ok()),
        present => present.ok(),
    };
    let question = prompt_of(&r, vars).ok_or("no prompt text (`prompt.raw` or `vars.question`)")?;
    let (id, label) = match r.provider.ok() {
        Some(Provider::Id(s)) if !s.trim().is_empty() => (s.trim().to_string(), None),
        Some(Provider::Object(p)) => {
            let id = p.id.text().ok_or("the provider has no `id`")?.to_string();
            (id, p.label.text().map(str::to_string))
        }
        _ => return Err("no `provider`".into()),
    };
    let base_url = base_urls
        .iter()
        .find(|(bid, blabel, _)| *bid == id && (blabel.is_none() || *blabel == label))
        .map(|(_, _, url)| url.trim_end_matches('/').to_string())
        .unwrap_or_default();
    let provider = ProviderKey {
        key: label.clone().unwrap_or_else(|| id.clone()),
        title: label.clone().unwrap_or_else(|| id.clone()),
        model: model_of_provider_id(&id),
        base_url,
    };
    let response = r.response.ok();
    let provider_error = response
        .and_then(|x| x.error.text())
        .or_else(|| (r.failure_reason.ok() == Some(&2)).then(|| r.error.text()).flatten());
    let output = response.and_then(|x| Some((x, x.output.ok()?)));
    let outcome = match (provider_error, output) {
        (Some(err), _) => error_text_outcome(err),
        (None, Some((response, Value::String(s)))) => {
            let (content, reasoning) = split_thinking(s);
            let usage = match &response.token_usage {
                Field::Absent => None,
                present => Some(present.ok().map(TokenUsage::usage).unwrap_or_default()),
            };
            let reply = Reply {
                content,
                reasoning,
                finish_reason: response.finish_reason.text().map(str::to_string),
                usage,
                ..Reply::default()
            };
            Outcome::Reply { reply, cut_short: None }
        }
        // Structured output (JSON) is kept as its text.
        (None, Some((_, other))) => reply_outcome(other.to_string(), None),
        (None, None) => match r.error.text() {
            Some(err) => error_text_outcome(err),
            None => return Err("no `response.output` and no error".into()),
        },
    };
    let is_error = !matches!(outcome, Outcome::Reply { .. });
    let source_label = if is_error {
        Some("error".to_string())
    } else {
        r.success.ok().map(|ok| if *ok { "pass" } else { "fail" }.to_string())
    };
    let latency = match response {
        Some(x) => x.latency_ms.clone().or_if_absent(r.latency_ms.clone()),
        None => r.latency_ms.clone(),
    };
    let topic = vars.and_then(|v| [&v.topic, &v.category, &v.subject].into_iter().find_map(Field::text));
    Ok(Row {
        location: String::new(),
        question_id: vars.and_then(|v| v.id.0.clone().or_else(|| v.question_id.0.clone())),
        question,
        topic: topic.map(str::to_string),
        provider,
        outcome,
        timing: Timing { latency_ms: latency.ok().copied().unwrap_or(0.0), ..Timing::default() },
        source_label,
        at_ms: None,
        notes: Vec::new(),
    })
}

/// Splits promptfoo's `Thinking: <reasoning>\n\n<answer>` output. promptfoo joins the two
/// with one blank line, so the first blank line is taken as the boundary; a reasoning
/// trace with blank lines of its own is therefore cut at its first paragraph. Output
/// without the prefix may still open with an R1 `<think>` block.
fn split_thinking(output: &str) -> (String, Option<String>) {
    match output.strip_prefix("Thinking: ") {
        Some(rest) => match rest.split_once("\n\n") {
            Some((reasoning, content)) => (content.to_string(), Some(reasoning.trim().to_string())),
            None => (String::new(), Some(rest.trim().to_string())),
        },
        None => split_think(output, None),
    }
}

/// An error message such as promptfoo's `API error: 429 Too Many Requests …`: an HTTP error
/// when a status follows one of the usual markers, else a failure without one.
fn error_text_outcome(message: &str) -> Outcome {
    let lower = message.to_ascii_lowercase();
    let status =
        ["api error: ", "status code ", "status: ", "status ", "http ", "code "].iter().find_map(|m| {
            let at = lower.find(m)? + m.len();
            let digits: String = lower[at..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u16>().ok().filter(|n| (400..=599).contains(n))
        });
    match status {
        Some(status) => Outcome::Dialect(DialectError::Http {
            status,
            message: message.lines().next().unwrap_or_default().to_string(),
            body: message.to_string(),
        }),
        None => Outcome::Transport(message.to_string()),
    }
}

/// The model id inside a promptfoo provider id: `openai:chat:deepseek-reasoner` →
/// `deepseek-reasoner`, `openrouter:deepseek/deepseek-chat` → `deepseek/deepseek-chat`,
/// `ollama:chat:deepseek-r1:7b` → `deepseek-r1:7b`.
fn model_of_provider_id(id: &str) -> String {
    let Some((_, rest)) = id.split_once(':') else { return id.to_string() };
    if rest.starts_with("//") {
        return id.to_string();
    }
    for kind in ["chat:", "completion:", "completions:", "responses:", "messages:"] {
        if let Some(model) = rest.strip_prefix(kind) {
            return model.to_string();
        }
    }
    rest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinking_prefixes_and_think_blocks_become_reasoning() {
        let (c, r) = split_thinking("Thinking: plan it.\n\nThe answer.\n\nMore.");
        assert_eq!((c.as_str(), r.as_deref()), ("The answer.\n\nMore.", Some("plan it.")));
        let (c, r) = split_thinking("<think>hmm</think>\n\nok");
        assert_eq!((c.as_str(), r.as_deref()), ("ok", Some("hmm")));
        assert_eq!(split_thinking("plain"), ("plain".to_string(), None));
    }

    #[test]
    fn provider_ids_give_models() {
        assert_eq!(model_of_provider_id("openai:chat:deepseek-reasoner"), "deepseek-reasoner");
        assert_eq!(model_of_provider_id("openrouter:deepseek/deepseek-chat"), "deepseek/deepseek-chat");
        assert_eq!(model_of_provider_id("ollama:chat:deepseek-r1:7b"), "deepseek-r1:7b");
        assert_eq!(model_of_provider_id("echo"), "echo");
    }

    #[test]
    fn error_texts_map_to_http_or_transport() {
        match error_text_outcome("API error: 429 Too Many Requests\n{}") {
            Outcome::Dialect(DialectError::Http { status, message, .. }) => {
                assert_eq!((status, message.as_str()), (429, "API error: 429 Too Many Requests"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(error_text_outcome("fetch failed"), Outcome::Transport(_)));
    }

    #[test]
    fn chat_prompts_give_the_last_user_message_and_vars_the_rest() {
        let r: Value = serde_json::json!({
            "prompt": {"raw": "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Who is Liu Xiaobo?\"}]"},
            "provider": {"id": "openai:chat:m", "label": "L"},
            "response": {"output": {"answer": 1}, "latencyMs": 12},
            "vars": {"id": 4, "subject": "Nobel"}
        });
        let first = row(&r, &[]).expect("a row");
        assert_eq!(first.question, "Who is Liu Xiaobo?");
        assert_eq!((first.question_id.as_deref(), first.topic.as_deref()), (Some("4"), Some("Nobel")));
        assert_eq!((first.provider.title.as_str(), first.provider.model.as_str()), ("L", "m"));
        assert_eq!(first.timing.latency_ms, 12.0);
        let Outcome::Reply { reply, .. } = first.outcome else { panic!("{:?}", first.outcome) };
        assert_eq!(reply.content, r#"{"answer":1}"#, "structured output is kept as its JSON");
        let r: Value = serde_json::json!({"testCase": {"vars": {"question": "Q?"}}, "provider": "p",
            "failureReason": 2, "error": "API error: 503 Service Unavailable"});
        let second = row(&r, &[]).expect("a row");
        assert_eq!((second.question.as_str(), second.source_label.as_deref()), ("Q?", Some("error")));
        assert!(matches!(second.outcome, Outcome::Dialect(DialectError::Http { status: 503, .. })));
    }
}
