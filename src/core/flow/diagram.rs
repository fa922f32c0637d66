//! The geometry of the data-flow diagram the UI draws as inline SVG: the browser and local
//! destinations on the left, remote ones in a column of jurisdiction zones on the right,
//! and one curved edge from the browser to each.

use crate::core::num::short;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::registry::{Place, Registry};
use super::tint::Tint;
use super::traffic::Traffic;
use super::wording::{self, jurisdiction_label, requests_label};

/// Which box of the diagram: the browser, the simulation, or a destination host.
///
/// Derived order is the order local boxes are stacked in: the demo reads best first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NodeId {
    /// The browser every edge starts from.
    Browser,
    /// The built-in simulation.
    Simulated,
    /// A host on this device or the local network.
    Local(String),
    /// A remote host, known or not (empty when the URL had none).
    Host(String),
}

impl fmt::Display for NodeId {
    /// `browser`, `simulated`, `local:<host>` or `host:<host>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Browser => f.write_str("browser"),
            NodeId::Simulated => f.write_str("simulated"),
            NodeId::Local(host) => write!(f, "local:{host}"),
            NodeId::Host(host) => write!(f, "host:{host}"),
        }
    }
}

/// A box in the diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowNode {
    /// Which box.
    pub id: NodeId,
    /// First line (the host).
    pub label: String,
    /// Second line (operator or where it is).
    pub sublabel: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Its colour.
    pub tint: Tint,
}

/// A curved arrow from the browser to a destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowEdge {
    /// Source node (always [`NodeId::Browser`]).
    pub from: NodeId,
    /// Destination node.
    pub to: NodeId,
    /// SVG path data: one cubic Bézier, `M x y C x y, x y, x y`.
    pub path: String,
    /// Request count and bytes, e.g. `12 requests · ↑3.4 KB ↓34.5 KB`.
    pub label: String,
    /// Where the label goes (text start, baseline): just under the destination's left edge.
    pub label_at: (f64, f64),
    /// The destination node's colour.
    pub tint: Tint,
}

/// A labelled background region: the user's device and network, or one jurisdiction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowZone {
    /// Shown at the zone's top-left, e.g. `Your device / network` or `China (CN)`.
    pub label: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// [`Tint::Local`], [`Tint::Unknown`] or a jurisdiction's tint.
    pub tint: Tint,
}

/// Everything needed to draw the diagram in a `0 0 width height` SVG viewBox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowDiagram {
    /// viewBox width.
    pub width: f64,
    /// viewBox height.
    pub height: f64,
    /// Browser first, then local destinations, then remote ones top to bottom.
    pub nodes: Vec<FlowNode>,
    /// One per destination, in node order.
    pub edges: Vec<FlowEdge>,
    /// The local zone first, then one per jurisdiction group top to bottom.
    pub zones: Vec<FlowZone>,
}

const WIDTH: f64 = 760.0;
const MARGIN: f64 = 16.0;
const NODE_H: f64 = 44.0;
const GAP: f64 = 16.0;
const PITCH: f64 = NODE_H + GAP;
/// Room at the top of a zone for its label.
const ZONE_HEAD: f64 = 28.0;
const ZONE_PAD: f64 = 12.0;
const BROWSER_W: f64 = 120.0;
/// Local destinations sit one column right of the browser, from the row below it, so the
/// space to their left (under the browser) is free for edge labels: each label sits just
/// below its destination's left edge.
const LOCAL_X: f64 = MARGIN + ZONE_PAD + BROWSER_W + 24.0;
const LOCAL_W: f64 = 130.0;
const LOCAL_ZONE_W: f64 = LOCAL_X + LOCAL_W + ZONE_PAD - MARGIN;
/// Leaves about 150 px between the zones for the labels of edges to remote nodes.
const REMOTE_ZONE_X: f64 = 462.0;
const REMOTE_ZONE_W: f64 = WIDTH - MARGIN - REMOTE_ZONE_X;
/// The smallest horizontal pull of an edge's control points, so edges that run backwards
/// or straight down still curve instead of folding on themselves.
const MIN_PULL: f64 = 40.0;
/// The edge label's offset from its destination's bottom-left corner.
const EDGE_LABEL_DX: f64 = 8.0;
const EDGE_LABEL_DY: f64 = 11.0;

/// One destination with its summed traffic.
struct Dest {
    id: NodeId,
    label: String,
    sublabel: String,
    tint: Tint,
    requests: u64,
    bytes_out: u64,
    bytes_in: u64,
}

/// Where a remote destination's zone sits in the column: jurisdictions alphabetically,
/// unknown operators last.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Jurisdiction(String),
    Unknown,
}

impl Group {
    fn label(&self) -> String {
        match self {
            Group::Unknown => wording::unknown_zone().into(),
            Group::Jurisdiction(code) => jurisdiction_label(code, self.tint() == Tint::Eu),
        }
    }

