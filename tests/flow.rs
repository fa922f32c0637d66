//! The destination registry loads and is well formed, every kind of URL is placed on this
//! device, the local network, a known or an unknown host, corrupt registries are rejected
//! with a message naming the host, and the data-flow diagram is laid out without overlaps.

use candor::core::flow::{
    diagram, format_bytes, FlowDiagram, FlowError, FlowNode, FlowZone, LocalKind, NodeId, Place, Registry,
    Tint, Traffic, BUILTIN_REGISTRY_JSON, TRAINING_VALUES,
};
use candor::core::provider::{Preset, DEMO_BASE_URL};

const REQUIRED_HOSTS: [&str; 16] = [
    "api.deepseek.com",
    "api.openai.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "openrouter.ai",
    "api.together.xyz",
    "api.fireworks.ai",
    "api.groq.com",
    "api.mistral.ai",
    "dashscope.aliyuncs.com",
    "dashscope-intl.aliyuncs.com",
    "api.moonshot.cn",
    "api.moonshot.ai",
    "open.bigmodel.cn",
    "api.x.ai",
    "api.perplexity.ai",
];

#[test]
fn builtin_registry_lists_every_required_host_with_https_sources() {
    let reg = Registry::from_json(BUILTIN_REGISTRY_JSON).expect("built-in registry is valid");
    assert_eq!(reg.version, "1");
    assert_eq!(reg.compiled, "2026-11-29");
    assert!(reg.note.contains("unknown"), "{}", reg.note);
    for host in REQUIRED_HOSTS {
        let d = reg.get(host).unwrap_or_else(|| panic!("{host} is missing"));
        for url in [&d.storage.source, &d.trains_on_api_data.source, &d.policy] {
            assert!(url.starts_with("https://"), "{host}: {url}");
        }
        assert!(TRAINING_VALUES.contains(&d.trains_on_api_data.value.as_str()), "{host}");
        assert!(d.trains_on_api_data.detail.as_deref().is_some_and(|s| !s.is_empty()), "{host} explains");
        let read = d.read.as_bytes();
        assert!(read.len() == 7 && read[4] == b'-', "{host} read `{}` is YYYY-MM", d.read);
    }
    assert_eq!(Registry::builtin(), reg);
}

#[test]
fn every_hosted_preset_is_in_the_registry() {
    let reg = Registry::builtin();
    for p in Preset::ALL {
        match reg.place(p.base_url()) {
            Place::Known(d) => assert!(!d.operator.is_empty(), "{p:?}"),
            Place::Local { .. } | Place::Simulated => assert!(!p.needs_key(), "{p:?} is local"),
            Place::Unknown { host } => assert!(host.is_empty(), "{p:?} ({host}) has no entry"),
        }
    }
}

#[test]
fn deepseek_is_chinese_and_stores_in_china() {
    let reg = Registry::builtin();
    let Place::Known(d) = reg.place("https://api.deepseek.com/v1/chat/completions") else {
        panic!("DeepSeek is known");
    };
    assert_eq!(d.jurisdiction, "CN");
    assert!(d.storage.value.contains("China"), "{}", d.storage.value);
    let label = reg.place("https://api.deepseek.com").label();
    assert!(label.starts_with("api.deepseek.com · ") && label.ends_with(" · CN"), "{label}");
    assert_eq!(reg.place("api.deepseek.com").jurisdiction(), Some("CN"));
    assert_eq!(reg.get("api.mistral.ai").unwrap().jurisdiction, "FR");
    assert_eq!(reg.get("dashscope-intl.aliyuncs.com").unwrap().jurisdiction, "SG");
}

fn local(host: &str, kind: LocalKind) -> Place {
    Place::Local { host: host.into(), kind }
}

