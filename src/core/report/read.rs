//! Reading a report file: JSON in, a checked [`Report`] out, or a [`ReportError`] that names
//! the place in the file that is wrong. Fields are read one by one from the parsed JSON, so
//! an error says which field of which result is at fault.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::core::run::MAX_SAMPLES;

use super::schema::{Report, ResultRow, RunInfo, Source, SourceKind, SCHEMA, SCHEMA_VERSION};

/// Why a file could not be read as a report. Each message names the place in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Not JSON at all.
    #[error("the file is not JSON (line {line}, column {column}: {message}); open a report saved by Candor")]
    NotJson {
        /// 1-based line of the syntax error.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// JSON, but not a Candor report.
    #[error("the file is not a Candor report: {0}")]
    NotAReport(String),
    /// A report of a version this build does not read.
    #[error("`schema_version` is {found}, but this Candor reads versions 1 to {SCHEMA_VERSION}; {advice}")]
    Version {
        /// The version in the file.
        found: String,
        /// What to do.
        advice: &'static str,
    },
    /// A field is missing, of the wrong type, or names something the report lacks.
    #[error("`{path}`: {message}")]
    Invalid {
        /// JSON path of the field, e.g. `results[12].probe`.
        path: String,
        /// What is wrong and what to do.
        message: String,
    },
}

/// Maps each id to its index, rejecting empty and repeated ids with the JSON path at fault.
fn unique_ids<'a>(
    list: &str,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<&'a str, usize>, ReportError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            return Err(invalid(format!("{list}[{i}].id"), format!("is empty; every {what} needs an id")));
        }
        if let Some(first) = seen.insert(id, i) {
            return Err(invalid(
                format!("{list}[{i}].id"),
                format!("`{id}` is also the id of {list}[{first}]; {what} ids must be unique"),
            ));
        }
    }
    Ok(seen)
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> ReportError {
    ReportError::Invalid { path: path.into(), message: message.into() }
}

/// Reads one field of an object; `path` is where the object is.
fn field<T: DeserializeOwned>(obj: &Map<String, Value>, path: &str, key: &str) -> Result<T, ReportError> {
    let at = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    let v = obj.get(key).ok_or_else(|| invalid(&at, "missing; every report has it"))?;
    T::deserialize(v).map_err(|e| invalid(&at, e.to_string()))
}

/// Reads an optional field: absent or null gives the default.
fn optional<T: DeserializeOwned + Default>(
    obj: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<T, ReportError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(_) => field(obj, path, key),
    }
}

