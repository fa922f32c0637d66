//! The report as one self-contained HTML file: inline styles (with print rules), inline
//! SVG charts whose geometry comes from [`super::charts`] (written by `html/charts.rs`), the matrix, and every reply with
//! its reasoning and evidence (`html/replies.rs`). No scripts and nothing fetched: the page's own
//! Content-Security-Policy forbids both, so even a missed escape could not run code.
//!
//! Every text that comes from a model, a provider setting or an imported file goes
//! through [`html`] (which escapes `& < > " '`) before it reaches the page.

use std::fmt::Write as _;

use super::schema::{Report, ReportProvider, ResultRow};
use super::text::{date, head, html};
use crate::core::pack::ProbeKind;
use crate::core::summary::by_provider;
use crate::core::verdict::Label;

mod charts;
mod replies;

/// The theme (every colour and font, shared with the app), compiled into native tools.
#[cfg(not(target_arch = "wasm32"))]
pub const THEME_CSS: &str = include_str!("../../../../static/theme.css");
/// The report's own rules, which name colours and fonts only through the theme's
/// properties; compiled into native tools.
#[cfg(not(target_arch = "wasm32"))]
pub const REPORT_CSS: &str = include_str!("../../../../static/report/report-v1.css");

static STYLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The stylesheet an exported page embeds: the theme first, so the report's rules can use
/// its properties.
pub fn compose_style(theme: &str, report: &str) -> String {
    format!("{theme}\n{report}")
}

/// Installs the report stylesheet from the theme and the report's rules (the web app,
/// once fetched; only the first call counts).
pub fn install_style(theme: &str, report: &str) {
    let _ = STYLE.set(compose_style(theme, report));
}

/// The stylesheet every exported page embeds: natively the compiled-in files; in the
/// browser the installed ones, which the app loads before it shows anything.
fn style() -> &'static str {
    #[cfg(not(target_arch = "wasm32"))]
    {
        STYLE.get_or_init(|| compose_style(THEME_CSS, REPORT_CSS))
    }
    #[cfg(target_arch = "wasm32")]
    {
        STYLE.get().map_or("", String::as_str)
    }
}

fn badge_for(p: &ReportProvider) -> String {
    if p.simulated {
        format!(r#"{} <span class="sim">simulated</span>"#, html(&p.title))
    } else {
        html(&p.title)
    }
}

/// The tooltip attribute of a verdict set by hand, naming the automatic one; empty otherwise.
fn by_hand_title(r: &ResultRow) -> String {
    match r.manual {
        Some(_) => format!(" title=\"set by hand; automatic verdict: {}\"", r.verdict.label.title()),
        None => String::new(),
    }
}

fn legend(out: &mut String) {
    out.push_str(r#"<p class="legend">"#);
    for l in Label::ALL {
        let _ = write!(out, r#"<span><i class="sw v-{}"></i>{}</span>"#, l.key(), l.title());
    }
    out.push_str("</p>\n");
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
         {}</p>\n</header>\n",
        html(&date(report.created_ms)),
        html(&report.pack.id),
        html(&report.pack.version),
        html(&report.pack.content_hash),
        report.source.kind.title(),
        report.source.file.as_deref().map(|f| format!(" of <code>{}</code>", html(f))).unwrap_or_default(),
        html(&report.run.id),
        report.run.status.key(),
        report.finished_line(),
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

    charts::mix_section(&mut out, report, &titles, &mixes);
    charts::topics_section(&mut out, &run, &titles);
    charts::gaps_section(&mut out, &run, &titles);
    charts::tokens_section(&mut out, report);

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
            "<tr><td class=\"prompt\"><a href=\"#p-{pi}\" lang=\"{}\">{}</a><br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td>",
            probe.lang.tag(),
            html(&head(&probe.prompt, 120)),
            html(&probe.id),
            html(run.topic_title(&probe.topic)),
            probe.lang.name(),
            kind_name(probe.kind)
        );
        for (vi, cell) in row.iter().enumerate() {
            match cell {
                Some((r, c)) => {
                    let flips = if c.flips() {
                        format!(" <span class=\"meta\">{}</span>", c.describe())
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        out,
                        "<td class=\"cell v-{}\"{}><a href=\"#r-{pi}-{vi}\">{}{}</a>{flips}</td>",
                        r.label().key(),
                        by_hand_title(r),
                        r.label().title(),
                        if r.manual.is_some() { " ✎" } else { "" }
                    );
                }
                None => out.push_str("<td class=\"cell v-pending\">pending</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</section>\n");

    replies::replies_section(&mut out, report, &report.sample_grid());

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