#[test]
fn local_addresses_are_classified_before_the_registry() {
    use LocalKind::*;
    let reg = Registry::builtin();
    let table = [
        ("localhost", local("localhost", Loopback)),
        ("http://localhost:11434/v1", local("localhost", Loopback)),
        ("ollama.localhost", local("ollama.localhost", Loopback)),
        ("127.0.0.1", local("127.0.0.1", Loopback)),
        ("http://127.8.9.10:8080/v1", local("127.8.9.10", Loopback)),
        ("::1", local("::1", Loopback)),
        ("http://[::1]:8000/v1", local("::1", Loopback)),
        ("[::1]:8000", local("::1", Loopback)),
        ("10.1.2.3", local("10.1.2.3", Private)),
        ("172.16.0.1", local("172.16.0.1", Private)),
        ("172.31.255.254", local("172.31.255.254", Private)),
        ("http://192.168.0.10:8000/v1", local("192.168.0.10", Private)),
        ("169.254.1.1", local("169.254.1.1", Private)),
        ("100.64.0.7", local("100.64.0.7", Private)),
        ("fd00::1", local("fd00::1", Private)),
        ("http://[fe80::1]/", local("fe80::1", Private)),
        ("http://[::ffff:192.168.1.5]/", local("::ffff:192.168.1.5", Private)),
        ("printer.local", local("printer.local", LocalName)),
        ("http://gpu-box.lan:8080/v1", local("gpu-box.lan", LocalName)),
        ("llm.internal", local("llm.internal", LocalName)),
        ("nas.home.arpa", local("nas.home.arpa", LocalName)),
        ("my-box", local("my-box", LocalName)),
        ("http://My-Box:5000/v1", local("my-box", LocalName)),
        (DEMO_BASE_URL, Place::Simulated),
        ("DEMO://simulated", Place::Simulated),
    ];
    for (input, want) in table {
        let got = reg.place(input);
        assert_eq!(got, want, "{input}");
        assert!(!got.leaves_network(), "{input}");
        assert_eq!(got.jurisdiction(), None, "{input}");
    }
    // Just outside the private ranges.
    for public in ["172.32.0.1", "172.15.255.255", "100.128.0.1", "169.255.0.1", "8.8.8.8", "2001:db8::1"] {
        assert_eq!(reg.place(public), Place::Unknown { host: public.into() }, "{public}");
    }
}

#[test]
fn remote_hosts_are_normalised_and_matched_exactly() {
    let reg = Registry::builtin();
    let host = |input: &str| match reg.place(input) {
        Place::Known(d) => d.host.clone(),
        other => panic!("{input} gave {other:?}"),
    };
    assert_eq!(host("api.deepseek.com."), "api.deepseek.com");
    assert_eq!(host("https://API.OpenAI.com/v1"), "api.openai.com");
    assert_eq!(host("https://user:pw@openrouter.ai:443/api/v1"), "openrouter.ai");
    assert_eq!(host("https://www.openrouter.ai/api/v1"), "openrouter.ai");
    assert_eq!(host(" https://api.groq.com/openai/v1 "), "api.groq.com");
    // A subdomain or look-alike of a known host is not that host.
    for other in ["eu.api.deepseek.com", "api.deepseek.com.evil.example", "deepseek.com", "xapi.x.ai"] {
        assert_eq!(reg.place(other), Place::Unknown { host: other.into() }, "{other}");
    }
}

#[test]
fn unknown_hosts_stay_unknown_with_their_host() {
    let reg = Registry::builtin();
    let p = reg.place("https://llm.example.com:8443/v1/chat/completions");
    assert_eq!(p, Place::Unknown { host: "llm.example.com".into() });
    assert!(p.leaves_network());
    assert_eq!(p.jurisdiction(), None);
    assert_eq!(p.label(), "llm.example.com · unknown operator");
    assert_eq!(p.tint().css_class(), "unknown");
    assert_eq!(reg.place("").label(), "(no host) · unknown operator");
}

