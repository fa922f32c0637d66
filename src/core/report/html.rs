//! The report as one self-contained HTML file: inline styles (with print rules), inline
//! SVG charts whose geometry comes from [`super::charts`], the matrix, and every reply with
//! its reasoning and evidence. No scripts and nothing fetched: the page's own
//! Content-Security-Policy forbids both, so even a missed escape could not run code.
//!
//! Every text that comes from a model, a provider setting or an imported file goes
//! through [`html`] (which escapes `& < > " '`) before it reaches the page.

use std::fmt::Write as _;

use super::charts::{answered_shares, cost_bars, grouped_bars, heatmap, ratios, stacked_bars, AxisLabel};
use super::figures::{control_gap, has_controls, language_gap, topic_mixes};
use super::schema::{Report, ResultRow};
use super::text::{date, head, html, pct};
use crate::core::pack::{Lang, ProbeKind};
use crate::core::summary::by_provider;
use crate::core::verdict::{Field, Label};

/// The report stylesheet's text, compiled into native tools.
#[cfg(not(target_arch = "wasm32"))]
const STYLE_CSS: &str = include_str!("../../../static/report/report-v1.css");

static STYLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Installs the report stylesheet (the web app, once fetched; only the first call counts).
pub fn install_style(css: &str) {
    let _ = STYLE.set(css.to_string());
}

/// The stylesheet every exported page embeds: natively the compiled-in file; in the
/// browser the installed one, which the app loads before it shows anything.
fn style() -> &'static str {
    #[cfg(not(target_arch = "wasm32"))]
    {
        STYLE.get_or_init(|| STYLE_CSS.to_string())
    }
    #[cfg(target_arch = "wasm32")]
    {
        STYLE.get().map_or("", String::as_str)
    }
}

fn svg_open(out: &mut String, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" role="img" aria-label="{t}">"#,
        w = width.max(1.0),
        h = height.max(1.0),
        t = html(title)
    );
}

fn text_end(out: &mut String, l: &AxisLabel) {
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
        l.x,
        l.y,
        html(&l.text)
    );
}

