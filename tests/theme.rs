//! One theme for the app and its exported reports: every colour and font is a custom
//! property of `static/theme.css`; the app's and the report's stylesheets only name them,
//! the page links the theme, and every exported HTML report embeds it whole.
#![cfg(not(target_arch = "wasm32"))]

use candor::core::report::html::{compose_style, REPORT_CSS, THEME_CSS};
use candor::core::report::{to_html, Report};

const APP_CSS: &str = include_str!("../static/style.css");
const INDEX_HTML: &str = include_str!("../index.html");

/// The custom properties a stylesheet defines (`--name:`).
fn defined(css: &str) -> Vec<&str> {
    css.match_indices("--")
        .filter_map(|(i, _)| {
            let rest = &css[i..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))?;
            (rest[end..].starts_with(':') && !css[..i].ends_with("var(")).then(|| &rest[..end])
        })
        .collect()
}

/// The custom properties a stylesheet uses (`var(--name)`).
fn used(css: &str) -> Vec<&str> {
    css.match_indices("var(--")
        .map(|(i, _)| {
            let rest = &css[i + 4..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// Colour literals and font lists: what only the theme may contain.
fn literals(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in css.match_indices('#') {
        let hex: String = css[i + 1..].chars().take_while(char::is_ascii_hexdigit).collect();
        if matches!(hex.len(), 3 | 4 | 6 | 8) {
            found.push(format!("#{hex}"));
        }
    }
    for f in [
        "rgb(",
        "rgba(",
        "hsl(",
        "sans-serif",
        "monospace",
        "system-ui",
        ": white",
        " white;",
        ": black",
        " black;",
    ] {
        if css.contains(f) {
            found.push(f.to_string());
        }
    }
    found
}

#[test]
fn app_and_report_stylesheets_name_colours_and_fonts_only_through_the_theme() {
    let theme = defined(THEME_CSS);
    for (name, css) in [("static/style.css", APP_CSS), ("static/report/report-v1.css", REPORT_CSS)] {
        assert_eq!(literals(css), Vec::<String>::new(), "{name} has its own colours or fonts");
        assert!(defined(css).is_empty(), "{name} defines properties: {:?}", defined(css));
        for v in used(css) {
            assert!(theme.contains(&v), "{name} uses {v}, which static/theme.css does not define");
        }
    }
    // The checks above can fail: a literal and an undefined property are caught.
    assert_eq!(literals("a { color: #fff; font: 12px sans-serif }"), ["#fff", "sans-serif"]);
    assert!(!theme.contains(&"--nowhere"));
    assert!(used(REPORT_CSS).contains(&"--answered") && used(APP_CSS).contains(&"--answered"));
}

#[test]
fn the_dark_theme_only_overrides_properties_the_light_one_defines() {
    let (light, dark) = THEME_CSS.split_once("@media").expect("a dark block");
    assert!(dark.contains("prefers-color-scheme: dark"));
    let light = defined(light);
    for v in defined(dark) {
        assert!(light.contains(&v), "the dark theme sets {v}, which the light one lacks");
    }
    assert!(light.contains(&"--sans") && light.contains(&"--mono"));
}

#[test]
fn every_exported_report_embeds_the_theme_before_its_own_rules() {
    let json =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/saved/report-v1.json"))
            .expect("fixture");
    let page = to_html(&Report::from_json(&json).expect("report"));
    let style = format!("<style>{}</style>", compose_style(THEME_CSS, REPORT_CSS));
    assert!(page.contains(&style), "the page's stylesheet is not theme + report");
    let theme_at = page.find(THEME_CSS).expect("the theme, whole");
    assert!(theme_at < page.find(REPORT_CSS).expect("the report's rules, whole"));
    // Still one self-contained file: nothing linked or imported.
    assert!(!page.contains("<link") && !page.contains("@import"));
}

#[test]
fn the_app_links_the_theme_and_ships_the_copy_reports_are_built_with() {
    let links: Vec<&str> = INDEX_HTML.lines().filter(|l| l.contains("static/theme.css")).collect();
    assert!(links.iter().any(|l| l.contains(r#"rel="css""#)), "{links:?}");
    // The app fetches `report/theme.css` next to `report/report-v1.css` (ui::app).
    assert!(links
        .iter()
        .any(|l| l.contains(r#"rel="copy-file""#) && l.contains(r#"data-target-path="report""#)));
    let theme_link = INDEX_HTML.find(r#"href="static/theme.css""#).unwrap();
    assert!(theme_link < INDEX_HTML.find(r#"href="static/style.css""#).unwrap(), "the theme loads first");
}

/// The value of `--name` in the light theme, or in the dark one where it overrides it.
fn colour(name: &str, dark: bool) -> [f64; 3] {
    let (light_css, dark_css) = THEME_CSS.split_once("@media").expect("a dark block");
    let find = |css: &str| {
        let at = css.find(&format!("{name}:"))? + name.len() + 1;
        let value = css[at..].trim_start();
        let hex: String = value.strip_prefix('#')?.chars().take_while(char::is_ascii_hexdigit).collect();
        Some(hex)
    };
    let hex = (if dark { find(dark_css) } else { None })
        .or_else(|| find(light_css))
        .unwrap_or_else(|| panic!("{name} is not a hex colour of the theme"));
    let hex = if hex.len() == 3 { hex.chars().flat_map(|c| [c, c]).collect() } else { hex };
    let byte = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"));
    [byte(0), byte(2), byte(4)]
}

/// WCAG 2.1 contrast ratio of two colours.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let lum = |c: [f64; 3]| {
        let f = |v: f64| {
            let v = v / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn every_text_colour_meets_wcag_aa_on_its_background_in_both_schemes() {
    // (text, background) as the app's and the report's stylesheets pair them.
    let pairs = [
        ("--ink", "--bg"),
        ("--ink", "--panel"),
        ("--muted", "--bg"),
        ("--muted", "--panel"),
        ("--muted", "--pending"),
        ("--soft-ink", "--soft"),
        ("--soft-ink", "--panel"),
        ("--bar-ink", "--bar-bg"),
        ("--bar-muted", "--bar-bg"),
        ("--sim-ink", "--sim-bg"),
        ("--ok-ink", "--panel"),
        ("--bad-ink", "--panel"),
        ("--bad-ink", "--bg"),
        ("--accent-ink", "--accent"),
        ("--on-verdict", "--answered"),
        ("--on-verdict", "--refused"),
        ("--on-deflected", "--deflected"),
        ("--on-verdict", "--state_narrative"),
        ("--on-verdict", "--blocked"),
        ("--on-light", "--error"),
        ("--on-light", "--error-alt"),
        ("--on-light", "--error-alt2"),
        ("--ink", "--running"),
    ];
    let mut low = Vec::new();
    for dark in [false, true] {
        for (text, background) in pairs {
            let ratio = contrast(colour(text, dark), colour(background, dark));
            if ratio < 4.5 {
                low.push(format!(
                    "{text} on {background} ({}): {ratio:.2}:1",
                    if dark { "dark" } else { "light" }
                ));
            }
        }
    }
    assert_eq!(low, Vec::<String>::new(), "text below 4.5:1");
    // The check can fail: grey on white is caught.
    assert!(contrast([154.0, 163.0, 174.0], [255.0; 3]) < 4.5);
}