#[test]
fn labels_say_where_things_are() {
    let reg = Registry::builtin();
    assert_eq!(reg.place("http://localhost:11434/v1").label(), "localhost · on this device");
    assert_eq!(reg.place("http://192.168.1.5:8000/v1").label(), "192.168.1.5 · your local network");
    assert_eq!(reg.place("example.com").label(), "example.com · unknown operator");
    assert!(reg.place(DEMO_BASE_URL).label().contains("simulated"));
    let known = reg.place("api.anthropic.com");
    assert!(known.leaves_network());
    assert_eq!(known.tint().css_class(), "jur-us");
    assert_eq!(reg.place("api.mistral.ai").tint().css_class(), "jur-eu");
    assert_eq!(reg.place("api.moonshot.ai").tint().css_class(), "jur-other");
    assert_eq!(reg.place("open.bigmodel.cn").tint().css_class(), "jur-cn");
}

fn entry(host: &str, jurisdiction: &str) -> String {
    format!(
        r#"{{"host": "{host}", "operator": "Example Operator", "jurisdiction": "{jurisdiction}",
            "storage": {{"value": "Somewhere", "source": "https://example.com/privacy"}},
            "trains_on_api_data": {{"value": "unclear", "detail": "not stated", "source": "https://example.com/terms"}},
            "policy": "https://example.com/privacy", "read": "2025-01"}}"#
    )
}

fn registry(entries: &[String]) -> String {
    format!(
        r#"{{"version": "1", "compiled": "2026-11-29", "note": "n", "destinations": [{}]}}"#,
        entries.join(",")
    )
}

