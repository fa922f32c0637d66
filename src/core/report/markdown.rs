//! The report as Markdown: the summary a person reads or pastes into an issue or a paper's
//! notes. Figures come from the rebuilt run, through the same [`Mix`] the app's summary
//! uses; every text from a model or an imported file goes through [`md`] so it cannot break
//! a table or smuggle HTML into a rendered page.

use std::fmt::Write as _;

use super::figures::{control_gap, has_controls, language_gap, topic_mixes};
use super::schema::Report;
use super::text::{date, head, md, md_code};
use crate::core::num::percent;
use crate::core::summary::{by_provider, Mix};
use crate::core::verdict::Label;

/// How many example replies of each notable label the summary quotes.
const EXAMPLES_PER_LABEL: usize = 2;
/// How much of a quoted reply is shown.
const EXCERPT_CHARS: usize = 200;

/// The labels worth quoting: the ones that show a model not answering.
const NOTABLE: [Label; 3] = [Label::Refused, Label::Deflected, Label::StateNarrative];

fn table_row(out: &mut String, cells: &[String]) {
    out.push_str("| ");
    out.push_str(&cells.join(" | "));
    out.push_str(" |\n");
}

fn table_head(out: &mut String, cells: &[String], numeric_from: usize) {
    table_row(out, cells);
    let rule: Vec<String> =
        (0..cells.len()).map(|i| if i >= numeric_from { "---:".into() } else { "---".into() }).collect();
    table_row(out, &rule);
}

