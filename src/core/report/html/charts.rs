//! The report's charts as inline SVG: verdict mix, the topic heatmap, the two gaps and
//! tokens. Geometry comes from [`crate::core::report::charts`]; this module only writes it.

use std::fmt::Write as _;

use super::{badge_for, legend};
use crate::core::num::percent;
use crate::core::report::charts::{
    answered_shares, cost_bars, grouped_bars, heatmap, ratios, stacked_bars, AxisLabel,
};
use crate::core::report::figures::{control_gap, has_controls, language_gap, topic_mixes};
use crate::core::report::schema::Report;
use crate::core::report::text::html;
use crate::core::run::Run;
use crate::core::summary::Mix;
use crate::core::verdict::Label;

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

fn series_legend(out: &mut String, names: &[String]) {
    out.push_str(r#"<p class="legend">"#);
    for (i, n) in names.iter().enumerate() {
        let _ = write!(out, r#"<span><i class="sw series-{i}"></i>{}</span>"#, html(n));
    }
    out.push_str("</p>\n");
}

/// Verdict mix per provider: stacked bars and a table of shares.
pub(super) fn mix_section(out: &mut String, report: &Report, titles: &[String], mixes: &[Mix]) {
    out.push_str("<section id=\"mix\">\n<h2>Verdicts per provider</h2>\n");
    legend(out);
    let bars = stacked_bars(titles, mixes, 480.0);
    svg_open(out, bars.width, bars.height, "Verdict mix per provider");
    for row in &bars.rows {
        text_end(out, &row.label);
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
                percent(w / 480.0),
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
    for (p, mix) in report.providers.iter().zip(mixes) {
        let _ = write!(out, "<tr><td>{}</td>", badge_for(p));
        for l in Label::ALL {
            let cell = if mix.total() == 0 { "—".to_string() } else { percent(mix.share(l)) };
            let _ = write!(out, "<td class=\"num\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    let by_hand: u32 = mixes.iter().map(|m| m.by_hand).sum();
    if by_hand > 0 {
        let _ = writeln!(
            out,
            "<p class=\"note\" id=\"by-hand\">{by_hand} verdicts set by hand (✎), counted above under the verdict set by hand.</p>"
        );
    }
    out.push_str("</section>\n");
}

/// Topic × provider heatmap of the answered share.
pub(super) fn topics_section(out: &mut String, run: &Run, titles: &[String]) {
    let topics = topic_mixes(run);
    out.push_str("<section id=\"topics\">\n<h2>Answered share by topic</h2>\n");
    let rows: Vec<String> = topics.iter().map(|(t, _)| run.topic_title(t).to_string()).collect();
    let heat = heatmap(&rows, titles, &answered_shares(&topics), 44.0);
    if heat.cells.is_empty() {
        out.push_str("<p class=\"note\">Nothing to show.</p>\n");
    } else {
        svg_open(out, heat.width, heat.height, "Answered share by topic and provider");
        for l in &heat.row_labels {
            text_end(out, l);
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
            let what =
                c.value.map_or("no replies".to_string(), |v| format!("{} answered (n={n})", percent(v)));
            let _ = write!(
                out,
                r#"<rect class="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{} × {}: {}</title></rect>"#,
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
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="middle" class="{}">{}</text>"#,
                    c.x + c.w / 2.0,
                    c.y + c.h / 2.0,
                    if c.on_dark() { "on-dark" } else { "on-light" },
                    percent(v)
                );
            }
        }
        out.push_str("</svg>\n");
    }
    out.push_str("</section>\n");
}

/// The language gap and the control gap.
pub(super) fn gaps_section(out: &mut String, run: &Run, titles: &[String]) {
    out.push_str("<section id=\"gaps\">\n<h2>Language gap</h2>\n<p class=\"note\">Answered share of the sensitive probes, by the language they were asked in.</p>\n");
    let (langs, shares) = language_gap(run);
    let lang_names: Vec<String> = langs.iter().map(|l| l.label().to_string()).collect();
    series_legend(out, &lang_names);
    grouped_svg(out, titles, &lang_names, &ratios(&shares), "Answered share by language");
    out.push_str("<h2>Control gap</h2>\n");
    if has_controls(run) {
        out.push_str("<p class=\"note\">Answered share of the China-sensitive probes and of the matched control probes about other countries.</p>\n");
        let names = vec!["Sensitive".to_string(), "Control".to_string()];
        series_legend(out, &names);
        let values = ratios(&control_gap(run));
        grouped_svg(out, titles, &names, &values, "Answered share, sensitive and control");
    } else {
        out.push_str("<p class=\"note\">This run has no control probes.</p>\n");
    }
    out.push_str("</section>\n");
}

/// Tokens per provider, when any reply reported them.
pub(super) fn tokens_section(out: &mut String, report: &Report) {
    let usage = report.token_use();
    if usage.iter().any(|u| u.tokens.prompt + u.tokens.completion > 0) {
        out.push_str("<section id=\"tokens\">\n<h2>Tokens</h2>\n<p class=\"legend\"><span><i class=\"sw tok-prompt-sw\"></i>prompt</span><span><i class=\"sw tok-completion-sw\"></i>completion</span></p>\n");
        let chart = cost_bars(&usage, &[], 360.0);
        // The token chart alone: its bars, plus room for labels such as "123456 + 1234567".
        let width = chart.bars.first().map_or(0.0, |b| b.cost_x + 60.0);
        svg_open(out, width, chart.height, "Tokens per provider");
        for b in &chart.bars {
            text_end(out, &AxisLabel { text: b.label.clone(), x: b.tokens_x - 8.0, y: b.y + b.h / 2.0 });
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
        let label = b.value.map_or("no data".to_string(), percent);
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