#[test]
fn corrupt_registries_are_rejected_naming_the_host() {
    assert!(Registry::from_json(&registry(&[entry("a.example", "US"), entry("b.example", "FR")])).is_ok());

    let dup =
        Registry::from_json(&registry(&[entry("a.example", "US"), entry("a.example", "FR")])).unwrap_err();
    assert_eq!(dup, FlowError::DuplicateHost("a.example".into()));
    assert!(dup.to_string().contains("a.example"), "{dup}");

    for bad in ["us", "USA", "U1", ""] {
        let err = Registry::from_json(&registry(&[entry("b.example", bad)])).unwrap_err();
        assert!(matches!(err, FlowError::BadJurisdiction { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("b.example"), "{err}");
    }

    let http = entry("c.example", "US").replace("https://example.com/terms", "http://example.com/terms");
    let err = Registry::from_json(&registry(&[http])).unwrap_err();
    assert!(
        matches!(&err, FlowError::BadSource { host, field: "trains_on_api_data.source", .. } if host == "c.example")
    );

    let no_op = entry("d.example", "US").replace("Example Operator", " ");
    let err = Registry::from_json(&registry(&[no_op])).unwrap_err();
    assert_eq!(err, FlowError::Empty { host: "d.example".into(), field: "operator" });

    let maybe = entry("e.example", "US").replace(r#""value": "unclear""#, r#""value": "maybe""#);
    let err = Registry::from_json(&registry(&[maybe])).unwrap_err();
    assert!(err.to_string().contains("e.example") && err.to_string().contains("maybe"), "{err}");

    let url = entry("https://f.example/v1", "US");
    assert_eq!(
        Registry::from_json(&registry(&[url])).unwrap_err(),
        FlowError::BadHost("https://f.example/v1".into())
    );

    let v2 = registry(&[]).replace(r#""version": "1""#, r#""version": "2""#);
    assert_eq!(Registry::from_json(&v2).unwrap_err(), FlowError::Version("2".into()));
    assert!(matches!(Registry::from_json("{}"), Err(FlowError::Json(_))));
}

#[test]
fn bytes_are_human_readable() {
    assert_eq!(format_bytes(512), "512 B");
    assert_eq!(format_bytes(12_600), "12.3 KB");
    assert_eq!(format_bytes(4 * 1024 * 1024), "4.0 MB");
}

fn traffic(host_or_url: &str, requests: u32, bytes_out: u64, bytes_in: u64) -> Traffic {
    Traffic { host_or_url: host_or_url.into(), requests, bytes_out, bytes_in }
}

fn sample() -> Vec<Traffic> {
    vec![
        traffic("https://api.deepseek.com", 12, 3_500, 35_328),
        traffic("https://api.openai.com/v1", 3, 900, 4_000),
        traffic("http://localhost:11434/v1", 5, 2_000, 10_000),
        traffic("http://localhost:8080/v1", 1, 100, 200),
        traffic("http://192.168.1.20:8000/v1", 2, 300, 600),
        traffic(DEMO_BASE_URL, 7, 0, 0),
        traffic("https://api.mistral.ai/v1", 1, 10, 20),
        traffic("https://llm.example.com/v1", 4, 400, 800),
        traffic("https://openrouter.ai/api/v1", 2, 200, 400),
        traffic("https://dashscope-intl.aliyuncs.com/compatible-mode/v1", 1, 1, 1),
        traffic("https://API.DEEPSEEK.COM./v1", 0, 0, 0),
    ]
}

fn overlaps(a: &FlowNode, b: &FlowNode) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

fn inside(n: &FlowNode, z: &FlowZone) -> bool {
    n.x >= z.x && n.y >= z.y && n.x + n.w <= z.x + z.w && n.y + n.h <= z.y + z.h
}

/// The node whose id prints as `id` (`browser`, `simulated`, `local:<host>`, `host:<host>`).
fn node<'a>(d: &'a FlowDiagram, id: &str) -> &'a FlowNode {
    d.nodes.iter().find(|n| n.id.to_string() == id).unwrap_or_else(|| panic!("no node {id}"))
}

#[test]
fn diagram_nodes_do_not_overlap_and_sit_in_their_zones() {
    let reg = Registry::builtin();
    let d = diagram(&reg, &sample());
    assert_eq!(d.width, 760.0);
    // Browser, demo, two local hosts (localhost twice is one node), six remote hosts.
    assert_eq!(d.nodes.len(), 1 + 3 + 6, "{:#?}", d.nodes);
    assert_eq!(d.nodes[0].id, NodeId::Browser);
    for (i, a) in d.nodes.iter().enumerate() {
        assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= d.width && a.y + a.h <= d.height, "{a:?}");
        assert!((40.0..=48.0).contains(&a.h));
        for b in &d.nodes[i + 1..] {
            assert!(!overlaps(a, b), "{} overlaps {}", a.id, b.id);
        }
    }
    for (i, a) in d.zones.iter().enumerate() {
        for b in &d.zones[i + 1..] {
            let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert!(apart, "zones {} and {} overlap", a.label, b.label);
        }
    }

    let local_zone = &d.zones[0];
    assert_eq!(local_zone.label, "Your device / network");
    for n in &d.nodes {
        let is_local = matches!(n.tint, Tint::Browser | Tint::Local | Tint::Simulated);
        assert_eq!(is_local, n.tint.is_local());
        assert_eq!(inside(n, local_zone), is_local, "{} in local zone", n.id);
        if !is_local {
            let zone =
                d.zones.iter().find(|z| inside(n, z)).unwrap_or_else(|| panic!("{} has no zone", n.id));
            assert_eq!(zone.tint, n.tint, "{}", n.id);
        }
    }
    let demo = node(&d, "simulated");
    assert_eq!(demo.label, "Demo (simulated)");
    assert_eq!(demo.tint.css_class(), "simulated");
    assert_eq!(node(&d, "local:localhost").sublabel, "on this device");
    assert_eq!(node(&d, "local:192.168.1.20").sublabel, "your local network");
    assert_eq!(node(&d, "host:llm.example.com").tint.css_class(), "unknown");
    assert_eq!(node(&d, "host:api.mistral.ai").tint.css_class(), "jur-eu");
    assert_eq!(node(&d, "host:dashscope-intl.aliyuncs.com").tint.css_class(), "jur-other");

    // Remote nodes run top to bottom by jurisdiction then host, unknown operators last.
    let remote: Vec<String> =
        d.nodes.iter().filter(|n| matches!(n.id, NodeId::Host(_))).map(|n| n.id.to_string()).collect();
    assert_eq!(
        remote,
        [
            "host:api.deepseek.com",
            "host:api.mistral.ai",
            "host:dashscope-intl.aliyuncs.com",
            "host:api.openai.com",
            "host:openrouter.ai",
            "host:llm.example.com"
        ]
    );
    let ys: Vec<f64> = d.nodes.iter().filter(|n| matches!(n.id, NodeId::Host(_))).map(|n| n.y).collect();
    assert!(ys.windows(2).all(|w| w[0] < w[1]), "{ys:?}");
    let labels: Vec<&str> = d.zones.iter().map(|z| z.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Your device / network",
            "China (CN)",
            "France (FR) · EU",
            "Singapore (SG)",
            "United States (US)",
            "Unknown operator"
        ]
    );
}