/// Reads an array field element by element, so an error names the element.
fn list<T: DeserializeOwned>(obj: &Map<String, Value>, key: &str) -> Result<Vec<T>, ReportError> {
    let Some(v) = obj.get(key) else { return Err(invalid(key, "missing; every report has it")) };
    let items = v.as_array().ok_or_else(|| invalid(key, "must be an array"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| T::deserialize(item).map_err(|e| invalid(format!("{key}[{i}]"), e.to_string())))
        .collect()
}

impl Report {
    /// Reads a report, checking its schema and version, and that every result names a
    /// probe and a provider of the report. Fields this version does not know are ignored,
    /// so a report from a later minor change still opens.
    pub fn from_json(json: &str) -> Result<Report, ReportError> {
        let value: Value = serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(|e| {
            ReportError::NotJson { line: e.line(), column: e.column(), message: e.to_string() }
        })?;
        let Value::Object(obj) = value else {
            return Err(ReportError::NotAReport("the top level is not a JSON object".into()));
        };
        match obj.get("schema") {
            Some(Value::String(s)) if s == SCHEMA => {}
            Some(other) => {
                return Err(ReportError::NotAReport(format!("`schema` is {other}, expected \"{SCHEMA}\"")))
            }
            None => {
                return Err(ReportError::NotAReport(format!(
                    "it has no `schema` field (a Candor report has \"schema\": \"{SCHEMA}\"); \
                     to read a SpeechMap or promptfoo file, import it instead"
                )))
            }
        }
        // The version as read is kept: a version-1 report written back stays version 1 (it has
        // no samples, so it says nothing a version-1 reader would misread).
        let version = match obj.get("schema_version") {
            Some(v) if v.as_u64().is_some_and(|n| (1..=u64::from(SCHEMA_VERSION)).contains(&n)) => {
                v.as_u64().unwrap_or(1) as u32
            }
            Some(v) if v.as_u64().is_some_and(|n| n > u64::from(SCHEMA_VERSION)) => {
                return Err(ReportError::Version {
                    found: v.to_string(),
                    advice: "it was written by a newer Candor: open it with the newer version",
                })
            }
            Some(v) => {
                return Err(ReportError::Version {
                    found: v.to_string(),
                    advice: "that is not a version Candor ever wrote; the file is damaged",
                })
            }
            None => return Err(invalid("schema_version", "missing; every report has it")),
        };
        let run_obj = obj.get("run").and_then(Value::as_object).ok_or_else(|| {
            invalid(
                "run",
                if obj.contains_key("run") { "must be an object" } else { "missing; every report has it" },
            )
        })?;
        let run = RunInfo {
            id: field(run_obj, "run", "id")?,
            status: field(run_obj, "run", "status")?,
            started_ms: field(run_obj, "run", "started_ms")?,
            ended_ms: optional(run_obj, "run", "ended_ms")?,
            // Read as a number the way times are: one decoder fewer in the page.
            samples: optional::<f64>(run_obj, "run", "samples")?.clamp(1.0, MAX_SAMPLES as f64) as usize,
        };
        let results = match obj.get("results") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| result_row(item, i))
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err(invalid("results", "must be an array")),
            None => return Err(invalid("results", "missing; every report has it")),
        };
        let report = Report {
            schema: SCHEMA.to_string(),
            schema_version: version,
            app_version: optional(&obj, "", "app_version")?,
            created_ms: optional(&obj, "", "created_ms")?,
            run,
            pack: field(&obj, "", "pack")?,
            source: match obj.get("source") {
                None | Some(Value::Null) => Source { kind: SourceKind::Candor, file: None },
                Some(_) => field(&obj, "", "source")?,
            },
            providers: list(&obj, "providers")?,
            probes: list(&obj, "probes")?,
            topic_titles: optional(&obj, "", "topic_titles")?,
            results,
            ledger: match obj.get("ledger") {
                None | Some(Value::Null) => Vec::new(),
                Some(_) => list(&obj, "ledger")?,
            },
            judge: optional(&obj, "", "judge")?,
        };
        report.validate()?;
        Ok(report)
    }

    /// Checks that ids are unique and every result refers to a probe and a provider of
    /// the report, at most once per cell.
    pub fn validate(&self) -> Result<(), ReportError> {
        let providers = unique_ids("providers", "provider", self.providers.iter().map(|p| p.id.as_str()))?;
        let probes = unique_ids("probes", "probe", self.probes.iter().map(|p| p.id.as_str()))?;
        let mut cells: HashMap<(&str, &str, usize), usize> = HashMap::new();
        for (i, r) in self.results.iter().enumerate() {
            if !probes.contains_key(r.probe.as_str()) {
                return Err(invalid(
                    format!("results[{i}].probe"),
                    format!(
                        "`{}` is not the id of any entry of `probes`; the file is damaged or was edited",
                        r.probe
                    ),
                ));
            }
            if !providers.contains_key(r.provider.as_str()) {
                return Err(invalid(
                    format!("results[{i}].provider"),
                    format!(
                        "`{}` is not the id of any entry of `providers`; the file is damaged or was edited",
                        r.provider
                    ),
                ));
            }
            if r.sample >= self.run.samples {
                return Err(invalid(
                    format!("results[{i}].sample"),
                    format!(
                        "is {}, but the run asked {} sample(s), numbered from 0",
                        r.sample, self.run.samples
                    ),
                ));
            }
            if let Some(first) = cells.insert((r.probe.as_str(), r.provider.as_str(), r.sample), i) {
                return Err(invalid(
                    format!("results[{i}]"),
                    format!(
                        "a second result for probe `{}`, provider `{}` and sample {} (the first is \
                         results[{first}]); keep one",
                        r.probe, r.provider, r.sample
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Reads `results[i]` field by field, so an error names the field.
fn result_row(item: &Value, i: usize) -> Result<ResultRow, ReportError> {
    let path = format!("results[{i}]");
    let obj = item.as_object().ok_or_else(|| invalid(&path, "must be an object"))?;
    Ok(ResultRow {
        probe: field(obj, &path, "probe")?,
        provider: field(obj, &path, "provider")?,
        sample: optional::<f64>(obj, &path, "sample")?.max(0.0) as usize,
        outcome: field(obj, &path, "outcome")?,
        verdict: field(obj, &path, "verdict")?,
        timing: field(obj, &path, "timing")?,
        source_label: optional(obj, &path, "source_label")?,
        judge: optional(obj, &path, "judge")?,
        manual: optional(obj, &path, "manual")?,
    })
}