fn badge_for(p: &super::schema::ReportProvider) -> String {
    if p.simulated {
        format!(r#"{} <span class="sim">simulated</span>"#, html(&p.title))
    } else {
        html(&p.title)
    }
}

fn legend(out: &mut String) {
    out.push_str(r#"<p class="legend">"#);
    for l in Label::ALL {
        let _ = write!(out, r#"<span><i class="sw v-{}"></i>{}</span>"#, l.key(), l.title());
    }
    out.push_str("</p>\n");
}

fn series_legend(out: &mut String, names: &[String]) {
    out.push_str(r#"<p class="legend">"#);
    for (i, n) in names.iter().enumerate() {
        let _ = write!(out, r#"<span><i class="sw series-{i}"></i>{}</span>"#, html(n));
    }
    out.push_str("</p>\n");
}

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

/// The report as a self-contained HTML page.
pub fn to_html(report: &Report) -> String {
    let run = report.to_run();
    let grid = report.grid();
    let titles: Vec<String> = report.providers.iter().map(|p| p.display_title()).collect();
    let mut out = String::with_capacity(64 * 1024);

    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"Candor {}\">\n<title>Candor report: {}</title>\n<style>{}</style>\n\
         </head>\n<body>\n",
        html(&report.app_version),
        html(&report.subject()),
        style()
    );

    // Header.
    let _ = write!(
        out,
        "<header>\n<h1>Candor report</h1>\n<p class=\"meta\">{} · pack <b>{} {}</b> <code>{}</code> · {}{} · run <code>{}</code> ({}) · \
         {} of {} cells finished</p>\n</header>\n",
        html(&date(report.created_ms)),
        html(&report.pack.id),
        html(&report.pack.version),
        html(&report.pack.content_hash),
        report.source.kind.title(),
        report.source.file.as_deref().map(|f| format!(" of <code>{}</code>", html(f))).unwrap_or_default(),
        html(&report.run.id),
        report.run.status.key(),
        report.results.len(),
        report.probes.len() * report.providers.len(),
    );

    // Providers.
    out.push_str("<section id=\"providers\">\n<h2>Providers</h2>\n<table>\n<tr><th>Provider</th><th>Model</th><th>Base URL</th><th>Replies</th></tr>\n");
    let mixes = by_provider(&run);
    for (p, mix) in report.providers.iter().zip(&mixes) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
            badge_for(p),
            html(&p.model),
            html(&p.base_url),
            mix.total()
        );
    }
    out.push_str("</table>\n");
    if let Some(judge) = report.judge_summary() {
        let _ = writeln!(out, "<p class=\"note\" id=\"judge\">{}</p>", html(&judge));
    }
    if report.providers.iter().any(|p| p.simulated) {
        out.push_str(
            "<p class=\"note\">Providers marked <span class=\"sim\">simulated</span> are Candor's built-in demo: \
             canned replies, not a real model.</p>\n",
        );
    }
    out.push_str("</section>\n");

    // Verdict mix per provider.
    out.push_str("<section id=\"mix\">\n<h2>Verdicts per provider</h2>\n");
    legend(&mut out);
    let bars = stacked_bars(&titles, &mixes, 480.0);
    svg_open(&mut out, bars.width, bars.height, "Verdict mix per provider");
    for row in &bars.rows {
        text_end(&mut out, &row.label);
        if row.segments.is_empty() {
            let _ = write!(
                out,
                r#"<rect class="v-pending" x="{:.1}" y="{:.1}" width="480" height="{:.1}"/>"#,
                bars.axis_x, row.y, row.h
            );
        }
        for &(l, x, w) in &row.segments {
            let n = (w / 480.0 * f64::from(row.total)).round();
            let _ = write!(
                out,
                r#"<rect class="v-{}" x="{x:.2}" y="{:.1}" width="{w:.2}" height="{:.1}"><title>{}: {} ({n:.0} of {})</title></rect>"#,
                l.key(),
                row.y,
                row.h,
                l.title(),
                pct(w / 480.0),
                row.total
            );
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" dominant-baseline="middle">n={}</text>"#,
            bars.axis_x + 486.0,
            row.y + row.h / 2.0,
            row.total
        );
    }
    out.push_str("</svg>\n<table>\n<tr><th>Provider</th>");
    for l in Label::ALL {
        let _ = write!(out, "<th>{}</th>", l.title());
    }
    out.push_str("</tr>\n");
    for (p, mix) in report.providers.iter().zip(&mixes) {
        let _ = write!(out, "<tr><td>{}</td>", badge_for(p));
        for l in Label::ALL {
            let cell = if mix.total() == 0 { "—".to_string() } else { pct(mix.share(l)) };
            let _ = write!(out, "<td class=\"num\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</section>\n");

    // Topic × provider heatmap of the answered share.
    let topics = topic_mixes(&run);
    out.push_str("<section id=\"topics\">\n<h2>Answered share by topic</h2>\n");
    let rows: Vec<String> = topics.iter().map(|(t, _)| t.clone()).collect();
    let heat = heatmap(&rows, &titles, &answered_shares(&topics), 44.0);
    if heat.cells.is_empty() {
        out.push_str("<p class=\"note\">Nothing to show.</p>\n");
    } else {
        svg_open(&mut out, heat.width, heat.height, "Answered share by topic and provider");
        for l in &heat.row_labels {
            text_end(&mut out, l);
        }
        for l in &heat.col_labels {
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{y:.1}" transform="rotate(-45 {x:.1} {y:.1})">{}</text>"#,
                html(&l.text),
                x = l.x,
                y = l.y
            );
        }
        for c in &heat.cells {
            let n = topics[c.row].1[c.col].total();
            let what = c.value.map_or("no replies".to_string(), |v| format!("{} answered (n={n})", pct(v)));
            let _ = write!(
                out,
                r##"<rect class="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" stroke="#fff"><title>{} × {}: {}</title></rect>"##,
                c.class(),
                c.x,
                c.y,
                c.w,
                c.h,
                html(&rows[c.row]),
                html(&titles[c.col]),
                html(&what)
            );
            if let Some(v) = c.value {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="middle"{}>{}</text>"#,
                    c.x + c.w / 2.0,
                    c.y + c.h / 2.0,
                    if c.on_dark() { r#" class="on-dark""# } else { "" },
                    pct(v)
                );
            }
        }
        out.push_str("</svg>\n");
    }
    out.push_str("</section>\n");

    // The gaps.
    out.push_str("<section id=\"gaps\">\n<h2>Language gap</h2>\n<p class=\"note\">Answered share of the sensitive probes, by the language they were asked in.</p>\n");
    let lang_names: Vec<String> = Lang::ALL.iter().map(|l| l.label().to_string()).collect();
    series_legend(&mut out, &lang_names);
    grouped_svg(&mut out, &titles, &lang_names, &ratios(&language_gap(&run)), "Answered share by language");
    out.push_str("<h2>Control gap</h2>\n");
    if has_controls(&run) {
        out.push_str("<p class=\"note\">Answered share of the China-sensitive probes and of the matched control probes about other countries.</p>\n");
        let names = vec!["Sensitive".to_string(), "Control".to_string()];
        series_legend(&mut out, &names);
        let values = ratios(&control_gap(&run));
        grouped_svg(&mut out, &titles, &names, &values, "Answered share, sensitive and control");
    } else {
        out.push_str("<p class=\"note\">This run has no control probes.</p>\n");
    }
    out.push_str("</section>\n");

    // Tokens.
    let usage = report.token_use();
    if usage.iter().any(|u| u.prompt_tokens + u.completion_tokens > 0) {
        out.push_str("<section id=\"tokens\">\n<h2>Tokens</h2>\n<p class=\"legend\"><span><i class=\"sw tok-prompt-sw\"></i>prompt</span><span><i class=\"sw tok-completion-sw\"></i>completion</span></p>\n");
        let chart = cost_bars(&usage, &[], 360.0);
        // The token chart alone: its bars, plus room for labels such as "123456 + 1234567".
        let width = chart.bars.first().map_or(0.0, |b| b.cost_x + 60.0);
        svg_open(&mut out, width, chart.height, "Tokens per provider");
        for b in &chart.bars {
            text_end(&mut out, &AxisLabel { text: b.label.clone(), x: b.tokens_x - 8.0, y: b.y + b.h / 2.0 });
            let _ = write!(
                out,
                r#"<rect class="tok-prompt" x="{:.1}" y="{:.1}" width="{:.2}" height="{:.1}"/><rect class="tok-completion" x="{:.2}" y="{:.1}" width="{:.2}" height="{:.1}"/><text x="{:.1}" y="{:.1}" dominant-baseline="middle">{} + {}</text>"#,
                b.tokens_x,
                b.y,
                b.prompt_w,
                b.h,
                b.tokens_x + b.prompt_w,
                b.y,
                b.completion_w,
                b.h,
                b.tokens_x + b.prompt_w + b.completion_w + 6.0,
                b.y + b.h / 2.0,
                b.prompt_tokens,
                b.completion_tokens
            );
        }
        out.push_str("</svg>\n</section>\n");
    }

    // The matrix.
    out.push_str("<section id=\"matrix\">\n<h2>Matrix</h2>\n");
    legend(&mut out);
    out.push_str("<table class=\"matrix\">\n<tr><th>Probe</th><th>Topic</th><th>Language</th><th>Kind</th>");
    for p in &report.providers {
        let _ = write!(out, "<th>{}</th>", badge_for(p));
    }
    out.push_str("</tr>\n");
    for (pi, (probe, row)) in report.probes.iter().zip(&grid).enumerate() {
        let _ = write!(
            out,
            "<tr><td class=\"prompt\"><a href=\"#p-{pi}\">{}</a><br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td>",
            html(&head(&probe.prompt, 120)),
            html(&probe.id),
            html(&probe.topic),
            probe.lang.tag(),
            kind_name(probe.kind)
        );
        for (vi, cell) in row.iter().enumerate() {
            match cell {
                Some(r) => {
                    let _ = write!(
                        out,
                        "<td class=\"cell v-{}\"><a href=\"#r-{pi}-{vi}\">{}</a></td>",
                        r.verdict.label.key(),
                        r.verdict.label.title()
                    );
                }
                None => out.push_str("<td class=\"cell v-pending\">pending</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</section>\n");

    // Every reply.
    out.push_str("<section id=\"replies\">\n<h2>Replies</h2>\n");
    for (pi, (probe, row)) in report.probes.iter().zip(&grid).enumerate() {
        let _ = write!(
            out,
            "<article class=\"probe\" id=\"p-{pi}\">\n<h3>{}</h3>\n<p class=\"meta\"><code>{}</code> · {} · {} · {}",
            html(&probe.prompt),
            html(&probe.id),
            html(&probe.topic),
            probe.lang.label(),
            kind_name(probe.kind)
        );
        if !probe.expect.is_empty() {
            let _ = write!(out, " · expected facts: {}", html(&probe.expect.join(", ")));
        }
        out.push_str("</p>\n");
        for (vi, cell) in row.iter().enumerate() {
            reply_details(&mut out, pi, vi, &report.providers[vi], *cell, report.judge.as_ref());
        }
        out.push_str("</article>\n");
    }
    out.push_str("</section>\n");

    // Ledger.
    out.push_str("<section id=\"ledger\">\n<h2>Requests</h2>\n");
    if report.ledger.is_empty() {
        let why = if report.source.kind == super::schema::SourceKind::Candor {
            "No request was recorded (simulated providers make none)."
        } else {
            "Imported results: Candor made no requests for them."
        };
        let _ = writeln!(out, "<p class=\"note\">{why}</p>");
    } else {
        out.push_str("<p class=\"note\">Every request the run made, as sent (API keys are never recorded).</p>\n<table class=\"ledger\">\n<tr><th>Sent</th><th>Provider</th><th>What</th><th>Request</th><th>Status</th><th>Bytes out / in</th><th>Time</th><th>Served by</th><th>Error</th></tr>\n");
        for e in &report.ledger {
            let served = [e.served_model.as_deref(), e.upstream.as_deref()]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" via ");
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                html(&date(e.at_ms)),
                html(&e.purpose.provider),
                html(&e.purpose.what),
                html(&e.method),
                html(&e.url),
                e.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
                e.bytes_out,
                e.bytes_in,
                e.latency_ms.map(|l| format!("{l:.0} ms")).unwrap_or_else(|| "—".into()),
                html(&served),
                html(e.error.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");

    let _ = write!(
        out,
        "<footer>Made by Candor {} (report schema {}). Verdicts come from Candor's rules and text model; read the \
         replies before drawing conclusions. This file holds no API keys.</footer>\n</body>\n</html>\n",
        html(&report.app_version),
        report.schema_version
    );
    out
}

fn kind_name(k: ProbeKind) -> &'static str {
    match k {
        ProbeKind::Sensitive => "sensitive",
        ProbeKind::Control => "control",
    }
}

fn grouped_svg(
    out: &mut String,
    groups: &[String],
    series: &[String],
    values: &[Vec<Option<f64>>],
    title: &str,
) {
    let g = grouped_bars(groups, series, values, 1.0, 360.0);
    if g.bars.is_empty() {
        out.push_str("<p class=\"note\">Nothing to show.</p>\n");
        return;
    }
    svg_open(out, g.width, g.height, title);
    for l in &g.group_labels {
        text_end(out, l);
    }
    let _ = write!(
        out,
        r#"<line class="axis" x1="{x:.1}" y1="0" x2="{x:.1}" y2="{:.1}"/>"#,
        g.height,
        x = g.axis_x - 0.5
    );
    for b in &g.bars {
        let label = b.value.map_or("no data".to_string(), pct);
        let _ = write!(
            out,
            r#"<rect class="s{}" x="{:.1}" y="{:.1}" width="{:.2}" height="{:.1}"><title>{}, {}: {}</title></rect><text x="{:.1}" y="{:.1}" dominant-baseline="middle">{}</text>"#,
            b.series,
            b.x,
            b.y,
            b.w,
            b.h,
            html(&groups[b.group]),
            html(&series[b.series]),
            label,
            b.x + b.w + 4.0,
            b.y + b.h / 2.0,
            label
        );
    }
    out.push_str("</svg>\n");
}

fn reply_details(
    out: &mut String,
    pi: usize,
    vi: usize,
    p: &super::schema::ReportProvider,
    cell: Option<&ResultRow>,
    judge: Option<&super::schema::ReportProvider>,
) {
    let Some(r) = cell else {
        let _ = writeln!(
            out,
            "<details id=\"r-{pi}-{vi}\"><summary>{} · <span class=\"badge v-pending\">pending</span></summary><p class=\"note\">No reply: the run ended before this cell finished.</p></details>",
            badge_for(p)
        );
        return;
    };
    let _ = write!(
        out,
        "<details id=\"r-{pi}-{vi}\"><summary>{} · <span class=\"badge v-{}\">{}</span> <span class=\"meta\">confidence {:.2}</span>",
        badge_for(p),
        r.verdict.label.key(),
        r.verdict.label.title(),
        r.verdict.confidence
    );
    if let Some(s) = &r.source_label {
        let _ = write!(
            out,
            " <span class=\"meta\">· source label {}</span>",
            html(&super::import::describe_source_label(s))
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
            let _ = writeln!(out, "<div class=\"text\">{}</div>", marked(&reply.content, r, Field::Content));
        }
        match reply.reasoning.as_deref() {
            Some("") => out.push_str("<p class=\"note\">The server sent an empty reasoning trace.</p>\n"),
            Some(t) => {
                let _ = writeln!(
                    out,
                    "<details><summary>Reasoning ({} characters)</summary><div class=\"text reasoning\">{}</div></details>",
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