#[test]
fn diagram_edges_connect_nodes_and_carry_counts() {
    let reg = Registry::builtin();
    let d = diagram(&reg, &sample());
    assert_eq!(d.edges.len(), d.nodes.len() - 1);
    let browser = node(&d, "browser");
    for e in &d.edges {
        assert_eq!(e.from, NodeId::Browser);
        let to = d.nodes.iter().find(|n| n.id == e.to).unwrap();
        assert_eq!(e.tint, to.tint);
        // The label sits just under the destination, starting inside its left edge.
        assert!(e.label_at.0 > to.x && e.label_at.1 > to.y + to.h, "{:?}", e.label_at);
        // Starts on the browser's right edge and ends on the destination's left edge.
        let start = format!("M {} {} C ", browser.x + browser.w, browser.y + browser.h / 2.0);
        let end = format!(", {} {}", to.x, to.y + to.h / 2.0);
        assert!(e.path.starts_with(&start) && e.path.ends_with(&end), "{} → {}: {}", e.from, e.to, e.path);
        assert_eq!(e.path.matches(',').count(), 2, "one cubic segment: {}", e.path);
    }
    let label = |id: &str| d.edges.iter().find(|e| e.to.to_string() == id).unwrap().label.clone();
    // The two DeepSeek spellings are summed.
    assert_eq!(label("host:api.deepseek.com"), "12 requests · ↑3.4 KB ↓34.5 KB");
    assert_eq!(label("host:api.mistral.ai"), "1 request · ↑10 B ↓20 B");
    assert_eq!(label("local:localhost"), "6 requests · ↑2.1 KB ↓10.0 KB");
    assert_eq!(label("simulated"), "7 requests · ↑0 B ↓0 B");
}

#[test]
fn diagram_is_deterministic_and_grows_with_destinations() {
    let reg = Registry::builtin();
    let t = sample();
    let a = diagram(&reg, &t);
    let mut reversed = t.clone();
    reversed.reverse();
    assert_eq!(a, diagram(&reg, &t));
    assert_eq!(a, diagram(&reg, &reversed), "input order does not matter");
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&diagram(&reg, &reversed)).unwrap());

    let empty = diagram(&reg, &[]);
    assert_eq!(empty.nodes.len(), 1);
    assert!(empty.edges.is_empty());
    assert_eq!(empty.zones.len(), 1);
    assert!(inside(&empty.nodes[0], &empty.zones[0]));
    assert!(empty.height < a.height);

    let one = diagram(&reg, &t[..1]);
    let many: Vec<Traffic> =
        (0..20).map(|i| traffic(&format!("https://host{i:02}.example.net/v1"), 1, 1, 1)).collect();
    let big = diagram(&reg, &many);
    assert!(one.height < big.height);
    assert!(big.height >= 20.0 * 44.0 + 19.0 * 16.0, "{}", big.height);
    for (i, a) in big.nodes.iter().enumerate() {
        for b in &big.nodes[i + 1..] {
            assert!(!overlaps(a, b), "{} overlaps {}", a.id, b.id);
        }
        assert!(a.y + a.h <= big.height);
    }
}
