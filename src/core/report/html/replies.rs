//! Every reply of the report, one `<details>` per cell: the text with the classifier's
//! evidence marked, the reasoning, what the server said about it, and the signals.

use std::fmt::Write as _;

use super::{badge_for, kind_name};
use crate::core::report::schema::{Report, ReportProvider, ResultRow};
use crate::core::report::text::html;
use crate::core::verdict::Field;

/// The reply text with the evidence spans the classifier pointed at marked.
fn marked(text: &str, r: &ResultRow, field: Field) -> String {
    let mut spans: Vec<(usize, usize)> = r
        .verdict
        .signals
        .iter()
        .filter(|s| s.field == field)
        .filter_map(|s| s.span)
        .filter(|&(a, b)| a < b && text.get(a..b).is_some())
        .collect();
    spans.sort_unstable();
    let mut out = String::new();
    let mut at = 0;
    for (a, b) in spans {
        // Overlapping evidence is shown once, from its first span.
        if a < at {
            continue;
        }
        out.push_str(&html(&text[at..a]));
        let _ = write!(out, "<mark>{}</mark>", html(&text[a..b]));
        at = b;
    }
    out.push_str(&html(&text[at..]));
    out
}

/// The replies section: one article per probe, one `<details>` per provider (per sample, when
/// the run asked each probe more than once).
pub(super) fn replies_section(out: &mut String, report: &Report, grid: &[Vec<Vec<&ResultRow>>]) {
    let n = report.run.samples;
    out.push_str("<section id=\"replies\">\n<h2>Replies</h2>\n");
    for (pi, (probe, row)) in report.probes.iter().zip(grid).enumerate() {
        let _ = write!(
            out,
            "<article class=\"probe\" id=\"p-{pi}\">\n<h3 lang=\"{}\">{}</h3>\n<p class=\"meta\"><code>{}</code> · {} · {} · {}",
            probe.lang.tag(),
            html(&probe.prompt),
            html(&probe.id),
            html(report.topic_titles.get(&probe.topic).unwrap_or(&probe.topic)),
            probe.lang.name(),
            kind_name(probe.kind)
        );
        if !probe.expect.is_empty() {
            let _ = write!(out, " · expected facts: {}", html(&probe.expect.join(", ")));
        }
        out.push_str("</p>\n");
        for (vi, cell) in row.iter().enumerate() {
            for s in 0..n {
                let r = cell.iter().find(|r| r.sample == s).copied();
                reply_details(
                    out,
                    (pi, vi, s, n),
                    probe.lang.tag(),
                    &report.providers[vi],
                    r,
                    report.judge.as_ref(),
                );
            }
        }
        out.push_str("</article>\n");
    }
    out.push_str("</section>\n");
}

fn reply_details(
    out: &mut String,
    (pi, vi, s, n): (usize, usize, usize, usize),
    lang: &str,
    p: &ReportProvider,
    cell: Option<&ResultRow>,
    judge: Option<&ReportProvider>,
) {
    // A cell asked once keeps the anchor and summary it had before samples.
    let (id, which) = match (s, n) {
        (_, 1) => (format!("r-{pi}-{vi}"), String::new()),
        (0, _) => (format!("r-{pi}-{vi}"), format!(" · sample 1 of {n}")),
        _ => (format!("r-{pi}-{vi}-{s}"), format!(" · sample {} of {n}", s + 1)),
    };
    let Some(r) = cell else {
        let _ = writeln!(
            out,
            "<details id=\"{id}\"><summary>{}{which} · <span class=\"badge v-pending\">pending</span></summary><p class=\"note\">No reply: the run ended before this cell finished.</p></details>",
            badge_for(p)
        );
        return;
    };
    let _ = write!(
        out,
        "<details id=\"{id}\"><summary>{}{which} · <span class=\"badge v-{}\">{}</span> <span class=\"meta\">confidence {:.2}</span>",
        badge_for(p),
        r.label().key(),
        r.label().title(),
        r.verdict.confidence
    );
    if r.manual.is_some() {
        let _ = write!(
            out,
            " <span class=\"meta\">· set by hand; automatic verdict: {}</span>",
            r.verdict.label.title()
        );
    }
    if let Some(s) = &r.source_label {
        let _ = write!(
            out,
            " <span class=\"meta\">· source label {}</span>",
            html(&crate::core::report::import::describe_source_label(s))
        );
    }
    if let (Some(j), Some(judge)) = (&r.judge, judge) {
        let _ = write!(out, " <span class=\"meta\">· {}</span>", html(&j.describe(&judge.title)));
    }
    out.push_str("</summary>\n");
    if let Some(reply) = r.reply() {
        if reply.content.is_empty() {
            out.push_str("<p class=\"note\">The reply has no text.</p>\n");
        } else {
            let _ = writeln!(
                out,
                "<div class=\"text\" lang=\"{lang}\">{}</div>",
                marked(&reply.content, r, Field::Content)
            );
        }
        match reply.reasoning.as_deref() {
            Some("") => out.push_str("<p class=\"note\">The server sent an empty reasoning trace.</p>\n"),
            Some(t) => {
                let _ = writeln!(
                    out,
                    "<details><summary>Reasoning ({} characters)</summary><div class=\"text reasoning\" lang=\"{lang}\">{}</div></details>",
                    t.chars().count(),
                    marked(t, r, Field::Reasoning)
                );
            }
            None => {}
        }
        let mut facts = Vec::new();
        if let Some(f) = &reply.finish_reason {
            facts.push(format!("finish reason {}", html(f)));
        }
        if let Some(m) = &reply.model {
            facts.push(format!("served model {}", html(m)));
        }
        if let Some(u) = &reply.upstream_provider {
            facts.push(format!("served by {}", html(u)));
        }
        if let Some(u) = &reply.usage {
            if let (Some(pt), Some(ct)) = (u.prompt_tokens, u.completion_tokens) {
                facts.push(format!("{pt} prompt + {ct} completion tokens"));
            }
        }
        if r.timing.latency_ms > 0.0 {
            facts.push(format!("{:.0} ms", r.timing.latency_ms));
        }
        if !facts.is_empty() {
            let _ = writeln!(out, "<p class=\"meta\">{}</p>", facts.join(" · "));
        }
    }
    if let Some(e) = r.error_text() {
        let _ = writeln!(out, "<p><b>Error:</b> {}</p>", html(&e));
    }
    if !r.verdict.signals.is_empty() {
        out.push_str("<ul class=\"signals\">");
        for s in &r.verdict.signals {
            let _ = write!(out, "<li><code>{}</code>: {}</li>", html(s.name.key()), html(&s.reason));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</details>\n");
}