    fn tint(&self) -> Tint {
        match self {
            Group::Unknown => Tint::Unknown,
            Group::Jurisdiction(code) => Tint::of_jurisdiction(code),
        }
    }
}

/// Sums traffic to the same place, whichever URL or spelling it arrived under.
fn add<K: Ord>(map: &mut BTreeMap<K, Dest>, key: K, dest: Dest) {
    match map.entry(key) {
        Entry::Occupied(mut e) => {
            let d = e.get_mut();
            d.requests = d.requests.saturating_add(dest.requests);
            d.bytes_out = d.bytes_out.saturating_add(dest.bytes_out);
            d.bytes_in = d.bytes_in.saturating_add(dest.bytes_in);
        }
        Entry::Vacant(e) => {
            e.insert(dest);
        }
    }
}

/// The box for a place, with its traffic.
fn dest_of(place: &Place, t: &Traffic) -> Dest {
    let (id, label, sublabel) = match place {
        Place::Simulated => (NodeId::Simulated, wording::simulated().0.to_string(), wording::simulated().1),
        Place::Local { host, kind } => (NodeId::Local(host.clone()), host.clone(), kind.phrase()),
        Place::Known(d) => (NodeId::Host(d.host.clone()), d.host.clone(), d.operator.as_str()),
        Place::Unknown { host } => {
            let shown = if host.is_empty() { wording::no_host().to_string() } else { host.clone() };
            (NodeId::Host(host.clone()), shown, wording::unknown_operator())
        }
    };
    Dest {
        id,
        label,
        sublabel: sublabel.to_string(),
        tint: place.tint(),
        requests: u64::from(t.requests),
        bytes_out: t.bytes_out,
        bytes_in: t.bytes_in,
    }
}

/// Lays out the data-flow diagram: the browser and local destinations inside a "Your
/// device / network" zone on the left, remote destinations in a column on the right,
/// grouped into one zone per jurisdiction (sorted by jurisdiction, then host), and one
/// curved edge from the browser to each destination. Traffic to the same place is summed.
/// The output depends only on the inputs' contents, not their order.
pub fn diagram(registry: &Registry, traffic: &[Traffic]) -> FlowDiagram {
    let mut local: BTreeMap<NodeId, Dest> = BTreeMap::new();
    let mut remote: BTreeMap<(Group, NodeId), Dest> = BTreeMap::new();
    for t in traffic {
        let place = registry.place(&t.host_or_url);
        let dest = dest_of(&place, t);
        match &place {
            Place::Simulated | Place::Local { .. } => add(&mut local, dest.id.clone(), dest),
            Place::Known(d) => {
                add(&mut remote, (Group::Jurisdiction(d.jurisdiction.clone()), dest.id.clone()), dest)
            }
            Place::Unknown { .. } => add(&mut remote, (Group::Unknown, dest.id.clone()), dest),
        }
    }

    let mut zones = Vec::new();

    // Left: the browser, with local destinations in the next column from the row below it.
    let browser = FlowNode {
        id: NodeId::Browser,
        label: wording::browser().0.into(),
        sublabel: wording::browser().1.into(),
        x: MARGIN + ZONE_PAD,
        y: MARGIN + ZONE_HEAD,
        w: BROWSER_W,
        h: NODE_H,
        tint: Tint::Browser,
    };
    let local_rows = 1 + local.len();
    let local_zone = FlowZone {
        label: wording::local_zone().into(),
        x: MARGIN,
        y: MARGIN,
        w: LOCAL_ZONE_W,
        h: ZONE_HEAD + local_rows as f64 * PITCH - GAP + ZONE_PAD,
        tint: Tint::Local,
    };
    let mut bottom = local_zone.y + local_zone.h;
    let mut dests: Vec<(FlowNode, &Dest)> = Vec::new();
    for (i, d) in local.values().enumerate() {
        let node = node_for(d, LOCAL_X, browser.y + (i + 1) as f64 * PITCH, LOCAL_W);
        dests.push((node, d));
    }
    zones.push(local_zone);

    // Right: one zone per jurisdiction group, stacked.
    let mut y = MARGIN;
    let mut groups: Vec<(&Group, Vec<&Dest>)> = Vec::new();
    for ((group, _), d) in &remote {
        match groups.last_mut() {
            Some((g, list)) if *g == group => list.push(d),
            _ => groups.push((group, vec![d])),
        }
    }
    for (group, list) in groups {
        let h = ZONE_HEAD + list.len() as f64 * PITCH - GAP + ZONE_PAD;
        for (i, d) in list.iter().enumerate() {
            let node = node_for(
                d,
                REMOTE_ZONE_X + ZONE_PAD,
                y + ZONE_HEAD + i as f64 * PITCH,
                REMOTE_ZONE_W - 2.0 * ZONE_PAD,
            );
            dests.push((node, d));
        }
        zones.push(FlowZone {
            label: group.label(),
            x: REMOTE_ZONE_X,
            y,
            w: REMOTE_ZONE_W,
            h,
            tint: group.tint(),
        });
        y += h + GAP;
        bottom = bottom.max(y - GAP);
    }

    let edges = dests
        .iter()
        .map(|(node, d)| FlowEdge {
            from: NodeId::Browser,
            to: node.id.clone(),
            path: curve(&browser, node),
            label: requests_label(d.requests, d.bytes_out, d.bytes_in),
            label_at: (node.x + EDGE_LABEL_DX, node.y + node.h + EDGE_LABEL_DY),
            tint: d.tint,
        })
        .collect();
    let mut nodes = vec![browser];
    nodes.extend(dests.into_iter().map(|(n, _)| n));
    FlowDiagram { width: WIDTH, height: bottom + MARGIN, nodes, edges, zones }
}