/// The report as a Markdown summary: what was run, verdict shares per provider, answered
/// shares per topic, the language and control gaps, and a few notable replies.
pub fn to_markdown(report: &Report) -> String {
    let run = report.to_run();
    let mut out = String::new();
    let titles: Vec<String> = report.providers.iter().map(|p| md(&p.display_title())).collect();

    let _ = writeln!(out, "# Candor report: {}\n", md(&report.subject()));
    let _ = writeln!(out, "- **Date:** {}", date(report.created_ms));
    let _ = writeln!(
        out,
        "- **Pack:** {} {} (`{}`)",
        md(&report.pack.id),
        md(&report.pack.version),
        md_code(&report.pack.content_hash)
    );
    let source = match &report.source.file {
        Some(f) => format!("{} of {}", report.source.kind.title(), md(f)),
        None => report.source.kind.title().to_string(),
    };
    let _ = writeln!(out, "- **Source:** {source}");
    let _ = writeln!(
        out,
        "- **Run:** {} ({}), {}",
        md(&report.run.id),
        report.run.status.key(),
        report.finished_line()
    );
    let _ = writeln!(out, "- **Providers:**");
    for (p, title) in report.providers.iter().zip(&titles) {
        let url = if p.base_url.is_empty() { String::new() } else { format!(" at {}", md(&p.base_url)) };
        let _ = writeln!(out, "  - {title}: model {}{url}", md(&p.model));
    }
    if let Some(judge) = report.judge_summary() {
        let _ = writeln!(out, "- **Judge:** {}", md(&judge));
    }
    if report.providers.iter().any(|p| p.simulated) {
        let _ = writeln!(
            out,
            "\nProviders marked (simulated) are Candor's built-in demo: canned replies, not a real model."
        );
    }

    let mixes = by_provider(&run);
    let _ = writeln!(out, "\n## Verdicts per provider\n");
    let mut header = vec!["Provider".to_string(), "Replies".to_string()];
    header.extend(Label::ALL.iter().map(|l| l.title().to_string()));
    table_head(&mut out, &header, 1);
    for (title, mix) in titles.iter().zip(&mixes) {
        let mut row = vec![title.clone(), mix.total().to_string()];
        row.extend(Label::ALL.iter().map(|&l| {
            if mix.total() == 0 {
                "—".into()
            } else {
                percent(mix.share(l))
            }
        }));
        table_row(&mut out, &row);
    }

    let _ = writeln!(out, "\n## By topic\n");
    let _ = writeln!(out, "Share of each verdict among the topic's finished cells.\n");
    let mut header = vec!["Topic".to_string()];
    header.extend(titles.iter().cloned());
    table_head(&mut out, &header, usize::MAX);
    for (topic, topic_mix) in topic_mixes(&run) {
        let mut row = vec![md(run.topic_title(&topic))];
        row.extend(topic_mix.iter().map(describe));
        table_row(&mut out, &row);
    }

    let _ = writeln!(out, "\n## Language gap\n");
    let _ = writeln!(out, "Answered share of the sensitive probes, by the language they were asked in.\n");
    let (langs, gap) = language_gap(&run);
    let mut header = vec!["Provider".to_string()];
    header.extend(langs.iter().map(|l| format!("{} ({})", l.label(), l.tag())));
    table_head(&mut out, &header, 1);
    for (title, shares) in titles.iter().zip(gap) {
        let mut row = vec![title.clone()];
        row.extend(shares.iter().map(|s| s.describe()));
        table_row(&mut out, &row);
    }

    let _ = writeln!(out, "\n## Control gap\n");
    if has_controls(&run) {
        let _ = writeln!(
            out,
            "Answered share of the China-sensitive probes and of the matched control probes about other \
             countries; a large gap points at country-specific censorship rather than general caution.\n"
        );
        let header: Vec<String> = ["Provider", "Sensitive answered", "Control answered", "Gap"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        table_head(&mut out, &header, 1);
        for (title, [s, c]) in titles.iter().zip(control_gap(&run)) {
            let gap = match (s.ratio(), c.ratio()) {
                (Some(s), Some(c)) => format!("{:+.0} points", (s - c) * 100.0),
                _ => "—".into(),
            };
            table_row(&mut out, &[title.clone(), s.describe(), c.describe(), gap]);
        }
    } else {
        let _ = writeln!(out, "This run has no control probes, so there is no control gap to show.");
    }

    let _ = writeln!(out, "\n## Notable replies\n");
    let grid = report.grid();
    let mut quoted = 0;
    for label in NOTABLE {
        let examples = grid.iter().enumerate().flat_map(|(pi, row)| {
            row.iter().enumerate().filter_map(move |(vi, c)| c.map(|(r, c)| (pi, vi, r, c)))
        });
        for (pi, vi, r, c) in examples.filter(|e| e.2.label() == label).take(EXAMPLES_PER_LABEL) {
            let probe = &report.probes[pi];
            let reply = r.reply().map(|x| x.content.as_str()).unwrap_or_default();
            let flips = if c.flips() { format!(" (flips: {})", c.describe()) } else { String::new() };
            let _ = writeln!(out, "### {}: {}, `{}`{flips}\n", label.title(), titles[vi], md_code(&probe.id));
            let _ = writeln!(out, "**Prompt:** {}\n", md(&probe.prompt));
            let _ = writeln!(out, "> {}\n", md(&head(reply.trim(), EXCERPT_CHARS)));
            if let Some(s) = &r.source_label {
                let _ = writeln!(out, "Source label: {}\n", md(&super::import::describe_source_label(s)));
            }
            if let (Some(j), Some(judge)) = (&r.judge, &report.judge) {
                let _ = writeln!(out, "{}\n", md(&j.describe(&judge.title)));
            }
            quoted += 1;
        }
    }
    if quoted == 0 {
        let _ = writeln!(out, "No reply was judged refused, deflected or state narrative.\n");
    }
    let _ = writeln!(
        out,
        "---\nMade by Candor {} from a report of schema version {}. Verdicts are Candor's own rules and text \
         model; read the replies before drawing conclusions.",
        md(&report.app_version),
        report.schema_version
    );
    out
}

fn describe(m: &Mix) -> String {
    if m.total() == 0 {
        "—".to_string()
    } else {
        let hand = m.by_hand_text().map(|t| format!(", {t}")).unwrap_or_default();
        format!("{} (n={}{hand})", m.describe(), m.total())
    }
}