fn node_for(d: &Dest, x: f64, y: f64, w: f64) -> FlowNode {
    FlowNode {
        id: d.id.clone(),
        label: fit(&d.label, w, LABEL_CHAR_W),
        sublabel: fit(&d.sublabel, w, SUBLABEL_CHAR_W),
        x,
        y,
        w,
        h: NODE_H,
        tint: d.tint,
    }
}

/// Average advance of a Latin character in the node's first line (about 12 px sans-serif);
/// CJK characters count double. An estimate: the SVG text is measured by the browser, not
/// here, so it errs towards cutting early.
const LABEL_CHAR_W: f64 = 7.0;
/// The same for the second line (about 10 px).
const SUBLABEL_CHAR_W: f64 = 5.8;
/// Text inset on each side of a node.
const TEXT_INSET: f64 = 8.0;

/// `text`, cut with an ellipsis if it would run past a node `w` wide. The full operator
/// name is in the destinations table, so the diagram can afford to shorten it.
fn fit(text: &str, w: f64, char_w: f64) -> String {
    let budget = ((w - 2.0 * TEXT_INSET) / char_w).floor() as usize;
    let width = |c: char| if c.is_ascii() { 1 } else { 2 };
    if text.chars().map(width).sum::<usize>() <= budget {
        return text.to_string();
    }
    let mut used = 1; // the ellipsis
    let mut out = String::new();
    for c in text.chars() {
        used += width(c);
        if used > budget {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// A cubic Bézier from the middle of `from`'s right edge to the middle of `to`'s left edge,
/// leaving and arriving horizontally.
fn curve(from: &FlowNode, to: &FlowNode) -> String {
    let (x1, y1) = (from.x + from.w, from.y + from.h / 2.0);
    let (x2, y2) = (to.x, to.y + to.h / 2.0);
    let pull = ((x2 - x1) / 2.0).max(MIN_PULL);
    format!(
        "M {} {} C {} {}, {} {}, {} {}",
        num(x1),
        num(y1),
        num(x1 + pull),
        num(y1),
        num(x2 - pull),
        num(y2),
        num(x2),
        num(y2)
    )
}

/// A coordinate with at most one decimal and no trailing `.0`, so paths are short and
/// byte-for-byte reproducible.
fn num(v: f64) -> String {
    short(v, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_fit_its_node() {
        assert_eq!(fit("api.openai.com", 258.0, 7.0), "api.openai.com");
        let cut = fit("Hangzhou DeepSeek Artificial Intelligence Co., Ltd.", 130.0, 5.8);
        assert!(cut.ends_with('…') && cut.chars().count() <= 19, "{cut}");
        assert!(fit("北京月之暗面科技有限公司", 60.0, 5.8).chars().count() <= 4);
    }

    #[test]
    fn coordinates_print_without_trailing_zero() {
        assert_eq!(num(16.0), "16");
        assert_eq!(num(16.24), "16.2");
        assert_eq!(num(-8.5), "-8.5");
    }

    #[test]
    fn edges_leave_right_and_arrive_left() {
        let a = FlowNode {
            id: NodeId::Browser,
            label: String::new(),
            sublabel: String::new(),
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 40.0,
            tint: Tint::Browser,
        };
        let b = FlowNode { id: NodeId::Host("b".into()), x: 300.0, y: 100.0, ..a.clone() };
        assert_eq!(curve(&a, &b), "M 100 20 C 200 20, 200 120, 300 120");
    }

    #[test]
    fn node_ids_print_as_before() {
        assert_eq!(NodeId::Browser.to_string(), "browser");
        assert_eq!(NodeId::Local("localhost".into()).to_string(), "local:localhost");
        assert_eq!(NodeId::Host("api.openai.com".into()).to_string(), "host:api.openai.com");
        assert!(NodeId::Simulated < NodeId::Local("a".into()));
    }
}
